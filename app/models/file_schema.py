"""The schema check of a project file: its definitions against this build's.

Part of :mod:`app.models.file_validation` (which runs it first, always). The expected
definitions come from a brand-new file made in memory from ``SQLModel.metadata``, so the
check follows schema changes by itself. Objects are compared by what SQLite reports for
them (``PRAGMA table_xinfo``, ``foreign_key_list``, ``table_list``, ``index_list``,
``index_xinfo``), keyed by name, plus the clauses those PRAGMAs do not show (CHECK and
generated-column expressions, COLLATE, ON CONFLICT, AUTOINCREMENT). ``sqlite_master`` is
read first and views, triggers and virtual tables are refused before any PRAGMA runs, so
nothing the file defines is ever evaluated.
"""

from __future__ import annotations

import functools
import re
import sqlite3

from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from app.errors import UnsafeProjectError
from app.models import tables  # noqa: F401 - registers the tables on SQLModel.metadata


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


SchemaObject = tuple[str, str, object]  # (type, table it belongs to, definition)

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUOTES = {"'": "'", '"': '"', "`": "`", "[": "]"}


def _normalised(sql: str | None) -> str | None:
    return None if sql is None else " ".join(sql.split())


def _skip_quoted(sql: str, i: int) -> int:
    """The index after the quoted string or identifier starting at ``sql[i]``."""
    close = sql.find(_QUOTES[sql[i]], i + 1)
    return len(sql) if close < 0 else close + 1


def _parenthesised(sql: str, i: int) -> tuple[str, int]:
    """The text of the balanced parentheses at or after ``i`` (quotes respected)."""
    while i < len(sql) and sql[i].isspace():
        i += 1
    if i >= len(sql) or sql[i] != "(":
        return "", i
    start, depth = i, 0
    while i < len(sql):
        ch = sql[i]
        if ch in _QUOTES:
            i = _skip_quoted(sql, i)
            continue
        depth += (ch == "(") - (ch == ")")
        i += 1
        if depth == 0:
            break
    return " ".join(sql[start:i].split()), i


@functools.lru_cache(maxsize=256)
def _clauses(sql: str | None) -> tuple[str, ...]:
    """What a table's PRAGMAs do not show: CHECK and generated-column expressions,
    COLLATE and ON CONFLICT choices, AUTOINCREMENT; keywords in quotes are skipped.

    Kept by text: every file of this build has the same CREATE TABLE texts, which this
    character-by-character scan read again at each open (a fifth of a schema check).
    """
    found: list[str] = []
    text = sql or ""
    i = 0
    while i < len(text):
        if text[i] in _QUOTES:
            i = _skip_quoted(text, i)
            continue
        word = _WORD.match(text, i)
        if word is None:
            i += 1
            continue
        i = word.end()
        keyword = word.group().upper()
        if keyword in ("CHECK", "AS"):
            expression, i = _parenthesised(text, i)
            found.append(f"{keyword} {expression}")
        elif keyword in ("COLLATE", "CONFLICT"):
            following = _WORD.match(text, len(text) - len(text[i:].lstrip()))
            found.append(f"{keyword} {following.group().upper() if following else ''}")
        elif keyword == "AUTOINCREMENT":
            found.append(keyword)
    return tuple(sorted(found))


def _definition(
    conn: sqlite3.Connection, obj_type: str, name: str, table: str, sql: str | None
) -> object:
    """An object's definition as SQLite understands it, keyed by name, not by position.

    Columns are compared as a set (a column a migration added with ALTER TABLE comes
    last, and its CREATE text differs in layout, yet it is the same table).
    """
    q = quoted(name)
    if obj_type == "table":
        columns = frozenset(tuple(r[1:]) for r in conn.execute(f"PRAGMA table_xinfo({q})"))
        keys = frozenset(tuple(r[1:]) for r in conn.execute(f"PRAGMA foreign_key_list({q})"))
        shape = conn.execute(
            "SELECT wr, strict FROM pragma_table_list WHERE schema = 'main' AND name = ?",
            (name,),
        ).fetchone()
        return (columns, keys, shape, _clauses(sql))
    if obj_type == "index":
        listed = [
            tuple(r[2:])
            for r in conn.execute(f"PRAGMA index_list({quoted(table)})")
            if r[1] == name
        ]
        parts = tuple(tuple(r[2:]) for r in conn.execute(f"PRAGMA index_xinfo({q})"))
        partial = bool(listed and listed[0][2])
        return (listed, parts, _normalised(sql) if partial else None)
    return _normalised(sql)


def _read_schema(conn: sqlite3.Connection) -> dict[str, tuple[str, str, str | None]]:
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return {name: (obj_type, tbl_name, sql) for obj_type, name, tbl_name, sql in rows}


def _definitions(
    conn: sqlite3.Connection, objects: dict[str, tuple[str, str, str | None]]
) -> dict[str, SchemaObject]:
    return {
        name: (obj_type, table, _definition(conn, obj_type, name, table, sql))
        for name, (obj_type, table, sql) in objects.items()
    }


@functools.cache
def expected_schema() -> dict[str, SchemaObject]:
    """The schema objects of a brand-new project file of this build, made in memory."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        SQLModel.metadata.create_all(engine)
        raw = engine.raw_connection()
        try:
            conn: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
            return _definitions(conn, _read_schema(conn))
        finally:
            raw.close()
    finally:
        engine.dispose()


def check_schema(conn: sqlite3.Connection, file_name: str, *, exact: bool = True) -> None:
    """Refuse objects Factdesk never makes, and (``exact``) any definition not this build's.

    Reads ``sqlite_master`` first; the PRAGMAs describing tables and indexes run only
    once no view, trigger or virtual table is left, so nothing the file defines runs.
    ``exact`` is False for an older file about to be migrated: its tables are then those
    of its own version, checked again afterwards.
    """
    objects = _read_schema(conn)
    for name, (obj_type, _table, sql) in sorted(objects.items()):
        if obj_type in ("trigger", "view"):
            raise UnsafeProjectError(
                f"{file_name}: refused, the file contains a {obj_type} ({name!r}) that "
                "Factdesk never creates; it may have been crafted to run code."
            )
        if obj_type == "table" and (sql or "").upper().startswith("CREATE VIRTUAL"):
            raise UnsafeProjectError(
                f"{file_name}: refused, the file contains a virtual table ({name!r}) that "
                "Factdesk never creates."
            )
    if not exact:
        return
    # Only now, with no view, trigger or virtual table left, do PRAGMAs read definitions.
    found = _definitions(conn, objects)
    expected = expected_schema()
    problem = None
    extra = sorted(set(found) - set(expected))
    missing = sorted(set(expected) - set(found))
    altered = sorted(n for n in set(found) & set(expected) if found[n] != expected[n])
    if extra:
        problem = f"unexpected {found[extra[0]][0]} {extra[0]!r}"
    elif missing:
        problem = f"missing {expected[missing[0]][0]} {missing[0]!r}"
    elif altered:
        obj_type = expected[altered[0]][0]
        problem = f"the {obj_type} {altered[0]!r} is defined differently"
    if problem is not None:
        raise UnsafeProjectError(
            f"{file_name}: refused, its tables are not those of a Factdesk project ({problem})."
        )


__all__ = ["check_schema", "expected_schema", "quoted"]
