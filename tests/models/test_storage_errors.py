"""Errors that tell the truth: damaged data, a constraint conflict and a bug in Factdesk
are different exceptions with different messages, and only damaged data says "damaged".

The conflict is a real unique violation (two imports of one article at once) on a real
SQLite file and on the real PostgreSQL server; the bug is a plain TypeError raised by
code inside a read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Uuid, create_engine, literal_column, select, type_coerce

from app.cli import main as cli_main
from app.core import records_from_rows as convert
from app.core.errors import (
    ConstraintConflictError,
    CorruptProjectError,
    DuplicateArticleError,
    FactdeskError,
)
from app.core.project import ProjectService
from app.models.database import open_project_file, open_server, raised_decoding_a_stored_value

TEXT = "The bridge cost twice as much as planned. Crime doubled since 2019."


def _second_service(service: ProjectService) -> ProjectService:
    """Another session on the same storage, as a second window or colleague has."""
    db = service.db
    if db.kind == "sqlite":
        assert db.path is not None
        other = open_project_file(db.path, quick_check=False)
    else:
        assert db.url is not None
        other = open_server(db.url)
    return ProjectService.for_database(other, author="Bob", project_id=str(service.project_id))


def test_two_imports_of_one_article_at_once_is_a_conflict_not_damage(
    backend: Callable[..., ProjectService], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = backend()
    theirs = _second_service(mine)
    try:
        # Both check for the article before either has saved it: theirs saves first,
        # then mine writes and meets the unique constraint on (project, sha256).
        def check_then_lose_the_race(sha256: str) -> None:
            theirs.add_article(TEXT)
            return None

        monkeypatch.setattr(mine._articles, "find_article_by_sha256", check_then_lose_the_race)
        with pytest.raises(ConstraintConflictError) as raised:
            mine.add_article(TEXT)
        message = str(raised.value)
        assert "damaged" not in message
        assert "at the same time" in message and "nothing was written" in message
        assert not isinstance(raised.value, CorruptProjectError)
        monkeypatch.undo()
        # The project is sound: one copy of the article, and a later import is refused
        # as the duplicate it is.
        assert len(mine.articles()) == 1
        with pytest.raises(DuplicateArticleError):
            mine.add_article(TEXT)
    finally:
        theirs.close()


def _project_with_claims(path: Path) -> ProjectService:
    service = ProjectService.create_file(path, author="Ann")
    service.add_article(TEXT)
    service.add_claim(service.articles()[0].id, 0, 41)
    return service


def test_a_bug_inside_a_read_is_not_blamed_on_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    service = _project_with_claims(tmp_path / "p.factdesk")

    def buggy_claim_info(*_args: Any, **_kwargs: Any) -> Any:
        return len(None)  # type: ignore[arg-type]  # a plain programming error

    monkeypatch.setattr(convert, "claim_info", buggy_claim_info)
    with pytest.raises(TypeError):
        service.claims()
    service.close()
    # The command line says it is an unexpected error, not that the file is damaged.
    assert cli_main(["claims", str(tmp_path / "p.factdesk")]) != 0
    err = capsys.readouterr().err
    assert "damaged" not in err and "TypeError" in err


def test_a_damaged_value_is_still_reported_as_damaged(tmp_path: Path) -> None:
    _project_with_claims(tmp_path / "p.factdesk").close()
    with sqlite3.connect(tmp_path / "p.factdesk") as conn:
        conn.execute("UPDATE claim SET status='hacked'")
    conn.close()
    with pytest.raises(CorruptProjectError, match="damaged"):  # on opening, or reading
        ProjectService.open_file(tmp_path / "p.factdesk", author="Ann").claims()


def test_a_value_sqlalchemy_cannot_decode_counts_as_damage_and_a_bug_does_not() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        try:
            conn.execute(select(type_coerce(literal_column("'not a uuid'"), Uuid))).all()
        except ValueError as exc:
            assert raised_decoding_a_stored_value(exc)
        else:
            raise AssertionError("SQLAlchemy decoded a bad UUID")
    try:
        len(None)  # type: ignore[arg-type]
    except TypeError as exc:
        assert not raised_decoding_a_stored_value(exc)


def test_the_error_kinds_are_distinct() -> None:
    assert not issubclass(ConstraintConflictError, CorruptProjectError)
    assert issubclass(ConstraintConflictError, FactdeskError)
