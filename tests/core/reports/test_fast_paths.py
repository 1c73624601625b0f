"""Shortcuts for common text give exactly what the general escaping gives."""

from __future__ import annotations

import json
from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.project import ProjectService
from app.core.reports import ReportOptions, build_report, render_claimreview
from app.core.reports.claimreview import _json, claim_reviews
from app.core.reports.html_report import _e, _link
from app.core.reports.markup import (
    _CONTROLS,
    _NEWLINES,
    _percent,
    clean_text,
    escape_inline,
    md_heading_text,
    md_link,
    md_text,
    one_line,
    protect_line_start,
    safe_url,
)

# Characters each shortcut must notice, mixed with ordinary text.
fields = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" \\`*_[]<>|~&#>+=:-.)!\"'\t\n\r\x00\x85\u2028\u202e\xa0١٢0123")),
        st.characters(codec="utf-8"),
    ),
    max_size=30,
)
urls = st.one_of(
    fields,
    st.builds(
        "{}://{}{}".format,
        st.sampled_from(["http", "https", "HTTPS", "javascript", "ftp"]),
        st.sampled_from(["a.example", "a-b.example", "x", "a..b", "[::1]", "ä.example"]),
        st.one_of(st.just(""), st.text(alphabet=st.characters(codec="ascii"), max_size=12)),
    ),
)


def slow_md_text(text: str | None) -> str:
    return protect_line_start(escape_inline(one_line(text)))


def slow_md_link(text: str | None, url: str | None) -> str:
    label, target = one_line(text), safe_url(url)
    if target is None:
        shown = " ".join(x for x in (label, one_line(url)) if x)
        return slow_md_text(shown) if shown else ""
    if not label or label == target:
        return f"<{_percent(target)}>"
    return f"[{escape_inline(label)}](<{_percent(target)}>)"


def slow_link(label: str | None, url: str | None) -> str:
    target = safe_url(url)
    text = escape(one_line(label), quote=True) or escape(one_line(url), quote=True)
    if target is None:
        return text
    return f'<a href="{escape(target, quote=True)}" rel="noopener noreferrer nofollow">{text}</a>'


@settings(max_examples=2000, deadline=None)
@given(fields)
def test_text_shortcuts_match_the_general_escaping(text: str) -> None:
    assert md_text(text) == slow_md_text(text)
    slow_heading = protect_line_start(escape_inline(one_line(text)).replace("#", "\\#"))
    assert md_heading_text(text) == slow_heading
    assert _e(text) == escape(one_line(text), quote=True)
    slow_clean = _CONTROLS.sub("", _NEWLINES.sub("\n", text).replace("\t", "    "))
    assert clean_text(text) == slow_clean


@settings(max_examples=2000, deadline=None)
@given(fields, urls)
def test_link_shortcuts_match_the_general_escaping(label: str, url: str) -> None:
    assert md_link(label, url) == slow_md_link(label, url)
    assert md_link(url, url) == slow_md_link(url, url)
    assert _link(label, url) == slow_link(label, url)


def test_common_fields_take_the_shortcuts() -> None:
    # Ordinary text comes back as it is; escaping still happens where it must.
    for text in ("Publisher 2", "Source document 1 for claim at 120", "Dr Helen Okafor"):
        assert md_text(text) is text and _e(text) is text
    assert md_text("1. not a list") == "1\\. not a list"
    assert md_text("١. not a list") == slow_md_text("١. not a list")
    assert md_heading_text("C# and F#") == "C\\# and F\\#"
    assert _e("a 'b' & <c>") == "a &#x27;b&#x27; &amp; &lt;c&gt;"
    url = "https://a.example/x?q=1"
    assert md_link("t", url) == f"[t](<{url}>)" and md_link(url, url) == f"<{url}>"
    odd = "https://a.example/a|b"  # linked, with the pipe percent-encoded
    assert md_link("t", odd) == slow_md_link("t", odd) == "[t](<https://a.example/a%7Cb>)"


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        fields,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(fields, inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=1000, deadline=None)
@given(json_values)
def test_claimreview_json_writer_matches_json_dumps(value: object) -> None:
    assert _json(value, "") == json.dumps(value, ensure_ascii=False, indent=2)


def test_claimreview_text_is_json_dumps_of_its_reviews(sample: ProjectService) -> None:
    data = build_report(sample, ReportOptions(include_dismissed=True))
    org = {"organisation": "Desk <&>", "organisation_url": "https://desk.example/c?a=1&b=2"}
    reviews = claim_reviews(data, **org)
    expected = json.dumps(
        {"@context": "https://schema.org", "@graph": reviews}, ensure_ascii=False, indent=2
    )
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        expected = expected.replace(raw, escaped)
    assert render_claimreview(data, **org) == expected + "\n"
