"""Making user text safe to put into Markdown and HTML.

Everything a report shows comes from people (or from articles they imported): titles,
claimants, quotes, explanations, evidence. None of it may change the report's structure
or inject anything. Two tools:

* :func:`md_text` and friends escape plain text so that Markdown reads it back as exactly
  that text: every character that can start inline markup is backslash-escaped, block
  markers at the start of a line are neutralised, and control characters are dropped.
* :func:`sanitise_markdown` lets explanations keep ordinary Markdown (emphasis, lists,
  links, code, quotes). It parses them with markdown-it-py (raw HTML off, images off,
  links only to http/https) and writes a *new* Markdown text from the parsed tokens,
  escaping all text. Headings become bold paragraphs so an explanation can never add a
  section to the report. Nothing of the original source is copied through unescaped,
  so constructs the parser did not recognise come out as literal text.

:func:`markdown_to_html_fragment` renders Markdown for the window's preview with the same
restrictions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.core.reports import fastmd
from app.core.validation import is_web_url

# Characters that can open or close inline markup anywhere in a line (CommonMark + GFM).
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>|~])")
# "&amp;", "&#38;", "&#x26;" would be decoded as entities: escape the ampersand.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# At the start of a line these begin a block (heading, quote, list, rule, setext line...).
_LINE_START = re.compile(r"^([#>+=:-])")  # ":" would start a table's delimiter row
_ESCAPE_NEEDED = re.compile(r"[\\`*_\[\]<>|~&]")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])")
# C0/C1 controls (tab and newline are handled separately) and the bidi controls that
# make text display in an order other than the one stored.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NEWLINES = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Characters that cannot appear raw in a Markdown link destination or a table cell.
_URL_UNSAFE = re.compile(r"[\s\"<>\\^`{|}]")


def clean_text(text: str | None) -> str:
    """Text with line endings unified to ``\\n`` and control characters removed."""
    if not text:
        return ""
    if text.isprintable():  # no controls, format characters or line breaks: nothing to do
        return text
    if text.replace("\n", "").isprintable():
        return text  # its only line breaks are "\n" already
    text = _NEWLINES.sub("\n", text).replace("\t", "    ")
    return _CONTROLS.sub("", text)


def one_line(text: str | None) -> str:
    """Text on one line: whitespace runs (newlines included) become one space."""
    if not text:
        return ""
    # Printable text holds no whitespace but the ASCII space: already one line unless it
    # has a double space or a space at either end.
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text
    return " ".join(clean_text(text).split())


def excerpt(text: str | None, limit: int) -> str:
    flat = one_line(text)
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def escape_inline(text: str) -> str:
    """Escape characters that could form inline markup (not line-start block markers)."""
    if not _ESCAPE_NEEDED.search(text):
        return text
    return _ENTITY.sub(r"\\&", _INLINE_SPECIALS.sub(r"\\\1", text))


def protect_line_start(line: str) -> str:
    """Neutralise a block marker at the start of an (already escaped) line."""
    line = line.lstrip(" ")
    if _LINE_START.match(line):
        return "\\" + line
    m = _ORDERED_START.match(line)
    if m:
        return f"{m.group(1)}\\{m.group(2)}{line[m.end() :]}"
    return line


# Characters that escape_inline would escape (the ampersand only before an entity, but
# any ampersand takes the long way), and those protect_line_start (or one_line, for the
# space) would change at the start of a line. md_text's shortcut and MD_TEXT_WORK both
# test for them.
_MD_ESCAPED = "\\`*_[]<>|~&"
_MD_SPECIAL = re.compile(f"[{re.escape(_MD_ESCAPED)}]")
_LINE_START_CHARS = " #>+=:-"


def md_text(text: str | None) -> str:
    """Plain text as one inert line of Markdown (safe at a line start and in table cells)."""
    # Most fields need nothing: printable, no character to escape, no space run or edge
    # space (one_line), no block marker at the start (protect_line_start). Plain tests
    # and one character-class search, inline: a single regular expression with anchored
    # alternatives, or a helper function, costs several times more per field.
    if (
        text
        and text.isprintable()
        and _MD_SPECIAL.search(text) is None
        and "  " not in text
        and text[0] not in _LINE_START_CHARS
        and text[-1] != " "
        and not (text[0].isdigit() and _ORDERED_START.match(text))
    ):
        return text
    return protect_line_start(escape_inline(one_line(text)))


def md_heading_text(text: str | None) -> str:
    """Like :func:`md_text`, and no ``#`` can close the heading early."""
    if not text or "#" not in text:
        return md_text(text)  # the same text: only a "#" is escaped differently
    return protect_line_start(escape_inline(one_line(text)).replace("#", "\\#"))


