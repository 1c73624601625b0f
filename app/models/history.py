"""The one write path: every change to an editable row is checked, revisioned and logged.

Importing this module installs two SQLAlchemy session events on every :class:`Session`,
so whatever starts a change (a service call, an undo, a scale change, a cascade, an
import, a merge) passes the same code:

* ``before_flush`` handles ORM objects of the tables in
  :data:`~app.models.tables.EDITABLE_TABLES` that were added, changed or deleted:
  it checks text lengths, stamps ``updated_at``/``updated_by``, sets ``revision``
  (an update adds one; an insert starts after the highest revision the change log
  knows for that id, so a row put back by an undo never goes back to an old number),
  follows the schema's ``ON DELETE CASCADE`` / ``SET NULL`` as ORM deletes and updates
  (so a deleted article's claims and evidence are logged one by one), and adds
  change-log entries: ``insert``, ``update`` (one per field, old and new value),
  ``delete`` (old values).
* ``do_orm_execute`` handles bulk inserts, ``session.execute(insert(Claim), [dict, ...])``:
  the rows are completed (id, stamps, revision 1, or the next after an id's history),
  checked, written with one Core
  ``insert()`` and logged with one more (one ``insert`` entry per row; the row itself
  holds its values at revision 1). Bulk ``update()``/``delete()`` of editable tables is
  refused (it would skip the log: load the rows and change them), and so is any UPDATE
  or DELETE of the change log, which is append-only.

How to write::

    with edit_session(db.engine, Editor(project_id, author_id, "Ana")) as s:
        row = s.get(Claim, claim_id)
        row.wording = "..."          # logged with author_id, revision + 1
        s.delete(other)              # its evidence goes too, each logged
        s.execute(insert(Claim), rows)   # bulk: stamped and logged in bulk

or :func:`begin_edit` on a session you already hold. A session that changes an editable
row without an :class:`Editor` raises :class:`WritePathError` (a bug, not a user error).
``Editor(copy=True)`` is for copying rows that already have a history (server upload,
download): rows keep their ids, revisions and stamps, lengths are still checked, and
no entries are added because the copied change log comes with them.

The ORM's version counter (``version_id_col`` with ``version_id_generator=False``, see
:class:`~app.models.tables.Record`) still puts ``WHERE revision = <read value>`` on every
UPDATE and DELETE, so a stale concurrent write raises ``StaleDataError``.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Engine, Table, event, func, insert, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from app.models.ids import new_id, new_ids
from app.models.tables import EDITABLE_TABLES, ChangeLog, Record, utcnow

EDITOR_KEY = "factdesk.editor"
# Columns the mechanism itself maintains: never logged as field changes.
_STAMPS = frozenset({"updated_at", "updated_by", "revision"})
# Large values a delete entry does not copy (the article's hash and the attachment's
# hash and size are kept, which is what a reader of the log needs).
_NOT_COPIED = {"article": frozenset({"text"}), "attachment": frozenset({"data"})}


class WritePathError(RuntimeError):
    """A write that would bypass the revision counter or the change log (a bug)."""


class TextTooLongError(ValueError):
    """A value longer than its column allows (the same limit on SQLite and PostgreSQL)."""

    def __init__(self, table: str, column: str, limit: int, length: int) -> None:
        super().__init__(f"{column} of {table} is {length} characters long; at most {limit}.")
        self.table, self.column, self.limit, self.length = table, column, limit, length


@dataclass(frozen=True, slots=True)
class Editor:
    """Who writes, in which project. ``author_id`` is the Reviewer row's id."""

    project_id: uuid.UUID
    author_id: uuid.UUID | None
    author_name: str
    copy: bool = False


def begin_edit(session: Session, editor: Editor) -> None:
    """Make ``editor`` the author of every change ``session`` writes from now on."""
    session.info[EDITOR_KEY] = editor


@contextlib.contextmanager
def edit_session(engine: Engine, editor: Editor) -> Iterator[Session]:
    """A session in one transaction, committed at the end, whose writes are ``editor``'s."""
    with Session(engine, expire_on_commit=False) as session:
        begin_edit(session, editor)
        with session.begin():
            yield session


# --- values as the change log stores them ----------------------------------------------


