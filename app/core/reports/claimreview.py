"""schema.org ClaimReview JSON-LD, as Google's fact-check markup describes it.

One ``ClaimReview`` per rated claim in a ``@graph``. On scales with numbers the rating
carries ``ratingValue``/``bestRating``/``worstRating``; conclusion-only scales (and levels
without a value) give only the verdict text (``alternateName`` and ``name``).
``<``, ``>`` and ``&`` are written as ``\\u003c`` etc. so the text can be pasted into a
``<script type="application/ld+json">`` element without a claim closing it early.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from json.encoder import encode_basestring as _encode_string  # the C encoder, when built
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from app.collector import without_cycle_collection
from app.core.errors import ValidationError
from app.core.records import ArticleInfo
from app.core.reports.markup import one_line, plain_texts, safe_url
from app.core.reports.model import ReportClaim, ReportData, is_rated
from app.core.validation import is_web_url

# Words that mark a claimant as an organisation rather than a person.
_ORGANISATION_TEXT = """
    ministry ministries council department dept agency agencies inc inc. ltd ltd. llc plc
    corp corp. corporation company co. gmbh ag sa group government govt office committee
    commission authority authorities board bureau institute institution university college
    school hospital police party union association federation foundation trust society
    bank fund service services administration parliament senate congress assembly
    cabinet court army navy campaign coalition network news newspaper times post press
    organisation organization club league centre center utility water council's ministry's
"""
_ORGANISATION_WORDS = frozenset(_ORGANISATION_TEXT.split())
_SPLIT = re.compile(r"[^\w.'’]+")
_NOT_ANCHOR = re.compile(r"[^0-9A-Za-z-]")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
SCHEMA_CONTEXT = "https://schema.org"


def claimant_type(name: str) -> str:
    """``"Organization"`` for names like "the health ministry" or "Acme Inc", else ``"Person"``."""
    words = [w.casefold().strip("'’") for w in _SPLIT.split(name) if w]
    if not words:
        return "Person"
    if words[0] == "the" and len(words) > 1:
        return "Organization"
    if any(w in _ORGANISATION_WORDS or w.rstrip(".") in _ORGANISATION_WORDS for w in words):
        return "Organization"
    # Initialisms ("NHS", "WHO", "EPA") are organisations far more often than people.
    letters = [w for w in _SPLIT.split(name) if w]
    if len(letters) == 1 and letters[0].isupper() and len(letters[0]) >= 2:
        return "Organization"
    return "Person"


def _review_urls(organisation_url: str) -> Callable[[str], str]:
    """Claim id -> the review's address: the publishing address with an anchor per claim."""
    parts = urlsplit(organisation_url)
    # Only the fragment differs from claim to claim: split the address once.
    head = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))

    def url(claim_id: str) -> str:
        return f"{head}#claim-{_NOT_ANCHOR.sub('', claim_id)}"

    return url


def _byline(article: ArticleInfo) -> dict[str, Any] | None:
    """Who a claim without a claimant is by: the article's author, else its outlet."""
    if one_line(article.author):
        return {"@type": "Person", "name": one_line(article.author)}
    if one_line(article.outlet):
        return {"@type": "Organization", "name": one_line(article.outlet)}
    return None


def _appearance(article: ArticleInfo) -> dict[str, Any] | None:
    url = safe_url(article.url)
    if url is None:
        return None
    work: dict[str, Any] = {"@type": "CreativeWork", "url": url}
    if one_line(article.title):
        work["headline"] = one_line(article.title)
    if article.published is not None:
        work["datePublished"] = article.published.isoformat()
    if one_line(article.outlet):
        work["publisher"] = {"@type": "Organization", "name": one_line(article.outlet)}
    return work


