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
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from app.core.errors import ValidationError
from app.core.records import ArticleInfo, ClaimInfo
from app.core.reports.escaping import one_line, safe_url
from app.core.reports.explanations import plain_text
from app.core.reports.model import ReportData, is_rated
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


def _review_url(organisation_url: str, claim_id: str) -> str:
    """The review's address: the publishing address with an anchor per claim."""
    parts = urlsplit(organisation_url)
    anchor = "claim-" + _NOT_ANCHOR.sub("", claim_id)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, anchor))


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


def _rating(claim: ClaimInfo, data: ReportData, explanation: str) -> dict[str, Any]:
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
    reviews: list[dict[str, Any]] = []
    for report in data.articles:
        article = report.article
        # The same for every claim of the article: made once (and shared, as ``author`` is).
        appearance = _appearance(article)
        published = article.published.isoformat() if article.published is not None else None
        for _n, claim in report.claims:
            if not is_rated(claim):
                continue
            item: dict[str, Any] = {"@type": "Claim"}
            # Only a named claimant is the claim's author: the article's byline is who
            # reported the claim, not who made it. With none, the author is left out.
            name = one_line(claim.claimant)
            if name:
                item["author"] = {"@type": claimant_type(name), "name": name}
            if published is not None:
                item["datePublished"] = published
            if appearance is not None:
                item["appearance"] = appearance
            reviewed = claim.reviewed_at or claim.updated_at
            url = _review_url(base, claim.id)
            reviews.append(
                {
                    "@type": "ClaimReview",
                    "@id": url,
                    "url": url,
                    "claimReviewed": one_line(claim.wording)
                    or one_line(claim.quote)
                    or "Untitled claim",
                    "reviewRating": _rating(claim, data, plain_text(claim.explanation)),
                    "itemReviewed": item,
                    "author": author,
                    "datePublished": reviewed.date().isoformat(),
                    "inLanguage": lang,
                }
            )
    return reviews


def render_claimreview(
    data: ReportData, *, organisation: str, organisation_url: str, language: str = "en"
) -> str:
    """JSON-LD text: ``{"@context": "https://schema.org", "@graph": [ClaimReview, ...]}``."""
    reviews = claim_reviews(
        data, organisation=organisation, organisation_url=organisation_url, language=language
    )
    text = json.dumps({"@context": SCHEMA_CONTEXT, "@graph": reviews}, ensure_ascii=False, indent=2)
    # Safe inside <script type="application/ld+json">: no "</script>" can close it early.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
