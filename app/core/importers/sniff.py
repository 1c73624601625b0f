"""Telling formats apart by content, and decoding text files.

The extension is only a hint: a PDF renamed ``.txt`` is read as a PDF, a web page saved
without extension as HTML. The extension decides only between plain text and Markdown,
which look the same to a machine.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from io import BytesIO

import charset_normalizer

from app.core.errors import UnsupportedFormatError

TEXT = "text"
MARKDOWN = "markdown"
HTML = "html"
MHTML = "mhtml"
DOCX = "docx"
PDF = "pdf"

_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mdtext")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")

# Signatures of binary formats people may try to import, with what to tell them.
_KNOWN_BINARY: tuple[tuple[bytes, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "This is an old Word (.doc) or other Office 97 file; save it as .docx and import that.",
    ),
    (b"{\\rtf", "This is an RTF file; save it as .docx or plain text and import that."),
    (b"\x89PNG\r\n\x1a\n", "This is a PNG image, not an article; import the text instead."),
    (b"\xff\xd8\xff", "This is a JPEG image, not an article; import the text instead."),
    (b"GIF8", "This is a GIF image, not an article; import the text instead."),
    (b"\x1f\x8b", "This is a gzip archive; unpack it and import the article inside."),
    (b"7z\xbc\xaf\x27\x1c", "This is a 7-Zip archive; unpack it and import the article inside."),
    (b"Rar!", "This is a RAR archive; unpack it and import the article inside."),
    (b"\x7fELF", "This is a program, not an article."),
    (b"MZ\x90\x00", "This is a program, not an article."),
    (b"SQLite format 3\x00", "This is a database file, not an article."),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|body|p|div|article)[\s>]", re.IGNORECASE)
_MHTML_START = re.compile(rb"^(?:[\x21-\x39\x3b-\x7e]+:[^\r\n]*\r?\n)*?MIME-Version:", re.I)

_PDF_OBJECT = re.compile(rb"\d+ \d+ obj\b")

BINARY_MESSAGE = (
    "The file holds binary data (NUL bytes or no decodable text), not text: "
    "it is in no format Factdesk can import."
)


def _suffix(name: str | None) -> str:
    if not name:
        return ""
    dot = name.rfind(".")
    return name[dot:].lower() if dot > max(name.rfind("/"), name.rfind("\\")) else ""


def detect_format(data: bytes, name: str | None = None) -> str:
    """The format of ``data``: one of the constants above. Raises on known binaries."""
    head = data[:1024]
    pdf_at = head.find(b"%PDF-")
    # A PDF may have a little junk before its header; a text that merely mentions
    # "%PDF-" has no PDF objects.
    if pdf_at == 0 or (pdf_at > 0 and _PDF_OBJECT.search(data[:65536])):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data)
    for signature, message in _KNOWN_BINARY:
        if data.startswith(signature):
            raise UnsupportedFormatError(message)
    suffix = _suffix(name)
    lowered = head.lstrip().lower()
    # UTF-16/32 files: look at their first characters decoded.
    probe = head
    for bom, encoding in _BOMS:
        if data.startswith(bom) and encoding != "utf-8":
            probe = data[len(bom) : 2048].decode(encoding, "replace").encode("utf-8", "replace")
            lowered = probe.lstrip().lower()
            break
    if probe.startswith(codecs.BOM_UTF8):
        probe = probe[3:]
    if _MHTML_START.match(probe) and b"multipart/related" in data[:4096].lower():
        return MHTML
    if _HTML_START.match(probe):
        return HTML
    if suffix in _HTML_SUFFIXES and (lowered.startswith(b"<") or _HTML_ANYWHERE.search(probe)):
        return HTML
    if suffix in _MARKDOWN_SUFFIXES:
        return MARKDOWN
    return TEXT


def _zip_format(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise UnsupportedFormatError(
            "The file is a damaged ZIP archive (a .docx file cannot be opened)."
        ) from exc
    if "word/document.xml" in names:
        return DOCX
    if "content.xml" in names:
        raise UnsupportedFormatError(
            "This is an OpenDocument file; save it as .docx and import that."
        )
    if "[Content_Types].xml" in names:
        raise UnsupportedFormatError(
            "This is an Office file but not a Word document; only .docx can be imported."
        )
    raise UnsupportedFormatError("This is a ZIP archive, not an article.")


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a zero in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
        return "utf-16-le"
    if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> str:
    """Decode a text file: BOM, then UTF-8, then a detected legacy encoding.

    Raises :class:`UnsupportedFormatError` when the bytes are not text at all.
    """
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnsupportedFormatError(
                    f"The file starts as {encoding.upper()} text but holds bytes that are "
                    "not valid in that encoding."
                ) from exc
            break
    if text is None:
        # UTF-16 before UTF-8: ASCII text in UTF-16 without a BOM is also valid UTF-8
        # (with a NUL between letters), and would then be refused as binary.
        guessed = _looks_utf16(data)
        if guessed is not None:
            try:
                text = data.decode(guessed)
            except UnicodeDecodeError:
                text = None
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if text is not None and "\x00" in text:
        raise UnsupportedFormatError(BINARY_MESSAGE)  # no text holds a NUL character
    if text is None:
        if b"\x00" in data:
            raise UnsupportedFormatError(BINARY_MESSAGE)
        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise UnsupportedFormatError(BINARY_MESSAGE)
        text = str(best)
    if "\x00" in text or is_binary_text(text):
        # No text is written with NUL characters in it: this is binary data that happens
        # to decode (NUL is valid UTF-8), however small its share of the file.
        raise UnsupportedFormatError(BINARY_MESSAGE)
    return text


def is_binary_text(text: str) -> bool:
    """Too many control characters or replacement marks for a human-written text."""
    sample = text[:65536]
    if not sample:
        return False
    bad = sum(
        1
        for ch in sample
        if (ch < " " and ch not in "\t\n\r\x0c") or ch == "\ufffd" or "\x7f" <= ch <= "\x9f"
    )
    return bad > max(2, len(sample) // 100)