def _rating(claim: ReportClaim, data: ReportData, explanation: str) -> dict[str, Any]:
    label = one_line(claim.rating_label)
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": label, "name": label}
    level = data.scale.level_by_id(claim.rating_id)
    best, worst = data.scale.best_value, data.scale.worst_value
    if (
        not data.scale.conclusion_only
        and level is not None
        and level.value is not None
        and best is not None
        and worst is not None
    ):
        rating["ratingValue"] = _num(level.value)
        rating["bestRating"] = _num(best)
        rating["worstRating"] = _num(worst)
    if explanation:
        rating["ratingExplanation"] = explanation
    return rating


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def claim_reviews(
    data: ReportData, *, organisation: str, organisation_url: str, language: str = "en"
) -> list[dict[str, Any]]:
    """The ClaimReview objects (without ``@context``) for the report's rated claims."""
    org = one_line(organisation)
    base = (organisation_url or "").strip()
    if not org:
        raise ValidationError(
            "ClaimReview needs the fact-checking organisation's name; set it in Settings."
        )
    if not is_web_url(base):
        raise ValidationError(
            "ClaimReview needs the http(s) address where the verdicts are published; "
            "set it in Settings."
        )
    lang = language.strip() if _LANGUAGE.fullmatch(language.strip()) else "en"
    author = {"@type": "Organization", "name": org, "url": base}
    review_url = _review_urls(base)
    # Claimants repeat across claims; so does everything taken from the article. Repeated
    # parts are one shared object each, which the writer below also writes only once.
    claimants: dict[str, dict[str, str]] = {}
    reviews: list[dict[str, Any]] = []
    for report in data.articles:
        article = report.article
        published = article.published.isoformat() if article.published is not None else None
        appearance = _appearance(article)
        # No claimant named: the statement is the article's own.
        byline = _byline(article)
        rated = [claim for claim in report.claims if is_rated(claim)]
        # The explanations' text, all together (most in one pass over their joined text).
        explanations = plain_texts([claim.explanation for claim in rated])
        for claim, explanation in zip(rated, explanations, strict=True):
            item: dict[str, Any] = {"@type": "Claim"}
            name = one_line(claim.claimant)
            if name:
                claimant = claimants.get(name)
                if claimant is None:
                    claimant = claimants[name] = {"@type": claimant_type(name), "name": name}
                item["author"] = claimant
            elif byline is not None:
                item["author"] = byline
            if published is not None:
                item["datePublished"] = published
            if appearance is not None:
                item["appearance"] = appearance
            reviewed = claim.reviewed_at or claim.updated_at
            url = review_url(claim.id)
            reviews.append(
                {
                    "@type": "ClaimReview",
                    "@id": url,
                    "url": url,
                    "claimReviewed": one_line(claim.wording)
                    or one_line(claim.quote)
                    or "Untitled claim",
                    "reviewRating": _rating(claim, data, explanation),
                    "itemReviewed": item,
                    "author": author,
                    "datePublished": reviewed.date().isoformat(),
                    "inLanguage": lang,
                }
            )
    return reviews


