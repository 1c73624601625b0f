"""What a report shows, gathered once from the project service as plain data.

Renderers (Markdown, HTML, ClaimReview) only read a :class:`ReportData`; they never talk
to the service, so the window can build the data off the GUI thread and render it twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from app import __version__
from app.collector import without_cycle_collection
from app.core.errors import NotFoundError
from app.core.records import (
    ArticleInfo,
    AttachmentInfo,
    ClaimInfo,
    ClaimStatus,
    EvidenceInfo,
    ProjectInfo,
    RatingScaleInfo,
    Stance,
)
from app.core.reports.markup import one_line


@dataclass(frozen=True)
class ReportOptions:
    """Which claims a report covers.

    ``article_id`` None means the whole project. ``signature_status`` is a short
    human-readable line from the signing code ("Signed by … — valid"), shown in the footer.
    """

    article_id: str | None = None
    only_done: bool = False
    include_unrated: bool = True
    include_dismissed: bool = False
    signature_status: str | None = None


class ReportEvidence(NamedTuple):
    """What a report shows of one evidence item (fields named as in :class:`EvidenceInfo`).

    Report records are named tuples: a report makes 40,000 of them, and a frozen
    dataclass's constructor (one ``object.__setattr__`` per field) cost several times
    more than the tuple's.
    """

    title: str
    url: str | None
    publisher: str
    accessed: date | None
    archive_url: str | None
    stance: Stance
    note: str
    attachment: AttachmentInfo | None

    @classmethod
    def from_info(cls, ev: EvidenceInfo) -> ReportEvidence:
        return cls(
            ev.title, ev.url, ev.publisher, ev.accessed, ev.archive_url, ev.stance, ev.note,
            ev.attachment,
        )  # fmt: skip


class ReportClaim(NamedTuple):
    """What a report shows of one claim (fields named as in :class:`ClaimInfo`).

    Reports read only these fields: a 10,000-claim report then reads and converts less
    than half of what full :class:`ClaimInfo` records would cost.
    """

    id: str
    article_id: str
    quote: str
    wording: str
    claimant: str | None
    status: ClaimStatus
    rating_id: str | None
    rating_label: str | None
    explanation: str
    reviewer: str | None
    reviewed_at: datetime | None
    updated_at: datetime
    updated_by: str
    evidence: tuple[ReportEvidence, ...] = ()

    @classmethod
    def from_info(cls, claim: ClaimInfo) -> ReportClaim:
        return cls(
            claim.id, claim.article_id, claim.quote, claim.wording, claim.claimant,
            claim.status, claim.rating_id, claim.rating_label, claim.explanation,
            claim.reviewer, claim.reviewed_at, claim.updated_at, claim.updated_by,
            tuple(ReportEvidence.from_info(ev) for ev in claim.evidence),
        )  # fmt: skip


@dataclass(frozen=True)
class ArticleReport:
    """One article and the claims of it that the report covers, in article order."""

    article: ArticleInfo
    claims: tuple[ReportClaim, ...]


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
    def claims(self) -> tuple[ReportClaim, ...]:
        return tuple(c for a in self.articles for c in a.claims)

    @property
    def title(self) -> str:
        if self.options.article_id is not None and len(self.articles) == 1:
            return self.articles[0].article.title
        return self.project.name


def is_rated(claim: ReportClaim) -> bool:
    return bool(one_line(claim.rating_label))


def wanted(claim: ReportClaim, options: ReportOptions) -> bool:
    """Whether ``claim`` belongs in a report made with ``options``."""
    if claim.status == ClaimStatus.DISMISSED:
        return options.include_dismissed
    if options.only_done and claim.status != ClaimStatus.DONE:
        return False
    return options.include_unrated or is_rated(claim)


@without_cycle_collection
def build_report(
    service: Any, options: ReportOptions | None = None, *, with_evidence: bool = True
) -> ReportData:
    """Gather a report's data: one read of the articles, the scale and the claims.

    ``with_evidence=False`` leaves every claim's evidence empty, for a format that does
    not show evidence (ClaimReview): reading it is most of the time of reading a report.
    """
    options = options or ReportOptions()
    project = service.info()
    articles: list[ArticleInfo] = service.articles()
    if options.article_id is not None:
        try:
            wanted_id = str(uuid.UUID(options.article_id.strip()))
        except ValueError:
            wanted_id = ""
        chosen = [a for a in articles if a.id == wanted_id]
        if not chosen:
            raise NotFoundError(f"no article with id {options.article_id[:60]}.")
        articles = chosen
    only = articles[0].id if options.article_id is not None else None
    from app.core.reports.read import read_report_claims

    claims = read_report_claims(
        service,
        project.scale,
        article_id=only,
        include_dismissed=options.include_dismissed,
        with_evidence=with_evidence,
    )
    by_article: dict[str, list[ReportClaim]] = {a.id: [] for a in articles}
    for claim in claims:
        if claim.article_id in by_article and wanted(claim, options):
            by_article[claim.article_id].append(claim)
    return ReportData(
        project=project,
        scale=project.scale,
        articles=tuple(ArticleReport(a, tuple(by_article[a.id])) for a in articles),
        options=options,
        generated_at=datetime.now(UTC),
    )
