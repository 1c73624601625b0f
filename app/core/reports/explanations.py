"""Explanations: the small, safe Markdown dialect fact-checkers write their reasoning in.

An explanation keeps ordinary Markdown (emphasis, lists, links, code, quotes) and nothing
that could harm a reader or change the report around it. It is parsed with
markdown-it-py configured for that dialect (raw HTML off, images off, links only to
http(s) addresses), and the parsed tokens are then

* written back as a *new* Markdown text with all text escaped (:func:`sanitise_markdown`,
  for Markdown reports): nothing of the source is copied through unescaped, so a construct
  the parser did not recognise comes out as literal text;
* rendered to HTML by markdown-it itself (:func:`explanation_html`, for HTML reports and
  the window's previews);
* reduced to their words (:func:`plain_text`, for ClaimReview JSON-LD).

Headings become bold paragraphs in every form, so an explanation can never add a section
to a report. Each form is cached by content: a preview refreshed after one edit parses
only the explanation that changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.core.reports.escaping import (
    clean_text,
    escape_inline,
    md_destination,
    md_lines,
    one_line,
    protect_line_start,
    safe_url,
)
from app.core.validation import is_web_url

_CACHE_SIZE = 4096


@lru_cache(maxsize=2)
def _parser(tables: bool) -> MarkdownIt:
    """markdown-it with raw HTML off, no images and links only to http(s) addresses."""
    md = MarkdownIt("commonmark", {"html": False})
    md.disable(["image", "html_inline", "html_block"])
    if tables:
        md.enable("table")
    md.validateLink = is_web_url  # type: ignore[method-assign]
    # Every link a report or preview shows leaves the page without telling where from.
    md.add_render_rule("link_open", _link_open)
    return md


def dialect_parser() -> MarkdownIt:
    """The markdown-it parser explanations are read with (bench/reports.py times it alone)."""
    return _parser(False)


def _link_open(
    self: object, tokens: Sequence[Token], idx: int, options: object, env: object
) -> str:
    tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
    return str(self.renderToken(tokens, idx, options, env))  # type: ignore[attr-defined]


def markdown_to_html_fragment(md: str) -> str:
    """Render report Markdown to an HTML fragment (tables on), with the same restrictions."""
    return str(_parser(True).render(clean_text(md)))


def explanation_html(text: str | None) -> str:
    """An explanation as an HTML fragment: markdown-it's rendering of the safe dialect."""
    return _html(text) if text else ""


@lru_cache(maxsize=_CACHE_SIZE)
def _html(text: str) -> str:
    md = _parser(False)
    tokens = md.parse(clean_text(text))
    for i, tok in enumerate(tokens):
        if tok.type in ("heading_open", "heading_close"):
            # A heading is shown as a bold paragraph, as sanitise_markdown writes it.
            tok.type = tok.type.replace("heading", "paragraph")
            tok.tag = "p"
            inline = tokens[i + 1] if tok.nesting == 1 else None
            if inline is not None and inline.children:
                inline.children = [
                    Token("strong_open", "strong", 1),
                    *inline.children,
                    Token("strong_close", "strong", -1),
                ]
    return str(md.renderer.render(tokens, md.options, {}))


def plain_text(text: str | None) -> str:
    """The readable text of an explanation, without markup, on one line (for JSON-LD)."""
    return _plain(text) if text else ""


@lru_cache(maxsize=_CACHE_SIZE)
def _plain(text: str) -> str:
    words: list[str] = []
    for tok in _parser(False).parse(clean_text(text)):
        if tok.type == "inline":
            for child in tok.children or []:
                if child.type in ("text", "code_inline"):
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
            words.append(" ")
        elif tok.type in ("code_block", "fence"):
            words.append(tok.content)
    return one_line("".join(words))


# --- safe Markdown ---------------------------------------------------------------------


def sanitise_markdown(text: str | None) -> str:
    """An explanation rewritten as safe Markdown: emphasis, code, lists, quotes, web links.

    Raw HTML, images, link syntax with other schemes and headings never survive as such;
    their text does, escaped.
    """
    return _sanitise(text) if text else ""


@lru_cache(maxsize=_CACHE_SIZE)
def _sanitise(text: str) -> str:
    tokens = _parser(False).parse(clean_text(text))
    return "\n".join(_blocks(_tree(tokens).children)).strip("\n")


@dataclass
class _Node:
    token: Token | None
    children: list[_Node] = field(default_factory=list)


def _tree(tokens: list[Token]) -> _Node:
    root = _Node(None)
    stack = [root]
    for tok in tokens:
        if tok.nesting == 1:
            node = _Node(tok)
            stack[-1].children.append(node)
            stack.append(node)
        elif tok.nesting == -1:
            stack.pop()
        else:
            stack[-1].children.append(_Node(tok))
    return root


