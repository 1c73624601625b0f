"""Opening and creating project storage: a ``.factdesk`` SQLite file or a PostgreSQL server.

A :class:`Database` wraps one SQLAlchemy engine. Files are checked from their bytes first
(:mod:`app.models.fileformat`), then their schema is compared with what this build makes,
and only then does anything write to them (migrations, edits). Opening and reading never
write: every failure is a typed :class:`~app.core.errors.ProjectFileError` and leaves the
file byte-for-byte as it was, journal mode included (see :class:`_ProjectConnection`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool, QueuePool
from sqlmodel import Session, SQLModel, create_engine

from app import SQLITE_APPLICATION_ID
from app.errors import (
    ConstraintConflictError,
    CorruptProjectError,
    DatabaseUnavailableError,
    FactdeskError,
    NewerProjectError,
    ProjectExistsError,
    ProjectFileError,
    ProjectReadOnlyError,
    ServerRefusedError,
)
from app.models import tables  # noqa: F401 - registers the tables on SQLModel.metadata
from app.models.file_validation import check_content, check_schema
from app.models.fileformat import (
    SCHEMA_VERSION,
    has_pending_journal,
    has_rollback_journal,
    read_header,
    writable_reason,
)
from app.models.migrations import migrate_sqlite_file

BUSY_TIMEOUT_MS = 5000


@dataclass
class Database:
    """An open project store. ``read_only_reason`` says why edits are refused, if they are."""

    engine: Engine
    kind: str  # "sqlite" | "postgresql"
    path: Path | None = None
    url: str | None = None
    read_only_reason: str | None = None
    backup_path: Path | None = None  # the copy made before a migration, if any

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    @property
    def label(self) -> str:
        """How to name this store to a person: the file name or the server database."""
        if self.path is not None:
            return self.path.name
        return make_url(self.url or "").render_as_string(hide_password=True)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def snapshot(self, *, write: bool = False) -> Iterator[Connection]:
        """One consistent view of the store for several statements: one transaction.

        Signing, verifying, merging and exporting read many tables; each must see the
        project as it was at one moment, not one table before a colleague's edit and the
        next after it. On PostgreSQL the transaction is REPEATABLE READ (every statement
        sees the snapshot taken by the first). On SQLite the driver only opens a
        transaction before a write, so the read transaction is begun explicitly; in WAL
        mode it keeps the snapshot of its first read (in rollback-journal mode, the shared
        lock it then holds keeps writers out until it ends). With ``write`` the transaction may
        also write (committed at the end unless an exception leaves the block): on
        SQLite it takes the write lock at once (``BEGIN IMMEDIATE``), so what is written
        rests on exactly what was read. Without ``write`` it is always rolled back.
        Use with a :class:`~sqlmodel.Session` as ``Session(bind=conn)`` if needed.
        """
        with self.engine.connect() as conn:
            if self.kind == "postgresql":
                conn = conn.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=not write
                )
                conn.begin()
            else:
                conn.begin()
                conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            if write:
                conn.commit()
            else:
                conn.rollback()

    def close(self) -> None:
        """Close every connection and leave a file as one self-contained file.

        The checkpoint moves everything from the write-ahead log into the file, and SQLite
        removes the ``-wal`` and ``-shm`` files when the last connection closes, so the
        file at rest holds all its data and can be copied or sent as it is. The file
        stays in WAL mode: switching modes on every close would rewrite its header, and
        a command that failed would then have changed the user's file.
        """
        if self.kind == "sqlite" and self.path is not None and not self.read_only:
            self.engine.dispose()
            with (
                contextlib.suppress(sqlite3.Error),
                contextlib.closing(sqlite3.connect(str(self.path), timeout=0.5)) as conn,
            ):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.engine.dispose()


# --- SQLite -------------------------------------------------------------------------


def _sqlite_uri(path: Path, *, read_only: bool) -> str:
    uri = "file:" + quote(str(path.resolve()), safe="/")
    if read_only:
        # immutable=1: SQLite creates no journal, WAL or shm file and takes no lock, so
        # viewing a file leaves nothing beside it. Only sound when the file alone holds
        # its state: a WAL with data, or a rollback journal (a save under way, or one cut
        # short, whose half-written pages immutable would show), must be read through.
        uri += "?mode=ro" if has_pending_journal(path) else "?mode=ro&immutable=1"
    return uri


# The journal mode is a property of the file, and opening or reading a file never changes
# it. Files Factdesk makes are in WAL mode from birth (readers never wait for the writer:
# the window's background reads, a command run while the window is open). A file in
# rollback-journal mode (made by another tool, or set with the sqlite3 shell) moves to WAL
# with the first edit that is saved to it, right after that edit commits, never before
# and never when it fails. Why then and not never: every later edit would otherwise make
# readers and the writer wait on each other, and a report read on a worker could make an
# edit fail with "database is locked"; and why not earlier: a command that fails, or only
# reads, must leave the file byte-for-byte as it was. A saved edit changes the file anyway,
# so the header changing with it surprises no one.
class _ProjectConnection(sqlite3.Connection):
    """A connection that moves a rollback-journal file to WAL once an edit is committed.

    ``total_changes`` counts the rows changed through this connection; when it moved
    since the last transaction ended, the transaction being committed wrote something.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._changes_at_last_end = 0
        self._wal = False

    def commit(self) -> None:
        wrote = self.total_changes != self._changes_at_last_end
        super().commit()  # raises if the commit fails: the mode is then left alone
        self._changes_at_last_end = self.total_changes
        if wrote and not self._wal:
            self._move_to_wal()

    def rollback(self) -> None:
        super().rollback()
        self._changes_at_last_end = self.total_changes

    def _move_to_wal(self) -> None:
        # Switching needs the file to itself for a moment; if another connection is
        # reading, it is not waited for (the edit is saved already): the next saved
        # edit tries again. The switch itself is one atomic write of the header.
        self.execute("PRAGMA busy_timeout=0")
        try:
            mode = self.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self._wal = str(mode).lower() == "wal"
        except sqlite3.OperationalError:
            pass
        finally:
            self.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _sqlite_engine(path: Path, *, read_only: bool) -> Engine:
    uri = _sqlite_uri(path, read_only=read_only)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
            factory=sqlite3.Connection if read_only else _ProjectConnection,
        )

    # QueuePool, named: for "sqlite://" SQLAlchemy would pick SingletonThreadPool, which
    # closes another thread's connection, even mid-query, once more than five threads
    # have used the engine (the window's workers do): a crash seen in a test run.
    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # A project file may come from anyone: never let its schema run functions.
        cursor.execute("PRAGMA trusted_schema=OFF")
        # FULL: an edit the window showed as saved survives a power cut, not only a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        # 64 MB of page cache (the default is 2 MB): big imports and merges update several
        # indexes per row and would otherwise re-read index pages from disk.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    return engine


