"""Matching claims against verdicts already published ("checked before?").

- :mod:`~app.core.matching.store`: the library of known verdicts (SQLite + FTS5 file on a
  laptop, PostgreSQL full-text search on a team server), importing and searching it;
- :mod:`~app.core.matching.readers`: ClaimReview JSON-LD, Data Commons feeds, web pages,
  CSV and Factdesk projects read into :class:`~app.core.matching.items.ReviewItem`;
- :mod:`~app.core.matching.rank`: candidates, re-ranking and the calibrated score;
- :mod:`~app.core.matching.service`: matching a project's claims, reusing a verdict.
"""

from app.core.matching.items import ImportReport, LibraryStats, ReviewItem, SkippedItem
from app.core.matching.rank import LIKELY_LABEL, RELATED_LABEL, Match, Matcher
from app.core.matching.store import LibraryStore, default_library_path

__all__ = [
    "LIKELY_LABEL",
    "RELATED_LABEL",
    "ImportReport",
    "LibraryStats",
    "LibraryStore",
    "Match",
    "Matcher",
    "ReviewItem",
    "SkippedItem",
    "default_library_path",
]
