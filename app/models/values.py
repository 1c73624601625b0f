"""The vocabularies of stored values: claim statuses, origins and kinds, evidence stances,
paragraph roles.

They live with the tables because the storage layer checks them (a file whose claim has
the status "hacked" is refused); :mod:`app.core.records` exports them to everyone else.
"""

from __future__ import annotations

from enum import StrEnum


class ClaimStatus(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    DONE = "done"
    DISMISSED = "dismissed"


class ClaimOrigin(StrEnum):
    DETECTED = "detected"
    MANUAL = "manual"


class ClaimKind(StrEnum):
    STATISTIC = "statistic"
    QUOTATION = "quotation"
    ATTRIBUTION = "attribution"
    COMPARISON = "comparison"
    CAUSAL = "causal"
    PREDICTION = "prediction"


class Stance(StrEnum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


class ParagraphRole(StrEnum):
    HEADLINE = "headline"
    STANDFIRST = "standfirst"
    SUBHEADING = "subheading"
    BODY = "body"
    CAPTION = "caption"
    CREDIT = "credit"
