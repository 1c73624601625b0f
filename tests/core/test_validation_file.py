"""The project-file validator (app/models/file_validation.py), rule by rule.

The rules are derived from ``SQLModel.metadata``, so these tests walk the metadata too:
every column of every table, given a value of the wrong storage class, must be refused
with a message naming that table and column. A schema change (helper ``write-path``'s
version 2, or any later one) is then covered without editing this file.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import LargeBinary
from sqlmodel import SQLModel

from app.core.errors import CorruptProjectError, UnsafeProjectError
from app.core.project import ProjectService
from app.core.sharing.signing import sign_project
from app.models.file_validation import (
    MAX_JSON_NESTING,
    check_content,
    check_schema,
    expected_schema,
    json_nesting,
)
from tests.reliability.hostile_files import build_good_project


@pytest.fixture(scope="module")
def signed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus's good project, signed too, so every table holds a row."""
    path = tmp_path_factory.mktemp("validation") / "good.factdesk"
    build_good_project(path)
    service = ProjectService.open_file(path, author="Ann")
    try:
        sign_project(service)
    finally:
        service.close()
    return path


def _validate(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        check_schema(conn, path.name)
        check_content(conn, path.name)


def _wrong_storage_value(column: object) -> object:
    """A value SQLite stores in another class than the column's type stores."""
    kind = getattr(column, "type", None)
    if isinstance(kind, LargeBinary):
        return "text, not bytes"
    try:
        python_type = kind.python_type  # type: ignore[union-attr]
    except NotImplementedError:  # a TypeDecorator (UTCDateTime): its stored type's
        python_type = kind.impl_instance.python_type  # type: ignore[union-attr]
    return "text, not a number" if python_type in (int, float) else b"\x00bytes"


COLUMNS = [
    (table.name, column.name)
    for table in SQLModel.metadata.sorted_tables
    for column in table.columns
]


def test_a_fresh_project_passes(signed_project: Path) -> None:
    _validate(signed_project)


@pytest.mark.parametrize(("table", "column"), COLUMNS, ids=[f"{t}.{c}" for t, c in COLUMNS])
def test_every_column_of_every_table_has_its_storage_class_checked(
    signed_project: Path, tmp_path: Path, table: str, column: str
) -> None:
    path = tmp_path / "typed.factdesk"
    shutil.copyfile(signed_project, path)
    value = _wrong_storage_value(SQLModel.metadata.tables[table].columns[column])
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        assert conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] > 0
        conn.execute(
            f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = (SELECT min(rowid) FROM "{table}")',
            (value,),
        )
        conn.commit()
    with pytest.raises(CorruptProjectError) as refused:
        _validate(path)
    message = str(refused.value)
    assert f"{table}'s {column} is stored as" in message, message
    assert message.startswith("typed.factdesk: ") and "\n" not in message


def test_the_expected_schema_is_that_of_a_new_file(tmp_path: Path) -> None:
    """Derived from the metadata, not written down: a new file matches it object by object."""
    path = tmp_path / "new.factdesk"
    ProjectService.create_file(path, author="Ann").close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert names == set(expected_schema())
    assert {t.name for t in SQLModel.metadata.sorted_tables} <= names


def test_an_added_column_or_index_is_refused(signed_project: Path, tmp_path: Path) -> None:
    for statement in (
        "ALTER TABLE claim ADD COLUMN extra TEXT",
        "CREATE INDEX ix_extra ON claim (wording)",
    ):
        path = tmp_path / "changed.factdesk"
        shutil.copyfile(signed_project, path)
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute(statement)
            conn.commit()
        with pytest.raises(UnsafeProjectError, match="not those of a Factdesk project"):
            _validate(path)


def test_json_nesting_is_measured_outside_strings() -> None:
    assert json_nesting("[1, 2, [3]]") == 0  # too few brackets to matter: not scanned
    deep = "[" * (MAX_JSON_NESTING + 5) + "]" * (MAX_JSON_NESTING + 5)
    assert json_nesting(deep) == MAX_JSON_NESTING + 5
    quoted = '["' + "[" * 100 + '\\"' + "{" * 100 + '"]'
    assert json_nesting(quoted) == 1


def test_a_signature_manifest_nested_too_deeply_is_refused(
    signed_project: Path, tmp_path: Path
) -> None:
    path = tmp_path / "deep.factdesk"
    shutil.copyfile(signed_project, path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE signature SET manifest = ?", ('{"a":' * 2000 + "1" + "}" * 2000,))
        conn.commit()
    with pytest.raises(CorruptProjectError, match="signature's manifest is not valid JSON"):
        _validate(path)


def test_a_column_added_by_a_migration_is_the_same_table(
    signed_project: Path, tmp_path: Path
) -> None:
    """ALTER TABLE ADD COLUMN puts a column last, with other CREATE text: still accepted,
    so migration steps may add columns; a changed type or constraint is not accepted."""
    for added, accepted in (
        ("conclusion VARCHAR(200)", True),
        ("conclusion TEXT", False),
        ("conclusion VARCHAR(200) CHECK (length(conclusion) < 9)", False),
        ("conclusion VARCHAR(200) COLLATE NOCASE", False),
    ):
        path = tmp_path / "migrated.factdesk"
        shutil.copyfile(signed_project, path)
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("ALTER TABLE claim DROP COLUMN conclusion")
            conn.execute(f"ALTER TABLE claim ADD COLUMN {added}")
            conn.commit()
        if accepted:
            _validate(path)
        else:
            with pytest.raises(UnsafeProjectError, match="'claim' is defined differently"):
                _validate(path)


def test_a_migrated_file_that_fails_validation_goes_back_as_it_was(
    signed_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older file is validated once migrated; refused, it is put back byte for byte."""
    from app.models import database, migrations

    path = tmp_path / "older.factdesk"
    shutil.copyfile(signed_project, path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE claim SET status = 'hacked'")
        conn.commit()
    before = path.read_bytes()
    # This build pretends to be one format newer, with a step that changes nothing.
    version = database.SCHEMA_VERSION
    monkeypatch.setattr(database, "SCHEMA_VERSION", version + 1)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", version + 1)
    monkeypatch.setitem(migrations.STEPS, version + 1, lambda _conn: None)
    with pytest.raises(CorruptProjectError, match="unknown status 'hacked'"):
        database.open_project_file(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["older.factdesk"]
