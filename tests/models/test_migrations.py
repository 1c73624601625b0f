"""Schema versions: released fixture files keep opening; upgrades back up first and are atomic."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection

from app.core.errors import MigrationError
from app.core.project import ProjectService
from app.models import database, migrations

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def copy_fixture(tmp_path: Path, name: str = "schema_v1.factdesk") -> Path:
    target = tmp_path / name
    shutil.copy(FIXTURES / name, target)
    return target


def test_format_1_fixture_opens_with_all_its_content(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path)
    service = ProjectService.open_file(path, author="Bo")
    try:
        info = service.info()
        assert info.name == "Format 1 fixture"
        assert info.scale.levels[0].label == "True"
        (article,) = service.articles()
        assert article.author == "Lee Park" and article.published.isoformat() == "2026-11-19"
        claims = service.claims(with_evidence=True)
        assert [c.status.value for c in claims] == ["new", "dismissed"]
        rated = claims[0]
        assert rated.rating_label == "Mostly true" and rated.reviewer == "Ana Ruiz"
        assert "$12.1 million" in rated.explanation
        (evidence,) = rated.evidence
        assert evidence.attachment is not None and evidence.attachment.filename == "budget.pdf"
        _, data = service.attachment_data(evidence.attachment.id)
        assert hashlib.sha256(data).hexdigest() == evidence.attachment.sha256
        assert len(service.history()) > 5
    finally:
        service.close()


def _older_copy(tmp_path: Path) -> Path:
    path = copy_fixture(tmp_path)
    return path


def test_upgrade_backs_up_first_and_runs_each_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _older_copy(tmp_path)
    original = path.read_bytes()
    ran: list[int] = []

    def step_2(conn: Connection) -> None:
        ran.append(2)
        conn.exec_driver_sql("UPDATE project SET description = 'upgraded to format 2'")

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(database, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(migrations.STEPS, 2, step_2)
    service = ProjectService.open_file(path, author="Bo")
    try:
        assert ran == [2]
        assert service.info().description == "upgraded to format 2"
        backup = service.db.backup_path
        assert backup is not None and backup.exists()
        assert "format1-backup" in backup.name
    finally:
        service.close()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT description FROM project").fetchone()[0] == ""
    conn.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    conn.close()
    assert original != path.read_bytes()


def test_failed_upgrade_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _older_copy(tmp_path)
    original = path.read_bytes()

    def broken_step(conn: Connection) -> None:
        conn.exec_driver_sql("UPDATE project SET name = 'half-done'")
        raise RuntimeError("disk full")

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(database, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(migrations.STEPS, 2, broken_step)
    with pytest.raises(MigrationError) as info:
        ProjectService.open_file(path, author="Bo")
    assert "backup" in str(info.value) and "\n" not in str(info.value)
    assert path.read_bytes() == original
    backups = list(tmp_path.glob("*backup*"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
