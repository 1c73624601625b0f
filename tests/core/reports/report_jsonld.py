"""ClaimReview JSON Schema (Google's required and recommended properties) and an offline
JSON-LD document loader serving a small local schema.org context."""

from __future__ import annotations

from typing import Any

import jsonschema

_THING = {
    "type": "object",
    "required": ["@type", "name"],
    "properties": {
        "@type": {"enum": ["Person", "Organization"]},
        "name": {"type": "string", "minLength": 1},
        "url": {"type": "string", "pattern": "^https?://"},
    },
}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_NUMBER = {"type": "number"}

# Required by Google: claimReviewed, reviewRating (alternateName), url.
# Recommended: author, datePublished, itemReviewed (Claim: author, datePublished,
# appearance / firstAppearance), reviewRating's ratingValue / bestRating / worstRating
# (together or not at all). inLanguage is schema.org's and we always give it.
CLAIM_REVIEW_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["@context", "@graph"],
    "properties": {
        "@context": {"const": "https://schema.org"},
        "@graph": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "@type",
                    "url",
                    "claimReviewed",
                    "reviewRating",
                    "author",
                    "datePublished",
                    "itemReviewed",
                    "inLanguage",
                ],
                "properties": {
                    "@type": {"const": "ClaimReview"},
                    "@id": {"type": "string", "pattern": "^https?://[^#]+#claim-[0-9a-f-]+$"},
                    "url": {"type": "string", "pattern": "^https?://[^#]+#claim-[0-9a-f-]+$"},
                    "claimReviewed": {"type": "string", "minLength": 1},
                    "datePublished": _DATE,
                    "inLanguage": {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$"},
                    "author": {
                        **_THING,
                        "properties": {**_THING["properties"], "@type": {"const": "Organization"}},
                    },
                    "reviewRating": {
                        "type": "object",
                        "required": ["@type", "alternateName", "name"],
                        "properties": {
                            "@type": {"const": "Rating"},
                            "alternateName": {"type": "string", "minLength": 1},
                            "name": {"type": "string", "minLength": 1},
                            "ratingValue": _NUMBER,
                            "bestRating": _NUMBER,
                            "worstRating": _NUMBER,
                            "ratingExplanation": {"type": "string"},
                        },
                        "dependentRequired": {
                            "ratingValue": ["bestRating", "worstRating"],
                            "bestRating": ["ratingValue", "worstRating"],
                            "worstRating": ["ratingValue", "bestRating"],
                        },
                        "additionalProperties": False,
                    },
                    "itemReviewed": {
                        "type": "object",
                        "required": ["@type"],
                        "properties": {
                            "@type": {"const": "Claim"},
                            "author": _THING,
                            "datePublished": _DATE,
                            "appearance": {
                                "type": "object",
                                "required": ["@type", "url"],
                                "properties": {
                                    "@type": {"const": "CreativeWork"},
                                    "url": {"type": "string", "pattern": "^https?://"},
                                    "headline": {"type": "string"},
                                    "datePublished": _DATE,
                                    "publisher": _THING,
                                },
                            },
                        },
                        "additionalProperties": False,
                    },
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}

# Enough of schema.org's context for these documents: the vocabulary, and URLs as IRIs.
LOCAL_CONTEXT = {
    "@context": {
        "@vocab": "https://schema.org/",
        "schema": "https://schema.org/",
        "url": {"@id": "schema:url", "@type": "@id"},
    }
}
CONTEXT_URLS = {
    "https://schema.org",
    "https://schema.org/",
    "http://schema.org",
    "http://schema.org/",
    "https://schema.org/docs/jsonldcontext.jsonld",
}
requested: list[str] = []


def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    """pyld document loader: the local context for schema.org, and refusal for anything else."""
    requested.append(url)
    if url not in CONTEXT_URLS:
        raise RuntimeError(f"test loader refuses {url!r} (no network in tests)")
    return {"contextUrl": None, "documentUrl": url, "document": LOCAL_CONTEXT}


jsonschema.Draft202012Validator.check_schema(CLAIM_REVIEW_SCHEMA)
VALIDATOR = jsonschema.Draft202012Validator(CLAIM_REVIEW_SCHEMA)


def validate(document: Any) -> None:
    VALIDATOR.validate(document)
    for review in document["@graph"]:
        rating = review["reviewRating"]
        if "ratingValue" in rating:
            assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
