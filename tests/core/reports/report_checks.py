"""Structural checks on exported reports, shared by the example and property tests.

The Markdown is parsed with markdown-it-py *with raw HTML enabled and every link
accepted*, i.e. more permissively than any viewer, so anything that could turn into
HTML or a non-web link in some viewer shows up as a token here.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.core.records import ClaimInfo, ClaimStatus
from app.core.reports.escaping import excerpt, one_line
from app.core.reports.model import ReportData

STRICT = MarkdownIt("commonmark", {"html": True}).enable("table")
STRICT.validateLink = lambda url: True  # type: ignore[method-assign]


def _walk(tokens: list[Token]) -> list[Token]:
    out = []
    for tok in tokens:
        out.append(tok)
        if tok.children:
            out.extend(_walk(tok.children))
    return out


def inline_text(tok: Token | None) -> str:
    if tok is None:
        return ""
    parts = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def headline(claim: ClaimInfo) -> str:
    if claim.status == ClaimStatus.DISMISSED:
        return "Dismissed"
    return one_line(claim.rating_label) or "Unrated"


def check_markdown(md: str, data: ReportData) -> dict[str, int]:
    """Assert the report's structure; returns counts of what was checked."""
    tokens = STRICT.parse(md)
    every = _walk(tokens)
    kinds = {t.type for t in every}
    assert "html_block" not in kinds and "html_inline" not in kinds, "raw HTML in the report"
    assert "image" not in kinds, "an image in the report"
    links = [t.attrGet("href") for t in every if t.type == "link_open"]
    for href in links:
        assert urlsplit(str(href)).scheme in ("http", "https"), f"non-web link {href!r}"

    headings = [
        (int(tok.tag[1]), inline_text(tokens[i + 1]))
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open"
    ]
    levels = [level for level, _ in headings]
    with_claims = [a for a in data.articles if a.claims]
    assert levels.count(1) == 1
    assert levels.count(2) == len(data.articles) + 1  # each article, and the legend
    assert levels.count(3) == 2 * len(with_claims)  # Summary and Claims
    claims = data.claims
    claim_headings = [text for level, text in headings if level == 4]
    assert len(claim_headings) == len(claims), (claim_headings, len(claims))
    assert levels.count(5) == levels.count(6) == 0
    numbered = [c for a in data.articles for c in a.claims]
    for text, (n, claim) in zip(claim_headings, numbered, strict=True):
        # Each claim keeps its number in the article, as the window shows it.
        assert text == f"Claim {n} — {headline(claim)}", (text, claim.rating_label)
    # Article headings carry the article titles, exactly.
    article_titles = [text for level, text in headings if level == 2][: len(data.articles)]
    for text, report in zip(article_titles, data.articles, strict=True):
        assert text == (one_line(report.article.title) or "Untitled article")

    # One summary table per article with claims, one row per claim, cells intact.
    tables = _tables(tokens)
    summaries = [t for t in tables if t[0] == ["#", "Claim", "Claimant", "Verdict"]]
    assert len(summaries) == len(with_claims)
    rows = 0
    for (_, body), report in zip(summaries, with_claims, strict=True):
        assert len(body) == len(report.claims)
        for row, (n, claim) in zip(body, report.claims, strict=True):
            expected = [
                str(n),
                excerpt(claim.wording or claim.quote, 140) or "—",
                one_line(claim.claimant) or "—",
                headline(claim),
            ]
            assert row == expected, (row, expected)
            rows += 1

    # Claim sections: a quote, the facts list, then the evidence list with every item.
    sections = _claim_sections(tokens)
    assert len(sections) == len(claims)
    for section, claim in zip(sections, claims, strict=True):
        _check_section(section, claim)
    return {"headings": len(headings), "rows": rows, "links": len(links)}


def _tables(tokens: list[Token]) -> list[tuple[list[str], list[list[str]]]]:
    tables = []
    i = 0
    while i < len(tokens):
        if tokens[i].type == "table_open":
            head: list[str] = []
            body: list[list[str]] = []
            row: list[str] = []
            in_body = False
            while tokens[i].type != "table_close":
                tok = tokens[i]
                if tok.type == "tbody_open":
                    in_body = True
                elif tok.type == "tr_open":
                    row = []
                elif tok.type == "inline":
                    row.append(inline_text(tok).strip())
                elif tok.type == "tr_close":
                    (body.append(row) if in_body else head.extend(row))
                i += 1
            tables.append((head, body))
        i += 1
    return tables