def json_value(value: Any) -> Any:
    """A value as the change log and signatures store it (JSON-safe, stable)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    return value


def _json_default(value: Any) -> Any:
    converted = json_value(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not stored in the change log")
    return converted


def to_json(value: Any) -> str:
    """``value`` as JSON text; UUIDs, dates and bytes within lists and dicts too."""
    return json.dumps(json_value(value), ensure_ascii=False, sort_keys=True, default=_json_default)


# --- schema facts, worked out once ---------------------------------------------------------

_MODELS: dict[str, type[Record]] = {str(m.__tablename__): m for m in EDITABLE_TABLES}


def _table(model: type[Record]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _limits(table: Table) -> list[tuple[str, int]]:
    return [
        (c.name, int(length))
        for c in table.columns
        if (length := getattr(c.type, "length", None)) is not None
    ]


_LIMITS = {name: _limits(_table(model)) for name, model in _MODELS.items()}


def _references() -> dict[str, list[tuple[type[Record], str, str]]]:
    """{parent table: [(child model, child column, ON DELETE action)]} among editable tables."""
    found: dict[str, list[tuple[type[Record], str, str]]] = {n: [] for n in _MODELS}
    for child in _MODELS.values():
        for fk in _table(child).foreign_keys:
            action = (fk.ondelete or "").upper()
            parent = fk.column.table.name
            if parent in found and action in ("CASCADE", "SET NULL"):
                found[parent].append((child, fk.parent.name, action))
    return found


_REFERENCES = _references()


def check_lengths(table_name: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Raise :class:`TextTooLongError` for the first value over its column's limit."""
    limits = _LIMITS.get(table_name, ())
    for row in rows:
        for name, limit in limits:
            value = row.get(name)
            if isinstance(value, str) and len(value) > limit:
                raise TextTooLongError(table_name, name, limit, len(value))


# --- ORM objects: before_flush --------------------------------------------------------------


def _editor(session: Session) -> Editor:
    editor = session.info.get(EDITOR_KEY)
    if not isinstance(editor, Editor):
        raise WritePathError(
            "a change to a project row without an author; use history.edit_session "
            "or history.begin_edit."
        )
    return editor


def _columns(row: Record) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in _table(type(row)).columns}


def _log(editor: Editor, at: datetime, row: Record, operation: str, **values: Any) -> ChangeLog:
    return ChangeLog(
        id=new_id(),
        project_id=editor.project_id,
        at=at,
        author=editor.author_name,
        author_id=editor.author_id,
        table_name=str(row.__tablename__),
        record_id=row.id,
        operation=operation,
        record_revision=row.revision,
        **values,
    )


def _follow_deletes(session: Session) -> None:
    """Delete (or un-reference) the rows the schema's ON DELETE rules would touch."""
    pending = [o for o in session.deleted if isinstance(o, Record)]
    while pending:
        parent = pending.pop()
        for child, column, action in _REFERENCES[str(parent.__tablename__)]:
            query = select(child).where(_table(child).c[column] == parent.id)
            for row in session.execute(query).scalars():
                # Skip rows already going, or moved to another parent in this session.
                if row in session.deleted or getattr(row, column) != parent.id:
                    continue
                if action == "CASCADE":
                    session.delete(row)
                    pending.append(row)
                else:
                    setattr(row, column, None)