def _code_span(content: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if content.startswith(("`", " ")) or content.endswith(("`", " ")) else ""
    if not content.strip(" "):
        pad = ""
    return f"{fence}{pad}{content}{pad}{fence}"


def _one_line_keep_edges(text: str) -> str:
    """Like :func:`one_line` but keeps one space at either edge (spacing between tokens)."""
    if not text:
        return ""
    inner = one_line(text)
    if not inner:
        return " "
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return lead + inner + trail


def _inline(children: Sequence[Token], breaks: bool = True) -> str:
    """Re-emit inline tokens as Markdown; text escaped, line starts protected.

    With ``breaks`` false, line breaks become spaces (for a heading made bold).
    """
    out: list[str] = []
    at_line_start = True
    pending_href: list[str | None] = []

    def emit(piece: str, text: bool = False) -> None:
        nonlocal at_line_start
        if text and at_line_start:
            piece = protect_line_start(piece)
        if piece:
            out.append(piece)
            at_line_start = False

    for tok in children:
        kind = tok.type
        if kind == "text":
            emit(escape_inline(_one_line_keep_edges(tok.content)), text=True)
        elif kind == "code_inline":
            span = _code_span(_one_line_keep_edges(tok.content))
            if at_line_start and span.startswith("```"):
                # Three backticks at a line start would open a fenced block: show as text.
                emit(escape_inline(_one_line_keep_edges(tok.content)), text=True)
            else:
                emit(span)
        elif kind in ("softbreak", "hardbreak"):
            if not breaks:
                out.append(" ")
                continue
            out.append("\\\n" if kind == "hardbreak" else "\n")
            at_line_start = True
        elif kind in ("em_open", "em_close"):
            emit("*")
        elif kind in ("strong_open", "strong_close"):
            emit("**")
        elif kind == "link_open":
            href = safe_url(str(tok.attrGet("href") or ""))
            pending_href.append(href)
            if href is not None:
                if out and out[-1].endswith("!"):
                    # "!" then "[" would make an image: escape the text's "!".
                    out[-1] = out[-1][:-1] + "\\!"
                emit("[")
        elif kind == "link_close":
            href = pending_href.pop() if pending_href else None
            if href is not None:
                emit(f"]({md_destination(href)})")
        elif tok.children:
            emit(_inline(tok.children, breaks))
        elif tok.content:
            emit(escape_inline(_one_line_keep_edges(tok.content)), text=True)
    return "".join(out)


def _fence(content: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`{3,}", content)), default=2)
    fence = "`" * (longest + 1)
    body = content.rstrip("\n").split("\n") if content.strip("\n") else []
    return [fence, *body, fence]


def _prefixed(lines: list[str], first: str, rest: str) -> list[str]:
    return [
        ((first if i == 0 else rest) + line) if line else (first if i == 0 else rest).rstrip()
        for i, line in enumerate(lines)
    ]


def _blocks(nodes: list[_Node], tight: bool = False) -> list[str]:
    lines: list[str] = []
    previous: str | None = None
    for node in nodes:
        tok = node.token
        if tok is None:
            continue
        kind = tok.type
        block: list[str]
        if kind in ("paragraph_open", "heading_open"):
            inline = node.children[0].token if node.children else None
            heading = kind == "heading_open"
            text = _inline(inline.children or [], not heading) if inline is not None else ""
            if heading:
                text = text.strip()
                block = [f"**{text}**"] if text else []
            else:
                block = text.split("\n") if text else []
        elif kind == "blockquote_open":
            block = _prefixed(_blocks(node.children), "> ", "> ")
        elif kind in ("bullet_list_open", "ordered_list_open"):
            block = _list(node, ordered=kind == "ordered_list_open")
        elif kind in ("code_block", "fence"):
            block = _fence(clean_text(tok.content))
        elif kind == "hr":
            block = ["* * *"]
        elif kind == "inline":
            block = _inline(tok.children or []).split("\n")
        else:  # anything else is shown as its text, escaped
            block = md_lines(tok.content) if tok.content else []
        if not block:
            continue
        if lines:
            # A tight list keeps a paragraph and its sub-list together; every other pair
            # of blocks gets a blank line so nothing can turn into a setext heading.
            joined = tight and previous == "paragraph_open" and kind.endswith("list_open")
            if not joined:
                lines.append("")
        lines.extend(block)
        previous = kind
    return lines


def _list(node: _Node, ordered: bool) -> list[str]:
    assert node.token is not None
    start = 1
    if ordered:
        raw = node.token.attrGet("start")
        start = int(raw) if raw is not None else 1
    items = [child for child in node.children if child.token is not None]
    tight = all(
        grand.token is None or grand.token.type != "paragraph_open" or grand.token.hidden
        for item in items
        for grand in item.children
    )
    lines: list[str] = []
    for number, item in enumerate(items, start):
        marker = f"{number}. " if ordered else "- "
        body = _blocks(item.children, tight=tight) or [""]
        if lines and not tight:
            lines.append("")
        lines.extend(_prefixed(body, marker, " " * len(marker)))
    return lines
