"""Connecting to a real server: schema, passwords (keyring, PGPASSWORD, .pgpass), settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from app.core.errors import (
    DatabaseUnavailableError,
    NewerProjectError,
    ProjectFileError,
    ValidationError,
)
from app.core.project import ProjectService
from app.core.server.connection import (
    build_server_url,
    check_connection,
    normalise_server_url,
    open_server_for_cli,
    remember_server_url,
    remembered_server_urls,
    split_server_url,
    store_server_password,
)
from app.core.settings import settings_path
from app.models import migrations
from app.models.database import open_server

PASSWORD = "s3cret-Pw-7781"
ROLE = "factdesk_pw_user"


@pytest.fixture(scope="module")
def password_url(postgres: Any) -> str:
    """A database whose owner must give a password (scram), on the session's server."""
    admin = dict(host="127.0.0.1", port=postgres.port, user=postgres.user, dbname="postgres")
    url = postgres.new_database()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")
        conn.execute(f'ALTER DATABASE "{name}" OWNER TO {ROLE}')
        conn.execute(f"GRANT ALL ON SCHEMA public TO {ROLE}")
    hba = postgres.data / "pg_hba.conf"
    hba.write_text(f"host all {ROLE} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    postgres.pg_ctl("reload")
    with psycopg.connect(**{**admin, "dbname": name}, autocommit=True) as conn:
        conn.execute(f"GRANT ALL ON SCHEMA public TO {ROLE}")
    return f"postgresql+psycopg://{ROLE}@127.0.0.1:{postgres.port}/{name}"


@pytest.fixture(autouse=True)
def _no_libpq_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))


def test_password_in_url_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_server_url(f"postgresql+psycopg://u:{PASSWORD}@localhost/db")
    assert PASSWORD not in str(caught.value)


def test_without_password_the_server_refuses(password_url: str) -> None:
    with pytest.raises(DatabaseUnavailableError) as caught:
        check_connection(password_url)
    assert "password" in str(caught.value)


def test_pgpassword_is_used(password_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    db = open_server_for_cli(password_url, create=True)
    db.close()
    assert "PostgreSQL" in check_connection(password_url)


def test_pgpass_file_is_used(
    password_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:*:*:{ROLE}:{PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert "PostgreSQL" in check_connection(password_url)


def test_keyring_password_never_reaches_the_settings_file(password_url: str) -> None:
    store_server_password(password_url, PASSWORD)
    remember_server_url(password_url)
    assert "PostgreSQL" in check_connection(password_url)
    db = open_server_for_cli(password_url, create=True)
    try:
        assert PASSWORD not in (db.url or "") and PASSWORD not in db.label
    finally:
        db.close()
    stored = settings_path().read_text(encoding="utf-8")
    assert PASSWORD not in stored
    assert remembered_server_urls() == [normalise_server_url(password_url)]
    with pytest.raises(ValidationError):
        remember_server_url(password_url.replace(ROLE, f"{ROLE}:{PASSWORD}"))
    assert PASSWORD not in settings_path().read_text(encoding="utf-8")


def test_dialog_fields_round_trip() -> None:
    url = build_server_url("db.example.org", 5433, "desk", "alice", "verify-full")
    assert url == "postgresql+psycopg://alice@db.example.org:5433/desk?sslmode=verify-full"
    fields = split_server_url(url)
    assert (fields.host, fields.port, fields.database, fields.user, fields.tls_mode) == (
        "db.example.org",
        5433,
        "desk",
        "alice",
        "verify-full",
    )
    with pytest.raises(ValidationError):
        build_server_url("", 5432, "desk", "alice", "prefer")
    with pytest.raises(ValidationError):
        build_server_url("h", 5432, "desk", "alice", "sometimes")


def test_nothing_listens_gives_a_clear_error() -> None:
    from tests.support.pgserver import free_port

    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/x"
    with pytest.raises(DatabaseUnavailableError):
        check_connection(url)
    with pytest.raises(DatabaseUnavailableError):
        open_server_for_cli(url)


# --- schema -----------------------------------------------------------------------------


def _version(url: str) -> int:
    db = open_server(url)
    try:
        with db.engine.connect() as conn:
            return int(conn.execute(text("SELECT version FROM factdesk_schema")).scalar_one())
    finally:
        db.close()


def test_schema_created_only_when_asked(postgres: Any) -> None:
    url = postgres.new_database()
    with pytest.raises(ProjectFileError):
        open_server(url)
    open_server(url, create=True).close()
    assert _version(url) == migrations.SCHEMA_VERSION
    service = ProjectService.create_in_database(open_server(url), name="P", author="A")
    service.close()


def test_older_schema_is_upgraded_by_the_same_steps(
    postgres: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.new_database()
    open_server(url, create=True).close()
    ran: list[int] = []

    def step(conn: Any) -> None:
        conn.execute(text("ALTER TABLE claim ADD COLUMN migrated_marker integer"))
        ran.append(1)

    nxt = migrations.SCHEMA_VERSION + 1
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", nxt)
    monkeypatch.setitem(migrations.STEPS, nxt, step)
    open_server(url).close()
    open_server(url).close()  # already upgraded: the step runs once
    assert ran == [1]
    assert _version(url) == nxt


def test_newer_schema_is_refused(postgres: Any) -> None:
    url = postgres.new_database()
    open_server(url, create=True).close()
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("UPDATE factdesk_schema SET version = 99")
    with pytest.raises(NewerProjectError):
        open_server(url)
    assert os.environ.get("PGPASSWORD") is None
