"""Reading articles from files and the clipboard into normalised text with structure.

Formats (chosen by content, the extension only breaks ties between plain text and
Markdown):

* plain text: UTF-8 with or without BOM, UTF-16/UTF-32 with BOM, UTF-16 without BOM,
  legacy single-byte encodings (windows-1252, latin-1, KOI8-R, ...) detected by
  charset-normalizer; universal newlines;
* Markdown (.md, .markdown): the text without markup; headings, image alt text and
  captions keep their roles; front matter gives metadata;
* HTML saved from a browser (.html, .htm, .xhtml, also .mhtml single-file archives):
  the main text found by trafilatura, metadata from JSON-LD, Open Graph and meta tags;
* Word .docx: styles give roles, tables become " | "-separated rows;
* PDF with a text layer: reading order, hyphenation joined, running headers/footers and
  page numbers removed;
* paste: HTML from the clipboard when there is some, else its plain text.

Limits (each refusal is an :class:`~app.core.errors.ArticleImportError` subclass whose
message is one line saying what is wrong):

* files larger than :data:`MAX_FILE_BYTES` (50 MB) are refused from their size, before
  any byte is read; pasted text above the same size likewise;
* a .docx may hold at most 5,000 archive members and 200 MB uncompressed in all, and no
  member above 1 MB may be compressed more than 200:1 (zip bombs are refused before
  anything is decompressed);
* a PDF may have at most 2,000 pages; password-protected PDFs and PDFs with no text
  layer (scans) are refused with a message saying so;
* scripts, styles and templates in HTML are never text; nothing is ever fetched from
  the network.

Files are opened read-only and never written. Nothing here imports Qt.
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from app.core.errors import (
    ArticleImportError,
    ArticleTooLargeError,
    EmptyArticleError,
    MissingComponentError,
    missing_component,
)
from app.core.importers import sniff
from app.core.importers._build import (
    Draft,
    ImportedArticle,
    build_article,
    normalise_text,
)
from app.core.importers.errors import ArticleNotReadableError, CorruptArticleError
from app.core.records import ParagraphRole

__all__ = [
    "MAX_FILE_BYTES",
    "ImportedArticle",
    "normalise_text",
    "read_article",
    "read_article_bytes",
    "read_pasted",
]

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest article file Factdesk imports (50 MiB); checked before reading."""

_log = logging.getLogger(__name__)

_FORMAT_NAMES = {
    sniff.TEXT: "text file",
    sniff.MARKDOWN: "Markdown file",
    sniff.HTML: "web page",
    sniff.MHTML: "web archive",
    sniff.DOCX: "Word document",
    sniff.PDF: "PDF",
}


def _too_large(size: int) -> ArticleTooLargeError:
    return ArticleTooLargeError(
        f"The file is {size / (1024 * 1024):.0f} MB; Factdesk imports articles of up to "
        f"{MAX_FILE_BYTES // (1024 * 1024)} MB."
    )


def read_article(path: Path) -> ImportedArticle:
    """Read an article file; the format is found from its content.

    The file is opened read-only and never modified. Its size is checked before it is
    read. Raises an :class:`ArticleImportError` subclass with a one-line message.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise ArticleNotReadableError(f"There is no file at {path}.") from exc
    except OSError as exc:
        raise ArticleNotReadableError(
            f"The file {path} cannot be read ({exc.strerror or 'error'})."
        ) from exc
    if stat.S_ISDIR(info.st_mode):
        raise ArticleNotReadableError(f"{path} is a folder, not an article file.")
    if not stat.S_ISREG(info.st_mode):
        raise ArticleNotReadableError(f"{path} is not a regular file.")
    if info.st_size > MAX_FILE_BYTES:
        raise _too_large(info.st_size)
    try:
        with path.open("rb") as handle:
            # One byte more than allowed: the file may have grown since stat().
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ArticleNotReadableError(
            f"The file {path} cannot be read ({exc.strerror or 'error'})."
        ) from exc
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(len(data))
    return read_article_bytes(data, path.name)


def read_article_bytes(data: bytes, name: str | None = None) -> ImportedArticle:
    """Read an article from its bytes; ``name`` (a file name) only hints at the format."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(len(data))
    if not data.strip():
        raise EmptyArticleError("The file is empty.")
    try:
        kind = sniff.detect_format(data, name)
    except ArticleImportError:
        raise
    except Exception as exc:  # a damaged header can trip the sniffing parsers too
        _log.warning("Sniffing an article failed", exc_info=True)
        raise CorruptArticleError(
            f"The file is damaged and could not be read ({type(exc).__name__})."
        ) from exc
    source_format = sniff.HTML if kind == sniff.MHTML else kind
    return _guarded(kind, lambda: _finish(_draft(kind, data), source_format))