def check_sqlite_schema(conn: sqlite3.Connection, file_name: str, *, exact: bool) -> None:
    """Refuse a schema that is not exactly this build's (see :mod:`app.models.file_validation`)."""
    check_schema(conn, file_name, exact=exact)


def _validate_sqlite(path: Path, *, quick_check: bool) -> int:
    """Open ``path`` without writing to it and check it is a sound project; return its version.

    The schema is checked first, always, from ``sqlite_master`` alone. ``quick_check``
    (a file this machine did not close cleanly, or one received from someone) adds the
    full check of every value (:func:`app.models.file_validation.check_content`).
    """
    header = read_header(path)
    name = path.name
    if header.user_version > SCHEMA_VERSION:
        raise NewerProjectError(
            f"{name}: made by a newer Factdesk (project format {header.user_version}); "
            f"this version reads formats up to {SCHEMA_VERSION}. Please update Factdesk."
        )
    if header.user_version < 1:
        raise CorruptProjectError(f"{name}: the project file is incomplete (no schema version).")
    _put_back_a_cut_short_save(path)
    _check_file(path, exact=header.user_version == SCHEMA_VERSION, full=quick_check)
    return header.user_version


def _put_back_a_cut_short_save(path: Path) -> None:
    """Play back the rollback journal of a save that a crash cut short, if there is one.

    Such a file is half-written on disk, and only a connection that may write can put
    the old pages back (read-only ones fail, and ``immutable`` ones would read the half-
    written pages). This returns the file to its last saved state, as any SQLite program
    opening it would; it changes nothing when no save was cut short (the journal then
    belongs to a save under way elsewhere, and reading just waits for it).
    """
    if not has_rollback_journal(path) or writable_reason(path) is not None:
        return  # a read-only file with a hot journal is refused by _check_file
    try:
        with contextlib.closing(sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)) as conn:
            # The first read takes a shared lock, which plays back a hot journal first.
            conn.execute("PRAGMA trusted_schema=OFF")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise CorruptProjectError(f"{path.name}: the project file is damaged ({exc}).") from exc


