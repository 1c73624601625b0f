"""Web pages saved from a browser (.html, .htm, .mhtml) and HTML from the clipboard.

A saved page holds far more than the article: navigation, cookie banners, share
buttons, related links, comments, footers. trafilatura finds the main text; Factdesk
first marks figure captions, photo credits and standfirsts in the tree (trafilatura
drops ``<figcaption>`` and forgets classes), so their roles survive extraction.

Nothing here touches the network: trafilatura gets an already parsed tree, never a URL,
and the HTML parser is told not to load anything. Scripts, styles and templates are
never text.
"""

from __future__ import annotations

import re
import secrets
from configparser import ConfigParser
from copy import deepcopy

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import DEFAULT_CONFIG

from app.core.errors import EmptyArticleError
from app.core.importers._build import Draft
from app.core.importers._roles import clean_field, is_credit, split_credit
from app.core.importers.html_metadata import extract_metadata
from app.core.importers.html_page import decode_html, html_from_mhtml, parse_html
from app.core.records import ParagraphRole

_CONFIG: ConfigParser = deepcopy(DEFAULT_CONFIG)
_CONFIG.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")  # no guessing dates from body text
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # it uses signals: main thread only


# Never text, wherever they are.
_NEVER_TEXT = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "iframe",
    "object",
    "embed",
    "canvas",
    "video",
    "audio",
    "select",
    "button",
    "input",
    "textarea",
    "head",
    "title",
)
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
        "center",
    ]
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

# Class, id or itemprop words that name a role.
_CREDIT_WORDS = frozenset(
    [
        "credit",
        "credits",
        "copyright",
        "photographer",
        "photo-credit",
        "image-credit",
        "media-credit",
        "caption-credit",
        "byline-photo",
        "source-credit",
    ]
)
_CAPTION_WORDS = frozenset(
    ["caption", "wp-caption-text", "image-caption", "media-caption", "figcaption"]
)
_STANDFIRST_WORDS = frozenset(
    [
        "standfirst",
        "dek",
        "deck",
        "subtitle",
        "sub-title",
        "subheadline",
        "sub-headline",
        "summary",
        "article-summary",
        "lede",
        "intro",
        "article-intro",
        "excerpt",
        "teaser",
        "strapline",
        "kicker-summary",
        "description",
    ]
)

# --- Marking roles before extraction --------------------------------------------------


class _Marks:
    """Tokens put at the start of an element's text to carry a role through extraction.

    A random part per import means a page cannot forge them.
    """

    def __init__(self) -> None:
        nonce = secrets.token_hex(4)
        self.prefix = f"fdkm{nonce}"
        self.codes = {
            ParagraphRole.CAPTION: "c",
            ParagraphRole.CREDIT: "r",
            ParagraphRole.STANDFIRST: "s",
        }
        self.roles = {code: role for role, code in self.codes.items()}
        self.pattern = re.compile(rf"{self.prefix}([crs])x ?")

    def token(self, role: ParagraphRole) -> str:
        return f"{self.prefix}{self.codes[role]}x "

    def mark(self, element: etree._Element, role: ParagraphRole) -> None:
        element.text = self.token(role) + (element.text or "")

    def read(self, text: str, default: ParagraphRole) -> tuple[str, ParagraphRole]:
        """Strip tokens from a block's text; the block's role if it starts with one."""
        role = default
        match = self.pattern.match(text.lstrip())
        if match is not None:
            role = self.roles[match.group(1)]
        if self.prefix in text:
            text = self.pattern.sub("", text)
        return text, role


def _words(element: etree._Element) -> set[str]:
    words: set[str] = set()
    for attribute in ("class", "id", "itemprop"):
        value = element.get(attribute)
        if value:
            words.update(value.lower().split())
    return words