def _guarded(kind: str, work: Callable[[], ImportedArticle]) -> ImportedArticle:
    """Run an importer; whatever goes wrong becomes a one-line ArticleImportError."""
    try:
        return work()
    except ArticleImportError:
        raise
    except RecursionError as exc:
        raise CorruptArticleError(
            f"The {_FORMAT_NAMES[kind]} is nested too deeply to be read."
        ) from exc
    except MemoryError as exc:
        raise ArticleTooLargeError(
            f"The {_FORMAT_NAMES[kind]} needs more memory than is available."
        ) from exc
    except ImportError as exc:
        # A library missing from the installation: the file is not at fault.
        _log.warning("Importing a %s needs a missing library", kind, exc_info=True)
        raise MissingComponentError(missing_component(exc) or str(exc.name or exc)) from exc
    except Exception as exc:
        # Parsers of untrusted files can fail in ways their documentation does not list.
        # The person gets one line; the details go to the log for a bug report.
        _log.warning("Importing a %s failed", kind, exc_info=True)
        raise CorruptArticleError(
            f"The {_FORMAT_NAMES[kind]} could not be read: it may be damaged "
            f"({type(exc).__name__})."
        ) from exc


def _draft(kind: str, data: bytes) -> Draft:
    # Importers are loaded when first needed: trafilatura and pypdf take a while to import.
    if kind == sniff.PDF:
        from app.core.importers.from_pdf import draft_from_pdf

        return draft_from_pdf(data)
    if kind == sniff.DOCX:
        from app.core.importers.from_docx import draft_from_docx

        return draft_from_docx(data)
    if kind == sniff.HTML:
        from app.core.importers.from_html import draft_from_html_bytes

        return draft_from_html_bytes(data)
    if kind == sniff.MHTML:
        from app.core.importers.from_html import draft_from_mhtml_bytes

        return draft_from_mhtml_bytes(data)
    text = sniff.decode_text(data)
    if kind == sniff.MARKDOWN:
        from app.core.importers.from_markdown import draft_from_markdown

        return draft_from_markdown(text)
    from app.core.importers.from_text import draft_from_text

    return draft_from_text(text)


def _finish(draft: Draft, source_format: str) -> ImportedArticle:
    """Build the article; fill the title from the headline when the file gave none."""
    article = build_article(draft, source_format)
    metadata = article.metadata
    if metadata.title is None and article.paragraphs:
        first = article.paragraphs[0]
        if first.role is ParagraphRole.HEADLINE:
            title = " ".join(article.text[first.start : first.end].split())
            article = replace(article, metadata=replace(metadata, title=title))
    return article


def read_pasted(text: str | None, html: str | None = None) -> ImportedArticle:
    """Read what was pasted: the clipboard's HTML when there is some, else its text.

    Everything in a pasted selection is kept (the person chose it), so HTML is not
    reduced to a main text; only scripts, styles and the like are dropped.
    """
    for value in (text, html):
        if value is not None and len(value) > MAX_FILE_BYTES:
            raise ArticleTooLargeError(
                f"The pasted text is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
    if html and html.strip():
        from app.core.importers.from_html import draft_from_fragment

        try:
            return _guarded(sniff.HTML, lambda: _finish(draft_from_fragment(html), sniff.HTML))
        except EmptyArticleError:
            if not text or not text.strip():
                raise
    if not text or not text.strip():
        raise EmptyArticleError("Nothing was pasted: the clipboard holds no text.")
    from app.core.importers.from_text import draft_from_text

    pasted = text
    return _guarded(sniff.TEXT, lambda: _finish(draft_from_text(pasted), sniff.TEXT))
