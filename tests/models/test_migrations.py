"""Schema versions: released fixture files keep opening; upgrades back up first and are atomic."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection

from app.core.errors import MigrationError, NewerProjectError
from app.core.project import ClaimFilter, ProjectService
from app.models import database, migrations
from app.models.fileformat import SCHEMA_VERSION

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

    def next_step(conn: Connection) -> None:
        ran.append(SCHEMA_VERSION + 1)
        conn.exec_driver_sql("UPDATE project SET description = 'upgraded to the next format'")

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(database, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(migrations.STEPS, SCHEMA_VERSION + 1, next_step)
    service = ProjectService.open_file(path, author="Bo")
    try:
        assert ran == [SCHEMA_VERSION + 1]
        assert service.info().description == "upgraded to the next format"
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
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
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

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(database, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(migrations.STEPS, SCHEMA_VERSION + 1, broken_step)
    with pytest.raises(MigrationError) as info:
        ProjectService.open_file(path, author="Bo")
    assert "backup" in str(info.value) and "\n" not in str(info.value)
    assert path.read_bytes() == original
    backups = list(tmp_path.glob("*backup*"))
    assert len(backups) == 1 and backups[0].read_bytes() == original


def test_format_1_is_upgraded_to_format_2_with_its_meaning_kept(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path)
    service = ProjectService.open_file(path, author="Ana Ruiz")
    try:
        rated, _dismissed = service.claims(with_evidence=True)
        assert rated.kinds and all(k.value for k in rated.kinds)
        assert rated.reviewed_at is not None and rated.reviewed_at.utcoffset() is not None
        assert rated.claimant_role is None
        # Kinds filter exactly on the JSON list made from the comma text of format 1.
        assert [c.id for c in service.claims(ClaimFilter(kind=rated.kinds[0]))][:1] == [rated.id]
        service.update_claim(rated.id, claimant_role="Mayor")
        assert service.claim(rated.id).claimant_role == "Mayor"
        author_ids = {e.author for e in service.history()}
        assert author_ids == {"Ana Ruiz"}
    finally:
        service.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        stamps = [r[0] for r in conn.execute("SELECT at FROM changelog")]
        assert stamps and all(s.endswith("+00:00") for s in stamps)
        # Every format-1 entry by the project's reviewer now names them by id too.
        missing = conn.execute("SELECT count(*) FROM changelog WHERE author_id IS NULL")
        assert missing.fetchone()[0] == 0
        kinds = [r[0] for r in conn.execute("SELECT kinds FROM claim")]
        assert all(k.startswith("[") for k in kinds)
    conn.close()


def test_format_2_fixture_opens_with_two_reviewers_of_one_name(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "schema_v2.factdesk")
    original = path.read_bytes()
    service = ProjectService.open_file(path, author="Bo", read_only=True)
    try:
        assert service.db.backup_path is None  # the current format: nothing to upgrade
        rated = service.claims()[0]
        assert rated.claimant_role == "Mayor of the harbour city"
        assert rated.rating_label == "Mostly true" and rated.reviewer == "Ana"
        assert [k.value for k in rated.kinds] == ["statistic", "attribution"]
        assert len({e.author for e in service.history()}) == 1
    finally:
        service.close()
    assert path.read_bytes() == original
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        ids = {r[0] for r in conn.execute("SELECT author_id FROM changelog")}
    conn.close()
    assert len(ids) == 2  # both called "Ana", two ids


def test_a_file_newer_than_this_build_is_refused_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_fixture(tmp_path, "schema_v2.factdesk")
    original = path.read_bytes()
    monkeypatch.setattr(database, "SCHEMA_VERSION", 1)
    with pytest.raises(NewerProjectError):
        ProjectService.open_file(path, author="Bo")
    assert path.read_bytes() == original
