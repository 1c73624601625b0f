"""Property test: arbitrary strings in every field never break a report or inject anything.

Reports are built from records directly (not through the service), so values the service
would refuse — ``javascript:`` addresses, raw newlines in titles, control characters —
reach the renderers too. Each example is checked as Markdown (structure, no HTML, web links
only), as HTML (no scripts, no external loads) and as ClaimReview (schema, safe to embed).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.records import (
    ArticleInfo,
    AttachmentInfo,
    ClaimInfo,
    ClaimOrigin,
    ClaimStatus,
    EvidenceInfo,
    ParagraphRole,
    ProjectInfo,
    RatingLevelInfo,
    RatingScaleInfo,
    Stance,
)
from app.core.reports import (
    ArticleReport,
    NumberedClaim,
    ReportData,
    ReportOptions,
    markdown_to_html_fragment,
    render_claimreview,
    render_html,
    render_markdown,
    sanitise_markdown,
)
from app.core.reports.claimreview import claim_reviews
from app.core.reports.model import is_rated
from tests.core.reports.report_checks import STRICT, check_html, check_jsonld, check_markdown
from tests.core.reports.report_jsonld import validate

EXAMPLES = int(os.environ.get("FACTDESK_REPORT_EXAMPLES", "200"))  # bounded: suite stays fast
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
NASTY = [
    "|", "||", "\\|", "\n", "\r\n", "\r", "\n\n", "`", "``", "```", "~~~", "    ", "\t",
    "<script>alert(1)</script>", "</style>", "<img src=x onerror=alert(1)>", "<!--", "-->",
    "<div>", "</p>", "javascript:alert(1)", "[x](javascript:alert(1))", "[x](http://ok.example/)",
    "![i](https://t.example/p.gif)", "<http://a.example>", "<javascript:x>", "<mailto:a@b.c>",
    "&amp;", "&#60;", "&lt;", "&", "\\", "# ", "#", "> ", "- ", "+ ", "* ", "1. ", "1) ", "99.",
    "===", "---", "***", "___", "*", "_", "**", "__", "~~", "[", "]", "(", ")", "!", "![",
    "[a]: http://x.example", "[^1]", "https://ok.example/a_(b)", "www.example.com", "a@b.co",
    "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\u200b", "\ufeff", "\xa0",
    "e\u0301", "😀", "中文", "עברית", ":--", "|---|", "$x$", "{#id}", '"', "'", "=",
]  # fmt: skip
text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=6)), max_size=8).map("".join)
maybe = st.one_of(st.none(), text)
urls = st.one_of(
    st.none(),
    text,
    st.sampled_from(
        [
            "https://ok.example/path?q=1&r=2",
            "http://ok.example/a_(b)",
            "https://ok.example/x|y<z>\\",
            "https://ok.example/`tick`",
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "file:///etc/passwd",
            "//evil.example/x",
            "https://",
            "https://ok.example/ space",
        ]
    ),
)
stances = st.sampled_from(list(Stance))
statuses = st.sampled_from(list(ClaimStatus))
counters = {"examples": 0, "claims": 0, "links": 0, "rows": 0, "html_tags": 0, "reviews": 0}


@st.composite
def scales(draw: st.DrawFn) -> RatingScaleInfo:
    labels = draw(st.lists(text, max_size=4))
    conclusion_only = not labels
    levels = tuple(
        RatingLevelInfo(
            id=str(draw(st.uuids())),
            label=label,
            colour=draw(st.sampled_from(["#2e8540", "#ffffff", "red;}</style>", ""])),
            value=draw(st.one_of(st.none(), st.integers(1, len(labels)))),
            position=i,
            description=draw(text),
        )
        for i, label in enumerate(labels)
    )
    return RatingScaleInfo(
        id=str(draw(st.uuids())),
        name=draw(text),
        levels=levels,
        best_value=None if conclusion_only else float(len(labels)),
        worst_value=None if conclusion_only else 1.0,
    )


@st.composite
def evidence(draw: st.DrawFn, claim_id: str) -> EvidenceInfo:
    attachment = draw(
        st.one_of(
            st.none(),
            st.builds(
                AttachmentInfo,
                id=st.uuids().map(str),
                sha256=st.one_of(st.just("ab" * 32), text),
                filename=text,
                media_type=st.just("application/pdf"),
                size=st.just(10),
            ),
        )
    )
    return EvidenceInfo(
        id=str(draw(st.uuids())),
        claim_id=claim_id,
        url=draw(urls),
        title=draw(text),
        publisher=draw(text),
        accessed=draw(st.one_of(st.none(), st.just(date(2024, 4, 1)))),
        archive_url=draw(urls),
        stance=draw(stances),
        note=draw(text),
        attachment=attachment,
        position=0,
        revision=1,
        updated_at=NOW,
        updated_by=draw(text),
    )


@st.composite
def claims(draw: st.DrawFn, article_id: str, scale: RatingScaleInfo) -> ClaimInfo:
    claim_id = str(draw(st.uuids()))
    level = draw(st.one_of(st.none(), st.sampled_from(scale.levels))) if scale.levels else None
    label = draw(maybe) if not scale.levels else (level.label if level is not None else None)
    return ClaimInfo(
        id=claim_id,
        article_id=article_id,
        start=0,
        end=1,
        quote=draw(text),
        context_before="",
        context_after="",
        wording=draw(text),
        claimant=draw(maybe),
        kinds=(),
        score=None,
        origin=ClaimOrigin.DETECTED,
        status=draw(statuses),
        role=ParagraphRole.BODY,
        rating_id=level.id if level is not None else None,
        rating_label=label,
        explanation=draw(text),
        reviewer=draw(maybe),
        reviewed_at=NOW,
        created_at=NOW,
        updated_at=NOW,
        updated_by=draw(text),
        revision=1,
        evidence=tuple(draw(st.lists(evidence(claim_id), max_size=2))),
    )


@st.composite
def reports(draw: st.DrawFn) -> ReportData:
    scale = draw(scales())
    articles = []
    for _ in range(draw(st.integers(1, 2))):
        article_id = str(draw(st.uuids()))
        info = ArticleInfo(
            id=article_id,
            title=draw(text),
            outlet=draw(maybe),
            author=draw(maybe),
            url=draw(urls),
            published=draw(st.one_of(st.none(), st.just(date(2024, 3, 1)))),
            language=None,
            sha256="0" * 64,
            source_format="text",
            created_at=NOW,
            updated_at=NOW,
            revision=1,
        )
        drawn = draw(st.lists(claims(article_id, scale), max_size=3))
        items = tuple(NumberedClaim(n, c) for n, c in enumerate(drawn, 1))
        articles.append(ArticleReport(info, items))
    project = ProjectInfo(
        id=str(draw(st.uuids())),
        name=draw(text),
        description="",
        language=draw(st.sampled_from(["en", "de-CH", "x<y", ""])),
        scale=scale,
        created_at=NOW,
        updated_at=NOW,
    )
    options = ReportOptions(
        article_id=articles[0].article.id if len(articles) == 1 and draw(st.booleans()) else None,
        signature_status=draw(maybe),
    )
    return ReportData(project, scale, tuple(articles), options, NOW)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(reports())
def test_arbitrary_fields_stay_inert(data: ReportData) -> None:
    md = render_markdown(data)
    md_counts = check_markdown(md, data)
    html_counts = check_html(render_html(data), data)
    # The preview of the same Markdown: no raw HTML, no images, web links only.
    preview = markdown_to_html_fragment(md)
    assert "<script" not in preview and "<img" not in preview and "<style" not in preview
    org = {"organisation": "Desk <b>", "organisation_url": "https://desk.example/checks?a=1"}
    text = render_claimreview(data, **org)
    jsonld = check_jsonld(text)
    assert jsonld["@graph"] == json.loads(json.dumps(claim_reviews(data, **org)))
    validate(jsonld)
    rated = [c for c in data.claims if is_rated(c)]
    assert len(jsonld["@graph"]) == len(rated)
    counters["examples"] += 1
    counters["claims"] += len(data.claims)
    counters["links"] += md_counts["links"]
    counters["rows"] += md_counts["rows"]
    counters["html_tags"] += html_counts["tags"]
    counters["reviews"] += len(rated)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(NASTY), text), max_size=12).map("".join))
def test_explanations_keep_only_safe_markdown(source: str) -> None:
    safe = sanitise_markdown(source)
    again = sanitise_markdown(safe)
    for text in (safe, again):
        tokens = STRICT.parse(text)
        every = [t for tok in tokens for t in [tok, *(tok.children or [])]]
        kinds = {t.type for t in every}
        assert not kinds & {"html_block", "html_inline", "image", "heading_open", "table_open"}
        for t in every:
            if t.type == "link_open":
                assert str(t.attrGet("href")).startswith(("http://", "https://"))
    # Re-sanitising is almost always a no-op. Not always: runs like "***|* |*" pair their
    # emphasis differently once escaped (cosmetic, never structural), so it is counted.
    counters["explanations"] = counters.get("explanations", 0) + 1
    counters["idempotent"] = counters.get("idempotent", 0) + (again == safe)


def test_zz_report_counts(capsys: object) -> None:
    """Print how much the property tests exercised (after they ran, in file order)."""
    print(f"hostile-content property counts: {counters}")
