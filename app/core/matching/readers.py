"""Reading collections of earlier verdicts into :class:`ReviewItem` records.

Formats: schema.org ClaimReview as JSON-LD (one review, a list, an ``@graph``, or the
Data Commons fact-check feed, a ``DataFeed`` whose elements hold ClaimReview items), web
pages carrying ClaimReview in ``<script type="application/ld+json">``, CSV with a header
row, and Factdesk projects (their rated claims). Every reader yields one entry per item:
the item, or the reason it cannot be used, so one bad item never stops the rest.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from app import PROJECT_SUFFIX
from app.core.errors import ValidationError
from app.core.matching.items import ReviewItem
from app.core.matching.text import parse_date

# (position, item or reason it was skipped)
Entry = tuple[str, ReviewItem | str]

CSV_COLUMNS = {
    "id": "id",
    "claim": "claim",
    "title": "title",
    "subtitle": "subtitle",
    "verdict": "rating",
    "rating": "rating",
    "source": "publisher",
    "publisher": "publisher",
    "speaker": "speaker",
    "claimant": "speaker",
    "date": "date",
    "url": "url",
}
SUPPORTED_SUFFIXES = (".csv", ".json", ".jsonld", ".html", ".htm", PROJECT_SUFFIX)
MAX_CLAIM_CHARS = 5000


def read_collection(path: Path) -> Iterator[Entry]:
    """Every item of one file. Raises :class:`ValidationError` only when the file as a
    whole cannot be read (missing, unknown kind, not JSON, not text)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ValidationError(f"{path}: no such file.")
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValidationError(
            f"{path.name}: not a ClaimReview collection (expected {', '.join(SUPPORTED_SUFFIXES)})."
        )
    if suffix == PROJECT_SUFFIX:
        yield from read_project(path)
        return
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError) as exc:
        raise ValidationError(f"{path.name}: cannot be read as UTF-8 text ({exc}).") from exc
    if suffix == ".csv":
        yield from read_csv(text, path.name)
    elif suffix in (".html", ".htm"):
        yield from read_html(text, path.name)
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"{path.name}: not valid JSON ({exc.msg}, line {exc.lineno})."
            ) from exc
        yield from read_json_ld(data, path.name)


# --- CSV -------------------------------------------------------------------------------


def read_csv(text: str, origin: str) -> Iterator[Entry]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "claim" not in header:
        raise ValidationError(
            f"{origin}: a CSV collection needs a header row with a 'claim' column."
        )
    reader.fieldnames = header
    for number, row in enumerate(reader, start=2):
        fields: dict[str, str] = {}
        for column, value in row.items():
            target = CSV_COLUMNS.get(column or "")
            if target and isinstance(value, str) and value.strip() and target not in fields:
                fields[target] = " ".join(value.split())
        yield f"row {number}", _item(fields, origin)


# --- JSON-LD ---------------------------------------------------------------------------


def read_json_ld(data: Any, origin: str) -> Iterator[Entry]:
    for position, node in enumerate(_claim_reviews(data), start=1):
        yield f"item {position}", _from_claim_review(node, origin)