def _last_revisions(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The highest revision the change log knows for each of ``ids`` (ids seen before)."""
    log = _table(ChangeLog)  # type: ignore[arg-type]
    found: dict[uuid.UUID, int] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(log.c.record_id, func.max(log.c.record_revision))
            .where(log.c.record_id.in_(ids[start : start + 500]))
            .group_by(log.c.record_id)
        )
        for record_id, revision in session.connection().execute(query):
            if revision is not None:
                found[record_id] = int(revision)
    return found


def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, ChangeLog) and (obj in session.deleted or session.is_modified(obj)):
            raise WritePathError("the change log is append-only: entries are never changed.")
    if not any(isinstance(o, Record) for o in (*session.new, *session.dirty, *session.deleted)):
        return
    editor = _editor(session)
    with session.no_autoflush:
        _follow_deletes(session)
        new = [o for o in session.new if isinstance(o, Record)]
        changed = [
            o
            for o in session.dirty
            if isinstance(o, Record) and o not in session.deleted and session.is_modified(o)
        ]
        deleted = [o for o in session.deleted if isinstance(o, Record)]
        for row in (*new, *changed):
            check_lengths(str(row.__tablename__), [_columns(row)])
        if editor.copy:
            return
        at = utcnow()
        entries: list[ChangeLog] = []
        earlier = _last_revisions(session, [o.id for o in new]) if new else {}
        for row in new:
            row.revision = earlier.get(row.id, 0) + 1
            row.created_by = row.created_by or editor.author_name
            row.updated_by = editor.author_name
            row.updated_at = at
            fields = _columns(row)
            for name in _NOT_COPIED.get(str(row.__tablename__), ()):
                fields.pop(name, None)
            entries.append(_log(editor, at, row, "insert", new_value=to_json(fields)))
        for row in changed:
            state = inspect(row)
            assert state is not None
            updates: list[tuple[str, Any, Any]] = []
            for attr in state.attrs:
                if attr.key in _STAMPS:
                    continue
                history = attr.history
                if history.added:
                    old = history.deleted[0] if history.deleted else None
                    updates.append((attr.key, old, history.added[0]))
            if not updates:
                continue
            row.revision = int(state.committed_state.get("revision", row.revision)) + 1
            row.updated_at, row.updated_by = at, editor.author_name
            entries.extend(
                _log(
                    editor,
                    at,
                    row,
                    "update",
                    field=name,
                    old_value=to_json(old),
                    new_value=to_json(value),
                )
                for name, old, value in updates
            )
        for row in deleted:
            fields = _columns(row)
            for name in _NOT_COPIED.get(str(row.__tablename__), ()):
                fields.pop(name, None)
            entries.append(_log(editor, at, row, "delete", old_value=to_json(fields)))
        session.add_all(entries)


# --- statements: do_orm_execute --------------------------------------------------------------


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _bulk_rows(state: ORMExecuteState) -> list[dict[str, Any]]:
    params = state.parameters
    if isinstance(params, Mapping):
        params = [params]
    if not params:
        raise WritePathError(
            "insert rows into a project table as session.execute(insert(Model), [rows])."
        )
    return [dict(r) for r in params]


def _on_execute(state: ORMExecuteState) -> Any:
    statement = state.statement
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    name = getattr(getattr(statement, "table", None), "name", None)
    if name == ChangeLog.__tablename__ and not state.is_insert:
        raise WritePathError("the change log is append-only: entries are never changed.")
    model = _MODELS.get(str(name))
    if model is None:
        return None
    if not state.is_insert:
        raise WritePathError(
            f"a bulk UPDATE or DELETE of {name} would skip the revision counter and the "
            "change log; load the rows and change them."
        )
    editor = _editor(state.session)
    rows = _bulk_rows(state)
    check_lengths(str(name), rows)
    connection = state.session.connection()
    if editor.copy:
        return connection.execute(insert(_table(model)), rows)
    at = utcnow()
    stamp = {
        "created_at": at,
        "updated_at": at,
        "created_by": editor.author_name,
        "updated_by": editor.author_name,
    }
    # A row put back under an id it had before continues its old count; ids made here
    # are new, so they start at 1.
    given = [_uuid(row["id"]) for row in rows if "id" in row]
    earlier = _last_revisions(state.session, given) if given else {}
    fresh = iter(new_ids(len(rows) - len(given)))
    for row in rows:  # each row is the caller's values, completed (a copy: _bulk_rows)
        if "id" not in row:
            row["id"] = next(fresh)
        for column, value in stamp.items():
            row.setdefault(column, value)
        row["revision"] = (earlier.get(_uuid(row["id"]), 0) + 1) if earlier else 1
    result = connection.execute(insert(_table(model)), rows)
    shared = {
        "project_id": editor.project_id,
        "at": at,
        "author": editor.author_name,
        "author_id": editor.author_id,
        "table_name": name,
        "operation": "insert",
        "field": None,
        "old_value": None,
        "new_value": None,
    }
    log = [
        {"id": log_id, "record_id": row["id"], "record_revision": row["revision"], **shared}
        for log_id, row in zip(new_ids(len(rows)), rows, strict=True)
    ]
    connection.execute(insert(_table(ChangeLog)), log)  # type: ignore[arg-type]
    return result


event.listen(Session, "before_flush", _before_flush)
event.listen(Session, "do_orm_execute", _on_execute)