def _check_file(path: Path, *, exact: bool, full: bool) -> None:
    name = path.name
    try:
        with contextlib.closing(
            sqlite3.connect(_sqlite_uri(path, read_only=True), uri=True, timeout=1.0)
        ) as conn:
            conn.execute("PRAGMA trusted_schema=OFF")
            check_schema(conn, name, exact=exact)
            if full and exact:
                check_content(conn, name)
            elif full:  # an older file: its values are checked once it is migrated
                result = conn.execute("PRAGMA quick_check(1)").fetchone()
                if not result or result[0] != "ok":
                    raise CorruptProjectError(f"{name}: the project file is damaged ({result[0]}).")
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY_ROLLBACK:
            raise ProjectReadOnlyError(
                f"{name}: a save to it was cut short, and it cannot be put back as it was "
                "because it is read-only here; open it where it can be written."
            ) from exc
        raise CorruptProjectError(f"{name}: the project file is damaged ({exc}).") from exc
    except UnicodeDecodeError as exc:
        # A damaged file can make SQLite return text that is not UTF-8 (in check results
        # or schema names), which Python's driver fails to decode.
        raise CorruptProjectError(f"{name}: the project file is damaged ({exc}).") from exc


def open_project_file(
    path: Path | str, *, read_only: bool = False, quick_check: bool = True
) -> Database:
    """Open a project file for editing (or, with ``read_only``, only for viewing).

    A file that cannot be written raises :class:`ProjectReadOnlyError` unless ``read_only``
    is asked for; the window then offers to view it. An older file is migrated after a
    backup copy; a failed open leaves the file unchanged.
    """
    path = Path(path)
    version = _validate_sqlite(path, quick_check=quick_check)
    if read_only:
        if version < SCHEMA_VERSION:
            raise ProjectReadOnlyError(
                f"{path.name}: made by an older Factdesk; open it for editing to upgrade it "
                "(a backup copy is kept)."
            )
        return Database(
            _sqlite_engine(path, read_only=True),
            "sqlite",
            path=path,
            read_only_reason="opened for viewing only",
        )
    reason = writable_reason(path)
    if reason is not None:
        raise ProjectReadOnlyError(f"{path.name}: cannot be opened for editing: {reason}.")
    backup = None
    if version < SCHEMA_VERSION:
        backup = migrate_sqlite_file(path, version)
        try:
            _check_file(path, exact=True, full=True)
        except ProjectFileError:
            os.replace(backup, path)  # refused whole: the file goes back as it was
            raise
    engine = _sqlite_engine(path, read_only=False)
    try:
        with engine.connect() as conn:
            # Only read: the journal mode stays as the file has it (_ProjectConnection).
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except (OperationalError, SADatabaseError) as exc:
        engine.dispose()
        raise ProjectFileError(f"{path.name}: cannot be opened ({exc.orig}).") from exc
    return Database(engine, "sqlite", path=path, backup_path=backup)


def temp_file_beside(path: Path, prefix: str) -> Path:
    """A new empty file in ``path``'s folder, to be renamed over ``path`` when complete.

    Made with the user's usual permissions: ``mkstemp`` makes it private (0600), and a
    project is shared like any document.
    """
    fd, name = tempfile.mkstemp(prefix=prefix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o666 & ~umask)
    return tmp


