"""A project moves file -> server -> file with every table unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.core.errors import ProjectExistsError
from app.core.project import ProjectService
from app.core.server.transfer import save_server_project_as_file, upload_project_file
from app.models.database import Database, open_project_file, open_server
from app.models.tables import TABLE_BY_NAME, Signature
from tests.server.helpers import ARTICLE
from tests.support.cli_runner import run_factdesk


def _make_file(path: Path) -> str:
    service = ProjectService.create_file(path, name="Round trip", author="Alice")
    article, _ = service.add_article(ARTICLE)
    claim, _ = service.add_claim(article.id, 0, 63, claimant="the minister")
    other, _ = service.add_claim(article.id, 64, 114)
    level = service.scale().levels[1]
    service.set_rating(claim.id, level.label)
    service.update_claim(other.id, explanation="**Doubled** is wrong", status="in_review")
    attachment = service.store_attachment(bytes(range(256)) * 40, "chart.png", "image/png")
    service.add_evidence(
        claim.id, url="https://example.org/stats", title="Stats", attachment_id=attachment.id
    )
    service.dismiss_claim(other.id)
    project_id = str(service.project_id)
    service.close()
    return project_id


def _dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for name, model in TABLE_BY_NAME.items():
            table = model.__table__  # type: ignore[attr-defined]
            rows = conn.execute(select(table).order_by(table.c.id)).all()
            tables[name] = [tuple(r) for r in rows]
    return tables


def test_file_to_server_to_file_keeps_every_table(postgres: Any, tmp_path: Path) -> None:
    source = tmp_path / "source.factdesk"
    project_id = _make_file(source)
    server = open_server(postgres.new_database(), create=True)
    try:
        assert upload_project_file(source, server) == project_id
        on_server = ProjectService.for_database(server, author="Bob", project_id=project_id)
        assert len(on_server.claim_ids()) == 2
        with pytest.raises(ProjectExistsError):
            upload_project_file(source, server)
        back = tmp_path / "back.factdesk"
        save_server_project_as_file(server, project_id, back)
    finally:
        server.close()
    before_db = open_project_file(source, read_only=True)
    after_db = open_project_file(back, read_only=True)
    try:
        before, after = _dump(before_db), _dump(after_db)
    finally:
        before_db.close()
        after_db.close()
    assert set(before) == set(after)
    for name in before:
        assert before[name] == after[name], name
    assert before["changelog"] and before["attachment"] and before["evidence"]
    assert Signature.__tablename__ in before


def test_cli_upload_and_download(postgres: Any, tmp_path: Path) -> None:
    source = tmp_path / "cli.factdesk"
    project_id = _make_file(source)
    url = postgres.new_database()
    up = run_factdesk("upload", str(source), "--db", url)
    assert up.returncode == 0, up.stderr
    assert up.stdout.strip() == project_id
    out = tmp_path / "out.factdesk"
    down = run_factdesk("download", "--db", url, "--project-id", project_id, str(out))
    assert down.returncode == 0, down.stderr
    service = ProjectService.open_file(out, author="Carol", read_only=True)
    try:
        assert len(service.claim_ids()) == 2
    finally:
        service.close()
    refused = run_factdesk("upload", str(source), "--db", url.replace("@", ":hunter2@"))
    assert refused.returncode != 0
    assert "hunter2" not in refused.stderr
    assert "password" in refused.stderr


def test_a_value_too_long_for_the_server_is_named_and_nothing_is_uploaded(
    postgres: Any, tmp_path: Path
) -> None:
    """A file written before limits held on SQLite (or edited behind the app): the upload
    names the value instead of failing deep in PostgreSQL, and leaves no trace there."""
    import sqlite3

    from app.core.errors import FactdeskError
    from app.core.server.connection import server_projects

    path = tmp_path / "long.factdesk"
    _make_file(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE evidence SET publisher = ?", ("x" * 900,))
    conn.close()
    server = open_server(postgres.new_database(), create=True)
    try:
        # Named when the file is opened (its values are checked) or, at the latest, by
        # the write path before the first row is copied.
        with pytest.raises(FactdeskError, match="publisher"):
            upload_project_file(path, server)
        assert server_projects(server) == []
    finally:
        server.close()
