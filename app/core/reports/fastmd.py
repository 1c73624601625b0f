"""A fast path for explanations written in the Markdown people actually use.

Most explanations are paragraphs and simple bullet lists with bold, italic and web links.
Parsing each with markdown-it costs about a quarter of a millisecond, which is most of
the time of a 10,000-claim report. :func:`parse` recognises a deliberately small subset
exactly and returns None for anything else, so the callers in
:mod:`app.core.reports.markup` fall back to markdown-it. The subset:

* blocks separated by blank lines: paragraphs, and tight ``- `` bullet lists of one line
  per item (two lists in a row would make one loose list: not handled);
* no line starts with a space or with anything that could open a block (``#``, ``>``,
  ``*``, ``+``, ``=``, ``:``, ``-`` other than a list item's marker, a digit run and
  ``.``/``)``, backticks, ``<``, ``|``, ``~``, ``_``), and none ends with a space;
* in a line: text without ``\\ ` * _ [ ] < > | ~ & !`` or non-printable characters;
  ``**strong**`` and ``*emphasis*`` around such text starting and ending with a letter or
  digit, opened after a space, ``(``, a quote or the line start and closed before a space,
  ``.,;:?)``, a quote or the line end; ``[label](https://...)`` (or ``(<...>)``) with a
  plain label and an address of unreserved URL characters.

Within it, markdown-it's tokens are determined by these rules alone, and the three
renderings (safe Markdown, HTML, plain text) are written directly. A property test
compares all three with markdown-it's on generated and hostile input.
"""

from __future__ import annotations

import re
from html import escape as _html_escape

Piece = tuple[int, str, str]  # (kind, text, address)
TEXT, STRONG, EM, LINK = 0, 1, 2, 3
Block = tuple[bool, list[list[Piece]]]  # (is a list, its lines or items)

_PLAIN = r"[^\\`*_\[\]<>|~&!\n]"
_TOKEN = re.compile(
    rf"(?P<text>{_PLAIN}+)"
    rf"|\*\*(?P<strong>[^\W_](?:{_PLAIN}*[^\W_])?)\*\*"
    rf"|\*(?P<em>[^\W_](?:{_PLAIN}*[^\W_])?)\*"
    rf"|\[(?P<label>{_PLAIN}+)\]\((?P<lt><?)(?P<url>https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"(?:/[A-Za-z0-9;/?:@=+$,\-_.~#]*)?)(?P<gt>>?)\)"
)
_BLOCK_START = re.compile(r"[ #>*+=:_`~<|-]|[0-9]{1,9}[.)]")
_OPEN_AFTER = frozenset(" (\"'")
_CLOSE_BEFORE = frozenset(" .,;:?)\"'")


def _line(text: str) -> list[Piece] | None:
    if not text or not text.isprintable() or text[-1] == " " or _BLOCK_START.match(text):
        return None
    pieces: list[Piece] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            return None
        pos = m.end()
        kind = m.lastgroup
        if kind == "text":
            pieces.append((TEXT, m.group("text"), ""))
            continue
        if kind in ("strong", "em"):
            before = text[m.start() - 1] if m.start() else " "
            after = text[pos] if pos < len(text) else " "
            if before not in _OPEN_AFTER or after not in _CLOSE_BEFORE:
                return None
            pieces.append((STRONG if kind == "strong" else EM, m.group(kind), ""))
            continue
        # A link: "<" and ">" around the address come in pairs or not at all.
        if bool(m.group("lt")) != bool(m.group("gt")):
            return None
        pieces.append((LINK, m.group("label"), m.group("url")))
    if pos != len(text):
        return None
    return pieces


def parse(source: str) -> list[Block] | None:
    """The blocks of ``source`` (already through ``clean_text``), or None if outside the subset."""
    lines = source.strip("\n").split("\n")
    blocks: list[Block] = []
    current: list[str] = []
    groups: list[list[str]] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            groups.append(current)
            current = []
        if line and not line.strip():
            return None
    if current:
        groups.append(current)
    if not groups:
        return None
    previous_list = False
    for group in groups:
        is_list = group[0].startswith("- ")
        if is_list and previous_list:
            return None  # "- a\n\n- b" is one loose list
        parsed: list[list[Piece]] = []
        for line in group:
            if line.startswith("- ") != is_list:
                return None
            pieces = _line(line[2:] if is_list else line)
            if pieces is None:
                return None
            parsed.append(pieces)
        blocks.append((is_list, parsed))
        previous_list = is_list
    return blocks


def _keep_edges(text: str) -> str:
    inner = " ".join(text.split())
    if not inner:
        return " "
    return (" " if text[0] == " " else "") + inner + (" " if text[-1] == " " else "")


def to_markdown(blocks: list[Block]) -> str:
    """What ``sanitise_markdown`` writes for these blocks."""
    from app.core.reports.markup import escape_inline, md_destination, protect_line_start

    out: list[str] = []
    for is_list, lines in blocks:
        if out:
            out.append("")
        for pieces in lines:
            parts: list[str] = []
            for kind, text, url in pieces:
                if kind == TEXT:
                    piece = escape_inline(_keep_edges(text))
                    parts.append(protect_line_start(piece) if not parts else piece)
                elif kind == STRONG:
                    parts.append(f"**{escape_inline(_keep_edges(text))}**")
                elif kind == EM:
                    parts.append(f"*{escape_inline(_keep_edges(text))}*")
                else:
                    parts.append(f"[{escape_inline(_keep_edges(text))}]({md_destination(url)})")
            line = "".join(parts)
            out.append(f"- {line}" if is_list else line)
    return "\n".join(out)


def _h(text: str) -> str:
    return _html_escape(_keep_edges(text), quote=False).replace('"', "&quot;")


def to_html(blocks: list[Block]) -> str:
    """What markdown-it renders from the sanitised Markdown of these blocks."""
    out: list[str] = []
    for is_list, lines in blocks:
        rendered = []
        for pieces in lines:
            parts: list[str] = []
            for kind, text, url in pieces:
                if kind == TEXT:
                    parts.append(_h(text))
                elif kind == STRONG:
                    parts.append(f"<strong>{_h(text)}</strong>")
                elif kind == EM:
                    parts.append(f"<em>{_h(text)}</em>")
                else:
                    href = _html_escape(url, quote=False).replace('"', "&quot;")
                    parts.append(
                        f'<a href="{href}" rel="noopener noreferrer nofollow">{_h(text)}</a>'
                    )
            rendered.append("".join(parts))
        if is_list:
            out.append("<ul>\n" + "".join(f"<li>{r}</li>\n" for r in rendered) + "</ul>\n")
        else:
            out.append("<p>" + "\n".join(rendered) + "</p>\n")
    return "".join(out)


def to_plain(blocks: list[Block]) -> str:
    """What ``plain_text`` gives: the words, without markup, on one line."""
    lines = ["".join(text for _k, text, _u in pieces) for _l, ls in blocks for pieces in ls]
    return " ".join(" ".join(lines).split())