def create_project_file(path: Path | str) -> Database:
    """Create an empty project file (schema only) and open it for editing.

    The file is built under a temporary name in the same folder and renamed into place,
    so a crash never leaves a half-made project under the user's chosen name.
    """
    path = Path(path)
    if path.exists():
        raise ProjectExistsError(f"{path.name}: a file of that name already exists.")
    if not path.parent.is_dir():
        raise ProjectFileError(f"{path.parent}: no such folder.")
    tmp = temp_file_beside(path, ".factdesk-new-")
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as conn:
            conn.execute(f"PRAGMA application_id={SQLITE_APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.commit()
        engine = create_engine(f"sqlite:///{tmp}", poolclass=NullPool)
        with engine.begin() as conn:
            # One transaction for the whole schema: a single sync instead of one per table.
            # The driver opens a transaction only before an INSERT/UPDATE/DELETE, so each
            # CREATE would otherwise commit (and sync) on its own: begun explicitly, as
            # Database.snapshot does; engine.begin() commits it.
            conn.exec_driver_sql("BEGIN")
            SQLModel.metadata.create_all(conn)
        engine.dispose()
        with contextlib.closing(sqlite3.connect(tmp)) as conn:
            # WAL from birth: readers never wait for the writer, and opening never has to
            # switch modes (which would rewrite the header of a file it only reads).
            conn.execute("PRAGMA journal_mode=WAL")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ProjectFileError(f"{path.name}: cannot be created ({exc.strerror}).") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return open_project_file(path, quick_check=False)


# --- PostgreSQL ---------------------------------------------------------------------


def open_server(url: str, *, create: bool = False, password: str | None = None) -> Database:
    """Connect to a PostgreSQL database (``postgresql+psycopg://user@host:port/db``).

    The password is never part of the stored URL: it comes from the keyring (passed in
    here) or the standard libpq ways (PGPASSWORD, .pgpass).
    """
    from app.models.migrations import ensure_server_schema

    sa_url = make_url(url)
    if sa_url.get_backend_name() != "postgresql":
        raise ProjectFileError(f"{url}: not a PostgreSQL URL (postgresql+psycopg://...).")
    if sa_url.drivername == "postgresql":
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    # Kept for display and settings: never with a password (URL.set(password=None)
    # would keep the old one, so the password is added to a copy only).
    public_url = sa_url._replace(password=None).render_as_string(hide_password=False)
    if password is not None:
        sa_url = sa_url.set(password=password)
    engine = create_engine(sa_url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    try:
        ensure_server_schema(engine, create=create)
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseUnavailableError(
            f"{sa_url.render_as_string(hide_password=True)}: cannot connect to the server."
        ) from exc
    return Database(engine, "postgresql", url=public_url)


# --- errors that tell the truth -----------------------------------------------------
#
# Damaged data, a constraint conflict, a lost server and a bug in Factdesk are different
# failures and get different exceptions; only damaged data says "damaged". A bug is
# never translated: it stays the Python exception it is.

# Modules whose job is turning stored rows into records: a ValueError or TypeError raised
# while one of them is the innermost Factdesk code running means a stored value could not
# be decoded (``ClaimStatus("hacked")``, a date "yesterday").
_DECODERS = frozenset({"app.core.records_from_rows"})
# SQLAlchemy modules that build result rows (running each column type's result
# processor): an error raised beneath them is a value that could not be decoded.
_ROW_BUILDERS = ("sqlalchemy.engine.result", "sqlalchemy.engine.row", "sqlalchemy.engine._row",
                 "sqlalchemy.cyextension.resultproxy", "sqlalchemy.engine.cursor")  # fmt: skip


def raised_decoding_a_stored_value(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while a stored value was being decoded.

    Decided by where it was raised, not by its type: a ``ValueError`` from
    ``uuid.UUID`` inside SQLAlchemy's row processing, or from ``ClaimStatus("hacked")``
    in :mod:`app.core.records_from_rows`, is a damaged value; the same exception raised by any
    other Factdesk code is a bug and must not be blamed on the file.
    """
    frames = [frame for frame, _line in traceback.walk_tb(exc.__traceback__)]
    modules = [str(frame.f_globals.get("__name__", "")) for frame in frames]
    own = [(m, f) for m, f in zip(modules, frames, strict=True) if m.startswith("app.")]
    if own:
        module, frame = own[-1]  # the innermost Factdesk code running when it was raised
        if module in _DECODERS or frame.f_code.co_name == "process_result_value":
            return True
    # Raised inside SQLAlchemy while it built result rows (a column type's result
    # processor), with no Factdesk code running beneath: a value it could not decode.
    first_builder = next((i for i, m in enumerate(modules) if m.startswith(_ROW_BUILDERS)), None)
    if first_builder is None:
        return False
    beneath = modules[first_builder:]
    return not any(m.startswith("app.") for m in beneath) and not any(
        m.partition(".")[0] not in sys.stdlib_module_names and not m.startswith("sqlalchemy.")
        for m in beneath
    )


@contextlib.contextmanager
def translate_value_errors(db: Database) -> Iterator[None]:
    """Rows turned into records: a damaged value is a damaged file, not a crash.

    Pages can be sound while values are not (a status "hacked", an id that is no UUID,
    a date "yesterday"), from a crafted file or one edited behind the app. Only errors
    raised while decoding a stored value are translated; any other is a bug and is
    raised unchanged.
    """
    try:
        yield
    except (ValueError, TypeError) as exc:
        if not raised_decoding_a_stored_value(exc):
            raise
        raise CorruptProjectError(
            f"{db.label}: the project holds a damaged value and cannot be read "
            f"({type(exc).__name__})."
        ) from exc


def _file_error(label: str, text: str) -> ProjectFileError:
    if "readonly" in text or "read-only" in text:
        return ProjectReadOnlyError(f"{label}: the project cannot be written ({text}).")
    return ProjectFileError(f"{label}: {text}.")


def _one_line(value: object, limit: int = 160) -> str:
    return " ".join(str(value).split())[:limit]


def _refused(label: str, orig: object) -> ServerRefusedError:
    return ServerRefusedError(f"{label}: the server refused the request ({_one_line(orig)}).")


def storage_error(exc: BaseException, label: str, kind: str) -> FactdeskError | None:
    """The typed error a person should see for a driver error, or None if it is a bug.

    ``kind`` is the back end (``"sqlite"`` or ``"postgresql"``). A unique or reference
    violation is a conflict with another write, never damage; on a server, only a lost
    connection is "unavailable"; on a file, SQLite's own "malformed"/"not a database"
    family is damage. Misuse of the driver (a closed cursor, a wrong parameter count) is
    a bug in Factdesk and gets None: the caller re-raises it as it is.
    """
    orig = getattr(exc, "orig", None) or exc
    if isinstance(exc, IntegrityError | sqlite3.IntegrityError):
        return ConstraintConflictError(
            f"{label}: the change conflicts with another one saved at the same time "
            f"({_one_line(orig, 120)}); nothing was written. Reload and try again."
        )
    if isinstance(exc, ProgrammingError | InterfaceError | sqlite3.ProgrammingError
                  | sqlite3.InterfaceError):  # fmt: skip
        if kind == "postgresql" and isinstance(exc, ProgrammingError):
            return _refused(label, orig)
        return None
    if isinstance(exc, OperationalError | sqlite3.OperationalError):
        if kind == "postgresql":
            return DatabaseUnavailableError(
                f"{label}: the database server is not answering; try again when it is back."
            )
        return _file_error(label, str(orig))
    if isinstance(exc, SADatabaseError | sqlite3.DatabaseError):
        if kind == "postgresql":
            return _refused(label, orig)
        return CorruptProjectError(f"{label}: the project file is damaged ({orig}).")
    return None


@contextlib.contextmanager
def translate_storage_errors(db: Database) -> Iterator[None]:
    """Turn driver errors raised mid-session into typed, one-line errors (see
    :func:`storage_error`); anything else, bugs included, passes unchanged."""
    try:
        yield
    except (SADatabaseError, InterfaceError, sqlite3.Error) as exc:
        typed = storage_error(exc, db.label, db.kind)
        if typed is None:
            raise
        raise typed from exc