def _drop(element: etree._Element) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _prepare(root: lxml.html.HtmlElement, marks: _Marks) -> None:
    """Remove what is never text; mark figures, captions, credits and standfirsts."""
    for element in list(root.iter(*_NEVER_TEXT)):
        if element is not root:
            _drop(element)
    for figure in list(root.iter("figure", "picture")):
        if figure.tag == "picture" or figure.getparent() is None:
            continue
        credits: list[str] = []
        for element in list(figure.iter()):
            if element is not figure and _words(element) & _CREDIT_WORDS:
                text = _text_of(element)
                if text:
                    credits.append(text)
                _drop(element)
        captions = [_text_of(c) for c in figure.iter("figcaption")]
        caption = " ".join(c for c in captions if c)
        if not caption:
            for image in figure.iter("img"):
                caption = clean_field(image.get("alt")) or ""
                if caption:
                    break
        replacement = lxml.html.Element("div")
        for text, role in [(caption, ParagraphRole.CAPTION)] + [
            (c, ParagraphRole.CREDIT) for c in credits
        ]:
            if text:
                paragraph = etree.SubElement(replacement, "p")
                paragraph.text = marks.token(role) + text
        replacement.tail = figure.tail
        parent = figure.getparent()
        if parent is not None:
            parent.replace(figure, replacement)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        words = _words(element)
        if not words:
            continue
        if words & _CREDIT_WORDS:
            marks.mark(element, ParagraphRole.CREDIT)
        elif words & _CAPTION_WORDS or element.tag == "figcaption":
            marks.mark(element, ParagraphRole.CAPTION)
        elif words & _STANDFIRST_WORDS and element.tag in ("p", "div", "h2", "h3", "span"):
            marks.mark(element, ParagraphRole.STANDFIRST)


# --- Turning a tree into blocks -------------------------------------------------------


class _Collector:
    """Builds blocks from text pieces, resolving role tokens and caption credits."""

    def __init__(self, draft: Draft, marks: _Marks) -> None:
        self.draft = draft
        self.marks = marks
        self.buffer: list[str] = []
        self.headline_seen = False

    def heading_role(self, level: int) -> ParagraphRole:
        if level == 1 and not self.headline_seen:
            self.headline_seen = True
            return ParagraphRole.HEADLINE
        return ParagraphRole.SUBHEADING

    def flush(self, role: ParagraphRole) -> None:
        if not self.buffer:
            return
        raw = "".join(self.buffer)
        self.buffer.clear()
        self.emit(raw, role)

    def emit(self, raw: str, role: ParagraphRole) -> None:
        text, role = self.marks.read(raw, role)
        if not text.strip():
            return
        if role is ParagraphRole.CAPTION:
            caption, credit = split_credit(" ".join(text.split()))
            if not caption and credit:
                self.draft.add(credit, ParagraphRole.CREDIT)
                return
            self.draft.add(caption, ParagraphRole.CAPTION)
            if credit:
                self.draft.add(credit, ParagraphRole.CREDIT)
            return
        if role is ParagraphRole.BODY and is_credit(" ".join(text.split())) and len(text) < 80:
            role = ParagraphRole.CREDIT
        self.draft.add(text, role)


_BOILERPLATE_TAGS = frozenset(("nav", "aside", "footer", "form", "menu", "dialog"))
_BOILERPLATE_WORDS = frozenset(
    [
        "nav",
        "navbar",
        "navigation",
        "menu",
        "cookie",
        "cookies",
        "cookie-banner",
        "consent",
        "share",
        "sharing",
        "social",
        "related",
        "comments",
        "comment",
        "footer",
        "sidebar",
        "newsletter",
        "advert",
        "ad",
        "ads",
        "promo",
        "breadcrumb",
        "breadcrumbs",
        "subscribe",
        "paywall",
    ]
)


def _walk_html(
    root: etree._Element, collector: _Collector, *, skip_boilerplate: bool = False
) -> None:
    """Every block of an HTML tree in document order (for paste and as a fallback).

    ``skip_boilerplate`` leaves out navigation, asides, footers and elements whose class
    says cookie banner, share buttons, related links or comments.
    """
    roles: list[ParagraphRole] = [ParagraphRole.BODY]
    cells: list[bool] = []  # per open row: has a cell been seen
    skipped: set[etree._Element] = set()  # iterwalk still reports their "end"
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if not tag:
                walker.skip_subtree()
                continue
            if tag in _NEVER_TEXT or (
                skip_boilerplate
                and (tag in _BOILERPLATE_TAGS or _words(element) & _BOILERPLATE_WORDS)
            ):
                walker.skip_subtree()
                skipped.add(element)
                continue
            if tag == "br":
                collector.buffer.append("\n")
            elif tag in ("td", "th") and cells:
                if cells[-1]:
                    collector.buffer.append(" | ")
                cells[-1] = True
            elif tag in _BLOCK_TAGS:
                collector.flush(roles[-1])
                if tag in _HEADINGS:
                    roles.append(collector.heading_role(_HEADINGS[tag]))
                elif tag == "figcaption":
                    roles.append(ParagraphRole.CAPTION)
                else:
                    roles.append(
                        roles[-1] if roles[-1] is not ParagraphRole.HEADLINE else ParagraphRole.BODY
                    )
                if tag == "tr":
                    cells.append(False)
            if element.text:
                collector.buffer.append(element.text)
        else:
            if tag in _BLOCK_TAGS and tag not in ("td", "th") and element not in skipped:
                collector.flush(roles[-1])
                if len(roles) > 1:
                    roles.pop()
                if tag == "tr" and cells:
                    cells.pop()
            if element.tail and element is not root:
                collector.buffer.append(element.tail)
    collector.flush(roles[-1])


