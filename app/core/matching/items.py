"""The records of the library of known verdicts: one earlier check, and import reports."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from app.core.matching.text import fold


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One earlier verdict: a claim somebody checked, with what they concluded.

    ``id`` is the item's own id where its source gave one (the CSV's ``id`` column, a
    ClaimReview's ``@id`` or URL, a project claim's id); the library makes one otherwise.
    """

    claim: str
    id: str | None = None
    title: str | None = None
    subtitle: str | None = None
    rating: str | None = None
    publisher: str | None = None
    speaker: str | None = None
    date: str | None = None  # ISO 8601 when it could be read, else as the source wrote it
    url: str | None = None
    origin: str | None = None  # where it was imported from (a file name, a project)

    def key(self) -> str:
        """What makes two items the same review, so importing twice keeps one entry.

        The same claim from the same publisher at the same address (or with the same id)
        is the same review, whichever file it came from.
        """
        where = self.url or self.id or self.date or ""
        parts = (" ".join(fold(self.claim).split()), fold(self.publisher or ""), where.strip())
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    def public_id(self) -> str:
        return self.id or self.url or self.key()


@dataclass(frozen=True, slots=True)
class SkippedItem:
    source: str  # file name
    position: str  # "row 12", "item 3"
    reason: str


@dataclass(slots=True)
class ImportReport:
    """What an import did: added, already present, skipped (with reasons)."""

    added: int = 0
    already_present: int = 0
    skipped: list[SkippedItem] = field(default_factory=list)
    files: int = 0
    cancelled: bool = False

    @property
    def read(self) -> int:
        return self.added + self.already_present


@dataclass(frozen=True, slots=True)
class LibraryStats:
    reviews: int
    publishers: dict[str, int]
    origins: dict[str, int]
    location: str
    oldest: str | None
    newest: str | None
