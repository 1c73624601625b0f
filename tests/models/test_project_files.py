"""Opening project files: good ones open, bad ones get a typed one-line error and stay unchanged."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from app import SQLITE_APPLICATION_ID
from app.core.errors import (
    CorruptProjectError,
    NewerProjectError,
    NotAProjectError,
    ProjectExistsError,
    ProjectFileError,
    ProjectNotFoundError,
    ProjectReadOnlyError,
    UnsafeProjectError,
)
from app.core.project import ProjectService
from app.models.database import open_project_file
from app.models.migrations import SCHEMA_VERSION
from tests.support.builders import add_sample_article


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.factdesk"
    service = ProjectService.create_file(path, author="Ana")
    add_sample_article(service)
    service.close()
    return path


def test_new_file_carries_application_id_and_schema_version(project_file: Path) -> None:
    with sqlite3.connect(project_file) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == SQLITE_APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        # At rest the file is one self-contained file: all data checkpointed into it.
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert side_files(project_file) == []


def test_open_file_uses_wal_foreign_keys_and_busy_timeout(project_file: Path) -> None:
    db = open_project_file(project_file)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
            assert conn.exec_driver_sql("PRAGMA trusted_schema").scalar() == 0
    finally:
        db.close()
    assert side_files(project_file) == []


def test_create_refuses_to_overwrite(project_file: Path) -> None:
    before = digest(project_file)
    with pytest.raises(ProjectExistsError):
        ProjectService.create_file(project_file, author="Ana")
    assert digest(project_file) == before


def _assert_refused(path: Path, error: type[ProjectFileError], *, read_only: bool = False) -> str:
    before = path.read_bytes() if path.is_file() else None
    siblings = side_files(path) if path.parent.exists() else []
    with pytest.raises(error) as info:
        ProjectService.open_file(path, author="Ana", read_only=read_only)
    message = str(info.value)
    assert "\n" not in message and path.name in message
    if before is not None:
        assert path.read_bytes() == before, "a failed open changed the file"
    if path.parent.exists():
        assert side_files(path) == siblings, "a failed open left files beside the project"
    return message


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _assert_refused(tmp_path / "nope.factdesk", ProjectNotFoundError)


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "dir.factdesk"
    folder.mkdir()
    _assert_refused(folder, ProjectNotFoundError)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.factdesk"
    path.write_bytes(b"")
    assert "empty" in _assert_refused(path, NotAProjectError)


def test_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.factdesk"
    path.write_text("These are my notes, not a project.\n" * 50)
    assert "not a Factdesk project" in _assert_refused(path, NotAProjectError)


def test_random_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.factdesk"
    path.write_bytes(os.urandom(8192))
    _assert_refused(path, NotAProjectError)


def test_sqlite_database_of_another_application(tmp_path: Path) -> None:
    path = tmp_path / "other.factdesk"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert "another application" in _assert_refused(path, NotAProjectError)


@pytest.mark.parametrize("keep", [50, 100, 4096, "half"])
def test_truncated_project(project_file: Path, keep: int | str) -> None:
    data = project_file.read_bytes()
    size = len(data) // 2 if keep == "half" else int(keep)
    project_file.write_bytes(data[:size])
    _assert_refused(project_file, CorruptProjectError)


def test_damaged_pages(project_file: Path) -> None:
    data = bytearray(project_file.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    # Overwrite the second and third pages (schema and table b-trees) with noise.
    data[page : page * 3] = bytes((i * 37 + 11) % 256 for i in range(page * 2))
    project_file.write_bytes(bytes(data))
    _assert_refused(project_file, CorruptProjectError)


def test_newer_schema(project_file: Path) -> None:
    with sqlite3.connect(project_file) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    message = _assert_refused(project_file, NewerProjectError)
    assert "newer Factdesk" in message


@pytest.mark.parametrize(
    "ddl",
    [
        "CREATE TRIGGER evil AFTER INSERT ON claim BEGIN DELETE FROM article; END",
        "CREATE VIEW everything AS SELECT * FROM claim",
        "CREATE TABLE extra (x)",
        "CREATE INDEX ix_extra ON claim (quote)",
        "ALTER TABLE claim ADD COLUMN sneaky TEXT",
    ],
)
def test_unexpected_schema_objects_are_refused(project_file: Path, ddl: str) -> None:
    with sqlite3.connect(project_file) as conn:
        conn.execute(ddl)
    conn.close()
    _assert_refused(project_file, UnsafeProjectError)


def test_read_only_file_is_refused_for_editing_but_opens_for_viewing(project_file: Path) -> None:
    project_file.chmod(0o444)
    try:
        assert "read-only" in _assert_refused(project_file, ProjectReadOnlyError)
        before = digest(project_file)
        service = ProjectService.open_file(project_file, author="Ana", read_only=True)
        assert service.db.read_only
        assert len(service.claims()) == 2
        with pytest.raises(ProjectReadOnlyError):
            service.rename("changed")
        service.close()
        assert digest(project_file) == before
        assert side_files(project_file) == []
    finally:
        project_file.chmod(0o644)


def test_viewing_leaves_the_file_untouched(project_file: Path) -> None:
    before = digest(project_file)
    service = ProjectService.open_file(project_file, author="Ana", read_only=True)
    assert service.articles()[0].title == "Council approves harbour budget"
    service.close()
    assert digest(project_file) == before
    assert side_files(project_file) == []


def test_copy_of_open_project_keeps_data_written_before_a_crash(
    project_file: Path, tmp_path: Path
) -> None:
    """A file whose WAL was never checkpointed (a crash) still opens with every edit."""
    service = ProjectService.open_file(project_file, author="Ana")
    claim = service.claims()[0]
    service.set_rating(claim.id, "False")
    # Simulate a crash: copy the database and its WAL while the project is still open.
    crashed = tmp_path / "crashed" / "good.factdesk"
    crashed.parent.mkdir()
    shutil.copy(project_file, crashed)
    shutil.copy(project_file.with_name("good.factdesk-wal"), crashed.with_name("good.factdesk-wal"))
    service.close()
    reopened = ProjectService.open_file(crashed, author="Ana")
    assert reopened.claim(claim.id).rating_label == "False"
    reopened.close()