def _inline_text(element: etree._Element) -> str:
    """The text of a trafilatura output element, with its line breaks."""
    parts: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if event == "start":
            if node.tag == "lb":
                parts.append("\n")
            if node.text:
                parts.append(node.text)
        elif node is not element and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def _walk_extracted(body: etree._Element, collector: _Collector) -> None:
    """Blocks from trafilatura's output tree (head, p, list, quote, table...)."""
    for element in body:
        tag = element.tag
        if tag == "head":
            rend = element.get("rend") or "h2"
            level = _HEADINGS.get(rend, 2)
            collector.emit(_inline_text(element), collector.heading_role(level))
        elif tag == "list":
            for item in element.iter("item"):
                collector.emit(_inline_text(item), ParagraphRole.BODY)
        elif tag == "table":
            for row in element.iter("row"):
                cells = [" ".join(_inline_text(c).split()) for c in row.iter("cell")]
                collector.emit(" | ".join(c for c in cells if c), ParagraphRole.BODY)
        elif tag == "quote" and len(element):
            if element.text and element.text.strip():
                collector.emit(element.text, ParagraphRole.BODY)
            _walk_extracted(element, collector)
        elif tag == "graphic":
            continue
        else:
            collector.emit(_inline_text(element), ParagraphRole.BODY)


# Above this much HTML, trafilatura skips its second opinion (readability, jusText):
# on long pages its own extractor finds plenty and the comparison doubles the time.
FAST_EXTRACTION_CHARS = 512 * 1024


def _extract_main(root: lxml.html.HtmlElement, *, fast: bool) -> etree._Element | None:
    try:
        document = trafilatura.bare_extraction(
            root,
            fast=fast,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
            config=_CONFIG,
        )
    except (ValueError, TypeError, AttributeError, etree.LxmlError, RecursionError):
        # trafilatura is not meant to raise; if it does, fall back to the plain walk.
        return None
    if document is None:
        return None
    body = getattr(document, "body", None)
    return body if isinstance(body, etree._Element) and len(body) else None


def draft_from_html(text: str, *, main_content: bool = True) -> Draft:
    """A draft of a web page.

    ``main_content`` keeps only the article (saved pages); without it every block is
    kept (a selection pasted from the clipboard is what the user chose).
    """
    root = parse_html(text)
    metadata = extract_metadata(root)
    marks = _Marks()
    _prepare(root, marks)
    draft = Draft(metadata=metadata)
    collector = _Collector(draft, marks)
    body = _extract_main(root, fast=len(text) > FAST_EXTRACTION_CHARS) if main_content else None
    if body is not None:
        _walk_extracted(body, collector)
    if not draft.blocks:
        collector.headline_seen = False
        _walk_html(root, collector, skip_boilerplate=main_content)
    if not draft.blocks:
        raise EmptyArticleError("The page holds no article text (only markup or scripts).")
    if main_content and metadata.title and not collector.headline_seen:
        first = " ".join(draft.blocks[0].text.split())
        if first == metadata.title:
            draft.blocks[0].role = ParagraphRole.HEADLINE
        else:
            draft.blocks.insert(0, type(draft.blocks[0])(metadata.title, ParagraphRole.HEADLINE))
    return draft


def draft_from_html_bytes(data: bytes) -> Draft:
    return draft_from_html(decode_html(data))


def draft_from_mhtml_bytes(data: bytes) -> Draft:
    return draft_from_html(html_from_mhtml(data))


def draft_from_fragment(text: str) -> Draft:
    """Every block of an HTML fragment (clipboard, HTML inside Markdown)."""
    return draft_from_html(text, main_content=False)
