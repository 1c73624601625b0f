"""Opening a project file that came from someone else, without risk.

:func:`open_for_sharing` layers three things over :func:`app.models.database.open_project_file`
(which already checks the header from raw bytes, runs ``quick_check`` on an immutable,
read-only connection, turns ``trusted_schema`` off and refuses triggers, views, virtual
tables and any schema that is not exactly this build's):

* **Content checks.** Every row is decoded the way the services will read it (ids,
  dates, statuses, stances, roles, references), so a file whose cells were damaged or
  crafted fails here with :class:`~app.core.errors.CorruptProjectError` instead of
  surfacing later as a crash in a view.
* **Read-only with a reason.** A file that cannot be written, or that another running
  Factdesk has open for editing (see :mod:`app.core.sharing.lock`), opens read-only and
  :attr:`Database.read_only_reason` says why, for the window's banner.
* **Viewing leaves no trace.** With ``view_only`` the file is read through SQLite's
  ``immutable`` mode: no ``-journal``, ``-wal`` or ``-shm`` file is made beside it and its
  bytes stay identical.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import create_engine

from app.core.errors import CorruptProjectError, FactdeskError, ProjectFileError
from app.core.records import ClaimOrigin, ClaimStatus, ParagraphRole, Stance
from app.core.sharing.canonical import sa_table
from app.core.sharing.lock import LockHeld, ProjectLock, acquire
from app.models.database import (
    BUSY_TIMEOUT_MS,
    Database,
    open_project_file,
    raised_decoding_a_stored_value,
    storage_error,
)
from app.models.fileformat import writable_reason
from app.models.tables import (
    Article,
    Attachment,
    ChangeLog,
    Claim,
    Evidence,
    Project,
    RatingLevel,
    RatingScale,
    Reviewer,
    Signature,
)

VIEW_ONLY_REASON = "opened for viewing only"
LOCKED_REASON = "it is open for editing in another running Factdesk"


@dataclass
class SharedDatabase(Database):
    """A :class:`Database` that also holds the editing lock on its file until closed."""

    lock: ProjectLock | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.lock is not None:
                self.lock.release()
                self.lock = None


def open_for_sharing(
    path: Path | str,
    *,
    view_only: bool = False,
    check_rows: bool = True,
    quick_check: bool = True,
) -> SharedDatabase:
    """Open a project file safely; read-only (with the reason) when it cannot be edited.

    ``view_only`` opens it for looking only and guarantees the file is left byte-for-byte
    as it was. Otherwise the file is opened for editing when it can be (an older format is
    migrated after a backup copy), and read-only with a reason when it is read-only on
    disk or open for editing in another running Factdesk.

    ``check_rows`` decodes every row first (files received from someone); the window
    opening the user's own files skips it, and skips SQLite's ``quick_check`` for a file
    this machine closed cleanly (``quick_check`` False).

    Raises a typed :class:`~app.core.errors.ProjectFileError` subclass on anything else.
    """
    path = Path(path)

    def checked(db: SharedDatabase) -> SharedDatabase:
        return _checked(db, path) if check_rows else db

    if view_only:
        return checked(_as_shared(open_project_file(path, read_only=True, quick_check=quick_check)))
    reason = writable_reason(path) if path.is_file() else None
    if reason is not None:
        db = _as_shared(open_project_file(path, read_only=True, quick_check=quick_check))
        db.read_only_reason = reason
        return checked(db)
    try:
        lock = acquire(path)
    except LockHeld as held:
        # Validate first (same checks as any open), then read it live, not immutable:
        # the other process may be writing it.
        open_project_file(path, read_only=True, quick_check=quick_check).close()
        who = f" (process {held.pid})" if held.pid else ""
        db = SharedDatabase(
            _live_read_only_engine(path), "sqlite", path=path, read_only_reason=LOCKED_REASON + who
        )
        return checked(db)
    except OSError:
        lock = None  # no usable runtime folder: open without the guard
    try:
        opened = open_project_file(path, quick_check=quick_check)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    db = _as_shared(opened)
    db.lock = lock
    return checked(db)


def _as_shared(db: Database) -> SharedDatabase:
    return SharedDatabase(
        db.engine,
        db.kind,
        path=db.path,
        url=db.url,
        read_only_reason=db.read_only_reason,
        backup_path=db.backup_path,
    )


def _checked(db: SharedDatabase, path: Path) -> SharedDatabase:
    try:
        check_content(db, path.name)
    except BaseException:
        db.close()
        raise
    return db


def _live_read_only_engine(path: Path) -> Engine:
    uri = "file:" + quote(str(path.resolve()), safe="/") + "?mode=ro"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )

    engine = create_engine("sqlite://", creator=connect)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA trusted_schema=OFF")
        cursor.execute("PRAGMA query_only=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    return engine


# --- content checks -----------------------------------------------------------------

_ENUMS: dict[str, dict[str, frozenset[str]]] = {
    "claim": {
        "status": frozenset(s.value for s in ClaimStatus),
        "origin": frozenset(o.value for o in ClaimOrigin),
        "role": frozenset(r.value for r in ParagraphRole),
    },
    "evidence": {"stance": frozenset(s.value for s in Stance)},
}
_CHECKED_TABLES = (
    Project,
    RatingScale,
    RatingLevel,
    Reviewer,
    Article,
    Attachment,
    Claim,
    Evidence,
    ChangeLog,
    Signature,
)


@contextlib.contextmanager
def damaged_file_errors(file_name: str, kind: str = "sqlite") -> Iterator[None]:
    """Turn what a damaged or crafted file makes the drivers raise into a typed error.

    Driver errors are sorted by :func:`app.models.database.storage_error` (a conflict
    with another write or a lost server is not damage); other exceptions count as damage
    only when raised while a stored value was being decoded. Anything else is a bug in
    Factdesk and is raised unchanged, never blamed on the file.
    """
    try:
        yield
    except FactdeskError:
        raise
    except (SQLAlchemyError, sqlite3.Error) as exc:
        typed = storage_error(exc, file_name, kind)
        if typed is None:
            raise
        raise typed from exc
    except (ValueError, TypeError, OverflowError, KeyError, AttributeError, UnicodeError) as exc:
        if not raised_decoding_a_stored_value(exc):
            raise
        detail = " ".join(str(exc).split())[:160]
        raise CorruptProjectError(
            f"{file_name}: the project file is damaged ({type(exc).__name__}: {detail})."
        ) from exc


def check_content(db: Database, file_name: str | None = None) -> None:
    """Decode every row of every table as the services will; raise on anything unreadable."""
    name = file_name or db.label
    with damaged_file_errors(name, db.kind), db.snapshot() as conn:
        if db.kind == "sqlite":
            # quick_check (done on every open) does not compare indexes with their tables;
            # a file from elsewhere gets the full check, or a damaged index would feed the
            # views values that the table rows below do not show.
            result = conn.exec_driver_sql("PRAGMA integrity_check(1)").scalar()
            if result != "ok":
                raise CorruptProjectError(f"{name}: the project file is damaged ({result}).")
        for model in _CHECKED_TABLES:
            table = sa_table(model)
            cols = [c for c in table.c if c.name not in ("data", "text")]
            enums = _ENUMS.get(table.name, {})
            for row in conn.execute(select(*cols)).mappings():
                for column, allowed in enums.items():
                    if row[column] not in allowed:
                        raise CorruptProjectError(
                            f"{name}: the project file is damaged (a {table.name} has an "
                            f"unknown {column} {str(row[column])[:40]!r})."
                        )
        if db.kind == "sqlite":
            # Text must be valid UTF-8 for the views; decoding it is the check.
            conn.execute(select(Article.__table__.c.text)).all()  # type: ignore[attr-defined]
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise CorruptProjectError(
                    f"{name}: the project file is damaged ({len(problems)} broken references)."
                )
        projects = conn.execute(
            select(Project.__table__.c.id, Project.__table__.c.scale_id)  # type: ignore[attr-defined]
        ).all()
        if not projects:
            raise CorruptProjectError(f"{name}: the project file holds no project.")
        scales = {r[0] for r in conn.execute(select(RatingScale.__table__.c.id))}  # type: ignore[attr-defined]
        for _pid, scale_id in projects:
            if scale_id is None or scale_id not in scales:
                raise CorruptProjectError(f"{name}: the project's rating scale is missing.")


__all__ = [
    "LOCKED_REASON",
    "VIEW_ONLY_REASON",
    "ProjectFileError",
    "SharedDatabase",
    "check_content",
    "damaged_file_errors",
    "open_for_sharing",
]
