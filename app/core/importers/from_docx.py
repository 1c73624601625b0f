"""Word documents (.docx): paragraphs with their styles' roles, captions, tables as text.

Title style -> headline, Subtitle -> standfirst, Heading 1 -> headline when the document
has no Title yet (else subheading), other headings -> subheading, Caption -> caption (or
credit when it reads "Photo: …"). Each table row becomes one paragraph, its cells
separated by " | ". Headers, footers, footnotes, comments and text boxes are not read.

The archive is inspected before python-docx opens it: too many members, too much
uncompressed data or an extreme compression ratio (a zip bomb) are refused.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import OpcError
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from app.core.importers._build import Draft
from app.core.importers._roles import clean_field, is_credit, split_credit
from app.core.importers.errors import (
    CorruptArticleError,
    EncryptedArticleError,
    UnsafeArchiveError,
)
from app.core.records import ArticleMetadata, ParagraphRole

MAX_DOCX_MEMBERS = 5_000
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 200  # uncompressed / compressed, for members above 1 MB uncompressed
_RATIO_FLOOR = 1024 * 1024

_HEADING = re.compile(r"^(?:heading|überschrift|titre|título|titolo|kop)\s*(\d)$", re.I)


def check_archive(data: bytes) -> None:
    """Refuse a damaged archive or a zip bomb before anything is decompressed."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise CorruptArticleError(
            "The Word document is damaged: its ZIP archive is unreadable."
        ) from exc
    if len(members) > MAX_DOCX_MEMBERS:
        raise UnsafeArchiveError(
            f"The Word document holds {len(members)} files (limit {MAX_DOCX_MEMBERS}); "
            "it is not a normal document and was not opened."
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise EncryptedArticleError(
                "The Word document is encrypted; remove the password and try again."
            )
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > MAX_DOCX_RATIO:
            raise UnsafeArchiveError(
                f"The Word document would expand {ratio:.0f} times (a zip bomb); it was not opened."
            )
    if total > MAX_DOCX_UNCOMPRESSED:
        raise UnsafeArchiveError(
            f"The Word document would expand to {total // (1024 * 1024)} MB "
            f"(limit {MAX_DOCX_UNCOMPRESSED // (1024 * 1024)} MB); it was not opened."
        )


def _style_role(paragraph: DocxParagraph, state: dict[str, bool]) -> ParagraphRole:
    names: list[str] = []
    try:
        style = paragraph.style
        depth = 0
        while style is not None and depth < 10:
            names.append((style.name or "").strip().lower())
            names.append((style.style_id or "").strip().lower())
            style = style.base_style
            depth += 1
    except (KeyError, ValueError, AttributeError):
        names = []
    for name in names:
        if name == "title":
            state["headline"] = True
            return ParagraphRole.HEADLINE
        if name == "subtitle":
            return ParagraphRole.STANDFIRST
        if name == "caption":
            return ParagraphRole.CAPTION
        heading = _HEADING.match(name) or re.match(r"^heading(\d)$", name)
        if heading:
            if heading.group(1) == "1" and not state["headline"] and not state["body"]:
                state["headline"] = True
                return ParagraphRole.HEADLINE
            return ParagraphRole.SUBHEADING
    return ParagraphRole.BODY


def _table_rows(table: Table) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # Merged cells appear once per grid column they span.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


def _metadata(document: DocxDocument) -> ArticleMetadata:
    """Title, author and language from the document properties.

    The properties' dates are when the file was made or saved, not when the article was
    published, so they are not used.
    """
    properties = document.core_properties
    author = clean_field(properties.author)
    if author and author.lower() in ("python-docx", "author", "user", "admin"):
        author = None  # placeholders from templates, not a byline
    return ArticleMetadata(
        title=clean_field(properties.title),
        author=author,
        language=(clean_field(properties.language) or "").split("-")[0].lower() or None,
    )


def draft_from_docx(data: bytes) -> Draft:
    check_archive(data)
    try:
        document = docx.Document(BytesIO(data))
        draft = Draft(metadata=_metadata(document))
        state = {"headline": False, "body": False}
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                for row in _table_rows(item):
                    draft.add(row)
                    state["body"] = True
                continue
            role = _style_role(item, state)
            text = item.text
            if role is ParagraphRole.CAPTION:
                caption, credit = split_credit(" ".join(text.split()))
                if caption:
                    draft.add(caption, ParagraphRole.CREDIT if is_credit(caption) else role)
                if credit:
                    draft.add(credit, ParagraphRole.CREDIT)
                continue
            if role is ParagraphRole.BODY and text.strip():
                state["body"] = True
            draft.add(text, role)
    except (
        OpcError,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        zipfile.BadZipFile,
        etree.LxmlError,
        RecursionError,
        NotImplementedError,
        zlib.error,
        EOFError,
    ) as exc:
        raise CorruptArticleError(
            "The Word document is damaged or not a real .docx file; it could not be read."
        ) from exc
    return draft