def _claim_sections(tokens: list[Token]) -> list[list[Token]]:
    sections: list[list[Token]] = []
    current: list[Token] | None = None
    in_heading = False
    for tok in tokens:
        if tok.type == "heading_open":
            in_heading = True
            current = [] if tok.tag == "h4" else None
            if current is not None:
                sections.append(current)
        elif tok.type == "heading_close":
            in_heading = False
        elif current is not None and not in_heading:
            current.append(tok)
    return sections


def _top_level(section: list[Token]) -> list[tuple[str, list[Token]]]:
    """(kind, tokens) of each top-level block in a section (nesting depth 0)."""
    blocks: list[tuple[str, list[Token]]] = []
    depth = 0
    for tok in section:
        if depth == 0:
            blocks.append((tok.type, []))
        if blocks:
            blocks[-1][1].append(tok)
        depth += tok.nesting
    return blocks


def _check_section(section: list[Token], claim: ClaimInfo) -> None:
    blocks = _top_level(section)
    kinds = [k for k, _ in blocks]
    index = 0
    if one_line(claim.quote):
        assert kinds[0] == "blockquote_open"
        quoted = " ".join(inline_text(t) for t in blocks[0][1] if t.type == "inline")
        assert one_line(quoted) == one_line(claim.quote)
        index = 1
    assert kinds[index] == "bullet_list_open"
    facts = [inline_text(t) for t in blocks[index][1] if t.type == "inline"]
    assert facts[0].startswith("Checked wording:")
    assert facts[1] == "Claimant: " + (one_line(claim.claimant) or "not named"), facts[1]
    # The report's own "Evidence" label is the last top-level paragraph that says so.
    labels = [
        i
        for i, (kind, toks) in enumerate(blocks)
        if kind == "paragraph_open" and inline_text(toks[1]) == "Evidence"
    ]
    assert labels, "no Evidence label"
    after = blocks[labels[-1] + 1 :]
    if claim.evidence:
        assert [k for k, _ in after] == ["ordered_list_open"], [k for k, _ in after]
        items = [t for t in after[0][1] if t.type == "list_item_open" and t.level == 1]
        assert len(items) == len(claim.evidence)
    else:
        assert len(after) == 1 and inline_text(after[0][1][1]) == "No evidence recorded."


# --- HTML -----------------------------------------------------------------------------

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section",
    "article", "h1", "h2", "h3", "h4", "h5", "p", "dl", "dt", "dd", "table", "thead", "tbody",
    "tr", "th", "td", "span", "a", "em", "strong", "code", "pre", "blockquote", "ol", "ul",
    "li", "br", "hr", "div",
}  # fmt: skip


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style_text = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style_text += data


def check_html(page: str, data: ReportData) -> dict[str, int]:
    collector = _Collector()
    collector.feed(page)
    collector.close()
    tags = collector.tags
    names = [t for t, _ in tags]
    assert set(names) <= ALLOWED_TAGS, set(names) - ALLOWED_TAGS
    assert names.count("style") == 1 and names.count("script") == 0
    assert "url(" not in collector.style_text and "@import" not in collector.style_text
    links = 0
    for tag, attrs in tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcset", "style", "action", "formaction", "background")
            if name == "href":
                assert value is not None
                ok = value.startswith("#") or urlsplit(value).scheme in ("http", "https")
                assert ok, value
                links += 1
    metas = [a for t, a in tags if t == "meta"]
    assert any(a.get("http-equiv") == "Content-Security-Policy" for a in metas)
    assert names.count("h4") == len(data.claims)
    assert sum(1 for t, a in tags if t == "article" and a.get("class") == "claim") == len(
        data.claims
    )
    return {"tags": len(tags), "links": links}


def check_jsonld(text: str) -> Any:
    assert "<" not in text and ">" not in text  # safe inside a <script> element
    return json.loads(text)
