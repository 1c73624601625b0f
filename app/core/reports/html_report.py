"""The verdict report as one standalone HTML file.

Embedded CSS (``resources/reports/report.css``), no scripts, no images, no fonts, no
external requests: the only external addresses are the http(s) links people recorded as
evidence. A Content-Security-Policy meta tag forbids scripts and remote loads as a second
line of defence. Every user field is HTML-escaped; explanations go through
:func:`~app.core.reports.explanations.explanation_html` (markdown-it, restricted).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from app.core.paths import resource_path
from app.core.records import ClaimInfo, ClaimStatus, EvidenceInfo, RatingScaleInfo
from app.core.reports import labels as t
from app.core.reports.escaping import clean_text, excerpt, one_line, safe_url
from app.core.reports.explanations import explanation_html
from app.core.reports.model import ArticleReport, ReportData, is_rated

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_FALLBACK_CSS = "body { font-family: sans-serif; max-width: 50em; margin: 2em auto; }"
_REL = 'rel="noopener noreferrer nofollow"'


@lru_cache(maxsize=1)
def report_css() -> str:
    """The report's stylesheet (also used by the window's preview)."""
    try:
        return resource_path("reports", "report.css").read_text(encoding="utf-8")
    except OSError:
        return _FALLBACK_CSS


def _e(value: str | None) -> str:
    """A user field as one line of HTML text (or of an attribute value)."""
    return escape(one_line(value), quote=True)


def _link(label: str | None, url: str | None) -> str:
    target = safe_url(url)
    text = _e(label) or _e(url)
    if target is None:
        return text
    return f'<a href="{escape(target, quote=True)}" {_REL}>{text}</a>'


def _text_colour(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#1a1a1a" if luminance > 0.55 else "#ffffff"


def _level_css(scale: RatingScaleInfo) -> str:
    rules = []
    for level in scale.levels:
        colour = level.colour if _COLOUR.fullmatch(level.colour or "") else "#6b6b6b"
        rules.append(
            f".v-{level.position} {{ background: {colour}; color: {_text_colour(colour)}; "
            f"border-color: {colour}; }}"
        )
    return "\n".join(rules)


def _verdict(claim: ClaimInfo, scale: RatingScaleInfo) -> str:
    level = scale.level_by_id(claim.rating_id) if claim.rating_id is not None else None
    if claim.status == ClaimStatus.DISMISSED:
        css = "verdict unrated"
    elif level is not None:
        css = f"verdict v-{level.position}"
    elif is_rated(claim):
        css = "verdict conclusion"
    else:
        css = "verdict unrated"
    return f'<span class="{css}">{_e(t.headline(claim))}</span>'


def _dl(rows: list[tuple[str, str]], css: str) -> str:
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<dl class="{css}">{items}</dl>'


def _anchor(claim: ClaimInfo) -> str:
    return "claim-" + re.sub(r"[^0-9A-Za-z-]", "", claim.id)


def _summary(article: ArticleReport, scale: RatingScaleInfo) -> str:
    rows = []
    for n, claim in article.claims:
        wording = _e(excerpt(claim.wording or claim.quote, t.SUMMARY_EXCERPT))
        rows.append(
            f'<tr><td class="num"><a href="#{_anchor(claim)}">{n}</a></td>'
            f"<td>{wording or '—'}</td><td>{_e(claim.claimant) or '—'}</td>"
            f"<td>{_verdict(claim, scale)}</td></tr>"
        )
    return (
        '<table class="summary"><thead><tr><th class="num">#</th><th>Claim</th>'
        "<th>Claimant</th><th>Verdict</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _evidence(ev: EvidenceInfo) -> str:
    url = ev.url
    title = one_line(ev.title)
    if not title and ev.attachment is not None:
        title = one_line(ev.attachment.filename)
    title = title or one_line(url) or "Untitled source"
    parts = ['<li><span class="source">', _link(title, url), "</span>"]
    if url and not safe_url(url):
        parts.append(f' <span class="plain-url">({_e(url)})</span>')
    publisher = _e(ev.publisher)
    if publisher:
        parts.append(f' <span class="publisher">— {publisher}</span>')
    stance = f'<span class="stance {_e(str(ev.stance))}">{_e(t.stance(ev.stance))}</span>'
    parts.append(f'<dl class="evidence-facts"><dt>Stance</dt><dd>{stance}</dd>')
    if ev.accessed is not None:
        parts.append(f"<dt>Accessed</dt><dd>{_e(t.day(ev.accessed))}</dd>")
    archived = _link(ev.archive_url, ev.archive_url) if ev.archive_url else ""
    if archived:
        parts.append(f"<dt>Archived copy</dt><dd>{archived}</dd>")
    if ev.attachment is not None:
        parts.append(
            f"<dt>Attached file</dt><dd>{_e(ev.attachment.filename) or 'unnamed'} "
            f'<span class="sha">SHA-256 <code>{_e(ev.attachment.sha256)}</code></span></dd>'
        )
    note = _e(ev.note)
    if note:
        parts.append(f"<dt>Note</dt><dd>{note}</dd>")
    parts.append("</dl></li>")
    return "".join(parts)


def _claim(n: int, claim: ClaimInfo, scale: RatingScaleInfo) -> list[str]:
    """The claim's ``<article>`` as lines (joined once, with the whole report)."""
    parts = [
        f'<article class="claim" id="{_anchor(claim)}">',
        f'<h4><span class="claim-number">Claim {n}</span> {_verdict(claim, scale)}</h4>',
    ]
    quote = "<br>".join(filter(None, map(_e, clean_text(claim.quote).split("\n"))))
    if quote:
        parts.append(f'<blockquote class="quote"><p>{quote}</p></blockquote>')
    wording = one_line(claim.wording)
    same = not wording or wording == one_line(claim.quote)
    facts = (
        '<dl class="facts"><dt>Checked wording</dt><dd>'
        f"{'<em>as quoted</em>' if same else _e(wording)}</dd>"
        f"<dt>Claimant</dt><dd>{_e(claim.claimant) or '<em>not named</em>'}</dd>"
        f"<dt>Verdict</dt><dd><strong>{_e(t.verdict(claim))}</strong></dd>"
        f"<dt>Status</dt><dd>{_e(t.status(claim))}</dd>"
    )
    reviewed = _e(t.reviewed_line(claim)) if is_rated(claim) else ""
    if reviewed:
        facts += f"<dt>Reviewed by</dt><dd>{reviewed}</dd>"
    parts.append(facts + "</dl>")
    parts.append('<h5>Explanation</h5><div class="explanation">')
    explanation = explanation_html(claim.explanation)
    parts.append(explanation or '<p class="empty">No explanation written yet.</p>')
    parts.append("</div><h5>Evidence</h5>")
    if claim.evidence:
        parts.append('<ol class="evidence">' + "".join(_evidence(ev) for ev in claim.evidence))
        parts.append("</ol>")
    else:
        parts.append('<p class="empty">No evidence recorded.</p>')
    parts.append("</article>")
    return parts


