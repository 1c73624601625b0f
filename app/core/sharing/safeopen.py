"""Opening a project file that came from someone else, without risk.

:func:`open_for_sharing` layers three things over :func:`app.models.database.open_project_file`
(which already checks the header from raw bytes, runs ``quick_check`` on an immutable,
read-only connection, turns ``trusted_schema`` off and refuses triggers, views, virtual
tables and any schema that is not exactly this build's):

* **Content checks.** Every value of a file received from someone is checked by
  :mod:`app.models.file_validation` (through ``open_project_file``), so a file whose
  cells were damaged or crafted fails here with
  :class:`~app.core.errors.CorruptProjectError` instead of surfacing later as a crash.
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

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import QueuePool
from sqlmodel import create_engine

from app.core.errors import CorruptProjectError, FactdeskError, ProjectFileError
from app.core.sharing.lock import LockHeld, ProjectLock, acquire
from app.models.database import (
    BUSY_TIMEOUT_MS,
    Database,
    open_project_file,
    raised_decoding_a_stored_value,
    storage_error,
)
from app.models.fileformat import writable_reason

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

    ``check_rows`` checks every value first (files received from someone); the window
    opening the user's own files leaves it to ``quick_check``, False for a file this
    machine closed cleanly and unchanged since (both: :mod:`app.models.file_validation`).

    Raises a typed :class:`~app.core.errors.ProjectFileError` subclass on anything else.
    """
    path = Path(path)
    quick_check = quick_check or check_rows

    if view_only:
        return _as_shared(open_project_file(path, read_only=True, quick_check=quick_check))
    reason = writable_reason(path) if path.is_file() else None
    if reason is not None:
        db = _as_shared(open_project_file(path, read_only=True, quick_check=quick_check))
        db.read_only_reason = reason
        return db
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
        return db
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
    return db


def _as_shared(db: Database) -> SharedDatabase:
    return SharedDatabase(
        db.engine,
        db.kind,
        path=db.path,
        url=db.url,
        read_only_reason=db.read_only_reason,
        backup_path=db.backup_path,
    )


def _live_read_only_engine(path: Path) -> Engine:
    uri = "file:" + quote(str(path.resolve()), safe="/") + "?mode=ro"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )

    # QueuePool, named: for "sqlite://" SQLAlchemy would pick SingletonThreadPool, which
    # closes another thread's connection, even mid-query, once more than five threads
    # have used the engine (the window's workers do): a crash seen in a test run.
    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA trusted_schema=OFF")
        cursor.execute("PRAGMA query_only=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    return engine


# --- content checks -----------------------------------------------------------------


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


__all__ = [
    "LOCKED_REASON",
    "VIEW_ONLY_REASON",
    "ProjectFileError",
    "SharedDatabase",
    "damaged_file_errors",
    "open_for_sharing",
]
