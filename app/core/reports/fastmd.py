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
from bisect import bisect_right
from itertools import accumulate

Block = tuple[bool, list[str]]  # (is a list, its lines or items, each checked by _LINE)

# One line of the subset is one match of _LINE: runs of plain text, **strong** and
# *emphasis* (flanked as described above) and web links. Every other character of the
# line is plain text, so each "*", "[", "]" and "](" in a matching line is markup, and
# the three renderings below are substitutions on the line. Text runs and the whole
# repetition are possessive: a line that does not match fails in linear time.
_PLAIN = r"[^\\`*_\[\]<>|~&!\n]"
_WORDY = r"[^\W_]"
_FLANK_OPEN = r"(?:^|(?<=[ (\"']))"
_FLANK_CLOSE = r"(?=[ .,;:?)\"']|$)"
_URL = r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:/[A-Za-z0-9;/?:@=+$,\-_.~#]*)?"
_LINE_PATTERN = (
    rf"(?:{_PLAIN}++"
    rf"|{_FLANK_OPEN}\*\*{_WORDY}(?:{_PLAIN}*{_WORDY})?\*\*{_FLANK_CLOSE}"
    rf"|{_FLANK_OPEN}\*{_WORDY}(?:{_PLAIN}*{_WORDY})?\*{_FLANK_CLOSE}"
    rf"|\[{_PLAIN}++\]\((?:<{_URL}>|{_URL})\)"
    r")++"
)
_LINE = re.compile(_LINE_PATTERN)
_BLOCK_START_PATTERN = r"[ #>*+=:_`~<|-]|[0-9]{1,9}[.)]"
_BLOCK_START = re.compile(_BLOCK_START_PATTERN)
_LINK = re.compile(r"\[([^\]]*)\]\(<?([^)>]*)>?\)")
_BARE_DESTINATION = re.compile(r"\]\(([^<)][^)]*)\)")
_LINK_HTML = r'<a href="\2" rel="noopener noreferrer nofollow">\1</a>'


def _line_ok(text: str) -> bool:
    return (
        bool(text)
        and text.isprintable()
        and text[-1] != " "
        and not _BLOCK_START.match(text)
        and _LINE.fullmatch(text) is not None
    )


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
        parsed: list[str] = []
        for line in group:
            if line.startswith("- ") != is_list:
                return None
            text = line[2:] if is_list else line
            if not _line_ok(text):
                return None
            parsed.append(text)
        blocks.append((is_list, parsed))
        previous_list = is_list
    return blocks


# The three renderings of parsed blocks are those of the whole-report functions below,
# applied to the blocks written back as one source of the subset: one implementation.


def _source(blocks: list[Block]) -> str:
    return "\n\n".join(
        "\n".join(f"- {text}" if is_list else text for text in lines) for is_list, lines in blocks
    )


def to_markdown(blocks: list[Block]) -> str:
    """What ``sanitise_markdown`` writes for these blocks: link addresses in ``<...>``."""
    return to_markdown_many([_source(blocks)])[0]


def to_html(blocks: list[Block]) -> str:
    """What markdown-it renders from the sanitised Markdown of these blocks."""
    return to_html_many([_source(blocks)])[0]


def to_plain(blocks: list[Block]) -> str:
    """What ``plain_text`` gives: the words, without markup, on one line."""
    return to_plain_many([_source(blocks)])[0]


# --- many explanations at once ---------------------------------------------------------
#
# A report holds thousands of explanations. Checked and converted one by one, each costs
# a dozen Python calls; joined into one text, the same checks and conversions are a few
# regular-expression passes and string methods that run in C over all of them. The
# sources are joined with a line of its own, "\x00", which no cleaned text holds
# (clean_text drops control characters), so no rule below can match across two sources.

_SEPARATOR = "\n\x00\n"
# Everything that puts a source outside the subset, found with one scan of the joined
# text (with a newline before it and after it); each match is the newline before the
# offending line, so its position is that line's start in the joined text, which tells
# which source it belongs to. The alternatives mirror parse():
#  1. a line that is neither empty, nor the separator, nor "- " (optional) followed by a
#     line _line_ok accepts (no block start, one match of _LINE, no trailing space);
#  2. a list item followed by a line that is not an item (list and paragraph mixed);
#  3. a paragraph line followed by a list item (the same, the other way round);
#  4. two lists separated only by blank lines (one loose list in Markdown).
# Starting with a literal newline lets the search skip from line to line; the
# alternatives only look ahead, so no line is passed over. In _LINE, "^" and "$" mean
# the line's edges here (MULTILINE); after "- " the space before a list item's text is
# an opening flank as the line start is in parse().
_OUTSIDE = re.compile(
    r"\n(?:"
    rf"(?!\n|\x00\n|\Z|(?:- )?(?!{_BLOCK_START_PATTERN}){_LINE_PATTERN}(?<! )\n)"
    r"|(?=- [^\n]*\n(?!- |\n|\x00|\Z))"
    r"|(?=(?!- |\x00)[^\n]+\n- )"
    r"|(?=- [^\n]*\n\n+- )"
    r")",
    re.MULTILINE,
)
_SPACE_RUN = re.compile(" {2,}")
_BLANK_RUN = re.compile("\n{3,}")
_ITEM_MARKER = re.compile("^- ", re.MULTILINE)
_DESTINATION = re.compile(r"\]\(<?[^)>\n]*>?\)")


def in_subset(sources: list[str]) -> list[bool]:
    """For each source (already through ``clean_text``), whether :func:`parse` accepts it.

    The same answers as ``[parse(s) is not None for s in sources]``, from one scan.
    """
    candidates = [
        i for i, s in enumerate(sources) if s.strip() and s.replace("\n", "").isprintable()
    ]
    accepted = [False] * len(sources)
    if not candidates:
        return accepted
    texts = [sources[i] for i in candidates]
    starts = list(accumulate((len(s) + len(_SEPARATOR) for s in texts), initial=0))
    text = "\n" + _SEPARATOR.join(texts) + "\n"
    refused = {bisect_right(starts, m.start()) - 1 for m in _OUTSIDE.finditer(text)}
    for k, i in enumerate(candidates):
        accepted[i] = k not in refused
    return accepted


def _joined(sources: list[str]) -> str:
    """The sources joined, runs of spaces made one and runs of blank lines one blank line.

    Within the subset this is what parse() then the writers do line by line: lines have
    no edge spaces and no whitespace but spaces, and blocks are separated by blank lines.
    """
    text = _SEPARATOR.join(sources)
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if "\n\n\n" in text:
        text = _BLANK_RUN.sub("\n\n", text)
    return text


def _split(text: str) -> list[str]:
    return [part.strip("\n") for part in text.split(_SEPARATOR)]


def to_markdown_many(sources: list[str]) -> list[str]:
    """``[to_markdown(parse(s)) for s in sources]`` for sources in the subset."""
    text = _joined(sources)
    if "](" in text:
        text = _BARE_DESTINATION.sub(r"](<\1>)", text)
    return _split(text)


def _paired(line: str, marker: str, tag: str) -> str:
    # In a line of the subset the markers pair up in order ("***" cannot occur: the
    # flanking rules refuse it), so every other piece between them is inside the tag.
    # Splitting avoids re.sub's per-match template expansion, done in Python on 3.11.
    pieces = line.split(marker)
    pieces[1::2] = [f"<{tag}>{piece}</{tag}>" for piece in pieces[1::2]]
    return "".join(pieces)


def _inline_html(text: str) -> str:
    """Lines of the subset (or many, newline-separated) with their inline markup as HTML.

    The markers pair up within each line of the subset, so they pair up in any number of
    such lines taken together.
    """
    text = text.replace('"', "&quot;")
    if "*" in text:
        if "**" in text:
            text = _paired(text, "**", "strong")
        if "*" in text:
            text = _paired(text, "*", "em")
    if "[" in text:
        text = _LINK.sub(_LINK_HTML, text)
    return text


def _html_blocks(part: str) -> str:
    out = []
    for block in part.split("\n\n"):
        if block.startswith("- "):
            out.append("<ul>\n<li>" + block[2:].replace("\n- ", "</li>\n<li>") + "</li>\n</ul>\n")
        else:
            out.append(f"<p>{block}</p>\n")
    return "".join(out)


def to_html_many(sources: list[str]) -> list[str]:
    """``[to_html(parse(s)) for s in sources]`` for sources in the subset."""
    text = _inline_html(_joined(sources))
    return [_html_blocks(part) if part else "" for part in _split(text)]


def to_plain_many(sources: list[str]) -> list[str]:
    """``[to_plain(parse(s)) for s in sources]`` for sources in the subset."""
    text = _ITEM_MARKER.sub("", _SEPARATOR.join(sources)).replace("*", "")
    if "[" in text:
        # In the subset "[" only opens a link and "](...)" only ends one: keep the label.
        text = _DESTINATION.sub("", text).replace("[", "")
    return [" ".join(part.split()) for part in text.split(_SEPARATOR)]
