"""PDF: the text layer in reading order, without running headers, footers and page numbers.

pypdf gives the text of each page in content-stream order (the order the typesetter wrote
it, which is the reading order for ordinary articles, column by column) together with
where each line sits. Factdesk then

* drops running headers and footers: lines at the top or bottom of a page that repeat
  (digits aside) on at least half of the pages, and page numbers ("3", "Page 3 of 9");
* rebuilds paragraphs from vertical gaps, indents and short last lines, joining the
  lines of a paragraph with a space;
* joins words hyphenated at line ends ("infor-" + "mation"), keeping the hyphen when the
  document spells the same word, or another word with the same first part, with a
  hyphen elsewhere ("well-known", "well-attended");
* marks lines set clearly larger than the body text as headline (the first, on the first
  page) or subheadings.

A PDF without a text layer (a scan) or protected by a password is refused with a message
saying so; an owner-password-only PDF (printable, copyable) opens normally.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import pypdf
from pypdf.errors import PdfReadError

from app.core.errors import ArticleTooLargeError, EmptyArticleError
from app.core.importers._build import Draft
from app.core.importers._roles import clean_field
from app.core.importers.errors import (
    CorruptArticleError,
    EncryptedArticleError,
    NoTextLayerError,
)
from app.core.records import ArticleMetadata, ParagraphRole

MAX_PDF_PAGES = 2_000

_log = logging.getLogger(__name__)
logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are reported, not logged

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:page|seite|página|pagina|p\.)\s*)?(?:\d{1,4}|[ivxlc]{1,6})"
    r"(?:\s*(?:of|/|von|de|sur|di)\s*\d{1,4})?(?:\s*[-–—])?$",
    re.IGNORECASE,
)
_ENDS_SENTENCE = re.compile(r"[.!?:…\"”’»)]$")
_HYPHENATED_END = re.compile(r"(\w+)[-\u00ad¬]$")
_FIRST_WORD = re.compile(r"^(\w+)")
_JUNK_TITLE = re.compile(r"^(?:microsoft word\s*-|untitled\b)|\.(?:docx?|pdf|indd|tex|odt)$", re.I)


@dataclass(slots=True)
class _Line:
    text: str
    x: float
    y: float
    size: float


def _page_lines(page: Any) -> list[_Line]:
    lines: list[_Line] = []
    parts: list[str] = []
    position: list[float] = []  # x, y, size of the current line's first visible text

    def end_line() -> None:
        text = "".join(parts).strip()
        if text and position:
            lines.append(_Line(text, position[0], position[1], position[2]))
        parts.clear()
        position.clear()

    def visit(text: str, cm: Any, tm: Any, font: Any, font_size: Any) -> None:
        if not text:
            return
        pieces = text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                end_line()
            if piece.strip() and not position:
                try:
                    x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                    scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
                    size = float(font_size) * (scale or 1.0)
                except (TypeError, IndexError, ValueError):
                    x, y, size = 0.0, 0.0, 0.0
                position.extend((float(x), float(y), size))
            parts.append(piece)

    page.extract_text(visitor_text=visit)
    end_line()
    return lines


def _running_key(line: _Line) -> tuple[str, int]:
    """Text and height on the page; digits masked in short lines (page numbers, dates).

    Long lines keep their digits: body lines at the top of pages can look alike.
    """
    text = " ".join(line.text.lower().split())
    if len(text) <= 50:
        text = re.sub(r"\d+", "#", text)
    return text, round(line.y / 4)


_EDGE_DEPTH = 2  # lines looked at from the top and from the bottom of each page


def _line_spacing(pages: list[list[_Line]]) -> float:
    """The usual distance between two lines of body text (0 when unknown)."""
    gaps = [
        round(a.y - b.y, 1)
        for lines in pages
        for a, b in itertools.pairwise(lines)
        if 0 < a.y - b.y < 100 and abs(a.size - b.size) < 0.5
    ]
    return statistics.median(gaps) if gaps else 0.0


def _remove_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop page numbers and lines repeated at the same place at the top or bottom of pages.

    Lines are peeled from each edge inward: a line goes only if every line between it
    and the edge went too, and only if a gap wider than the usual line spacing separates
    it from the next line, so body text is never taken from the middle of a page.
    """
    spacing = _line_spacing(pages)
    counts: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        order = sorted(lines, key=lambda line: -line.y)
        edge = order[:_EDGE_DEPTH] + order[-_EDGE_DEPTH:]
        counts.update({_running_key(line) for line in edge})
    threshold = max(2, math.ceil(len(pages) / 2))

    def running(line: _Line, neighbour: _Line | None) -> bool:
        if neighbour is not None and spacing and abs(line.y - neighbour.y) < spacing * 1.3:
            return False
        return bool(_PAGE_NUMBER.match(line.text)) or (
            len(pages) > 1 and counts[_running_key(line)] >= threshold
        )

    kept: list[list[_Line]] = []
    for lines in pages:
        order = sorted(lines, key=lambda line: -line.y)
        dropped: set[int] = set()
        for from_edge in (order, order[::-1]):
            for index, line in enumerate(from_edge[:_EDGE_DEPTH]):
                neighbour = from_edge[index + 1] if index + 1 < len(from_edge) else None
                if not running(line, neighbour):
                    break
                dropped.add(id(line))
        kept.append([line for line in lines if id(line) not in dropped])
    return kept


