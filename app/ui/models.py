"""Qt item models over the plain records of :mod:`app.core.records`.

The models hold ids in display order plus a cache of records by id; they never talk to
the database. The window feeds them what the service returned and tells them which ids
changed, so an edit emits ``dataChanged`` for one row and only a reload resets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from app.core.claim_refs import in_article
from app.core.records import (
    ArticleInfo,
    ClaimInfo,
    ClaimKind,
    ClaimStatus,
    EvidenceInfo,
    RatingScaleInfo,
)

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
RECORD_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex

STATUS_TEXT = {
    ClaimStatus.NEW: "New",
    ClaimStatus.IN_REVIEW: "In review",
    ClaimStatus.DONE: "Done",
    ClaimStatus.DISMISSED: "Dismissed",
}


def excerpt(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class _FlatTable(QAbstractTableModel):
    """What the claim, article and evidence tables share: flat rows, fixed columns."""

    COLUMNS: tuple[str, ...] = ()

    def _rows(self) -> list[Any]:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None


class ClaimTableModel(_FlatTable):
    """The claims of one article, in article order: one row per claim id.

    Columns: position, excerpt, claimant, kinds, score, rating, status. ``ID_ROLE`` gives
    the claim id of any cell, ``SORT_ROLE`` a value that sorts naturally.
    """

    COLUMNS = ("#", "Claim", "Claimant", "Kinds", "Score", "Rating", "Status")
    POSITION, EXCERPT, CLAIMANT, KINDS, SCORE, RATING, STATUS = range(7)

    def _rows(self) -> list[Any]:
        return self._ids

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ids: list[str] = []
        self._cache: dict[str, ClaimInfo] = {}
        self._scale: RatingScaleInfo | None = None
        # The number of the first row's claim (claim_refs numbers over the whole project).
        self.first_number = 1

    # --- feeding -----------------------------------------------------------------

    def set_scale(self, scale: RatingScaleInfo | None) -> None:
        self._scale = scale
        if self._ids:
            self.dataChanged.emit(
                self.index(0, self.RATING), self.index(len(self._ids) - 1, self.RATING)
            )

    def set_claims(self, claims: Iterable[ClaimInfo]) -> None:
        self.beginResetModel()
        ordered = sorted(claims, key=in_article)  # the order claim_refs numbers in
        self._ids = [c.id for c in ordered]
        self._cache = {c.id: c for c in ordered}
        self.endResetModel()

    def upsert(self, claim: ClaimInfo) -> None:
        """Insert a new claim at its place, or refresh (and if moved, re-place) one."""
        if claim.id in self._cache:
            row = self._ids.index(claim.id)
            old = self._cache[claim.id]
            self._cache[claim.id] = claim
            if (old.start, old.end) == (claim.start, claim.end):
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
                return
            self.remove(claim.id)
        row = self._insert_row(claim)
        self.beginInsertRows(QModelIndex(), row, row)
        self._ids.insert(row, claim.id)
        self._cache[claim.id] = claim
        self.endInsertRows()

    def _insert_row(self, claim: ClaimInfo) -> int:
        key = in_article(claim)
        lo, hi = 0, len(self._ids)
        while lo < hi:
            mid = (lo + hi) // 2
            if in_article(self._cache[self._ids[mid]]) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def remove(self, claim_id: str) -> None:
        if claim_id not in self._cache:
            return
        row = self._ids.index(claim_id)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._ids[row]
        del self._cache[claim_id]
        self.endRemoveRows()

    # --- reading -----------------------------------------------------------------

    def claim(self, claim_id: str) -> ClaimInfo | None:
        return self._cache.get(claim_id)

    def claim_at(self, row: int) -> ClaimInfo:
        return self._cache[self._ids[row]]

    def row_of(self, claim_id: str) -> int:
        try:
            return self._ids.index(claim_id)
        except ValueError:
            return -1

    def claims(self) -> list[ClaimInfo]:
        return [self._cache[i] for i in self._ids]

    # --- Qt ------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        claim = self._cache[self._ids[index.row()]]
        col = index.column()
        if role == ID_ROLE:
            return claim.id
        if role == RECORD_ROLE:
            return claim
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(claim, col, index.row())
        if role == SORT_ROLE:
            if col == self.POSITION:
                return claim.start
            if col == self.SCORE:
                return claim.score if claim.score is not None else -1.0
            if col == self.RATING:
                level = self._scale.level_by_id(claim.rating_id) if self._scale else None
                return level.position if level else 999
            return self._display(claim, col, index.row()) or ""
        if role == Qt.ItemDataRole.DecorationRole and col == self.RATING:
            level = self._scale.level_by_id(claim.rating_id) if self._scale else None
            return QColor(level.colour) if level else None
        if role == Qt.ItemDataRole.ToolTipRole and col == self.EXCERPT:
            return claim.wording
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.POSITION, self.SCORE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and claim.status == ClaimStatus.DISMISSED:
            return QColor("#888888")
        return None

    def _display(self, claim: ClaimInfo, col: int, row: int) -> str | None:
        if col == self.POSITION:
            return str(self.first_number + row)
        if col == self.EXCERPT:
            return excerpt(claim.wording)
        if col == self.CLAIMANT:
            return claim.claimant or ""
        if col == self.KINDS:
            return ", ".join(k.value for k in claim.kinds)
        if col == self.SCORE:
            return f"{claim.score:.2f}" if claim.score is not None else ""
        if col == self.RATING:
            return claim.rating_label or "Unrated"
        if col == self.STATUS:
            return STATUS_TEXT[claim.status]
        return None


class ClaimFilterProxy(QSortFilterProxyModel):
    """Filters claims by text, status, rating and kind, and hides dismissed ones on request."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._text = ""
        self._status: ClaimStatus | None = None
        self._rating: str | None = None  # a level id, "" for unrated, None for any
        self._kind: ClaimKind | None = None
        self._show_dismissed = False

    def set_filters(
        self,
        *,
        text: str | None = None,
        status: ClaimStatus | bool | None = False,
        rating: str | bool | None = False,
        kind: ClaimKind | bool | None = False,
        show_dismissed: bool | None = None,
    ) -> None:
        """Change some filters; ``False`` leaves a filter as it is."""
        self.beginFilterChange()
        if text is not None:
            self._text = text.strip().casefold()
        if status is not False:
            self._status = status  # type: ignore[assignment]
        if rating is not False:
            self._rating = rating  # type: ignore[assignment]
        if kind is not False:
            self._kind = kind  # type: ignore[assignment]
        if show_dismissed is not None:
            self._show_dismissed = show_dismissed
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ClaimTableModel):
            return True
        claim = model.claim_at(source_row)
        if self._status is not None:
            if claim.status != self._status:
                return False
        elif claim.status == ClaimStatus.DISMISSED and not self._show_dismissed:
            return False
        if self._rating is not None:
            if self._rating == "" and claim.rating_label is not None:
                return False
            if self._rating and claim.rating_id != self._rating:
                return False
        if self._kind is not None and self._kind not in claim.kinds:
            return False
        if self._text:
            hay = " ".join((claim.wording, claim.quote, claim.claimant or "", claim.explanation))
            if self._text not in hay.casefold():
                return False
        return True


