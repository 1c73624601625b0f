"""Plain, immutable records that services hand to the window, the CLI and reports.

Services never return live ORM rows: a widget or a report can keep these as long as it
likes without holding a database session open. Ids are UUIDs rendered as strings so the
records serialise to JSON as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# The stored values' vocabularies belong to the storage layer (file validation checks
# them); they are part of the records' language too, so they are exported here as well.
from app.models.values import ClaimKind as ClaimKind
from app.models.values import ClaimOrigin as ClaimOrigin
from app.models.values import ClaimStatus as ClaimStatus
from app.models.values import ParagraphRole as ParagraphRole
from app.models.values import Stance as Stance


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of an article: ``text[start:end]`` with its role."""

    start: int
    end: int
    role: ParagraphRole = ParagraphRole.BODY


@dataclass(frozen=True, slots=True)
class ArticleMetadata:
    """What is known about where an article comes from; every field optional."""

    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: date | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class RatingLevelInfo:
    id: str
    label: str
    colour: str  # "#rrggbb"
    value: float | None
    position: int
    description: str = ""


@dataclass(frozen=True, slots=True)
class RatingScaleInfo:
    """A project's rating scale. ``levels`` are ordered from best to worst.

    A conclusion-only scale has no levels: the verdict is a short free-text conclusion.
    """

    id: str
    name: str
    levels: tuple[RatingLevelInfo, ...]
    best_value: float | None
    worst_value: float | None

    @property
    def conclusion_only(self) -> bool:
        return not self.levels

    def level_by_label(self, label: str) -> RatingLevelInfo | None:
        wanted = label.strip().casefold()
        for level in self.levels:
            if level.label.casefold() == wanted:
                return level
        return None

    def level_by_id(self, level_id: str | None) -> RatingLevelInfo | None:
        for level in self.levels:
            if level.id == level_id:
                return level
        return None


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    id: str
    name: str
    description: str
    language: str
    scale: RatingScaleInfo
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    id: str
    title: str
    outlet: str | None
    author: str | None
    url: str | None
    published: date | None
    language: str | None
    sha256: str
    source_format: str
    created_at: datetime
    updated_at: datetime
    revision: int
    claim_counts: dict[str, int] = field(default_factory=dict)  # by ClaimStatus value

    @property
    def claims(self) -> int:
        """Claims that are not dismissed."""
        return sum(n for status, n in self.claim_counts.items() if status != ClaimStatus.DISMISSED)


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article's full text and paragraph structure (loaded separately: it is large)."""

    id: str
    text: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    id: str
    sha256: str
    filename: str
    media_type: str
    size: int


@dataclass(frozen=True, slots=True)
class EvidenceInfo:
    id: str
    claim_id: str
    url: str | None
    title: str
    publisher: str
    accessed: date | None
    archive_url: str | None
    stance: Stance
    note: str
    attachment: AttachmentInfo | None
    position: int
    revision: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class ClaimInfo:
    id: str
    article_id: str
    start: int
    end: int
    quote: str
    context_before: str
    context_after: str
    wording: str
    claimant: str | None
    kinds: tuple[ClaimKind, ...]
    score: float | None
    origin: ClaimOrigin
    status: ClaimStatus
    role: ParagraphRole
    rating_id: str | None
    rating_label: str | None  # the level's label, or the conclusion on conclusion-only scales
    explanation: str
    reviewer: str | None
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    updated_by: str
    revision: int
    evidence: tuple[EvidenceInfo, ...] = ()
    claimant_role: str | None = None  # e.g. "Brazil's trade minister"


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    """Which claims to list. Every field narrows; None means any."""

    article_id: str | None = None
    status: ClaimStatus | None = None
    rating_id: str | None = None
    unrated: bool = False
    kind: ClaimKind | None = None
    text: str | None = None
    include_dismissed: bool = True


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    id: str
    at: datetime
    author: str
    table: str
    record_id: str
    operation: str  # "insert" | "update" | "delete"
    field: str | None
    old_value: str | None  # JSON text
    new_value: str | None  # JSON text


@dataclass(frozen=True, slots=True)
class Changes:
    """What an operation changed, so views refresh only that (Anki's change record)."""

    articles: frozenset[str] = frozenset()
    claims: frozenset[str] = frozenset()
    evidence: frozenset[str] = frozenset()
    scale: bool = False
    project: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            articles=self.articles | other.articles,
            claims=self.claims | other.claims,
            evidence=self.evidence | other.evidence,
            scale=self.scale or other.scale,
            project=self.project or other.project,
        )
