"""The verdict report as Markdown: readable as source, and rendered by any viewer.

Layout (heading levels are fixed; the tests rely on them)::

    # Verdict report: <title>            title block: project, counts, scale
    ## <article title>                   one per article: metadata list
    ### Summary                          table: #, claim, claimant, verdict
    ### Claims
    #### Claim <n> — <verdict>           one per claim: quote, facts, explanation, evidence
    ## Rating scale                      legend
    ---                                  footer: version, time, scope, signature

Every user field goes through :mod:`app.core.reports.markup`; explanations are
re-written by :func:`~app.core.reports.markup.sanitise_markdown` (for a whole report at
once, :func:`~app.core.reports.markup.sanitise_many`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from app.collector import without_cycle_collection
from app.core.records import ClaimStatus
from app.core.reports import text as t
from app.core.reports.markup import (
    MD_TEXT_WORK,
    by_distinct_value,
    excerpt,
    md_heading_text,
    md_lines,
    md_link,
    md_text,
    one_line,
    plain_destinations,
    safe_url,
    sanitise_many,
    unchanged_fields,
)
from app.core.reports.model import (
    ArticleReport,
    ReportClaim,
    ReportData,
    ReportEvidence,
    is_rated,
)

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _field(name: str, value: str) -> str:
    return f"- **{name}:** {value}"


def _title_block(data: ReportData) -> list[str]:
    lines = [f"# Verdict report: {md_heading_text(data.title)}", ""]
    facts = []
    if data.options.article_id is not None:
        facts.append(_field("Project", md_text(data.project.name)))
    facts.append(_field("Claims", md_text(t.counts_line(data))))
    facts.append(_field("Rating scale", md_text(data.scale.name)))
    lines += facts
    return lines


def _article_meta(article: ArticleReport) -> list[str]:
    a = article.article
    facts = []
    if one_line(a.outlet):
        facts.append(_field("Outlet", md_text(a.outlet)))
    if one_line(a.author):
        facts.append(_field("Author", md_text(a.author)))
    if a.published is not None:
        facts.append(_field("Published", t.day(a.published)))
    if one_line(a.url):
        facts.append(_field("Address", md_link(a.url, a.url)))
    return facts


def _summary(claims: tuple[ReportClaim, ...], first: int) -> list[str]:
    lines = ["| # | Claim | Claimant | Verdict |", "|--:|:--|:--|:--|"]
    for n, claim in enumerate(claims, first):
        wording = md_text(excerpt(claim.wording or claim.quote, t.SUMMARY_EXCERPT)) or "—"
        claimant = md_text(claim.claimant) or "—"
        verdict = _verdicts(claim.status == ClaimStatus.DISMISSED, claim.rating_label)[0]
        lines.append(f"| {n} | {wording} | {claimant} | {verdict} |")
    return lines


def _unchanged_by_md_text(values: list[str | None]) -> list[bool]:
    return unchanged_fields(values, MD_TEXT_WORK)


def _plain_evidence(evidence: list[ReportEvidence]) -> list[bool]:
    """For each item, whether :func:`_evidence` may write it straight from its fields.

    That is: a title, a linkable address and a publisher and note as md_text gives them
    back, no attachment, and no archive address or a linkable one. Checked a whole
    column at a time (see :func:`~app.core.reports.markup.unchanged_fields`); most
    evidence people record qualifies.
    """
    columns = (
        _unchanged_by_md_text([e.title for e in evidence]),
        by_distinct_value([e.publisher for e in evidence], _unchanged_by_md_text),
        by_distinct_value([e.note for e in evidence], _unchanged_by_md_text),
        plain_destinations([e.url for e in evidence]),
        plain_destinations([e.archive_url for e in evidence]),
    )
    return [
        title and publisher and note and url and (archive or not e.archive_url)
        and e.attachment is None and bool(e.title) and e.title != e.url
        for e, title, publisher, note, url, archive in zip(evidence, *columns, strict=True)
    ]  # fmt: skip


def _evidence(index: int, ev: ReportEvidence, plain: bool) -> list[str]:
    pad = " " * (len(str(index)) + 2)
    if plain:  # what the general case below gives for such an item
        head = f"[{ev.title}](<{ev.url}>)"
        if ev.publisher:
            head += f" — {ev.publisher}"
        lines = [f"{index}. {head}", f"{pad}- **Stance:** {_stance(ev.stance)}"]
        if ev.accessed is not None:
            lines.append(f"{pad}- **Accessed:** {_day(ev.accessed)}")
        if ev.archive_url:
            lines.append(f"{pad}- **Archived copy:** <{ev.archive_url}>")
        if ev.note:
            lines.append(f"{pad}- **Note:** {ev.note}")
        return lines
    # md_text and md_link give "" for empty or blank fields: no separate one_line test.
    url = ev.url
    title = one_line(ev.title)
    if not title:
        title = one_line(ev.attachment.filename) if ev.attachment else ""
    if not title:
        title = one_line(url) or "Untitled source"
    if url and safe_url(url):
        head = md_link(title, url)
    else:
        head = md_text(title)
        if url:  # an address that may not be linked: shown as text
            head += f" ({md_text(url)})"
    publisher = md_text(ev.publisher)
    if publisher:
        head += f" — {publisher}"
    lines = [f"{index}. {head}", f"{pad}- **Stance:** {_stance(ev.stance)}"]
    if ev.accessed is not None:
        lines.append(f"{pad}- **Accessed:** {_day(ev.accessed)}")
    archived = md_link(ev.archive_url, ev.archive_url) if ev.archive_url else ""
    if archived:
        lines.append(f"{pad}- **Archived copy:** {archived}")
    if ev.attachment is not None:
        sha = ev.attachment.sha256
        shown = f"`{sha}`" if _SHA256.fullmatch(sha) else md_text(sha)
        name = md_text(ev.attachment.filename) or "unnamed"
        lines.append(f"{pad}- **Attached file:** {name} (SHA-256 {shown})")
    note = md_text(ev.note)
    if note:
        lines.append(f"{pad}- **Note:** {note}")
    return lines


@lru_cache(maxsize=256)
def _day(value: date) -> str:
    return t.day(value)


@lru_cache(maxsize=64)
def _stance(value: str) -> str:
    return md_text(t.stance(value))


@lru_cache(maxsize=1024)
def _verdicts(dismissed: bool, label: str | None) -> tuple[str, str, str]:
    """A verdict as the summary cell, the section heading and the Verdict field show it.

    A report holds a handful of distinct verdicts, each shown three times per claim.
    """
    verdict = one_line(label) or t.UNRATED
    headline = "Dismissed" if dismissed else verdict
    cell = md_text(headline)
    if dismissed or not one_line(label):
        cell = f"*{cell}*"
    return cell, md_heading_text(headline), f"**{md_text(verdict)}**"


def _claim_section(
    n: int, claim: ReportClaim, explanation: str, plain: Iterator[bool]
) -> list[str]:
    _cell, heading, verdict = _verdicts(claim.status == ClaimStatus.DISMISSED, claim.rating_label)
    lines = [f"#### Claim {n} — {heading}", ""]
    if claim.quote.isprintable():  # one line: what md_lines gives for it
        quoted = md_text(claim.quote)
        quote = [quoted] if quoted else []
    else:
        quote = md_lines(claim.quote)
    if quote:
        lines += [f"> {q}" if q else ">" for q in quote]
        lines.append("")
    wording = one_line(claim.wording)
    same = not wording or wording == one_line(claim.quote)
    lines.append(f"- **Checked wording:** {'as quoted' if same else md_text(wording)}")
    lines.append(f"- **Claimant:** {md_text(claim.claimant) or 'not named'}")
    lines.append(f"- **Verdict:** {verdict}")
    lines.append(f"- **Status:** {t.status(claim)}")
    reviewed = t.reviewed_line(claim)
    if is_rated(claim) and reviewed:
        lines.append(f"- **Reviewed by:** {md_text(reviewed)}")
    lines += ["", "**Explanation**", ""]
    lines += explanation.split("\n") if explanation else ["*No explanation written yet.*"]
    lines += ["", "**Evidence**", ""]
    if claim.evidence:
        for index, ev in enumerate(claim.evidence, 1):
            lines += _evidence(index, ev, next(plain))
    else:
        lines.append("*No evidence recorded.*")
    return lines


def _legend(data: ReportData) -> list[str]:
    lines = ["## Rating scale", ""]
    scale = data.scale
    if scale.conclusion_only:
        lines.append(
            f"{md_text(scale.name)}: verdicts are short written conclusions, not fixed levels."
        )
        used = sorted({one_line(c.rating_label) for c in data.claims if is_rated(c)})
        if used:
            lines += ["", "Conclusions in this report:", ""]
            lines += [f"- {md_text(label)}" for label in used]
        return lines
    lines.append(f"{md_text(scale.name)}, from best to worst:")
    lines.append("")
    with_values = t.scale_values(scale)
    if with_values:
        lines += ["| Verdict | Value | Meaning |", "|:--|--:|:--|"]
    else:
        lines += ["| Verdict | Meaning |", "|:--|:--|"]
    for level in sorted(scale.levels, key=lambda lv: lv.position):
        cells = [f"**{md_text(level.label)}**"]
        if with_values:
            cells.append(t.number(level.value) or "—")
        cells.append(md_text(level.description) or "—")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _footer(data: ReportData) -> list[str]:
    lines = ["---", "", md_text(t.generated_line(data)), "", md_text(t.options_line(data.options))]
    if data.options.signature_status is not None:
        status = md_text(data.options.signature_status) or "unknown"
        lines += ["", f"**Signature:** {status}"]
    return lines


@without_cycle_collection
def render_markdown(data: ReportData) -> str:
    """The report as Markdown text (ends with a newline)."""
    lines = _title_block(data)
    # Explanations are sanitised all together (most in one pass over their joined text).
    claims = data.claims
    explanations = iter(sanitise_many([c.explanation for c in claims]))
    plain = iter(_plain_evidence([ev for c in claims for ev in c.evidence]))
    n = 1
    for article in data.articles:
        lines += ["", f"## {md_heading_text(article.article.title) or 'Untitled article'}", ""]
        meta = _article_meta(article)
        if meta:
            lines += [*meta, ""]
        if not article.claims:
            lines.append("*No claims of this article match the report's options.*")
            continue
        lines += ["### Summary", "", *_summary(article.claims, n), "", "### Claims"]
        for claim in article.claims:
            lines += ["", *_claim_section(n, claim, next(explanations), plain)]
            n += 1
    if not data.articles:
        lines += ["", "*This project has no articles yet.*"]
    lines += ["", *_legend(data), "", *_footer(data), ""]
    return "\n".join(lines)  # ends with a newline: one join, no copy of the whole text


# The window's name for it.
render_markdown_report = render_markdown
