"""Reading an article as the command line's ``detect`` sees it.

A plain-text file is decoded as UTF-8 (a byte-order mark is dropped) with universal
newlines, so offsets printed by ``factdesk detect`` index exactly that string. Every
other format ``import`` reads (Markdown, saved web pages, Word, PDF) goes through the same
importer as ``import``: detect sees the article's text and paragraph roles, never markup.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path

from app.core.errors import ArticleImportError, ArticleTooLargeError, EmptyArticleError
from app.core.records import Paragraph

MAX_TEXT_BYTES = 50 * 1024 * 1024


def decode_text(data: bytes, name: str) -> str:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleImportError(f"{name}: this is a binary file, not text.")
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleImportError(
            f"{name}: the text is not UTF-8 (byte {exc.start}); import it with "
            "'factdesk import', which detects other encodings."
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_file(path: Path) -> str:
    name = path.name
    text = decode_text(_read_bytes(path), name)
    if not text.strip():
        raise EmptyArticleError(f"{name}: the file holds no text.")
    return text


def read_article_for_detection(path: Path) -> tuple[str, Sequence[Paragraph] | None]:
    """The text ``detect`` analyses, and the paragraphs when the format gives them."""
    from app.core.importers import read_article_bytes, sniff

    name = path.name
    data = _read_bytes(path)
    if not data.strip():
        raise EmptyArticleError(f"{name}: the file holds no text.")
    if sniff.detect_format(data, name) != sniff.TEXT:
        article = read_article_bytes(data, name)
        return article.text, article.paragraphs or None
    text = decode_text(data, name)
    if not text.strip():
        raise EmptyArticleError(f"{name}: the file holds no text.")
    return text, None


def _read_bytes(path: Path) -> bytes:
    name = path.name
    try:
        info = path.stat()
        # What import refuses, refused before opening: a FIFO would block the read
        # forever and a device such as /dev/zero never ends.
        if stat.S_ISDIR(info.st_mode):
            raise ArticleImportError(f"{name}: is a folder, not an article.")
        if not stat.S_ISREG(info.st_mode):
            raise ArticleImportError(f"{name}: is not a regular file.")
        if info.st_size > MAX_TEXT_BYTES:
            raise _too_large(name, info.st_size)
        with path.open("rb") as handle:
            data = handle.read(MAX_TEXT_BYTES + 1)  # it may have grown since stat()
    except FileNotFoundError as exc:
        raise ArticleImportError(f"{name}: no such file.") from exc
    except OSError as exc:
        raise ArticleImportError(f"{name}: cannot be read ({exc.strerror}).") from exc
    if len(data) > MAX_TEXT_BYTES:
        raise _too_large(name, len(data))
    return data


def _too_large(name: str, size: int) -> ArticleTooLargeError:
    return ArticleTooLargeError(
        f"{name}: {size // (1024 * 1024)} MB is over the "
        f"{MAX_TEXT_BYTES // (1024 * 1024)} MB limit for an article."
    )
