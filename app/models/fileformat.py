"""Checks on a ``.factdesk`` file made from its bytes alone, before SQLite touches it.

Reading the 100-byte SQLite header with plain ``open(..., "rb")`` lets Factdesk reject a
file that is not a project, is truncated, or comes from a newer Factdesk without ever
handing it to SQLite, so a failed open cannot modify it (no journal recovery, no WAL
files, no header rewrite).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app import SQLITE_APPLICATION_ID
from app.errors import (
    CorruptProjectError,
    NotAProjectError,
    ProjectNotFoundError,
)

# The version of the stored schema this Factdesk writes (``PRAGMA user_version``);
# app.models.migrations holds the steps that bring older files up to it.
SCHEMA_VERSION = 2

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100


@dataclass(frozen=True, slots=True)
class FileHeader:
    application_id: int
    user_version: int
    page_size: int
    page_count: int
    page_count_valid: bool
    wal_mode: bool
    file_size: int


def _u32(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "big")


def read_header(path: Path) -> FileHeader:
    """Read and check the SQLite header of ``path`` as a Factdesk project.

    Raises a typed :class:`~app.core.errors.ProjectFileError` whose message names the file.
    """
    name = path.name
    try:
        if not path.exists():
            raise ProjectNotFoundError(f"{name}: no such file.")
        if not path.is_file():
            raise ProjectNotFoundError(f"{name}: is a folder, not a Factdesk project file.")
        file_size = path.stat().st_size
        with path.open("rb") as handle:
            data = handle.read(HEADER_SIZE)
    except PermissionError as exc:
        raise ProjectNotFoundError(f"{name}: cannot be read (permission denied).") from exc
    except OSError as exc:
        raise ProjectNotFoundError(f"{name}: cannot be read ({exc.strerror}).") from exc

    if file_size == 0:
        raise NotAProjectError(f"{name}: the file is empty; it is not a Factdesk project.")
    if not data.startswith(SQLITE_MAGIC[: min(len(data), len(SQLITE_MAGIC))]) or (
        len(data) >= len(SQLITE_MAGIC) and not data.startswith(SQLITE_MAGIC)
    ):
        raise NotAProjectError(f"{name}: this is not a Factdesk project file.")
    if len(data) < HEADER_SIZE:
        raise CorruptProjectError(
            f"{name}: the project file is truncated (only {file_size} bytes)."
        )

    raw_page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if raw_page_size == 1 else raw_page_size
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        raise CorruptProjectError(f"{name}: the project file is damaged (bad page size).")

    application_id = _u32(data, 68)
    if application_id != SQLITE_APPLICATION_ID:
        raise NotAProjectError(
            f"{name}: this is an SQLite database of another application, not a Factdesk project."
        )

    change_counter = _u32(data, 24)
    page_count = _u32(data, 28)
    page_count_valid = page_count > 0 and _u32(data, 92) == change_counter
    header = FileHeader(
        application_id=application_id,
        user_version=_u32(data, 60),
        page_size=page_size,
        page_count=page_count,
        page_count_valid=page_count_valid,
        wal_mode=data[18] == 2 or data[19] == 2,
        file_size=file_size,
    )
    # Pages committed to a WAL file may lie beyond the main file's end until the next
    # checkpoint, and a save cut short in rollback-journal mode may have grown the page
    # count before writing the pages; the size check is only sound with neither beside it.
    if not has_pending_journal(path):
        if file_size % page_size:
            raise CorruptProjectError(f"{name}: the project file is truncated or damaged.")
        if page_count_valid and file_size < page_count * page_size:
            raise CorruptProjectError(
                f"{name}: the project file is truncated "
                f"({file_size} of {page_count * page_size} bytes)."
            )
    return header


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def rollback_journal_path(path: Path) -> Path:
    return path.with_name(path.name + "-journal")


def _non_empty(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def has_wal(path: Path) -> bool:
    """Whether a non-empty write-ahead log lies beside the file (it was not closed cleanly)."""
    return _non_empty(wal_path(path))


def has_rollback_journal(path: Path) -> bool:
    """Whether a non-empty rollback journal lies beside the file.

    A file in rollback-journal mode (``PRAGMA journal_mode=DELETE``, as other tools make
    them) has one only while a save is under way, or after a save was cut short by a
    crash: then the file itself is half-written and the journal holds the pages as they
    were, which SQLite puts back before anything reads the file (a "hot" journal).
    """
    return _non_empty(rollback_journal_path(path))


def has_pending_journal(path: Path) -> bool:
    """Whether the file alone does not hold its current state: a journal beside it must be
    read (WAL) or played back (rollback journal) first. Reading the file as it lies on disk
    (SQLite's ``immutable``) is only sound when this is False."""
    return has_wal(path) or has_rollback_journal(path)


def writable_reason(path: Path) -> str | None:
    """Why ``path`` cannot be edited in place, or None if it can.

    SQLite also needs to create journal files beside the database, so the folder must be
    writable too.
    """
    # The mode bits count even for an administrator (whom os.access lets write anything):
    # a file someone marked read-only is opened read-only.
    if not path.stat().st_mode & 0o222 or not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "its folder is read-only"
    return None