@without_cycle_collection
def render_claimreview(
    data: ReportData, *, organisation: str, organisation_url: str, language: str = "en"
) -> str:
    """JSON-LD text: ``{"@context": "https://schema.org", "@graph": [ClaimReview, ...]}``."""
    reviews = claim_reviews(
        data, organisation=organisation, organisation_url=organisation_url, language=language
    )
    if reviews:
        # As _json({"@context": ..., "@graph": reviews}) writes it, each review directly.
        write = _JsonWriter().review
        graph = "[\n    " + ",\n    ".join([write(r) for r in reviews]) + "\n  ]"
    else:
        graph = "[]"
    text = f'{{\n  "@context": {_encode_string(SCHEMA_CONTEXT)},\n  "@graph": {graph}\n}}\n'
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json(value: Any, indent: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, written directly (string keys)."""
    return _JsonWriter().write(value, indent)


_INFINITIES = (float("inf"), float("-inf"))


class _JsonWriter:
    """Writes JSON as ``json.dumps(..., ensure_ascii=False, indent=2)`` does, faster.

    The standard library indents in pure Python, one call per value (its C encoder only
    writes compact JSON), which made encoding most of a 10,000-review export's time.
    Here strings go through its C string encoder; each dict shape (its keys, at its
    depth) becomes one %-template, filled with the values' text in one operation; and an
    object that appears many times (the organisation, an article's appearance, a
    claimant) is written once. A property test compares the result with json.dumps.
    """

    def __init__(self) -> None:
        self._templates: dict[tuple[tuple[str, ...], str], str] = {}
        # Keyed by id(): the objects are all alive, inside the value being written.
        self._written: dict[tuple[int, str], str] = {}

    def write(self, value: Any, indent: str) -> str:
        kind = type(value)
        if kind is str:
            return _encode_string(value)
        if kind is dict:
            return self._dict(value, indent) if value else "{}"
        if kind is list:
            if not value:
                return "[]"
            inner = indent + "  "
            write = self.write
            return "[\n" + ",\n".join(inner + write(v, inner) for v in value) + "\n" + indent + "]"
        if kind is int:
            return int.__repr__(value)
        if kind is float and value == value and value not in _INFINITIES:
            return float.__repr__(value)
        # None, booleans, NaN and the infinities, anything unusual: as json writes them.
        return json.dumps(value, ensure_ascii=False)

    def _dict(self, value: dict[str, Any], indent: str) -> str:
        key = (id(value), indent)
        done = self._written.get(key)
        if done is not None:
            return done
        shape = (tuple(value), indent)
        template = self._templates.get(shape)
        inner = indent + "  "
        if template is None:
            # "%" in a key would be read as a placeholder: doubled, it stays a "%".
            items = [inner + _encode_string(k).replace("%", "%%") + ": %s" for k in value]
            template = self._templates[shape] = "{\n" + ",\n".join(items) + "\n" + indent + "}"
        write = self.write
        text = template % tuple(
            [_encode_string(v) if type(v) is str else write(v, inner) for v in value.values()]
        )
        self._written[key] = text
        return text

    def review(self, review: dict[str, Any]) -> str:
        """``self.write(review, "    ")`` for a review of claim_reviews' making, faster.

        Such a review's keys are always the same, in the same order; its rating holds only
        text and numbers; its claim holds text and shared objects (claimant, appearance).
        Anything else takes the general way.
        """
        rating, item = review.get("reviewRating"), review.get("itemReviewed")
        if (
            tuple(review) != _REVIEW_KEYS
            or type(rating) is not dict
            or type(item) is not dict
            or not set(rating) <= _RATING_KEYS
            or not set(item) <= _ITEM_KEYS
        ):
            return self.write(review, "    ")
        encode, write = _encode_string, self.write
        rating_text, item_text = self._members(rating), self._members(item)
        url = encode(review["url"])
        return (
            f'{{\n      "@type": {encode(review["@type"])},\n      "@id": {encode(review["@id"])},'
            f'\n      "url": {url},\n      "claimReviewed": {encode(review["claimReviewed"])},'
            f'\n      "reviewRating": {{{rating_text}\n      }},'
            f'\n      "itemReviewed": {{{item_text}\n      }},'
            f'\n      "author": {write(review["author"], "      ")},'
            f'\n      "datePublished": {encode(review["datePublished"])},'
            f'\n      "inLanguage": {encode(review["inLanguage"])}\n    }}'
        )

    def _members(self, value: dict[str, Any]) -> str:
        """A review's rating or claim without its braces (members at eight spaces)."""
        encode, write = _encode_string, self.write
        return ",".join(
            [
                f"\n        {_KEY_TEXT[k]}: {encode(v) if type(v) is str else write(v, '        ')}"
                for k, v in value.items()
            ]
        )


_REVIEW_KEYS = (
    "@type", "@id", "url", "claimReviewed", "reviewRating", "itemReviewed", "author",
    "datePublished", "inLanguage",
)  # fmt: skip
_RATING_KEYS = frozenset(
    ("@type", "alternateName", "name", "ratingValue", "bestRating", "worstRating",
     "ratingExplanation")
)  # fmt: skip
_ITEM_KEYS = frozenset(("@type", "author", "datePublished", "appearance"))
_KEY_TEXT = {key: _encode_string(key) for key in _RATING_KEYS | _ITEM_KEYS}
