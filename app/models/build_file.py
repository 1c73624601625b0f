"""Building a brand-new project file in one go: fast, checked, and all or nothing.

Writing a large project (a benchmark, a project downloaded from the server) through the
normal settings pays for durability it does not need: every page goes to the write-ahead
log and again into the file, and each of the secondary indexes is updated row by row.
A file nobody else can see yet needs none of that, so :func:`build_project_file`:

* builds under a temporary name in the target's folder (exclusively locked, rollback
  journal in memory, no syncs, 16 KiB pages) and renames it into place only when it is
  complete, so a crash or a kill leaves no project at the target, or the previous file
  untouched (only the hidden ``.factdesk-build-*`` file, which a killed process cannot
  remove);
* keeps foreign keys enforced while loading, so a row whose parent is missing fails
  its insert (parents must go in first, as the server transfer inserts them);
* creates the tables' secondary indexes after the rows are in (one sort per index
  instead of scattered updates) with the very DDL a new file gets;
* before the rename, checks the file (``quick_check``, the exact schema of this build),
  switches it to WAL as every project file is, and syncs it and its folder.

The finished file has the ``application_id``, ``user_version``, tables and indexes of a
file made by :func:`~app.models.database.create_project_file` (its pages are larger:
the page size is the file's own, and opening and checks take any); only normal opening's
settings (WAL, ``synchronous=FULL``) apply to every later edit.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Index
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from app import SQLITE_APPLICATION_ID
from app.errors import CorruptProjectError, ProjectExistsError, ProjectFileError
from app.models import tables  # noqa: F401 - registers the tables on SQLModel.metadata
from app.models.database import (
    BUSY_TIMEOUT_MS,
    Database,
    check_sqlite_schema,
    temp_file_beside,
)
from app.models.fileformat import SCHEMA_VERSION

# Page size of a built file. Large projects are mostly rows of text: 16 KiB pages take a
# quarter of the page allocations, b-tree balancing and checks of 4 KiB ones (the bench
# builds 100,000 claims in about a fifth less time); a file's page size is its own, and
# SQLite reads any power of two from 512 to 65536. Set before the first table exists.
_BUILD_PAGE_SIZE = 16384
# Page cache for the build (KiB): room for the largest table while its indexes are made
# from it. More only costs memory to fill: the rows are appended, and pages beyond the
# cache are written to the (unsynced) file as the build goes.
_BUILD_CACHE_KIB = 64 * 1024


def _deferred_indexes() -> list[Index]:
    """The indexes created after the rows: the tables' named secondary indexes.

    Primary keys and UNIQUE constraints are part of the table definitions and stay.
    """
    return [ix for table in SQLModel.metadata.sorted_tables for ix in table.indexes]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):  # only a head start: the final sync reports errors
        _fsync(path)


def _connect(tmp: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    for pragma in (
        f"page_size={_BUILD_PAGE_SIZE}",
        "trusted_schema=OFF",
        "foreign_keys=ON",
        # Nobody else may read a half-built file; also spares a lock call per transaction.
        "locking_mode=EXCLUSIVE",
        # A failed statement still rolls back (the journal is in memory, not on disk);
        # a crash loses nothing that matters, the temporary file is simply not renamed.
        "journal_mode=MEMORY",
        "synchronous=OFF",
        f"cache_size=-{_BUILD_CACHE_KIB}",
        "temp_store=MEMORY",
    ):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _create_schema(conn: sqlite3.Connection, tmp: Path) -> Database:
    conn.execute(f"PRAGMA application_id={SQLITE_APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    conn.commit()
    engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
    with engine.begin() as sa_conn:
        SQLModel.metadata.create_all(sa_conn)
        # Same DDL as a new file, then the secondary indexes go until the rows are in
        # (dropping them from empty tables costs nothing).
        for index in _deferred_indexes():
            index.drop(sa_conn)
    return Database(engine, "sqlite", path=tmp)


def _finish(db: Database, conn: sqlite3.Connection, name: str) -> None:
    """Index, check and switch the finished build to WAL; raise if anything is wrong."""
    conn.commit()
    with db.engine.begin() as sa_conn:
        for index in _deferred_indexes():
            index.create(sa_conn)
    # With enforcement on, every insert was checked against its parents as it was made;
    # the full scan (a tenth of a second per 100,000 rows) is for a build whose
    # connection had foreign keys switched off.
    if conn.execute("PRAGMA foreign_keys").fetchone() != (1,):
        problems = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
        if problems:
            listed = ", ".join(
                f"{table} row {row} -> {parent}" for table, row, parent, _ in problems
            )
            raise CorruptProjectError(f"{name}: not built, rows without their parent ({listed}).")
    result = conn.execute("PRAGMA quick_check(1)").fetchone()
    if not result or result[0] != "ok":
        raise CorruptProjectError(f"{name}: not built, the new file failed its check ({result}).")
    check_sqlite_schema(conn, name, exact=True)
    # Persistent in the header: every project file is in WAL mode from birth.
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()
    if not mode or str(mode[0]).lower() != "wal":
        raise ProjectFileError(f"{name}: not built, WAL mode was refused ({mode}).")


def _move_into_place(tmp: Path, path: Path, *, replace: bool) -> None:
    if replace:
        os.replace(tmp, path)
        return
    try:
        # A hard link fails if the name was taken meanwhile: never overwrite a file.
        os.link(tmp, path)
    except FileExistsError as exc:
        raise ProjectExistsError(f"{path.name}: a file of that name already exists.") from exc
    except OSError:
        # A file system without hard links: the check at the start has to do.
        if path.exists():
            raise ProjectExistsError(f"{path.name}: a file of that name already exists.") from None
        os.replace(tmp, path)
        return
    tmp.unlink()


@contextlib.contextmanager
def build_project_file(path: Path | str, *, replace: bool = False) -> Iterator[Database]:
    """Build a new project file at ``path`` through the yielded :class:`Database`.

    Write to it through a service made with ``ProjectService.create_in_database`` (bulk
    inserts: ``session.execute(insert(Model), rows)`` in ``service.store.write()``); do
    not close it. When the block ends without an error the file is checked, made durable
    and appears at ``path`` (replacing a file there only with ``replace``). When the block
    or the checks fail, nothing appears at ``path`` and the temporary file is removed.
    """
    path = Path(path)
    if path.exists() and not replace:
        raise ProjectExistsError(f"{path.name}: a file of that name already exists.")
    if not path.parent.is_dir():
        raise ProjectFileError(f"{path.parent}: no such folder.")
    try:
        tmp = temp_file_beside(path, ".factdesk-build-")
    except OSError as exc:
        raise ProjectFileError(f"{path.name}: cannot be created ({exc.strerror}).") from exc
    conn: sqlite3.Connection | None = None
    db: Database | None = None
    try:
        with _storage_errors(path.name):
            conn = _connect(tmp)
            db = _create_schema(conn, tmp)
        yield db
        with _storage_errors(path.name):
            conn.commit()
            # The rows are on their way to disk while the indexes are made and checked:
            # a sync started now leaves the final one only the pages written after it.
            early_sync = threading.Thread(target=_fsync_quietly, args=(tmp,), daemon=True)
            early_sync.start()
            try:
                _finish(db, conn, path.name)
            finally:
                early_sync.join()
            db.engine.dispose()  # closes the connection: SQLite removes the emptied WAL
            db = conn = None
            _fsync(tmp)
            _move_into_place(tmp, path, replace=replace)
            with contextlib.suppress(OSError):  # some systems cannot sync a folder
                _fsync(path.parent)
    finally:
        if db is not None:
            db.engine.dispose()
        elif conn is not None:
            conn.close()
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()


@contextlib.contextmanager
def _storage_errors(name: str) -> Iterator[None]:
    """The build's own failures as typed, one-line errors (the caller's pass unchanged)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise ProjectFileError(f"{name}: cannot be built ({exc}).") from exc
    except SQLAlchemyError as exc:
        raise ProjectFileError(f"{name}: cannot be built ({getattr(exc, 'orig', exc)}).") from exc
    except OSError as exc:
        raise ProjectFileError(f"{name}: cannot be built ({exc.strerror or exc}).") from exc
