"""An article's title, outlet, author, address, date and language from a page's markup."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import lxml.html

from app.core.importers._roles import clean_field, parse_date
from app.core.records import ArticleMetadata

_MAX_JSON_LD = 1_000_000


_ARTICLE_TYPES = frozenset(
    [
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "Report",
        "ScholarlyArticle",
        "SocialMediaPosting",
        "LiveBlogPosting",
        "WebPage",
    ]
)


def _json_ld_objects(root: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text or ""
        if len(raw) > _MAX_JSON_LD:
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        stack: list[tuple[Any, int]] = [(data, 0)]
        while stack:
            item, depth = stack.pop()
            if depth > 6:
                continue
            if isinstance(item, list):
                stack.extend((x, depth + 1) for x in reversed(item))
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend((x, depth + 1) for x in reversed(graph))


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def _names(value: Any) -> str | None:
    """A person or organisation (or a list of them) from JSON-LD, as "A, B"."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:10]:
        name = item.get("name") if isinstance(item, dict) else item
        tidy = clean_field(name, 200)
        if tidy and not tidy.startswith(("http://", "https://")) and tidy not in names:
            names.append(tidy)
    return ", ".join(names) or None


def _url_of(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    tidy = clean_field(value, 2000)
    return tidy if tidy and tidy.startswith(("http://", "https://")) else None


def _strip_by(author: str | None) -> str | None:
    if author is None:
        return None
    return re.sub(r"^(?:by|von|par|por|door)\s+", "", author, flags=re.I) or None


def extract_metadata(root: lxml.html.HtmlElement) -> ArticleMetadata:
    """Title, outlet, author, canonical URL, date and language from the page's markup.

    JSON-LD first (it is meant for machines), then Open Graph and other meta tags, then
    the ``<title>``, ``<link rel=canonical>`` and ``<html lang>``.
    """
    found: dict[str, str | None] = dict.fromkeys(
        ("title", "outlet", "author", "url", "published", "language")
    )

    def offer(key: str, value: str | None) -> None:
        if found[key] is None and value:
            found[key] = value

    for item in _json_ld_objects(root):
        if not _types(item) & _ARTICLE_TYPES:
            continue
        offer("title", clean_field(item.get("headline")) or clean_field(item.get("name")))
        offer("author", _names(item.get("author")))
        offer("published", clean_field(item.get("datePublished") or item.get("dateCreated")))
        offer("outlet", _names(item.get("publisher")))
        offer("url", _url_of(item.get("mainEntityOfPage")) or _url_of(item.get("url")))
        offer("language", clean_field(item.get("inLanguage")))

    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = clean_field(element.get("content"))
        if key and content:
            meta.setdefault(key.strip().lower(), content)
    for element in root.iter("link"):
        if "canonical" in (element.get("rel") or "").lower().split():
            offer("url", _url_of(element.get("href")))
    offer("url", _url_of(meta.get("og:url")))
    for key in ("og:title", "twitter:title", "dc.title", "parsely-title", "headline"):
        offer("title", meta.get(key))
    for key in ("og:site_name", "application-name", "publisher", "dc.publisher"):
        offer("outlet", meta.get(key))
    for key in (
        "author",
        "article:author",
        "dc.creator",
        "byl",
        "parsely-author",
        "sailthru.author",
        "twitter:creator",
    ):
        value = meta.get(key)
        if value and not value.startswith(("http://", "https://", "@")):
            offer("author", value)
    for key in (
        "article:published_time",
        "datepublished",
        "og:published_time",
        "pubdate",
        "publishdate",
        "publish-date",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "parsely-pub-date",
        "sailthru.date",
    ):
        offer("published", meta.get(key))
    if found["published"] is None:
        for time_element in root.iter("time"):
            if (time_element.get("itemprop") or "").lower() == "datepublished" or (
                "pubdate" in time_element.attrib
            ):
                offer("published", time_element.get("datetime"))
                break
    offer("language", clean_field(root.get("lang") or root.get("xml:lang")))
    offer("language", meta.get("content-language") or meta.get("og:locale"))
    title_element = root.find(".//title")
    page_title = None
    if title_element is not None:
        page_title = clean_field(title_element.text_content())
    if found["title"] is None and page_title:
        # "Headline | Outlet" or "Headline - Outlet": drop the outlet part.
        parts = re.split(r"\s+[|–—-]\s+", page_title)
        if len(parts) > 1 and len(parts[0].split()) >= 2:
            offer("title", parts[0])
            if len(parts) == 2 and len(parts[1]) <= 40:
                offer("outlet", parts[1])
        offer("title", page_title)

    language = found["language"]
    if language:
        language = re.split(r"[-_]", language)[0].lower() or None
        if language and not re.fullmatch(r"[a-z]{2,3}", language):
            language = None
    return ArticleMetadata(
        title=found["title"],
        outlet=found["outlet"],
        author=_strip_by(found["author"]),
        url=found["url"],
        published=parse_date(found["published"]),
        language=language,
    )
