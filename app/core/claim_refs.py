"""Claim numbers and the short ways people name a claim (``#12``, an id prefix).

A claim's number is its place among all of the project's claims (dismissed ones
included) in article order: articles in import order (their ids are time-ordered), then
claims by position in the article. This is the one numbering: the window's claim list,
the report preview, the Markdown and HTML reports (whichever claims they leave out), the
command line's ``claims`` and ``#12``, and the merge's conflict labels all take their
numbers from here, so one claim has one number everywhere and ``#12`` on the command
line is the claim the window and the report show as 12. Numbering per article instead
would give the second article's first claim the number 1 that the first article's
first claim has, and a fact-checker quoting "claim 1" would be ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from typing import Any, Protocol, TypeVar

from app.core.errors import NotFoundError, ValidationError
from app.core.records import ClaimFilter, ClaimInfo
from app.core.wording import quoted

_NUMBER = re.compile(r"^#(\d+)$")
_ID_PREFIX = re.compile(r"^[0-9a-fA-F-]+$")
MIN_PREFIX = 4

Id = TypeVar("Id", bound=Hashable)


class _ClaimSource(Protocol):
    def claim_ids(self, flt: ClaimFilter | None = None) -> list[str]: ...

    def claim(self, claim_id: str) -> ClaimInfo: ...


def claim_numbers(service: _ClaimSource) -> dict[str, int]:
    """{claim id: number}, numbered from 1 in article order over the whole project."""
    ids = service.claim_ids(ClaimFilter(include_dismissed=True))
    return {claim_id: number for number, claim_id in enumerate(ids, start=1)}


def number_claims(claims: Iterable[tuple[Id, Any, int, int]]) -> dict[Id, int]:
    """{claim id: number} for ``(claim id, article id, start, end)`` of every claim of a
    project, for code that holds the claims' rows rather than a service (a merge's
    snapshots). The same order the service lists claims in: article id (time-ordered,
    so import order), then start and end in the article, then the claim's id (two claims
    marked on the same words still get a number each, the same one everywhere)."""
    ordered = sorted(claims, key=lambda c: (c[1], c[2], c[3], c[0]))
    return {c[0]: number for number, c in enumerate(ordered, start=1)}


def in_article(claim: ClaimInfo) -> tuple[int, int, str]:
    """The sort key of a claim among its article's claims, in the order of the numbers."""
    return (claim.start, claim.end, claim.id)


def first_number(numbers: dict[str, int], article_claims: list[ClaimInfo]) -> int:
    """The number of an article's first claim (its claims are numbered consecutively)."""
    return min((numbers[c.id] for c in article_claims if c.id in numbers), default=1)


def resolve_claim(service: _ClaimSource, ref: str) -> ClaimInfo:
    """The claim ``ref`` names: ``#12``, a full id, or a unique prefix of an id."""
    text = ref.strip()
    match = _NUMBER.match(text)
    ids = service.claim_ids(ClaimFilter(include_dismissed=True))
    if match:
        number = int(match.group(1))
        if not 1 <= number <= len(ids):
            raise NotFoundError(
                f"there is no claim #{number}: the project's claims are #1 to #{len(ids)}."
                if ids
                else "the project has no claims yet."
            )
        return service.claim(ids[number - 1])
    if not _ID_PREFIX.match(text):
        raise ValidationError(
            f"{quoted(text[:60])} is not a claim: give #NUMBER or the claim's id."
        )
    wanted = text.lower().replace("-", "")
    if len(wanted) < MIN_PREFIX:
        raise ValidationError(
            f"{quoted(text)} is too short to name a claim: give at least {MIN_PREFIX} characters "
            "of its id, or its #NUMBER."
        )
    found = [i for i in ids if i.replace("-", "").startswith(wanted)]
    if not found:
        raise NotFoundError(f"no claim's id starts with {quoted(text)}.")
    if len(found) > 1:
        raise ValidationError(
            f"{quoted(text)} is the start of {len(found)} claims' ids; give more of it, "
            "or the claim's #NUMBER ('factdesk claims PROJECT' lists them)."
        )
    return service.claim(found[0])
