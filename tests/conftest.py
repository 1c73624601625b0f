"""Fixtures for the whole suite: isolated settings, an in-memory keyring, storage back ends.

Every test runs with its own configuration folder and reviewer name, so nothing from the
developer's machine leaks in and nothing is written there. Storage tests that take the
``backend`` fixture run twice: on a real SQLite file and on a real PostgreSQL server that
the session starts itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest

from tests.support.memory_keyring import MemoryKeyring
from tests.support.pgserver import PostgresServer

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    config = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("FACTDESK_CONFIG_DIR", str(config))
    monkeypatch.setenv("FACTDESK_REVIEWER", "Test Reviewer")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(config / "xdg-data"))
    return config


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., object]:
    """A factory making a fresh, empty project on the parametrised storage back end."""
    from app.core.project import ProjectService
    from app.models.database import open_server

    made: list[ProjectService] = []

    def make(scale: str = "five-level", author: str = "Test Reviewer") -> ProjectService:
        if request.param == "sqlite":
            service = ProjectService.create_file(
                tmp_path / f"p{len(made)}.factdesk", scale=scale, author=author
            )
        else:
            server: PostgresServer = request.getfixturevalue("postgres")
            db = open_server(server.new_database(), create=True)
            service = ProjectService.create_in_database(
                db, name="Test project", scale=scale, author=author
            )
        made.append(service)
        return service

    make.kind = request.param  # type: ignore[attr-defined]
    yield make  # type: ignore[misc]
    for service in made:
        service.close()


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for running ``python -m app`` in a subprocess from the repository."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHON_KEYRING_BACKEND"] = "tests.support.memory_keyring.MemoryKeyring"
    env.update(extra)
    return env