def _claim_reviews(data: Any) -> Iterator[Any]:
    """The ClaimReview nodes of a JSON-LD document, wherever the document nests them."""
    if isinstance(data, list):
        for element in data:
            yield from _claim_reviews(element)
        return
    if not isinstance(data, dict):
        yield data  # reported as a bad item
        return
    kinds = data.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "ClaimReview" in kinds:
        yield data
    elif "@graph" in data:
        yield from _claim_reviews(data["@graph"])
    elif "dataFeedElement" in data:  # Data Commons / schema.org DataFeed
        yield from _claim_reviews(data["dataFeedElement"])
    elif "item" in data:  # a DataFeedItem
        yield from _claim_reviews(data["item"])
    elif kinds == [None]:
        yield data


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value"))
    if isinstance(value, list) and value:
        return _text(value[0])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _from_claim_review(node: Any, origin: str) -> ReviewItem | str:
    if not isinstance(node, dict):
        return "not a JSON object"
    kinds = node.get("@type")
    if "ClaimReview" not in (kinds if isinstance(kinds, list) else [kinds]):
        return f"not a ClaimReview (@type {kinds!r})"
    reviewed_node = node.get("itemReviewed")
    reviewed: dict[str, Any] = reviewed_node if isinstance(reviewed_node, dict) else {}
    rating = node.get("reviewRating")
    rating_text = None
    if isinstance(rating, dict):
        rating_text = _text(rating.get("alternateName")) or _text(rating.get("name"))
        rating_text = rating_text or _text(rating.get("ratingValue"))
    fields = {
        "claim": _text(node.get("claimReviewed")) or _text(reviewed.get("text")),
        "id": _text(node.get("@id")),
        "title": _text(node.get("name")) or _text(node.get("headline")),
        "rating": rating_text,
        "publisher": _text(node.get("author")) or _text(node.get("publisher")),
        "speaker": _text(reviewed.get("author")),
        "date": _text(node.get("datePublished")) or _text(reviewed.get("datePublished")),
        "url": _text(node.get("url")),
    }
    return _item({k: v for k, v in fields.items() if v}, origin)


class _JsonLdScripts(HTMLParser):
    """Collects the text of every ``<script type="application/ld+json">`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").strip().lower()
        self._inside = tag == "script" and kind == "application/ld+json"
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def read_html(text: str, origin: str) -> Iterator[Entry]:
    parser = _JsonLdScripts()
    parser.feed(text)
    parser.close()
    for number, block in enumerate(parser.blocks, start=1):
        try:
            data = json.loads(block)
        except json.JSONDecodeError as exc:
            yield f"script {number}", f"not valid JSON ({exc.msg})"
            continue
        for position, entry in read_json_ld(data, origin):
            yield f"script {number} {position}", entry


# --- Factdesk projects -----------------------------------------------------------------


def read_project(path: Path) -> Iterator[Entry]:
    """The rated claims of a project file (opened read-only, left unchanged)."""
    from app.core.project import ProjectService

    service = ProjectService.open_file(path, author="library", read_only=True)
    try:
        yield from project_items(service, path.name)
    finally:
        service.close()


def project_items(service: Any, origin: str) -> Iterator[Entry]:
    """The rated claims of an open project, as library items (their ids are claim ids)."""
    from app.core.records import ClaimStatus
    from app.core.settings import load_settings

    info = service.info()
    publisher = load_settings().organisation or info.name
    articles = {a.id: a for a in service.articles()}
    for claim in service.claims():
        if not claim.rating_label or claim.status == ClaimStatus.DISMISSED:
            continue
        article = articles.get(claim.article_id)
        when = claim.reviewed_at or claim.updated_at
        yield (
            f"claim {claim.id}",
            ReviewItem(
                claim=claim.wording or claim.quote,
                id=claim.id,
                title=article.title if article else None,
                rating=claim.rating_label,
                publisher=publisher,
                speaker=claim.claimant,
                date=when.date().isoformat() if when else None,
                url=article.url if article else None,
                origin=origin,
            ),
        )


# --- shared ----------------------------------------------------------------------------


def _item(fields: dict[str, str], origin: str) -> ReviewItem | str:
    claim = fields.get("claim")
    if not claim:
        return "no claim text"
    if len(claim) > MAX_CLAIM_CHARS:
        return f"claim longer than {MAX_CLAIM_CHARS} characters"
    url = fields.get("url")
    if url and not url.lower().startswith(("http://", "https://")):
        url = None  # only web links are shown as links
    raw_date = fields.get("date")
    parsed = parse_date(raw_date)
    return ReviewItem(
        claim=claim,
        id=fields.get("id"),
        title=fields.get("title"),
        subtitle=fields.get("subtitle"),
        rating=fields.get("rating"),
        publisher=fields.get("publisher"),
        speaker=fields.get("speaker"),
        date=parsed.isoformat() if parsed else raw_date,
        url=url,
        origin=origin,
    )
