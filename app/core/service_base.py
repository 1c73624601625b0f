"""Shared state, transactions and change-log helpers of the project service.

Split from :mod:`app.core.project` so each part of the service stays small; only
:class:`app.core.project.ProjectService` is meant to be used from outside.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col

from app.core import convert
from app.core.errors import (
    NotFoundError,
    ProjectReadOnlyError,
    StaleEditError,
    ValidationError,
)
from app.core.records import (
    ArticleText,
    ClaimInfo,
    ClaimKind,
    EvidenceInfo,
    ParagraphRole,
    RatingScaleInfo,
)
from app.models.database import Database, translate_storage_errors, translate_value_errors
from app.models.history import Editor, TextTooLongError, begin_edit
from app.models.tables import (
    ChangeLog,
    Project,
    RatingLevel,
    RatingScale,
    Record,
    Reviewer,
)

CONTEXT_CHARS = 80  # text kept either side of a claim to re-anchor it later
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class DetectedSentence:
    """What the service needs of a detected claim (matches analysis.SentenceAnalysis)."""

    start: int
    end: int
    score: float
    claimant: str | None
    kinds: tuple[ClaimKind, ...]
    role: ParagraphRole


_CLAIM_FIELDS = {
    "wording",
    "claimant",
    "status",
    "explanation",
    "rating_id",
    "conclusion",
    "kinds",
    "start_offset",
    "end_offset",
    "quote",
    "context_before",
    "context_after",
    "score",
    "role",
    "origin",
}
_EVIDENCE_FIELDS = {
    "url",
    "title",
    "publisher",
    "accessed",
    "archive_url",
    "stance",
    "note",
    "attachment_id",
    "position",
}
_ARTICLE_FIELDS = {"title", "outlet", "author", "url", "published", "language"}


def _uuid(value: str | uuid.UUID, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFoundError(f"no {what} with id {str(value)[:60]!r}.") from exc


def _now() -> datetime:
    return datetime.now(UTC)


class ServiceBase:
    """State and transaction helpers shared by the parts of :class:`ProjectService`."""

    def __init__(self, db: Database, project_id: uuid.UUID, author: str) -> None:
        self.db = db
        self.project_id = project_id
        self.author = author.strip() or "Unknown reviewer"
        self._scale_cache: RatingScaleInfo | None = None
        self.author_id: uuid.UUID | None = None  # the author's Reviewer id, found on first write

    # --- transactions -----------------------------------------------------------------

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        with (
            translate_storage_errors(self.db),
            self.db.session() as s,
            translate_value_errors(self.db),
        ):
            yield s

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        """One short transaction whose changes go through :mod:`app.models.history`."""
        if self.db.read_only_reason is not None:
            raise ProjectReadOnlyError(
                f"{self.db.label}: changes are not possible ({self.db.read_only_reason})."
            )
        with translate_storage_errors(self.db), self.db.session() as s:
            # (table, id, revision as read) of every record this transaction updates, so
            # a lost race can name who won it.
            touched: list[tuple[type[Record], uuid.UUID, int]] = []

            def _note_dirty(session: Session, *_args: Any) -> None:
                touched.extend(
                    (type(o), o.id, _revision_as_read(o))
                    for o in session.dirty
                    if isinstance(o, Record)
                )

            event.listen(s, "before_flush", _note_dirty)
            try:
                with s.begin():
                    begin_edit(s, self._editor(s))
                    yield s
            except StaleDataError as exc:
                by, at = self._who_changed(touched)
                when = f" at {at:%Y-%m-%d %H:%M:%S} UTC" if at is not None else ""
                raise StaleEditError(
                    f"{by or 'someone else'} saved a change to this record first{when}; "
                    "nothing was written. Reload to see their version.",
                    changed_by=by,
                    changed_at=at.isoformat() if at is not None else None,
                ) from exc
            except TextTooLongError as exc:
                raise ValidationError(
                    f"the {exc.column.replace('_', ' ')} is {exc.length} characters long; "
                    f"at most {exc.limit} are allowed."
                ) from exc

    def _editor(self, s: Session) -> Editor:
        """This author as the writer of ``s``'s changes (their Reviewer row made if new)."""
        if self.author_id is None:
            found = s.execute(
                select(col(Reviewer.id)).where(
                    col(Reviewer.project_id) == self.project_id,
                    col(Reviewer.display_name) == self.author,
                )
            ).scalar_one_or_none()
            if found is None:
                reviewer = Reviewer(project_id=self.project_id, display_name=self.author)
                begin_edit(s, Editor(self.project_id, reviewer.id, self.author))
                s.add(reviewer)
                s.flush()
                found = reviewer.id
            self.author_id = uuid.UUID(str(found))
        return Editor(self.project_id, self.author_id, self.author)

    def _who_changed(
        self, touched: list[tuple[type[Record], uuid.UUID, int]]
    ) -> tuple[str | None, datetime | None]:
        """Who last changed (or deleted) one of ``touched`` since it was read, and when."""
        with contextlib.suppress(Exception), self.db.session() as s:
            for table, record_id, revision in touched:
                row = s.get(table, record_id)
                if row is not None and row.revision != revision:
                    return row.updated_by or None, row.updated_at
                if row is None:
                    entry = s.execute(
                        select(ChangeLog)
                        .where(col(ChangeLog.record_id) == record_id)
                        .order_by(col(ChangeLog.at).desc())
                        .limit(1)
                    ).scalar_one_or_none()
                    if entry is not None:
                        return entry.author or None, entry.at
        return None, None

    if TYPE_CHECKING:  # provided by the other parts of ProjectService

        def scale(self) -> RatingScaleInfo: ...

        def article_text(self, article_id: str) -> ArticleText: ...

        def _insert_evidence(self, s: Session, claim_id: uuid.UUID, ev: EvidenceInfo) -> None: ...

        def _evidence_for(
            self, s: Session, claim_ids: list[uuid.UUID] | None
        ) -> dict[str, list[EvidenceInfo]]: ...

    def _get(
        self,
        s: Session,
        table: type[Record],
        record_id: str | uuid.UUID,
        what: str,
        expected_revision: int | None = None,
    ) -> Any:
        row = s.get(table, _uuid(record_id, what))
        if row is None or getattr(row, "project_id", self.project_id) != self.project_id:
            raise NotFoundError(f"no {what} with id {record_id}.")
        if expected_revision is not None and row.revision != expected_revision:
            raise StaleEditError(
                f"this {what} was changed by {row.updated_by or 'someone else'} at "
                f"{row.updated_at:%Y-%m-%d %H:%M} UTC after you loaded it; nothing was written. "
                "Reload to see their version.",
                changed_by=row.updated_by,
                changed_at=row.updated_at.isoformat(),
            )
        return row

    def _apply(self, s: Session, row: Record, table_name: str, fields: dict[str, Any]) -> bool:
        """Set ``fields`` on ``row`` (logged by the write path). Returns whether any changed."""
        changed = False
        for name, value in fields.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        return changed

    def _reviewer_id(self, s: Session) -> uuid.UUID:
        author_id = self._editor(s).author_id
        assert author_id is not None
        return author_id

    def _load_scale(self, s: Session, project: Project | None = None) -> RatingScaleInfo:
        if project is None:
            project = s.get(Project, self.project_id)
        assert project is not None and project.scale_id is not None
        scale = s.get(RatingScale, project.scale_id)
        assert scale is not None
        levels = list(
            s.execute(select(RatingLevel).where(col(RatingLevel.scale_id) == scale.id)).scalars()
        )
        info = convert.scale_info(scale, levels)
        self._scale_cache = info
        return info


# --- helpers ------------------------------------------------------------------------


def _revision_as_read(row: Record) -> int:
    """The revision ``row`` had when it was read (the write path may have bumped it)."""
    state = inspect(row)
    assert state is not None
    history = state.attrs.revision.history
    return int(history.deleted[0]) if history.deleted else int(row.revision)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:200]
    return "Untitled article"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _count_labels(claims: list[ClaimInfo]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for claim in claims:
        key = claim.rating_label or "Unrated"
        counts[key] = counts.get(key, 0) + 1
    return counts
