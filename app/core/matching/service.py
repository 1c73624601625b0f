"""Matching a project's claims against the library, and reusing an earlier verdict.

The window and the command line share this: they hand in an open
:class:`~app.core.project.ProjectService` and a :class:`LibraryStore`; the open project's
own rated claims are searched too (from a small in-memory library), so a claim checked
earlier in the same investigation is found like any published verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.matching.items import ReviewItem
from app.core.matching.rank import LIKELY, Match, Matcher
from app.core.matching.readers import project_items
from app.core.matching.store import LibraryStore
from app.core.matching.text import parse_date
from app.core.records import ClaimFilter, ClaimInfo, ClaimStatus, RatingScaleInfo


@dataclass(frozen=True, slots=True)
class ClaimMatches:
    """The matches of one statement: a project claim (``claim_id``) or an input line."""

    claim_id: str | None
    line: int | None
    text: str
    results: tuple[Match, ...]

    @property
    def likely(self) -> bool:
        return any(m.score >= LIKELY for m in self.results)


def project_verdicts(service: Any) -> tuple[list[ReviewItem], dict[str, str]]:
    """The open project's rated claims as library items, and each one's article id.

    Read on the caller's thread, so that matching in a worker needs no project access.
    """
    items = [e for _, e in project_items(service, "open project") if isinstance(e, ReviewItem)]
    articles = {c.id: c.article_id for c in service.claims() if c.rating_label}
    return items, articles


class ProjectMatcher:
    """Matches the claims of one project against a library.

    The project's own rated claims (``own``, with ``own_articles``: claim id -> article
    id) are searched too, from a small in-memory library built here; a claim is never
    matched with itself or with the other claims of its own article. ``dates``: each
    article's publication date, the date of its claims.
    """

    def __init__(
        self,
        library: LibraryStore,
        own: Sequence[ReviewItem] = (),
        own_articles: dict[str, str] | None = None,
        dates: dict[str, date | None] | None = None,
    ) -> None:
        self.library = library
        self._own = LibraryStore.in_memory("open project")
        self._own.add_items(own)
        self._matcher = Matcher([library, self._own])
        self._dates = dict(dates or {})
        self._by_article: dict[str, set[str]] = {}
        for claim_id, article_id in (own_articles or {}).items():
            self._by_article.setdefault(article_id, set()).add(claim_id)

    @classmethod
    def for_service(cls, service: Any, library: LibraryStore) -> ProjectMatcher:
        own, own_articles = project_verdicts(service)
        dates = {a.id: a.published for a in service.articles()}
        return cls(library, own, own_articles, dates)

    def close(self) -> None:
        self._own.close()

    def match_claims(
        self,
        claims: Sequence[ClaimInfo],
        *,
        top: int = 5,
        check: Callable[[], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[ClaimMatches]:
        """Matches for each claim, in the given order; ``check()`` may raise to cancel."""
        dismissed = self.library.dismissed([c.id for c in claims])
        found = []
        for done, claim in enumerate(claims):
            if check is not None:
                check()
            exclude = (
                dismissed.get(claim.id, set())
                | {claim.id}
                | self._by_article.get(claim.article_id, set())
            )
            results = self._matcher.match(
                claim.wording or claim.quote,
                top=top,
                when=self._dates.get(claim.article_id),
                speaker=claim.claimant,
                exclude=exclude,
            )
            found.append(ClaimMatches(claim.id, None, claim.wording, tuple(results)))
            if progress is not None:
                progress(done + 1, len(claims))
        return found


def project_claims(service: Any, article_id: str | None = None) -> list[ClaimInfo]:
    """The claims of a project (or one article) worth matching: not dismissed."""
    return [
        c
        for c in service.claims(ClaimFilter(article_id=article_id))
        if c.status != ClaimStatus.DISMISSED
    ]


def match_lines(library: LibraryStore, lines: Sequence[str], *, top: int = 5) -> list[ClaimMatches]:
    """Each non-empty line is one statement (numbered from 1, as in the file)."""
    matcher = Matcher([library])
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        results = matcher.match(line.strip(), top=top)
        found.append(ClaimMatches(None, number, line.strip(), tuple(results)))
    return found


# --- reusing an earlier verdict ---------------------------------------------------------

# Ratings other fact-checkers use, mapped to the words of Factdesk's preset scales.
_RATING_SYNONYMS = {
    "correct": "true",
    "accurate": "true",
    "pants on fire": "false",
    "pants fire": "false",
    "fake": "false",
    "incorrect": "false",
    "wrong": "false",
    "barely true": "mostly false",
    "mixture": "half true",
    "mixed": "half true",
    "half right": "half true",
    "mostly correct": "mostly true",
    "mostly accurate": "mostly true",
    "misleading": "missing context",
}


def proposed_rating(scale: RatingScaleInfo, rating: str | None) -> str | None:
    """The level of ``scale`` that an earlier verdict's rating corresponds to, if any."""
    if not rating:
        return None
    if scale.conclusion_only:
        return rating.strip()
    plain = " ".join(re.sub(r"[-_!.]+", " ", rating.casefold()).split())
    for candidate in (plain, _RATING_SYNONYMS.get(plain)):
        if candidate:
            level = scale.level_by_label(candidate)
            if level is not None:
                return level.label
    return None


@dataclass(frozen=True, slots=True)
class ReusedEvidence:
    """The evidence fields an earlier check becomes when its verdict is reused."""

    url: str | None
    title: str
    publisher: str
    note: str


def evidence_from(item: ReviewItem) -> ReusedEvidence:
    when = parse_date(item.date)
    shown_date = when.isoformat() if isinstance(when, date) else (item.date or "date unknown")
    note = (
        f"Checked before by {item.publisher or 'an unknown publisher'} ({shown_date}): "
        f"rated {item.rating or 'without a rating'}. Their claim: {item.claim}"
    )
    return ReusedEvidence(
        url=item.url,
        title=item.title or item.claim[:200],
        publisher=item.publisher or "",
        note=note,
    )
