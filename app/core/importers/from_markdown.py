"""Markdown: the text without its markup, headings and image captions with their roles.

The first top-level heading is the headline, other headings are subheadings. An image's
alt text (and title) becomes a caption; text right after an image in the same paragraph,
or an all-emphasis paragraph right after one, is its caption too. A YAML-style front
matter block gives metadata (title, author, date, url, outlet, lang) and is not text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.core.errors import ArticleImportError
from app.core.importers._build import Draft
from app.core.importers._roles import clean_field, is_credit, parse_date, split_credit
from app.core.importers.from_html import draft_from_fragment
from app.core.records import ArticleMetadata, ParagraphRole

_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")
_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)
_FIELD_NAMES = {
    "title": "title",
    "headline": "title",
    "author": "author",
    "authors": "author",
    "byline": "author",
    "date": "published",
    "published": "published",
    "pubdate": "published",
    "url": "url",
    "canonical_url": "url",
    "canonical": "url",
    "link": "url",
    "outlet": "outlet",
    "site": "outlet",
    "site_name": "outlet",
    "publisher": "outlet",
    "source": "outlet",
    "lang": "language",
    "language": "language",
}


def _front_matter(text: str) -> tuple[str, ArticleMetadata]:
    match = _FRONT_MATTER.match(text)
    if match is None:
        return text, ArticleMetadata()
    fields: dict[str, str] = {}
    for name, raw in _FIELD.findall(match.group(1)):
        key = _FIELD_NAMES.get(name.lower())
        value = clean_field(raw.strip().strip("\"'"))
        if key and value and key not in fields:
            fields[key] = value
    url = fields.get("url")
    language = fields.get("language")
    metadata = ArticleMetadata(
        title=fields.get("title"),
        outlet=fields.get("outlet"),
        author=fields.get("author"),
        url=url if url and url.startswith(("http://", "https://")) else None,
        published=parse_date(fields.get("published")),
        language=language.split("-")[0].lower() if language else None,
    )
    return text[match.end() :], metadata


def _inline(children: list[Token]) -> tuple[str, list[str], bool]:
    """(text, image captions, whether the text is all emphasis) of an inline token."""
    parts: list[str] = []
    images: list[str] = []
    emphasis_depth = 0
    plain_outside_emphasis = False
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            if child.content.strip() and emphasis_depth == 0:
                plain_outside_emphasis = True
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" " if parts else "")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind in ("em_open", "strong_open"):
            emphasis_depth += 1
        elif kind in ("em_close", "strong_close"):
            emphasis_depth -= 1
        elif kind == "image":
            alt = child.content.strip()
            title = str(child.attrs.get("title") or "").strip()
            for caption in (alt, title):
                if caption and caption not in images:
                    images.append(caption)
            parts.append("\x00")  # where the image was
    text = "".join(parts)
    return text, images, not plain_outside_emphasis


def _add_caption(draft: Draft, text: str) -> None:
    caption, credit = split_credit(" ".join(text.split()))
    if caption:
        draft.add(caption, ParagraphRole.CREDIT if is_credit(caption) else ParagraphRole.CAPTION)
    if credit:
        draft.add(credit, ParagraphRole.CREDIT)


def draft_from_markdown(source: str) -> Draft:
    body, metadata = _front_matter(source)
    draft = Draft(metadata=metadata)
    tokens = _MARKDOWN.parse(body)
    headline_seen = False
    after_image = False
    row: list[str] | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            text, _, _ = _inline(tokens[index + 1].children or [])
            if token.tag == "h1" and not headline_seen:
                role = ParagraphRole.HEADLINE
                headline_seen = True
            else:
                role = ParagraphRole.SUBHEADING
            draft.add(text.replace("\x00", ""), role)
            after_image = False
            index += 3
            continue
        if kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            draft.add(" | ".join(cell for cell in row if cell))
            row = None
        elif kind == "inline" and row is not None:
            text, _, _ = _inline(token.children or [])
            row.append(" ".join(text.replace("\x00", "").split()))
        elif kind == "inline":
            text, images, all_emphasis = _inline(token.children or [])
            if images:
                before, _, rest = text.partition("\x00")
                if before.strip():
                    draft.add(before)
                for caption in images:
                    _add_caption(draft, caption)
                rest = rest.replace("\x00", "").strip()
                if rest:
                    # Text after an image in the same paragraph is its caption.
                    _add_caption(draft, rest)
                after_image = True
            elif after_image and all_emphasis and len(text) < 400:
                _add_caption(draft, text)
                after_image = False
            else:
                draft.add(text)
                after_image = False
        elif kind in ("fence", "code_block"):
            draft.add(token.content)
            after_image = False
        elif kind == "html_block":
            try:
                fragment = draft_from_fragment(token.content)
            except ArticleImportError:
                fragment = Draft()
            draft.blocks.extend(fragment.blocks)
        index += 1
    return draft
