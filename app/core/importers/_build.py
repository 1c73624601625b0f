"""Normalisation of article text and assembly of paragraphs into one text with offsets.

Every importer produces a list of :class:`Block` (a piece of text and its role);
:func:`build_article` tidies each block, joins them with one blank line and records
where each paragraph lies in the final text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from app.core.errors import EmptyArticleError
from app.core.records import ArticleMetadata, Paragraph, ParagraphRole

_KEPT_SPACES = " \u00a0\u202f\u2007"  # space, no-break, narrow no-break, figure space


def _translation() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Every whitespace character but newline and the kept spaces becomes a space.
    for code in range(0x3001):
        char = chr(code)
        if char.isspace() and char != "\n" and char not in _KEPT_SPACES:
            table[code] = " "
    # Line breaks other than "\n"; form feed (a page break in text files) and U+2029
    # separate paragraphs. "\r\n" is replaced before the table is applied.
    for char in "\r\x0b\x85\u2028":
        table[ord(char)] = "\n"
    for char in "\x0c\u2029":
        table[ord(char)] = "\n\n"
    # Invisible characters that only get in the way of search and offsets: controls (but
    # not tab or newline), zero-width space, BOM, soft hyphen. ZWJ/ZWNJ stay: scripts
    # such as Devanagari and Persian need them.
    for code in [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0x85), *range(0x86, 0xA0)]:
        table[code] = None
    for char in "\u200b\ufeff\u00ad":
        table[ord(char)] = None
    return table


_TRANSLATION = _translation()
# Finding out whether the table has anything to do is much faster than applying it.
_TRANSLATED = re.compile("[" + "".join(re.escape(chr(code)) for code in _TRANSLATION) + "]")
_SPACE_RUN = re.compile(f"[{_KEPT_SPACES}]{{2,}}")
_AROUND_NEWLINE = re.compile(f"[{_KEPT_SPACES}]*\n[{_KEPT_SPACES}]*")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """Tidy article text without changing what it says.

    Unicode NFC; universal newlines; paragraphs separated by exactly one blank line;
    runs of spaces and tabs become one space (a lone no-break space is kept); no
    leading or trailing whitespace on any line; invisible characters (controls,
    zero-width space, BOM, soft hyphen) removed. Quotes and dashes are kept as they
    are: typographic quotes stay typographic. The function is idempotent.
    """
    # Each step is skipped when it has nothing to do: importers call this once per
    # paragraph, thousands of times for a long article.
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if _TRANSLATED.search(text):
        text = text.translate(_TRANSLATION)
    if "  " in text or "\u00a0" in text or "\u202f" in text or "\u2007" in text:
        text = _SPACE_RUN.sub(" ", text)
    if "\n" in text:
        text = _AROUND_NEWLINE.sub("\n", text)
        if "\n\n\n" in text:
            text = _BLANK_LINES.sub("\n\n", text)
    text = text.strip()
    # NFC last: removing characters above can bring a base letter next to a combining
    # mark, and NFC never creates whitespace, so the result stays tidy.
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


@dataclass(frozen=True, slots=True)
class ImportedArticle:
    """An article read from a file or the clipboard, ready to be stored.

    ``text`` is normalised (see :func:`normalise_text`); paragraphs are separated by one
    blank line. ``paragraphs`` index ``text`` exactly and carry roles when the format
    tells them (Markdown headings, HTML figure captions, Word styles); it is ``None``
    when the format says nothing about roles (plain text), so claim detection infers
    them. ``sha256`` is the hex digest of ``text`` encoded as UTF-8.
    """

    text: str
    paragraphs: tuple[Paragraph, ...] | None
    metadata: ArticleMetadata
    source_format: str
    sha256: str


@dataclass(slots=True)
class Block:
    """A paragraph as an importer found it, before normalisation."""

    text: str
    role: ParagraphRole = ParagraphRole.BODY


@dataclass(slots=True)
class Draft:
    """What an importer hands back: blocks in reading order and the file's metadata."""

    blocks: list[Block] = field(default_factory=list)
    metadata: ArticleMetadata = field(default_factory=ArticleMetadata)
    roles_known: bool = True

    def add(self, text: str, role: ParagraphRole = ParagraphRole.BODY) -> None:
        if text and not text.isspace():
            self.blocks.append(Block(text, role))


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_article(draft: Draft, source_format: str) -> ImportedArticle:
    """Normalise the draft's blocks and join them into one article.

    Raises :class:`EmptyArticleError` when no text is left.
    """
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    offset = 0
    for block in draft.blocks:
        tidy = normalise_text(block.text)
        if not tidy:
            continue
        # A block may hold blank lines (a <pre>, a table cell): each piece is a paragraph
        # of its own so that text[p.start:p.end] never spans a paragraph break.
        for piece in tidy.split("\n\n"):
            if parts:
                offset += 2
            parts.append(piece)
            paragraphs.append(Paragraph(offset, offset + len(piece), block.role))
            offset += len(piece)
    text = "\n\n".join(parts)
    if not text:
        raise EmptyArticleError("The article holds no text to check.")
    return ImportedArticle(
        text=text,
        paragraphs=tuple(paragraphs) if draft.roles_known else None,
        metadata=draft.metadata,
        source_format=source_format,
        sha256=text_sha256(text),
    )
