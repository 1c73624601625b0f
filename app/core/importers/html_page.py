"""A saved web page's bytes as a parsed tree: charset, MHTML archives, safe parsing.

The parser never loads anything from the network (``no_network``) and refuses huge trees,
so a hostile page cannot make the importer fetch or exhaust memory.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re

import charset_normalizer
import lxml.html
from lxml import etree

from app.core.errors import EmptyArticleError, UnsupportedFormatError
from app.core.importers.errors import CorruptArticleError
from app.core.importers.sniff import BINARY_MESSAGE, decode_text, is_binary_text

_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, recover=True, huge_tree=False
)

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def decode_html(data: bytes) -> str:
    """Decode a page: BOM, then the declared charset, then UTF-8, then detection."""
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            return decode_text(data)
    declared = _META_CHARSET.search(data[:4096])
    if declared is not None:
        name = declared.group(1).decode("ascii", "replace")
        try:
            codec = codecs.lookup(name).name
            # Browsers read "iso-8859-1" and "ascii" as windows-1252; so do we.
            if codec in ("latin-1", "iso8859-1", "ascii"):
                codec = "cp1252"
            text = data.decode(codec)
            if is_binary_text(text):
                raise UnsupportedFormatError(BINARY_MESSAGE)
            return text
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if b"\x00" in data:
            return decode_text(data)
        best = charset_normalizer.from_bytes(data).best()
        text = str(best) if best is not None else data.decode("cp1252", "replace")
    if is_binary_text(text):
        raise UnsupportedFormatError(BINARY_MESSAGE)
    return text


def html_from_mhtml(data: bytes) -> str:
    """The page inside an MHTML archive ("Web page, single file")."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset()
        if charset:
            try:
                return payload.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
        return decode_html(payload)
    raise CorruptArticleError("The MHTML archive holds no HTML page.")


def parse_html(text: str) -> lxml.html.HtmlElement:
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        raise EmptyArticleError("The page is empty.")
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptArticleError("The page could not be read as HTML.") from exc
    if root is None:
        raise EmptyArticleError("The page is empty.")
    return root
