"""Plain text made inert in Markdown and HTML, and the one check of a linkable address.

Everything a report shows comes from people (or from articles they imported): titles,
claimants, quotes, evidence. None of it may change the report's structure or inject
anything. :func:`md_text` and friends escape text so that Markdown reads it back as
exactly that text: every character that can start inline markup is backslash-escaped,
block markers at the start of a line are neutralised and control characters dropped.
HTML reports use :func:`html.escape`. :func:`safe_url` decides which addresses may
become links, in every format.
"""

from __future__ import annotations

import re

from app.core.validation import is_web_url

# Characters that can open or close inline markup anywhere in a line (CommonMark + GFM).
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>|~])")
# "&amp;", "&#38;", "&#x26;" would be decoded as entities: escape the ampersand.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# At the start of a line these begin a block (heading, quote, list, rule, setext line...).
_LINE_START = re.compile(r"^([#>+=:-])")  # ":" would start a table's delimiter row
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
    text = _NEWLINES.sub("\n", text).replace("\t", "    ")
    return _CONTROLS.sub("", text)


def one_line(text: str | None) -> str:
    """Text on one line: whitespace runs (newlines included) become one space."""
    return " ".join(clean_text(text).split())


def excerpt(text: str | None, limit: int) -> str:
    flat = one_line(text)
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def escape_inline(text: str) -> str:
    """Escape characters that could form inline markup (not line-start block markers)."""
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


def md_text(text: str | None) -> str:
    """Plain text as one inert line of Markdown (safe at a line start and in table cells)."""
    return protect_line_start(escape_inline(one_line(text)))


def md_heading_text(text: str | None) -> str:
    """Like :func:`md_text`, and no ``#`` can close the heading early."""
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
    """``url`` (stripped) if it is an http(s) address a report may link to, else None."""
    url = (url or "").strip()
    return url if url and is_web_url(url) else None


def md_destination(url: str) -> str:
    """A ``<...>`` link destination that cannot end early or break a table cell."""
    encoded = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)
    return f"<{encoded}>"


def md_link(text: str | None, url: str | None) -> str:
    """``[text](url)`` for an http(s) URL; otherwise the text (and the address) as plain text."""
    label = one_line(text)
    target = safe_url(url)
    if target is None:
        return md_text(" ".join(x for x in (label, one_line(url)) if x))
    if not label or label == target:
        return md_destination(target)  # an autolink: the address shown once
    return f"[{escape_inline(label)}]({md_destination(target)})"
