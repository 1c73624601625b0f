"""The verdict report as Markdown: readable as source, and rendered by any viewer.

Layout (heading levels are fixed; the tests rely on them)::

    # Verdict report: <title>            title block: project, counts, scale
    ## <article title>                   one per article: metadata list
    ### Summary                          table: #, claim, claimant, verdict
    ### Claims
    #### Claim <n> — <verdict>           one per claim: quote, facts, explanation, evidence
    ## Rating scale                      legend
    ---                                  footer: version, time, scope, signature

Claims keep the number the window shows them with. Every user field goes through
:mod:`app.core.reports.escaping`; explanations are re-written by
:func:`~app.core.reports.explanations.sanitise_markdown`.
"""

from __future__ import annotations

import re

from app.core.records import ClaimInfo, ClaimStatus, EvidenceInfo
from app.core.reports import labels as t
from app.core.reports.escaping import (
    excerpt,
    md_heading_text,
    md_lines,
    md_link,
    md_text,
    one_line,
    safe_url,
)
from app.core.reports.explanations import sanitise_markdown
from app.core.reports.model import ArticleReport, ReportData, is_rated

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _field(name: str, value: str) -> str:
    return f"- **{name}:** {value}"


def _title_block(data: ReportData) -> list[str]:
    lines = [f"# Verdict report: {md_heading_text(data.title)}", ""]
    if one_line(data.title) != one_line(data.project.name):
        lines.append(_field("Project", md_text(data.project.name)))
    lines.append(_field("Claims", md_text(t.counts_line(data))))
    lines.append(_field("Rating scale", md_text(data.scale.name)))
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


def _verdict_cell(claim: ClaimInfo) -> str:
    cell = md_text(t.headline(claim))
    return cell if is_rated(claim) and claim.status != ClaimStatus.DISMISSED else f"*{cell}*"


def _summary(article: ArticleReport) -> list[str]:
    lines = ["| # | Claim | Claimant | Verdict |", "|--:|:--|:--|:--|"]
    for n, claim in article.claims:
        wording = md_text(excerpt(claim.wording or claim.quote, t.SUMMARY_EXCERPT)) or "—"
        claimant = md_text(claim.claimant) or "—"
        lines.append(f"| {n} | {wording} | {claimant} | {_verdict_cell(claim)} |")
    return lines


def _evidence(index: int, ev: EvidenceInfo) -> list[str]:
    pad = " " * (len(str(index)) + 2)
    url = ev.url
    title = one_line(ev.title)
    if not title:
        title = one_line(ev.attachment.filename) if ev.attachment else ""
    if not title:
        title = one_line(url) or "Untitled source"
    if safe_url(url):
        head = md_link(title, url)
    else:
        head = md_text(title)
        if url:  # an address that may not be linked: shown as text
            head += f" ({md_text(url)})"
    publisher = md_text(ev.publisher)
    if publisher:
        head += f" — {publisher}"
    lines = [f"{index}. {head}", f"{pad}- **Stance:** {md_text(t.stance(ev.stance))}"]
    if ev.accessed is not None:
        lines.append(f"{pad}- **Accessed:** {t.day(ev.accessed)}")
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


def _claim_section(n: int, claim: ClaimInfo) -> list[str]:
    lines = [f"#### Claim {n} — {md_heading_text(t.headline(claim))}", ""]
    quote = md_lines(claim.quote)
    if quote:
        lines += [f"> {q}" if q else ">" for q in quote]
        lines.append("")
    wording = one_line(claim.wording)
    same = not wording or wording == one_line(claim.quote)
    lines.append(f"- **Checked wording:** {'as quoted' if same else md_text(wording)}")
    lines.append(f"- **Claimant:** {md_text(claim.claimant) or 'not named'}")
    lines.append(f"- **Verdict:** **{md_text(t.verdict(claim))}**")
    lines.append(f"- **Status:** {t.status(claim)}")
    reviewed = t.reviewed_line(claim)
    if is_rated(claim) and reviewed:
        lines.append(f"- **Reviewed by:** {md_text(reviewed)}")
    lines += ["", "**Explanation**", ""]
    explanation = sanitise_markdown(claim.explanation)
    lines += explanation.split("\n") if explanation else ["*No explanation written yet.*"]
    lines += ["", "**Evidence**", ""]
    if claim.evidence:
        for index, ev in enumerate(claim.evidence, 1):
            lines += _evidence(index, ev)
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


def render_markdown(data: ReportData) -> str:
    """The report as Markdown text (ends with a newline)."""
    lines = _title_block(data)
    for article in data.articles:
        lines += ["", f"## {md_heading_text(article.article.title) or 'Untitled article'}", ""]
        meta = _article_meta(article)
        if meta:
            lines += [*meta, ""]
        if not article.claims:
            lines.append("*No claims of this article match the report's options.*")
            continue
        lines += ["### Summary", "", *_summary(article), "", "### Claims"]
        for n, claim in article.claims:
            lines += ["", *_claim_section(n, claim)]
    if not data.articles:
        lines += ["", "*This project has no articles yet.*"]
    lines += ["", *_legend(data), "", *_footer(data), ""]
    return "\n".join(lines)
