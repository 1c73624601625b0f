"""Explanation sanitising, the preview fragment, HTML and ClaimReview JSON-LD."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pyld import jsonld

from app.core.errors import ValidationError
from app.core.project import ProjectService
from app.core.reports import (
    ReportOptions,
    build_report,
    claimant_type,
    export,
    markdown_to_html_fragment,
    render_claimreview,
    render_html,
    render_markdown,
    sanitise_markdown,
)
from app.core.settings import Settings
from tests.core.reports.report_checks import STRICT, check_html, check_jsonld, check_markdown
from tests.core.reports.report_jsonld import offline_loader, requested, validate
from tests.core.reports.report_projects import make_sample_project

ORG = {"organisation": "Northbridge Fact Desk", "organisation_url": "https://desk.example/checks"}


# --- explanations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("plain words", "plain words"),
        ("**bold** and *em* and `code`", "**bold** and *em* and `code`"),
        ("- one\n- two", "- one\n- two"),
        ("1. first\n2. second", "1. first\n2. second"),
        ("[site](https://ok.example/a_(b))", "[site](<https://ok.example/a_(b)>)"),
        ("<https://ok.example/>", "[https://ok.example/](<https://ok.example/>)"),
        ("# Heading", "**Heading**"),
        ("Title\n=====", "**Title**"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("<javascript:alert(1)>", "\\<javascript:alert(1)\\>"),
        ("![pixel](https://t.example/p.gif)", "\\![pixel](<https://t.example/p.gif>)"),
        ("&lt;b&gt;", "\\<b\\>"),
        ("\\# literal", "\\# literal"),
        ("a | b", "a \\| b"),
        ("[ref]: https://evil.example/", ""),  # a definition shows nothing, in Markdown too
        (
            "[x][r]\n\n[r]: javascript:alert(1)",
            "\\[x\\]\\[r\\]\n\n\\[r\\]: javascript:alert(1)",
        ),
        ("[x][r]\n\n[r]: https://ok.example/", "[x](<https://ok.example/>)"),
        ("> quoted\n> more", "> quoted\n> more"),
        ("```\n<b>code</b>\n```", "```\n<b>code</b>\n```"),
        ("    indented", "```\nindented\n```"),
        ("---", "* * *"),
        ("x\x00y\u202ez", "xyz"),
    ],
)
def test_sanitise_markdown(source: str, expected: str) -> None:
    assert sanitise_markdown(source) == expected


def test_sanitised_explanation_renders_safely() -> None:
    nasty = (
        "# Big\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:x) [b](https://ok.example/)\n\n"
        "```js\n```` nested\n```\n\n- item <b>\n  - sub\n"
    )
    html = markdown_to_html_fragment(sanitise_markdown(nasty))
    assert "<img" not in html and "<b>" not in html and "<h1" not in html
    assert "javascript:" not in html.split("href=")[0] or 'href="javascript' not in html
    assert 'href="https://ok.example/"' in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_preview_fragment_is_restricted() -> None:
    html = markdown_to_html_fragment(
        "<script>x</script>\n\n[j](javascript:alert(1)) ![i](https://t.example/i.png) "
        "[ok](https://ok.example/)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "<img" not in html
    assert '<a href="https://ok.example/" rel="noopener noreferrer nofollow">ok</a>' in html
    assert "<table>" in html


# --- HTML -------------------------------------------------------------------------------


def test_html_report_is_standalone(sample: ProjectService) -> None:
    data = build_report(sample, ReportOptions(include_dismissed=True, signature_status="valid"))
    page = render_html(data)
    counts = check_html(page, data)
    assert counts["links"] > 0
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "@media print" in page and ".v-0 {" in page
    assert 'id="claim-' in page and "Factdesk 0.1.0" in page and "Signature:" in page
    assert "<script" not in page and " src=" not in page


def test_html_escapes_hostile_level_colours_and_titles(sample: ProjectService) -> None:
    from dataclasses import replace

    data = build_report(sample)
    level = data.scale.levels[0]
    evil = replace(level, colour="red;}</style><script>x</script>", label="<b>True</b>")
    scale = replace(data.scale, levels=(evil, *data.scale.levels[1:]))
    data = replace(data, scale=scale, project=replace(data.project, name="</title><script>"))
    page = render_html(data)
    check_html(page, data)
    assert "&lt;b&gt;True&lt;/b&gt;" in page and "<script>" not in page


# --- ClaimReview ------------------------------------------------------------------------


def _reviews(service: ProjectService) -> dict[str, object]:
    data = build_report(service, ReportOptions(include_dismissed=True))
    document = check_jsonld(render_claimreview(data, **ORG))
    validate(document)
    assert isinstance(document, dict)
    return document


def test_claimreview_matches_google_properties(sample: ProjectService) -> None:
    document = _reviews(sample)
    graph = document["@graph"]
    assert isinstance(graph, list) and len(graph) == 3  # the three rated claims
    first = graph[0]
    assert first["claimReviewed"] == "About 42,000 households are under the boil-water notice."
    assert first["reviewRating"]["alternateName"] == "False"
    assert (first["reviewRating"]["ratingValue"], first["reviewRating"]["bestRating"]) == (1, 5)
    assert first["reviewRating"]["worstRating"] == 1
    assert first["itemReviewed"]["author"] == {"@type": "Organization", "name": "Northbridge Water"}
    assert graph[1]["itemReviewed"]["author"]["@type"] == "Person"  # Dr Helen Okafor
    appearance = first["itemReviewed"]["appearance"]
    assert appearance["url"] == "https://courier.example/news/2024/boil-water-notice"
    assert first["itemReviewed"]["datePublished"] == "2024-03-12"
    assert first["author"]["name"] == "Northbridge Fact Desk"
    assert first["url"].startswith("https://desk.example/checks#claim-")
    assert first["inLanguage"] == "en"
    assert len({r["url"] for r in graph}) == 3


def test_claimreview_never_names_the_articles_author_as_the_claimant(
    sample: ProjectService,
) -> None:
    # A rated claim with no claimant: the article's reporter did not make it.
    unnamed = next(c for c in sample.claims() if not c.rating_label and not c.claimant)
    sample.set_rating(unnamed.id, "Half true")
    graph = _reviews(sample)["@graph"]
    (review,) = [r for r in graph if r["url"].endswith(unnamed.id)]
    assert "author" not in review["itemReviewed"]
    assert review["itemReviewed"]["appearance"]["url"].startswith("https://courier.example/")
    authors = [r["itemReviewed"].get("author", {}).get("name") for r in graph]
    assert "Amira Collins" not in authors and "The Northbridge Courier" not in authors
    validate(_reviews(sample))


def test_claimreview_conclusion_only_has_no_numbers(tmp_path: Path) -> None:
    service = make_sample_project(tmp_path / "c.factdesk", scale="conclusion-only")
    document = _reviews(service)
    ratings = [r["reviewRating"] for r in document["@graph"]]
    assert [r["alternateName"] for r in ratings] == ["Misleading", "Correct", "Unproven"]
    assert not any({"ratingValue", "bestRating", "worstRating"} & set(r) for r in ratings)
    md = render_markdown(build_report(service))
    assert "verdicts are short written conclusions" in md and "- Misleading" in md
    check_markdown(md, build_report(service))
    service.close()


def test_claimreview_expands_without_loss(sample: ProjectService) -> None:
    document = _reviews(sample)
    requested.clear()
    options = {"documentLoader": offline_loader}
    expanded = jsonld.expand(document, options)
    assert requested and all("schema.org" in url for url in requested)
    reviews = [n for n in expanded if "https://schema.org/ClaimReview" in n.get("@type", [])]
    assert len(reviews) == len(document["@graph"])
    for node, original in zip(reviews, document["@graph"], strict=True):
        keys = {k for k in original if not k.startswith("@")}
        assert {
            k.removeprefix("https://schema.org/") for k in node if not k.startswith("@")
        } == keys
        rating = node["https://schema.org/reviewRating"][0]
        assert {k.removeprefix("https://schema.org/") for k in rating if k != "@type"} == {
            k for k in original["reviewRating"] if k != "@type"
        }
        item = node["https://schema.org/itemReviewed"][0]
        assert item["@type"] == ["https://schema.org/Claim"]
        assert item["https://schema.org/appearance"][0]["https://schema.org/url"] == [
            {"@id": original["itemReviewed"]["appearance"]["url"]}
        ]
    # Compacting again with the same context gives the document back.
    compacted = jsonld.compact(expanded, "https://schema.org", options)
    assert compacted["@graph"] == document["@graph"]


def test_claimreview_needs_organisation(sample: ProjectService) -> None:
    data = build_report(sample)
    with pytest.raises(ValidationError, match="organisation"):
        render_claimreview(data, organisation="", organisation_url="https://x.example/")
    with pytest.raises(ValidationError, match="address"):
        render_claimreview(data, organisation="Desk", organisation_url="javascript:alert(1)")
    with pytest.raises(ValidationError, match="address"):
        export(sample, "claimreview", settings=Settings(organisation="Desk"))
    text = export(
        sample, "claimreview", settings=Settings(organisation="D", organisation_url="https://d.x/")
    )
    assert json.loads(text)["@graph"]


def test_claimreview_text_is_safe_in_a_script_element(sample: ProjectService) -> None:
    claim = sample.claims()[0]
    sample.update_claim(claim.id, wording="</script><script>alert(1)</script> & more")
    text = render_claimreview(build_report(sample), **ORG)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["@graph"][0]["claimReviewed"].startswith("</script>")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Dr Helen Okafor", "Person"),
        ("Amira Collins", "Person"),
        ("the health ministry", "Organization"),
        ("Ministry of Health", "Organization"),
        ("Northbridge City Council", "Organization"),
        ("Department of Transport", "Organization"),
        ("Acme Inc.", "Organization"),
        ("Acme Ltd", "Organization"),
        ("Environment Agency", "Organization"),
        ("NHS", "Organization"),
        ("Mr Biden", "Person"),
    ],
)
def test_claimant_type(name: str, kind: str) -> None:
    assert claimant_type(name) == kind


def test_export_formats(sample: ProjectService) -> None:
    settings = Settings(**ORG)
    assert export(sample, "markdown").startswith("# Verdict report")
    assert export(sample, "html").startswith("<!DOCTYPE html>")
    assert json.loads(export(sample, "claimreview", settings=settings))["@graph"]
    with pytest.raises(ValidationError):
        export(sample, "pdf")


def test_claimreview_export_is_the_same_without_reading_evidence(sample: ProjectService) -> None:
    # export() skips the evidence for ClaimReview, which does not show it.
    data = build_report(sample, ReportOptions(include_dismissed=True))
    assert any(claim.evidence for claim in data.claims)
    options = ReportOptions(include_dismissed=True)
    expected = render_claimreview(data, **ORG, language=data.project.language or "en")
    assert export(sample, "claimreview", options, settings=Settings(**ORG)) == expected


def test_reports_do_not_import_qt() -> None:
    code = "import sys, app.core.reports, app.cli.reports; print('PySide6' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert out.stdout.strip() == "False"


def test_links_in_markdown_are_the_recorded_ones(sample: ProjectService) -> None:
    md = render_markdown(build_report(sample, ReportOptions(include_dismissed=True)))
    hrefs = {
        child.attrGet("href")
        for tok in STRICT.parse(md)
        for child in tok.children or []
        if child.type == "link_open"
    }
    assert hrefs == {
        "https://courier.example/news/2024/boil-water-notice",
        "https://water.example/annual-2023.pdf",
        "https://web.archive.org/web/2024/https://water.example/annual-2023.pdf",
        "https://council.example/minutes/2024-02",
    }