def _article(article: ArticleReport, scale: RatingScaleInfo) -> list[str]:
    """The article's section as lines (joined once, with the whole report)."""
    a = article.article
    rows = []
    if one_line(a.outlet):
        rows.append(("Outlet", _e(a.outlet)))
    if one_line(a.author):
        rows.append(("Author", _e(a.author)))
    if a.published is not None:
        rows.append(("Published", _e(t.day(a.published))))
    if one_line(a.url):
        rows.append(("Address", _link(a.url, a.url)))
    parts = [
        '<section class="article">',
        f"<h2>{_e(a.title) or 'Untitled article'}</h2>",
    ]
    if rows:
        parts.append(_dl(rows, "meta"))
    if not article.claims:
        parts.append('<p class="empty">No claims of this article match the report\'s options.</p>')
    else:
        parts.append("<h3>Summary</h3>")
        parts.append(_summary(article, scale))
        parts.append("<h3>Claims</h3>")
        for n, claim in article.claims:
            parts += _claim(n, claim, scale)
    parts.append("</section>")
    return parts


def _legend(data: ReportData) -> str:
    scale = data.scale
    parts = ['<section class="legend">', "<h2>Rating scale</h2>"]
    if scale.conclusion_only:
        parts.append(
            f"<p>{_e(scale.name)}: verdicts are short written conclusions, not fixed levels.</p>"
        )
        used = sorted({one_line(c.rating_label) for c in data.claims if is_rated(c)})
        if used:
            parts.append("<p>Conclusions in this report:</p><ul>")
            parts += [f"<li>{_e(label)}</li>" for label in used]
            parts.append("</ul>")
    else:
        with_values = t.scale_values(scale)
        parts.append(f"<p>{_e(scale.name)}, from best to worst:</p>")
        head = "<th>Verdict</th>" + ('<th class="num">Value</th>' if with_values else "")
        parts.append(f"<table><thead><tr>{head}<th>Meaning</th></tr></thead><tbody>")
        for level in sorted(scale.levels, key=lambda lv: lv.position):
            value = f'<td class="num">{t.number(level.value) or "—"}</td>' if with_values else ""
            parts.append(
                f'<tr><td><span class="verdict v-{level.position}">{_e(level.label)}</span></td>'
                f"{value}<td>{_e(level.description) or '—'}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append("</section>")
    return "\n".join(parts)


def render_html(data: ReportData) -> str:
    """The report as a standalone, print-friendly HTML document."""
    title = f"Verdict report: {one_line(data.title)}"
    language = re.sub(r"[^A-Za-z0-9-]", "", data.project.language or "en")[:35] or "en"
    meta_rows = []
    if one_line(data.title) != one_line(data.project.name):
        meta_rows.append(("Project", _e(data.project.name)))
    meta_rows.append(("Claims", _e(t.counts_line(data))))
    meta_rows.append(("Rating scale", _e(data.scale.name)))
    body = [
        '<header class="title-block">',
        '<p class="kicker">Verdict report</p>',
        f"<h1>{_e(data.title) or 'Untitled'}</h1>",
        _dl(meta_rows, "meta"),
        "</header>",
    ]
    for article in data.articles:
        body += _article(article, data.scale)
    if not data.articles:
        body.append('<p class="empty">This project has no articles yet.</p>')
    body.append(_legend(data))
    footer = [f"<p>{_e(t.generated_line(data))}</p>", f"<p>{_e(t.options_line(data.options))}</p>"]
    if data.options.signature_status is not None:
        footer.append(
            f"<p><strong>Signature:</strong> {_e(data.options.signature_status) or 'unknown'}</p>"
        )
    body.append('<footer class="report-footer">' + "".join(footer) + "</footer>")
    head = (
        "<!DOCTYPE html>\n"
        f'<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="Factdesk {escape(data.version, quote=True)}">\n'
        f"<title>{escape(title, quote=True)}</title>\n"
        f"<style>\n{report_css()}\n{_level_css(data.scale)}\n</style>\n"
        '</head>\n<body>\n<main class="report">'
    )
    return "\n".join([head, *body, "</main>\n</body>\n</html>\n"])