class ArticleListModel(_FlatTable):
    """The project's articles: title, outlet, date, claim counts by status."""

    COLUMNS = ("Title", "Outlet", "Published", "Claims", "Done")

    def _rows(self) -> list[Any]:
        return self._ids

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ids: list[str] = []
        self._cache: dict[str, ArticleInfo] = {}

    def set_articles(self, articles: Iterable[ArticleInfo]) -> None:
        items = list(articles)
        new_ids = [a.id for a in items]
        if new_ids == self._ids:  # same list: refresh the rows in place
            self._cache = {a.id: a for a in items}
            if items:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(items) - 1, len(self.COLUMNS) - 1)
                )
            return
        self.beginResetModel()
        self._ids = new_ids
        self._cache = {a.id: a for a in items}
        self.endResetModel()

    def article_at(self, row: int) -> ArticleInfo:
        return self._cache[self._ids[row]]

    def row_of(self, article_id: str) -> int:
        try:
            return self._ids.index(article_id)
        except ValueError:
            return -1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        art = self._cache[self._ids[index.row()]]
        col = index.column()
        if role == ID_ROLE:
            return art.id
        if role == RECORD_ROLE:
            return art
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return art.title
            if col == 1:
                return art.outlet or ""
            if col == 2:
                return art.published.isoformat() if art.published else ""
            if col == 3:
                return str(art.claims)
            if col == 4:
                return str(art.claim_counts.get(ClaimStatus.DONE.value, 0))
        if role == Qt.ItemDataRole.ToolTipRole:
            counts = ", ".join(
                f"{STATUS_TEXT[s]}: {art.claim_counts.get(s.value, 0)}" for s in ClaimStatus
            )
            return f"{art.title}\n{counts}"
        return None


class EvidenceTableModel(_FlatTable):
    """The evidence of one claim, in its stored order."""

    COLUMNS = ("Title", "Publisher", "Accessed", "Stance", "Archive", "Note", "Attachment")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[EvidenceInfo] = []

    def set_evidence(self, items: Iterable[EvidenceInfo]) -> None:
        self.beginResetModel()
        self._items = sorted(items, key=lambda e: e.position)
        self.endResetModel()

    def evidence_at(self, row: int) -> EvidenceInfo:
        return self._items[row]

    def _rows(self) -> list[Any]:
        return self._items

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        ev = self._items[index.row()]
        col = index.column()
        if role == ID_ROLE:
            return ev.id
        if role == RECORD_ROLE:
            return ev
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                ev.title or ev.url or (ev.attachment.filename if ev.attachment else ""),
                ev.publisher,
                ev.accessed.isoformat() if ev.accessed else "",
                ev.stance.value.capitalize(),
                ev.archive_url or "",
                excerpt(ev.note, 60),
                ev.attachment.filename if ev.attachment else "",
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return ev.url or ""
            if col == 6 and ev.attachment:
                return f"SHA-256 {ev.attachment.sha256}"
            if col == 5:
                return ev.note
        return None
