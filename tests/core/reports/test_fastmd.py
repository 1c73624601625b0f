"""The fast path for simple explanations gives exactly what markdown-it gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.reports import fastmd
from app.core.reports.markup import (
    _parser,
    _plain_parsed,
    _sanitise_parsed,
    clean_text,
    explanation_html,
    explanations_html,
    plain_text,
    plain_texts,
    sanitise_many,
    sanitise_markdown,
)

WORDS = st.sampled_from(
    ["the", "figure", "31,000", "2023", "utility's", "a", "(see", "page)", "x.", "—", "é",
     "\"quoted\"", "ok;", "why?", "#3", "1.", "2)", "-", "+", "=", ":", "*", "**", "_", "`",
     "[", "]", "<b>", "&amp;", "!", "|", "~", "\\", "  ", " ", "\t", "\u00a0", "Δ", "100%"]
)  # fmt: skip
URLS = st.sampled_from(
    ["https://council.example/minutes/2024-02", "http://a.example", "https://A.Example/x_y;z?q=1#f",
     "https://a.example/(x)", "javascript:alert(1)", "https://a.example/a b", "ftp://x.example",
     "<https://a.example/p>", "https://a.example/%41", "HTTPS://a.example"]
)  # fmt: skip


@st.composite
def inline(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 4))
        words = " ".join(draw(st.lists(WORDS, min_size=1, max_size=4)))
        if kind == 0:
            parts.append(words)
        elif kind == 1:
            parts.append(f"**{words}**")
        elif kind == 2:
            parts.append(f"*{words}*")
        elif kind == 3:
            parts.append(f"[{words}]({draw(URLS)})")
        else:
            parts.append(draw(st.sampled_from([" ", "", ", ", ". ", "(", ")", "'"])))
    return "".join(parts)


@st.composite
def document(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        lines = draw(st.lists(inline(), min_size=1, max_size=3))
        if draw(st.booleans()):
            lines = [f"- {line}" for line in lines]
        blocks.append("\n".join(lines))
    sep = draw(st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n", "\n \n"]))
    return sep.join(blocks) + draw(st.sampled_from(["", "\n", "\n\n"]))


def _check(text: str) -> bool:
    source = clean_text(text)
    blocks = fastmd.parse(source)
    if blocks is None:
        return False
    safe = _sanitise_parsed(source)
    assert fastmd.to_markdown(blocks) == safe
    assert fastmd.to_html(blocks) == _parser(False).render(safe)
    assert fastmd.to_plain(blocks) == _plain_parsed(source)
    return True


def test_bench_style_explanation_takes_the_fast_path() -> None:
    text = (
        "The figure comes from the utility's **2023 annual report**, which gives *31,000* "
        "households in district 7.\n\n- Table 4 lists the districts.\n- See the "
        "[council minutes](https://council.example/minutes/2024-02) for the budget.\n"
    )
    assert _check(text)
    assert _check("Plain words.\nSecond line (with a note).")


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_fast_path_matches_markdown_it_on_generated_markdown(text: str) -> None:
    _check(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab *_[]()<>#-+1.:\n'\"!&\\`|~h/tps"), max_size=60))
def test_fast_path_matches_markdown_it_on_arbitrary_text(text: str) -> None:
    _check(text)


# A report converts all its explanations together; each must come out exactly as if
# converted alone, whatever its neighbours hold (hostile text included).
explanation_lists = st.lists(
    st.one_of(
        document(),
        st.text(max_size=40),
        st.none(),
        st.sampled_from(["", "\n", "plain words\n\nand more", "- a\n- b", "x\x00y", "  lead"]),
    ),
    max_size=8,
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(explanation_lists)
def test_whole_report_conversion_matches_one_by_one(texts: list[str | None]) -> None:
    sources = [clean_text(t) if t else "" for t in texts]
    assert fastmd.in_subset(sources) == [fastmd.parse(s) is not None for s in sources]
    assert sanitise_many(texts) == [sanitise_markdown(t) for t in texts]
    assert explanations_html(texts) == [explanation_html(t) if t else "" for t in texts]
    assert plain_texts(texts) == [plain_text(t) for t in texts]


def test_whole_report_conversion_takes_the_fast_path_for_common_explanations() -> None:
    texts = [
        "The figure is in the **annual report**.\n\n- Table 4.\n- See [minutes](https://a.example/m).",
        "Plain prose, two lines\nof it.",
    ] * 3
    sources = [clean_text(t) for t in texts]
    assert fastmd.in_subset(sources) == [True] * 6
    assert sanitise_many(texts)[0] == (
        "The figure is in the **annual report**.\n\n- Table 4.\n- See [minutes](<https://a.example/m>)."
    )
