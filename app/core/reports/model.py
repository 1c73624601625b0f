"""What a report shows, gathered once from the project service as plain data.

The claims are the service's own :class:`~app.core.records.ClaimInfo` records (the same
ones the window and the command line show), read through its public methods. Renderers
(Markdown, HTML, ClaimReview) only read a :class:`ReportData`; they never talk to the
service, so the window can build the data off the GUI thread.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from app import __version__
from app.core.claim_refs import claim_numbers
from app.core.errors import NotFoundError
from app.core.records import (
    ArticleInfo,
    ClaimFilter,
    ClaimInfo,
    ClaimStatus,
    ProjectInfo,
    RatingScaleInfo,
)
from app.core.reports.escaping import one_line


@dataclass(frozen=True)
class ReportOptions:
    """Which claims a report covers.

    By default the report leads with verdicts: rated claims only. ``article_id`` None
    means the whole project. ``signature_status`` is a short human-readable line from
    the signing code ("Signed by … — valid"), shown in the footer.
    """

    article_id: str | None = None
    only_done: bool = False
    include_unrated: bool = False
    include_dismissed: bool = False
    signature_status: str | None = None


class NumberedClaim(NamedTuple):
    """A claim with its number as the window shows it (:mod:`app.core.claim_refs`): its
    place among all the project's claims in article order, dismissed ones included, so
    leaving claims out of a report never renumbers the others and the second article's
    claims keep the numbers the window and ``#N`` on the command line give them."""

    number: int
    claim: ClaimInfo


@dataclass(frozen=True)
class ArticleReport:
    """One article and the claims of it that the report covers, in article order."""

    article: ArticleInfo
    claims: tuple[NumberedClaim, ...]


@dataclass(frozen=True)
class ReportData:
    """Everything a renderer needs; no service, no session."""

    project: ProjectInfo
    scale: RatingScaleInfo
    articles: tuple[ArticleReport, ...]
    options: ReportOptions
    generated_at: datetime
    version: str = __version__

    @property
    def claims(self) -> tuple[ClaimInfo, ...]:
        return tuple(c.claim for a in self.articles for c in a.claims)

    @property
    def title(self) -> str:
        """The article's title when the report covers one article, else the project's name
        (which, for a project made from the command line, is only its file's name)."""
        if len(self.articles) == 1 and one_line(self.articles[0].article.title):
            return self.articles[0].article.title
        return self.project.name


def is_rated(claim: ClaimInfo) -> bool:
    return bool(one_line(claim.rating_label))


def wanted(claim: ClaimInfo, options: ReportOptions) -> bool:
    """Whether ``claim`` belongs in a report made with ``options``."""
    if claim.status == ClaimStatus.DISMISSED:
        return options.include_dismissed
    if options.only_done and claim.status != ClaimStatus.DONE:
        return False
    return options.include_unrated or is_rated(claim)


def build_report(
    service: Any, options: ReportOptions | None = None, *, with_evidence: bool = True
) -> ReportData:
    """Gather a report's data through the service's public reads.

    ``with_evidence=False`` leaves every claim's evidence empty, for a format that does
    not show evidence (ClaimReview).
    """
    options = options or ReportOptions()
    with service.snapshot():  # one consistent state, whatever colleagues save meanwhile
        project, articles, claims = _read(service, options, with_evidence)
        numbers = claim_numbers(service)  # over the whole project, as the window numbers
    by_article: dict[str, list[NumberedClaim]] = {a.id: [] for a in articles}
    for claim in claims:
        chosen = by_article.get(claim.article_id)
        if chosen is not None and wanted(claim, options):
            chosen.append(NumberedClaim(numbers[claim.id], claim))
    return ReportData(
        project=project,
        scale=project.scale,
        articles=tuple(ArticleReport(a, tuple(by_article[a.id])) for a in articles),
        options=options,
        generated_at=datetime.now(UTC),
    )


def _read(
    service: Any, options: ReportOptions, with_evidence: bool
) -> tuple[ProjectInfo, list[ArticleInfo], list[ClaimInfo]]:
    project = service.info()
    articles: list[ArticleInfo] = service.articles()
    if options.article_id is not None:
        try:
            wanted_id = str(uuid.UUID(options.article_id.strip()))
        except ValueError:
            wanted_id = ""
        articles = [a for a in articles if a.id == wanted_id]
        if not articles:
            raise NotFoundError(f"no article with id {options.article_id[:60]}.")
    only = articles[0].id if options.article_id is not None else None
    claims: list[ClaimInfo] = service.claims(
        ClaimFilter(article_id=only, include_dismissed=True), with_evidence=with_evidence
    )
    return project, articles, claims