def _join_lines(lines: list[str], hyphenated: set[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        end = _HYPHENATED_END.search(text)
        start = _FIRST_WORD.match(line)
        if end is not None and start is not None and line[:1].islower():
            compound = f"{end.group(1)}-{start.group(1)}".lower()
            prefix = f"{end.group(1).lower()}-"
            if text.endswith("-") and (compound in hyphenated or prefix in hyphenated):
                text = text + line
            else:
                text = text[:-1] + line
        else:
            text = f"{text} {line}"
    return text


def _paragraphs(pages: list[list[_Line]]) -> list[tuple[list[str], float]]:
    """Group lines into paragraphs: (lines, font size)."""
    spacing = _line_spacing(pages)
    lengths = sorted(len(line.text) for lines in pages for line in lines)
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0
    left = statistics.median(line.x for lines in pages for line in lines) if lengths else 0.0
    paragraphs: list[tuple[list[str], float]] = []
    current: list[str] = []
    size = 0.0
    previous: _Line | None = None
    for lines in pages:
        for index, line in enumerate(lines):
            new = previous is None
            if previous is not None:
                gap = previous.y - line.y
                if index == 0:
                    # Page break: a paragraph goes on unless the last line finished one.
                    new = bool(_ENDS_SENTENCE.search(previous.text))
                else:
                    new = (
                        abs(line.size - previous.size) > 0.5
                        or gap <= 0
                        or (spacing > 0 and gap > spacing * 1.4)
                        or (
                            _ENDS_SENTENCE.search(previous.text) is not None
                            and len(previous.text) < 0.75 * full
                        )
                        or (
                            line.x > left + 8
                            and abs(previous.x - left) < 2
                            and _ENDS_SENTENCE.search(previous.text) is not None
                        )
                    )
            if new and current:
                paragraphs.append((current, size))
                current = []
            if not current:
                size = line.size
            current.append(line.text)
            previous = line
    if current:
        paragraphs.append((current, size))
    return paragraphs


def _metadata(reader: pypdf.PdfReader) -> ArticleMetadata:
    title = author = language = None
    try:
        info = reader.metadata
        if info is not None:
            title = clean_field(info.title)
            author = clean_field(info.author)
        root: Any = reader.trailer["/Root"]
        lang = root.get_object().get("/Lang")
        language = clean_field(str(lang)) if lang is not None else None
    except (PdfReadError, KeyError, TypeError, ValueError, AttributeError):
        pass
    if title and _JUNK_TITLE.search(title):
        title = None
    if language:
        language = re.split(r"[-_]", language)[0].lower()
        if not re.fullmatch(r"[a-z]{2,3}", language):
            language = None
    return ArticleMetadata(title=title, author=author, language=language)


def _has_images(page: Any) -> bool:
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return False
        return any(xobjects[name].get_object().get("/Subtype") == "/Image" for name in xobjects)
    except Exception:
        return False


def draft_from_pdf(data: bytes) -> Draft:
    try:
        reader = pypdf.PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:
                raise EncryptedArticleError(
                    "The PDF is protected by a password; open it, save an unprotected copy "
                    "and import that."
                ) from exc
            if not opened:
                raise EncryptedArticleError(
                    "The PDF is protected by a password; open it, save an unprotected copy "
                    "and import that."
                )
        count = len(reader.pages)
    except (EncryptedArticleError, ArticleTooLargeError):
        raise
    except Exception as exc:
        raise CorruptArticleError("The PDF is damaged and could not be read.") from exc
    if count == 0:
        raise EmptyArticleError("The PDF has no pages.")
    if count > MAX_PDF_PAGES:
        raise ArticleTooLargeError(
            f"The PDF has {count} pages; Factdesk imports articles of up to {MAX_PDF_PAGES} pages."
        )
    pages: list[list[_Line]] = []
    images = False
    for number in range(count):
        try:
            page = reader.pages[number]
            lines = _page_lines(page)
        except Exception as exc:
            raise CorruptArticleError(
                f"Page {number + 1} of the PDF is damaged and could not be read."
            ) from exc
        if not lines and _has_images(page):
            images = True
        pages.append(lines)
    if not any(pages):
        if images:
            raise NoTextLayerError(
                "The PDF holds only images (a scan) and no text; run OCR on it first."
            )
        raise EmptyArticleError("The PDF holds no text.")
    pages = _remove_running_lines(pages)
    return _draft_from_lines(pages, _metadata(reader))


def _draft_from_lines(pages: list[list[_Line]], metadata: ArticleMetadata) -> Draft:
    # Compounds the document hyphenates inside lines ("well-known"), and their first
    # parts ("well-"): a line-end hyphen before those is a real hyphen.
    hyphenated = {"self-", "well-"}
    for page in pages:
        for line in page:
            for word in re.findall(r"(\w+)-(\w+)", line.text):
                hyphenated.add(f"{word[0]}-{word[1]}".lower())
                hyphenated.add(f"{word[0]}-".lower())
    groups = _paragraphs(pages)
    body_sizes = Counter(round(size) for texts, size in groups for _ in texts)
    body = body_sizes.most_common(1)[0][0] if body_sizes else 0
    draft = Draft(metadata=metadata)
    headline_seen = False
    for texts, size in groups:
        text = _join_lines(texts, hyphenated)
        role = ParagraphRole.BODY
        if body and size >= body * 1.25 and len(text) < 300:
            role = ParagraphRole.SUBHEADING
            if not headline_seen and not draft.blocks:
                role = ParagraphRole.HEADLINE
            headline_seen = True
        draft.add(text, role)
    _log.debug("PDF: %d paragraphs", len(draft.blocks))
    return draft
