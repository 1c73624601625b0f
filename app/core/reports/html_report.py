"""The verdict report as one standalone HTML file.

Embedded CSS (``resources/reports/report.css``), no scripts, no images, no fonts, no
external requests: the only external addresses are the http(s) links people recorded as
evidence. A Content-Security-Policy meta tag forbids scripts and remote loads as a second
line of defence. Every user field is HTML-escaped; explanations go through
:func:`~app.core.reports.markup.sanitise_markdown` and the restricted markdown-it parser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from html import escape
from itertools import count, islice
from typing import NamedTuple

from app.collector import without_cycle_collection
from app.core.paths import resource_path
from app.core.records import ClaimStatus, RatingScaleInfo
from app.core.reports import text as t
from app.core.reports.markup import (
    FieldWork,
    by_distinct_value,
    excerpt,
    explanations_html,
    one_line,
    safe_url,
    unchanged_fields,
)
from app.core.reports.model import (
    ArticleReport,
    ReportClaim,
    ReportData,
    ReportEvidence,
    is_rated,
)

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_FALLBACK_CSS = "body { font-family: sans-serif; max-width: 50em; margin: 2em auto; }"


@lru_cache(maxsize=1)
def report_css() -> str:
    """The report's stylesheet (also used by the window's preview)."""
    try:
        return resource_path("reports", "report.css").read_text(encoding="utf-8")
    except OSError:
        return _FALLBACK_CSS


_HTML_SPECIAL = re.compile(r"[&<>\"']")
_REL = 'rel="noopener noreferrer nofollow"'
# The report's own markup is ASCII (an em dash is written as a character reference): a
# document of ASCII pieces is joined and encoded without widening every piece to two
# bytes a character, several times faster for a report of tens of megabytes.
_DASH = "&#8212;"


def _e(value: str | None) -> str:
    # Printable text without a space run, an edge space or a character to escape comes
    # out of escape(one_line(...)) unchanged (plain tests: cheaper than one regex).
    if (
        value
        and value.isprintable()
        and _HTML_SPECIAL.search(value) is None
        and "  " not in value
        and value[0] != " "
        and value[-1] != " "
    ):
        return value
    return escape(one_line(value), quote=True)


# What one_line would change in a printable value: a space run or an edge space.
_ONE_LINE_WORK = FieldWork(("  ", " \n", "\n "))


def _e_column(values: Sequence[str | None]) -> list[str]:
    """``[_e(v) for v in values]``: the values that are one line already are escaped all
    at once (escaping works character by character, so escaping the values joined by
    newlines and splitting again gives each value's escape)."""
    ready = unchanged_fields(values, _ONE_LINE_WORK)
    simple = [v or "" for v, ok in zip(values, ready, strict=True) if ok]
    escaped = iter(escape("\n".join(simple), quote=True).split("\n") if simple else ())
    return [next(escaped) if ok else _e(v) for v, ok in zip(values, ready, strict=True)]


# An http(s) address that safe_url accepts as it is and that holds nothing to escape in
# HTML (no & or ' and none of <>"): linked and shown as it is.
_PLAIN_HREF = re.compile(
    r"(?:[Hh][Tt][Tt][Pp][Ss]?)://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:[/?#][!#-%(-;=?-\[\]_a-z~]*)?"
)


def _link(label: str | None, url: str | None) -> str:
    if url and _PLAIN_HREF.fullmatch(url):
        return f'<a href="{url}" {_REL}>{_e(label) or url}</a>'
    target = safe_url(url)
    text = _e(label) or _e(url)
    if target is None:
        return text
    href = escape(target, quote=True) if _HTML_SPECIAL.search(target) else target
    return f'<a href="{href}" {_REL}>{text}</a>'


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


def _verdict(claim: ReportClaim, scale: RatingScaleInfo) -> str:
    level = scale.level_by_id(claim.rating_id) if claim.rating_id is not None else None
    return _verdict_span(
        claim.status == ClaimStatus.DISMISSED,
        level.position if level is not None else None,
        claim.rating_label,
    )


@lru_cache(maxsize=1024)
def _verdict_span(dismissed: bool, position: int | None, label: str | None) -> str:
    # A report shows a handful of distinct verdicts, each twice per claim.
    if dismissed:
        css = "verdict unrated"
    elif position is not None:
        css = f"verdict v-{position}"
    elif one_line(label):
        css = "verdict conclusion"
    else:
        css = "verdict unrated"
    headline = "Dismissed" if dismissed else (one_line(label) or t.UNRATED)
    return f'<span class="{css}">{_e(headline)}</span>'


@lru_cache(maxsize=1024)
def _strong_verdict(label: str | None) -> str:
    return f"<strong>{_e(one_line(label) or t.UNRATED)}</strong>"


def _dl(rows: list[tuple[str, str]], css: str) -> str:
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<dl class="{css}">{items}</dl>'


_NOT_ANCHOR = re.compile(r"[^0-9A-Za-z-]")


def _anchors(claims: Sequence[ReportClaim]) -> list[str]:
    """Each claim's anchor: "claim-" and its id's letters, digits and hyphens."""
    ids = [claim.id for claim in claims]
    if _NOT_ANCHOR.search("".join(ids)) is None:  # the usual case: ids as stored
        return ["claim-" + i for i in ids]
    return ["claim-" + _NOT_ANCHOR.sub("", i) for i in ids]


def _summary(columns: _ClaimColumns, first: int) -> str:
    rows = []
    for n, anchor, verdict, claimant, wording in zip(
        count(first), columns.anchors, columns.verdicts, columns.claimants, columns.excerpts
    ):
        rows.append(
            f'<tr><td class="num"><a href="#{anchor}">{n}</a></td>'
            f"<td>{wording or _DASH}</td><td>{claimant or _DASH}</td>"
            f"<td>{verdict}</td></tr>"
        )
    return (
        '<table class="summary"><thead><tr><th class="num">#</th><th>Claim</th>'
        "<th>Claimant</th><th>Verdict</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _evidence_column(evidence: list[ReportEvidence]) -> list[str]:
    """Each item's ``<li>``. Titles, publishers and notes are escaped a column at a time;
    an item with a title, an address linked as it is, an archive address linked as it is
    (or none) and no attachment is written straight from those (the usual case)."""
    titles = _e_column([ev.title for ev in evidence])
    publishers = by_distinct_value([ev.publisher for ev in evidence], _e_column)
    notes = by_distinct_value([ev.note for ev in evidence], _e_column)
    plain_href = _PLAIN_HREF.fullmatch
    out = []
    for ev, title, publisher, note in zip(evidence, titles, publishers, notes, strict=True):
        url, archive = ev.url, ev.archive_url
        if not (
            title
            and url
            and plain_href(url)
            and (not archive or plain_href(archive))
            and ev.attachment is None
        ):
            out.append(_evidence(ev))
            continue
        # What _evidence gives for such an item.
        item = f'<li><span class="source"><a href="{url}" {_REL}>{title}</a></span>'
        if publisher:
            item += f' <span class="publisher">{_DASH} {publisher}</span>'
        item += f'<dl class="evidence-facts"><dt>Stance</dt><dd>{_stance(ev.stance)}</dd>'
        if ev.accessed is not None:
            item += f"<dt>Accessed</dt><dd>{_day(ev.accessed)}</dd>"
        if archive:
            item += f'<dt>Archived copy</dt><dd><a href="{archive}" {_REL}>{archive}</a></dd>'
        if note:
            item += f"<dt>Note</dt><dd>{note}</dd>"
        out.append(item + "</dl></li>")
    return out


def _evidence(ev: ReportEvidence) -> str:
    # The general case, for any item.
    url = ev.url
    title = one_line(ev.title)
    if not title and ev.attachment is not None:
        title = one_line(ev.attachment.filename)
    title = title or one_line(url) or "Untitled source"
    parts = ['<li><span class="source">', _link(title, url), "</span>"]
    if url and not _PLAIN_HREF.fullmatch(url) and not safe_url(url):
        parts.append(f' <span class="plain-url">({_e(url)})</span>')
    # _e and _link give "" for empty or blank fields: no separate one_line test.
    publisher = _e(ev.publisher)
    if publisher:
        parts.append(f' <span class="publisher">{_DASH} {publisher}</span>')
    parts.append(f'<dl class="evidence-facts"><dt>Stance</dt><dd>{_stance(ev.stance)}</dd>')
    if ev.accessed is not None:
        parts.append(f"<dt>Accessed</dt><dd>{_day(ev.accessed)}</dd>")
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


@lru_cache(maxsize=256)
def _day(value: date) -> str:
    return _e(t.day(value))


@lru_cache(maxsize=16)
def _status(value: ClaimStatus) -> str:
    return _e(t.status_label(value))


@lru_cache(maxsize=64)
def _stance(value: str) -> str:
    return f'<span class="stance {_e(str(value))}">{_e(t.stance(value))}</span>'


class _ClaimColumns(NamedTuple):
    """What each claim of an article shows, worked out for all of them at once."""

    anchors: list[str]
    verdicts: list[str]
    claimants: list[str]
    quotes: list[str]
    explanations: list[str]
    evidence: list[list[str]]
    excerpts: list[str]  # the summary's
    reviewed: list[str]  # "reviewer, day" of rated claims, else ""

    @classmethod
    def of(cls, claims: tuple[ReportClaim, ...], scale: RatingScaleInfo) -> _ClaimColumns:
        items = iter(_evidence_column([ev for claim in claims for ev in claim.evidence]))
        return cls(
            _anchors(claims),
            [_verdict(claim, scale) for claim in claims],
            by_distinct_value([claim.claimant for claim in claims], _e_column),
            _e_column([claim.quote for claim in claims]),
            # Most explanations are rendered in one pass over their joined text.
            explanations_html([claim.explanation for claim in claims]),
            [list(islice(items, len(claim.evidence))) for claim in claims],
            _e_column([excerpt(c.wording or c.quote, t.SUMMARY_EXCERPT) for c in claims]),
            # The same reviewer on the same day, claim after claim.
            by_distinct_value(
                [t.reviewed_line(claim) if is_rated(claim) else "" for claim in claims], _e_column
            ),
        )


def _claim(n: int, claim: ReportClaim, columns: _ClaimColumns, i: int) -> list[str]:
    """The claim's ``<article>`` as lines (joined once, with the whole report)."""
    parts = [
        f'<article class="claim" id="{columns.anchors[i]}">',
        f'<h4><span class="claim-number">Claim {n}</span> {columns.verdicts[i]}</h4>',
    ]
    if claim.quote.isprintable():  # one line: what the general case below gives for it
        quote = columns.quotes[i]
    else:
        quote_lines = [
            escape(" ".join(line.split()), quote=True) for line in (claim.quote or "").split("\n")
        ]
        quote = "<br>".join(line for line in quote_lines if line)
    if quote:
        parts.append(f'<blockquote class="quote"><p>{quote}</p></blockquote>')
    wording = one_line(claim.wording)
    same = not wording or wording == one_line(claim.quote)
    facts = (
        '<dl class="facts"><dt>Checked wording</dt><dd>'
        f"{'<em>as quoted</em>' if same else _e(wording)}</dd>"
        f"<dt>Claimant</dt><dd>{columns.claimants[i] or '<em>not named</em>'}</dd>"
        f"<dt>Verdict</dt><dd>{_strong_verdict(claim.rating_label)}</dd>"
        f"<dt>Status</dt><dd>{_status(claim.status)}</dd>"
    )
    reviewed = columns.reviewed[i]
    if reviewed:
        facts += f"<dt>Reviewed by</dt><dd>{reviewed}</dd>"
    parts.append(facts + "</dl>")
    parts.append('<h5>Explanation</h5><div class="explanation">')
    explanation = columns.explanations[i]
    if explanation:
        parts.append(explanation)
    else:
        parts.append('<p class="empty">No explanation written yet.</p>')
    parts.append("</div><h5>Evidence</h5>")
    if claim.evidence:
        parts.append('<ol class="evidence">' + "".join(columns.evidence[i]))
        parts.append("</ol>")
    else:
        parts.append('<p class="empty">No evidence recorded.</p>')
    parts.append("</article>")
    return parts


def _article(article: ArticleReport, first: int, scale: RatingScaleInfo) -> list[str]:
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
        columns = _ClaimColumns.of(article.claims, scale)
        parts.append("<h3>Summary</h3>")
        parts.append(_summary(columns, first))
        parts.append("<h3>Claims</h3>")
        for i, claim in enumerate(article.claims):
            parts += _claim(first + i, claim, columns, i)
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
            value = f'<td class="num">{t.number(level.value) or _DASH}</td>' if with_values else ""
            parts.append(
                f'<tr><td><span class="verdict v-{level.position}">{_e(level.label)}</span></td>'
                f"{value}<td>{_e(level.description) or _DASH}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append("</section>")
    return "\n".join(parts)


@without_cycle_collection
def render_html(data: ReportData) -> str:
    """The report as a standalone, print-friendly HTML document."""
    title = f"Verdict report: {one_line(data.title)}"
    language = re.sub(r"[^A-Za-z0-9-]", "", data.project.language or "en")[:35] or "en"
    meta_rows = []
    if data.options.article_id is not None:
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
    n = 1
    for article in data.articles:
        body += _article(article, n, data.scale)
        n += len(article.claims)
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
    # One join for the whole document: a report of 10,000 claims is tens of megabytes,
    # and every join or concatenation of it is another copy.
    return "\n".join([head, *body, "</main>\n</body>\n</html>\n"])