def md_lines(text: str | None) -> list[str]:
    """Multi-line plain text as inert Markdown lines (blank lines kept, runs collapsed)."""
    lines: list[str] = []
    for raw in clean_text(text).split("\n"):
        line = protect_line_start(escape_inline(" ".join(raw.split())))
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address a report may link to, else None."""
    if not url:
        return None
    return _safe_url(url)


# An http(s) address of plain ASCII (host of letters, digits, dots and hyphens, then
# printable characters other than space) always passes is_web_url; anything else is
# checked by it.
_PLAIN_WEB_URL = re.compile(
    r"(?:[Hh][Tt][Tt][Pp][Ss]?)://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:[/?#][!-~]*)?"
)


def _safe_url(url: str) -> str | None:
    if _PLAIN_WEB_URL.fullmatch(url):
        return url
    return _checked_url(url)


@lru_cache(maxsize=8192)
def _checked_url(url: str) -> str | None:
    url = url.strip()
    return url if is_web_url(url) else None


_safe_url.cache_clear = _checked_url.cache_clear  # type: ignore[attr-defined]


def _percent(url: str) -> str:
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)


def md_destination(url: str) -> str:
    """A ``<...>`` link destination that cannot end early or break a table cell."""
    return f"<{_percent(url)}>"


# An http(s) address that _PLAIN_WEB_URL accepts and that holds nothing _percent would
# encode: linked as it is.
_PLAIN_DESTINATION = re.compile(
    r"(?:[Hh][Tt][Tt][Pp][Ss]?)://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:[/?#][!#-;=?-\[\]_a-z~]*)?"
)


def md_link(text: str | None, url: str | None) -> str:
    """``[text](url)`` for an http(s) URL; otherwise the text (and the address) as plain text."""
    label = text if text and text.isprintable() and "  " not in text else one_line(text)
    if label and (label[0] == " " or label[-1] == " "):
        label = one_line(label)
    if url and _PLAIN_DESTINATION.fullmatch(url):
        if not label or label == url:
            return f"<{url}>"
        return f"[{escape_inline(label)}](<{url}>)"
    target = safe_url(url)
    if target is None:
        shown = " ".join(x for x in (label, one_line(url)) if x)
        return md_text(shown) if shown else ""
    if not label or label == target:
        return f"<{_percent(target)}>"  # an autolink: the address shown once
    return f"[{escape_inline(label)}]({md_destination(target)})"


# --- a whole column of a report at once ----------------------------------------------------
#
# A report holds tens of thousands of short fields (titles, publishers, addresses), and
# nearly all need no escaping. Instead of testing each (several calls), a renderer tests a
# whole column: the values joined by newlines, searched for each string that could need
# work (substring search in C, far faster than one regular expression of alternatives).
# Each hit's position tells which value it is in.


@dataclass(frozen=True)
class FieldWork:
    """What a shortcut must not meet in a field: substrings of the column's text (each
    value on a line of its own, the text starting and ending with a newline, so "\\n#"
    is a "#" that starts a value and " \\n" a space that ends one) and, optionally, a
    pattern whose every match starts with a newline."""

    needles: tuple[str, ...]
    pattern: re.Pattern[str] | None = None


def unchanged_fields(values: Sequence[str | None], work: FieldWork) -> list[bool]:
    """For each value, whether it is printable and holds nothing ``work`` names (None
    counts as the empty string)."""
    texts = [v or "" for v in values]
    if "".join(texts).isprintable():  # the usual case: one test for the whole column
        flags = [True] * len(texts)
    else:
        flags = [t.isprintable() for t in texts]
    column = "\n" + "\n".join(texts) + "\n"
    # starts[i]: where value i begins in column. A hit's last character is in its value
    # (or on the newline just after it, for " \n").
    starts = list(accumulate((len(t) + 1 for t in texts), initial=1))
    hits = [
        match.end() - 1
        for needle in work.needles
        if needle in column
        for match in re.finditer(re.escape(needle), column)
    ]
    if work.pattern is not None:
        hits += [match.end() - 1 for match in work.pattern.finditer(column)]
    for position in hits:
        flags[bisect_right(starts, position) - 1] = False
    return flags


def by_distinct_value(
    values: Sequence[str | None], column: Callable[[list[str | None]], list[Any]]
) -> list[Any]:
    """``column(values)``, worked out once per distinct value.

    For the columns that repeat themselves across a report: the same publisher, note or
    claimant on many items.
    """
    distinct = list(dict.fromkeys(values))
    if len(distinct) == len(values):
        return column(list(values))
    table = dict(zip(distinct, column(distinct), strict=True))
    return [table[v] for v in values]


# What md_text would change (besides non-printable characters): an escape, a space run,
# an edge space, a block marker or an ordered-list number at the start.
MD_TEXT_WORK = FieldWork(
    (*_MD_ESCAPED, "  ", " \n", *(f"\n{c}" for c in _LINE_START_CHARS)),
    re.compile(r"\n\d{1,9}[.)]"),
)


def plain_destinations(urls: Sequence[str | None]) -> list[bool]:
    """For each address, whether md_link links it as it is (see _PLAIN_DESTINATION)."""
    return [m is not None for m in map(_PLAIN_DESTINATION.fullmatch, [u or "" for u in urls])]


# --- the restricted Markdown dialect -------------------------------------------------------


def _web_link_only(url: str) -> bool:
    return is_web_url(url)


@lru_cache(maxsize=2)
def _parser(tables: bool) -> MarkdownIt:
    """markdown-it with raw HTML off, no images and links only to http(s) addresses."""
    md = MarkdownIt("commonmark", {"html": False})
    md.disable(["image", "html_inline", "html_block"])
    if tables:
        md.enable("table")
    md.validateLink = _web_link_only  # type: ignore[method-assign]

    def link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
        rendered: str = self.renderToken(tokens, idx, options, env)
        return rendered

    md.add_render_rule("link_open", link_open)
    return md


def markdown_to_html_fragment(md: str) -> str:
    """Render report Markdown to an HTML fragment for the preview.

    Raw HTML is shown as text, images are not loaded and only http(s) links are made,
    whatever the Markdown contains.
    """
    rendered: str = _parser(True).render(clean_text(md))
    return rendered


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


def _inline(children: Sequence[Token], breaks: bool = True) -> str:
    """Re-emit inline tokens as Markdown; text escaped, line starts protected.

    With ``breaks`` false, line breaks become spaces (for a heading made bold).
    """
    out: list[str] = []
    at_line_start = True
    link_depth = 0
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
            emit(escape_inline(one_line_keep_edges(tok.content)), text=True)
        elif kind == "code_inline":
            span = _code_span(one_line_keep_edges(tok.content))
            if at_line_start and span.startswith("```"):
                # Three backticks at a line start would open a fenced block: show as text.
                emit(escape_inline(one_line_keep_edges(tok.content)), text=True)
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
            link_depth += 1
            if href is not None:
                if out and out[-1].endswith("!"):
                    # "!" then "[" would make an image: escape the text's "!".
                    out[-1] = out[-1][:-1] + "\\!"
                emit("[")
        elif kind == "link_close":
            link_depth -= 1
            href = pending_href.pop() if pending_href else None
            if href is not None:
                emit(f"]({md_destination(href)})")
        elif tok.children:
            emit(_inline(tok.children, breaks))
        elif tok.content:
            emit(escape_inline(one_line_keep_edges(tok.content)), text=True)
    return "".join(out)


def one_line_keep_edges(text: str) -> str:
    """Like :func:`one_line` but keeps one space at either edge (spacing between tokens)."""
    if not text:
        return ""
    inner = one_line(text)
    if not inner:
        return " "
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return lead + inner + trail


def _fence(content: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`{3,}", content)), default=2)
    fence = "`" * (longest + 1)
    body = content.rstrip("\n").split("\n") if content.strip("\n") else []
    return [fence, *body, fence]


def _prefixed(lines: list[str], first: str, rest: str) -> list[str]:
    out: list[str] = []
    for i, line in enumerate(lines):
        prefix = first if i == 0 else rest
        out.append((prefix + line) if line else prefix.rstrip())
    return out


def _blocks(nodes: list[_Node], tight: bool = False) -> list[str]:
    lines: list[str] = []
    previous: str | None = None
    for node in nodes:
        tok = node.token
        if tok is None:
            continue
        kind = tok.type
        block: list[str]
        if kind == "paragraph_open":
            inline = node.children[0].token if node.children else None
            text = _inline(inline.children or []) if inline is not None else ""
            block = text.split("\n") if text else []
        elif kind == "heading_open":
            inline = node.children[0].token if node.children else None
            text = _inline(inline.children or [], False) if inline is not None else ""
            text = text.strip()
            block = [f"**{text}**"] if text else []
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


def sanitise_markdown(text: str | None) -> str:
    """An explanation rewritten as safe Markdown: emphasis, code, lists, quotes, web links.

    Raw HTML, images, link syntax with other schemes and headings never survive as such;
    their text does, escaped. Results are cached: a preview refreshed after one edit
    only re-parses the explanation that changed.
    """
    return _sanitise(text) if text else ""


# Plain prose (no character that could start Markdown syntax, no line that could start a
# block, no hard breaks) comes out of the parser as paragraphs of its words: skip it.
_MARKUP_CHARS = re.compile(
    r"[\\`*_\[\]<>|~&!]|[^\S \n]|^ *(?:[#>+=:*-]|\d{1,9}[.)]| {4})| {2}$", re.M
)


@lru_cache(maxsize=16384)
def _sanitise(text: str) -> str:
    source = clean_text(text)
    if not source.strip():
        return ""
    if not _MARKUP_CHARS.search(source):
        paragraphs = re.split(r"\n[ \n]*\n", source.strip("\n "))
        return "\n\n".join(
            "\n".join(" ".join(line.split()) for line in p.split("\n") if line.split())
            for p in paragraphs
        )
    blocks = fastmd.parse(source)
    if blocks is not None:
        return fastmd.to_markdown(blocks)
    return _sanitise_parsed(source)


def _sanitise_parsed(source: str) -> str:
    tokens = _parser(False).parse(source)
    return "\n".join(_blocks(_tree(tokens).children)).strip("\n")


@lru_cache(maxsize=16384)
def explanation_html(text: str) -> str:
    """An explanation as an HTML fragment (sanitised Markdown, rendered; cached)."""
    blocks = fastmd.parse(clean_text(text)) if text else None
    if blocks is not None:
        return fastmd.to_html(blocks)
    safe = sanitise_markdown(text)
    rendered: str = _parser(False).render(safe) if safe else ""
    return rendered


def plain_text(text: str | None) -> str:
    """The readable text of a Markdown explanation, without markup (for JSON-LD)."""
    return _plain_text(text) if text else ""


@lru_cache(maxsize=16384)
def _plain_text(text: str) -> str:
    source = clean_text(text)
    if not _MARKUP_CHARS.search(source):
        return one_line(source)
    if not source.strip():
        return ""
    blocks = fastmd.parse(source)
    if blocks is not None:
        return fastmd.to_plain(blocks)
    return _plain_parsed(source)


def _plain_parsed(source: str) -> str:
    words: list[str] = []
    for tok in _parser(False).parse(source):
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


# --- a whole report's explanations at once -------------------------------------------------


def _many(
    texts: Sequence[str | None],
    convert_many: Callable[[list[str]], list[str]],
    one: Callable[[str], str],
) -> list[str]:
    """``[one(t) for t in texts]``, with the explanations in fastmd's subset (most of them)
    converted together by ``convert_many``; the rest, and empty ones, one by one."""
    sources = [clean_text(t) if t else "" for t in texts]
    accepted = fastmd.in_subset(sources)
    converted = iter(convert_many([s for s, ok in zip(sources, accepted, strict=True) if ok]))
    return [
        next(converted) if ok else (one(t) if t else "")
        for t, ok in zip(texts, accepted, strict=True)
    ]


def sanitise_many(texts: Sequence[str | None]) -> list[str]:
    """``[sanitise_markdown(t) for t in texts]``, for a whole report."""
    return _many(texts, fastmd.to_markdown_many, _sanitise)


def explanations_html(texts: Sequence[str | None]) -> list[str]:
    """``[explanation_html(t) for t in texts]`` (empty for no explanation), for a whole report."""
    return _many(texts, fastmd.to_html_many, explanation_html)


def plain_texts(texts: Sequence[str | None]) -> list[str]:
    """``[plain_text(t) for t in texts]``, for a whole report."""
    return _many(texts, fastmd.to_plain_many, _plain_text)
