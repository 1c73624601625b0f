"""The project store: one project in one database, and its short transactions.

A :class:`ProjectStore` is shared by the parts of :class:`~app.core.project.ProjectService`
(articles, claims, evidence, scale). Reads open a session; writes open one transaction
whose changes go through the one write path (:mod:`app.models.history`) as this author.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col

from app.core import records_from_rows as from_rows
from app.core.errors import (
    NotFoundError,
    ProjectReadOnlyError,
    StaleEditError,
    ValidationError,
)
from app.core.records import ClaimKind, ParagraphRole, RatingScaleInfo
from app.core.wording import quoted
from app.models.database import Database, translate_storage_errors, translate_value_errors
from app.models.history import Editor, TextTooLongError, begin_edit
from app.models.ids import new_id
from app.models.tables import ChangeLog, Project, RatingLevel, RatingScale, Record, Reviewer

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
    claimant_role: str | None = None


def as_uuid(value: str | uuid.UUID, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFoundError(f"no {what} with id {quoted(str(value)[:60])}.") from exc


def project_reviewer_id(person_id: uuid.UUID, project_id: uuid.UUID) -> uuid.UUID:
    """The id of a person's Reviewer row in one project, made from their reviewer id.

    The same person has the same row in every copy of a project (so merge and the
    server recognise them) but a different row in each project: a server database holds
    several projects, and a row's id is unique across all of them.
    """
    return uuid.uuid5(person_id, project_id.hex)


class ProjectStore:
    """One project of a :class:`Database`, edited as ``author``.

    ``person_id`` is the author's stable reviewer id (:func:`app.core.settings.who_am_i`);
    ``author_id``, their Reviewer row in this project (:func:`project_reviewer_id`), is what
    the change log records. Without a person id (a script that names only an author), the
    project's reviewer of that display name is used, or made on the first write.
    """

    def __init__(
        self, db: Database, project_id: uuid.UUID, author: str, person_id: uuid.UUID | None
    ) -> None:
        self.db = db
        self.project_id = project_id
        self.author = author.strip() or "Unknown reviewer"
        self.person_id = person_id
        self.author_id = (
            project_reviewer_id(person_id, project_id) if person_id is not None else None
        )
        self._reviewer_known = False
        # The session of an open :meth:`transaction` on this thread, if any.
        self._unit: ContextVar[Session | None] = ContextVar(f"unit-{id(self)}", default=None)
        self._snapshot: ContextVar[Connection | None] = ContextVar(
            f"snapshot-{id(self)}", default=None
        )

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading: inside :meth:`snapshot` (on this thread), its snapshot."""
        unit = self._unit.get()
        if unit is not None:  # inside a transaction: read what it has written so far
            with translate_value_errors(self.db):
                yield unit
            return
        conn = self._snapshot.get()
        with (
            translate_storage_errors(self.db),
            Session(bind=conn) if conn is not None else self.db.session() as s,
            translate_value_errors(self.db),
        ):
            yield s

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads made inside this block on this thread all see one consistent state.

        One read transaction (:meth:`Database.snapshot`) that :meth:`read` uses instead of
        a session of its own. Kept per thread (a context variable): the window reads on
        the GUI thread while a report is read on a worker.
        """
        if self._snapshot.get() is not None:  # already inside one: the same snapshot
            yield
            return
        with translate_storage_errors(self.db), self.db.snapshot() as conn:
            token = self._snapshot.set(conn)
            try:
                yield
            finally:
                self._snapshot.reset(token)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Every write made in this block on this thread is one transaction: committed
        whole at the end, or, when anything in it fails, not at all.

        A command that makes several edits (a rating, its explanation and its evidence)
        uses it, so a refusal or a crash half-way never leaves half of them saved.
        """
        if self._unit.get() is not None:  # already inside one: part of it
            yield
            return
        with self.write() as s:
            token = self._unit.set(s)
            try:
                yield
            finally:
                self._unit.reset(token)

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One short transaction, committed at the end, written as this author."""
        unit = self._unit.get()
        if unit is not None:  # part of a transaction(): flushed now, committed with it
            yield unit
            unit.flush()
            return
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
                    begin_edit(s, self.editor(s))
                    yield s
            except StaleDataError as exc:
                by, at = self._who_changed(touched)
                raise _stale(by, at, "this record") from exc
            except TextTooLongError as exc:
                raise ValidationError(
                    f"the {exc.column.replace('_', ' ')} is {exc.length} characters long; "
                    f"at most {exc.limit} are allowed."
                ) from exc

    def editor(self, s: Session) -> Editor:
        """This author as the writer of ``s``'s changes.

        On the first write their Reviewer row is made if new, and takes the name they go
        by now if they renamed themselves since they last edited this project (through
        the write path, like any edit: the row keeps its id).
        """
        if not self._reviewer_known:
            if self.author_id is not None:
                found = s.get(Reviewer, self.author_id)
            else:
                found = s.execute(
                    select(Reviewer)
                    .where(
                        col(Reviewer.project_id) == self.project_id,
                        col(Reviewer.display_name) == self.author,
                    )
                    .order_by(col(Reviewer.created_at))
                    .limit(1)
                ).scalar()
            if found is None:
                found = Reviewer(
                    id=self.author_id or new_id(),
                    project_id=self.project_id,
                    display_name=self.author,
                )
                begin_edit(s, Editor(self.project_id, found.id, self.author))
                s.add(found)
                s.flush()
            elif found.display_name != self.author:
                begin_edit(s, Editor(self.project_id, found.id, self.author))
                found.display_name = self.author
                s.flush()
            self.author_id, self._reviewer_known = found.id, True
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

    def get(
        self,
        s: Session,
        table: type[Record],
        record_id: str | uuid.UUID,
        what: str,
        expected_revision: int | None = None,
    ) -> Any:
        """The row of ``table``, refused as stale when it is not at ``expected_revision``."""
        row = s.get(table, as_uuid(record_id, what))
        if row is None or getattr(row, "project_id", self.project_id) != self.project_id:
            if expected_revision is not None:
                by, at = self._who_changed([(table, as_uuid(record_id, what), expected_revision)])
                if by is not None:
                    raise _stale(by, at, f"this {what}")
            raise NotFoundError(f"no {what} with id {record_id}.")
        if expected_revision is not None and row.revision != expected_revision:
            raise _stale(row.updated_by, row.updated_at, f"this {what}")
        return row

    def reviewer_id(self, s: Session) -> uuid.UUID:
        author_id = self.editor(s).author_id
        assert author_id is not None
        return author_id

    def load_scale(self, s: Session, project: Project | None = None) -> RatingScaleInfo:
        if project is None:
            project = s.get(Project, self.project_id)
        assert project is not None and project.scale_id is not None
        scale = s.get(RatingScale, project.scale_id)
        assert scale is not None
        levels = list(
            s.execute(select(RatingLevel).where(col(RatingLevel.scale_id) == scale.id)).scalars()
        )
        return from_rows.scale_info(scale, levels)

    def reviewer_names(self, s: Session) -> dict[str, str]:
        return {
            str(i): n
            for i, n in s.execute(
                select(col(Reviewer.id), col(Reviewer.display_name)).where(
                    col(Reviewer.project_id) == self.project_id
                )
            )
        }


def apply(row: Record, fields: dict[str, Any]) -> bool:
    """Set ``fields`` on ``row`` (the write path logs them). Returns whether any changed."""
    changed = False
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _stale(by: str | None, at: datetime | None, what: str) -> StaleEditError:
    when = f" at {at:%Y-%m-%d %H:%M:%S} UTC" if at is not None else ""
    return StaleEditError(
        f"{by or 'someone else'} changed {what}{when} after you loaded it; nothing was "
        "written. Reload to see their version.",
        changed_by=by,
        changed_at=at.isoformat() if at is not None else None,
    )


def _revision_as_read(row: Record) -> int:
    """The revision ``row`` had when it was read (the write path may have bumped it)."""
    state = inspect(row)
    assert state is not None
    history = state.attrs.revision.history
    return int(history.deleted[0]) if history.deleted else int(row.revision)


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:200]
    return "Untitled article"
