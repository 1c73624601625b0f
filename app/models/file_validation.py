"""Validating a project file before Factdesk trusts anything in it.

Project files arrive from colleagues and strangers, edited with any SQLite tool. Every way
a file comes in (opening it for editing or viewing, the incoming side of a merge, an
upload to a server, the window) passes here first, through
:func:`app.models.database.open_project_file`; a file that fails is refused whole, with
one line naming the file and the first problem found.

Two levels:

* :func:`check_schema` (always, and always first): the file's schema objects are compared,
  definition by definition, with those of a brand-new file that this build makes from
  ``SQLModel.metadata`` (so the check follows schema changes by itself). It reads only
  ``sqlite_master``: nothing the file defines is evaluated, so a table replaced by an
  endless recursive view is refused before anything could query it.
* :func:`check_content` (files this machine has not closed cleanly and unchanged since,
  see :mod:`app.core.known_files`): SQLite's full ``integrity_check`` (the covering
  indexes feed the lists, so they must match their rows), then per column the storage
  class against what the column's SQLAlchemy type stores, the value domains (ids, dates,
  statuses, origins, roles, stances, kinds, lengths), finite numbers, text that is valid
  UTF-8, claim offsets inside their article and the quote equal to the text there, JSON
  columns of bounded nesting, references, and attachment bytes against their SHA-256.

The column rules come from the SQLAlchemy types; the value domains from the record enums
of :mod:`app.core.records` (plain enums with no imports, the single source of those
values). Checks run as one SQL scan per table where SQLite can judge a value, and in
Python only where it cannot (UTF-8, offsets as Python indexes text, JSON, hashes).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Date, DateTime, Float, Integer, LargeBinary, String, Uuid
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import SQLModel, create_engine

from app.core.records import ClaimKind, ClaimOrigin, ClaimStatus, ParagraphRole, Stance
from app.errors import CorruptProjectError, UnsafeProjectError
from app.models import tables  # noqa: F401 - registers the tables on SQLModel.metadata
from app.models.tables import TABLE_BY_NAME

# Deeper JSON than this is no file Factdesk writes (its JSON is two levels deep at most);
# Python's parser would raise RecursionError near a thousand levels.
MAX_JSON_NESTING = 32
# Integers are counts, positions, offsets and revisions: never negative, and small enough
# for every consumer (Qt's int, JSON readers' doubles).
MAX_INTEGER = 2**53
MAX_FLOAT = 1.7976931348623157e308

_ENUMS: dict[tuple[str, str], frozenset[str]] = {
    ("claim", "status"): frozenset(s.value for s in ClaimStatus),
    ("claim", "origin"): frozenset(o.value for o in ClaimOrigin),
    ("claim", "role"): frozenset(r.value for r in ParagraphRole),
    ("evidence", "stance"): frozenset(s.value for s in Stance),
    ("changelog", "table_name"): frozenset(TABLE_BY_NAME),
    ("changelog", "operation"): frozenset({"insert", "update", "delete"}),
}
_KINDS = frozenset(k.value for k in ClaimKind)
_JSON_COLUMNS = (("changelog", "old_value"), ("changelog", "new_value"), ("signature", "manifest"))

# The layouts SQLAlchemy's SQLite dialect writes: "YYYY-MM-DD" and
# "YYYY-MM-DD HH:MM:SS.ffffff".
_DATE_LIKE = "____-__-__"
_HEX32_GLOB = "[0-9a-f]" * 32  # how SQLAlchemy stores a UUID on SQLite
_DATETIME_LIKE = "____-__-__ __:__:__.______"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def shown(value: object, limit: int = 40) -> str:
    """A stored value as a message may show it: short, one line, control characters escaped."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the schema ---------------------------------------------------------------------

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


def _clauses(sql: str | None) -> tuple[str, ...]:
    """What a table's PRAGMAs do not show: CHECK and generated-column expressions,
    COLLATE and ON CONFLICT choices, AUTOINCREMENT; keywords in quotes are skipped."""
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
    q = _quoted(name)
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
            for r in conn.execute(f"PRAGMA index_list({_quoted(table)})")
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


# --- the content --------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    """One thing a column's values must satisfy: an SQL test that is true for a bad value."""

    column: str
    bad_sql: str
    problem: str  # "{a} {table}", "{column}", "{value}" (the first bad value) filled in
    value_sql: str  # how to show the bad value


def _base_type(column: Column[Any]) -> TypeEngine[Any]:
    """The type SQLAlchemy stores for ``column`` (a TypeDecorator's underlying type)."""
    kind = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def _storage_classes(column: Column[Any]) -> tuple[str, ...]:
    """What ``typeof()`` may say for ``column``, from its SQLAlchemy type."""
    kind = _base_type(column)
    if isinstance(kind, LargeBinary):
        classes: tuple[str, ...] = ("blob",)
    elif isinstance(kind, Float):
        # REAL affinity keeps whole numbers as integers on disk; both read back as floats.
        classes = ("real", "integer")
    elif isinstance(kind, Integer):
        classes = ("integer",)
    else:  # text, strings, UUIDs (32 hex digits) and dates are stored as text
        classes = ("text",)
    return (*classes, "null") if column.nullable else classes


def _value_rules(table_name: str, column: Column[Any]) -> Iterator[tuple[str, str]]:
    """(SQL true for a bad value, problem) for the values of a correctly stored column."""
    q = _quoted(column.name)
    kind = _base_type(column)
    if isinstance(kind, Uuid) and (column.primary_key or not column.foreign_keys):
        # A reference is checked by foreign_key_check: it must equal a checked key.
        yield (
            f"{q} NOT GLOB '{_HEX32_GLOB}'",
            "{a} {table}'s {column} {value} is not an id",
        )
    elif isinstance(kind, DateTime):
        yield _bad_date(q, datetime=True), "{a} {table}'s {column} {value} is not a valid date"
    elif isinstance(kind, Date):
        yield _bad_date(q, datetime=False), "{a} {table}'s {column} {value} is not a valid date"
    elif isinstance(kind, Float):
        yield f"abs({q}) > {MAX_FLOAT!r}", "{a} {table}'s {column} is not a finite number"
    elif isinstance(kind, Integer):
        yield f"{q} < 0 OR {q} > {MAX_INTEGER}", "{a} {table}'s {column} {value} is out of range"
    elif isinstance(kind, String) and kind.length is not None:
        yield (
            f"length({q}) > {kind.length}",
            (f"{{a}} {{table}}'s {{column}} is longer than {kind.length} characters"),
        )
    allowed = _ENUMS.get((table_name, column.name))
    if allowed is not None:
        listed = ", ".join(f"'{v}'" for v in sorted(allowed))
        yield f"{q} NOT IN ({listed})", "{a} {table} has an unknown {column} {value}"


@functools.cache
def _rules(table_name: str) -> tuple[_Rule, ...]:
    """Storage classes of every column first, then the values of each."""
    table = SQLModel.metadata.tables[table_name]
    rules: list[_Rule] = []
    for column in table.columns:
        q = _quoted(column.name)
        classes = _storage_classes(column)
        listed = ", ".join(f"'{c}'" for c in classes)
        problem = f"{{a}} {{table}}'s {{column}} is stored as {{value}}, not {classes[0]}"
        rules.append(_Rule(column.name, f"typeof({q}) NOT IN ({listed})", problem, f"typeof({q})"))
    for column in table.columns:
        q = _quoted(column.name)
        shown_sql = f"CASE WHEN typeof({q}) = 'text' THEN substr({q}, 1, 40) ELSE {q} END"
        for bad_sql, problem in _value_rules(table_name, column):
            rules.append(_Rule(column.name, bad_sql, problem, shown_sql))
    return tuple(rules)


def _bad_date(q: str, *, datetime: bool) -> str:
    # SQLite's julianday() (fast) checks the digits and ranges of month, day, hour,
    # minute and second; LIKE pins the layout SQLAlchemy writes. What julianday lets
    # through is refused by name: hour 24, a "T" or "Z", year 0 (which Python lacks) and
    # impossible days, found by a round trip through date() with a modifier (which turns
    # 31 February into 3 March), done only for days 29 to 31 because it is slow.
    day = f"substr({q}, 1, 10)"
    checks = [
        f"{q} NOT LIKE '{_DATETIME_LIKE if datetime else _DATE_LIKE}'",
        f"julianday({q}) IS NULL",
        f"substr({q}, 1, 4) = '0000'",
        f"(substr({q}, 9, 2) > '28' AND date({day}, '+0 days') IS NOT {day})",
    ]
    if datetime:
        checks += [
            f"substr({q}, 11, 1) != ' '",
            f"substr({q}, 12, 2) > '23'",
            f"substr({q}, 26, 1) NOT BETWEEN '0' AND '9'",
        ]
    return f"{q} IS NOT NULL AND ({' OR '.join(checks)})"


def _damaged(file_name: str, problem: str) -> CorruptProjectError:
    return CorruptProjectError(f"{file_name}: the project file is damaged ({problem}).")


def _check_rules(conn: sqlite3.Connection, file_name: str, table_name: str) -> None:
    rules = _rules(table_name)
    cases = " ".join(f"WHEN {rule.bad_sql} THEN {i}" for i, rule in enumerate(rules))
    # One scan of the table; the first failing rule of the first bad row is reported.
    found = conn.execute(
        f"SELECT rowid, CASE {cases} END AS bad FROM {_quoted(table_name)} "
        "WHERE bad IS NOT NULL LIMIT 1"
    ).fetchone()
    if found is None:
        return
    rowid, index = found
    rule = rules[index]
    (value,) = conn.execute(
        f"SELECT {rule.value_sql} FROM {_quoted(table_name)} WHERE rowid = ?", (rowid,)
    ).fetchone()
    if not rule.value_sql.startswith("typeof("):
        value = shown(value)
    raise _damaged(
        file_name,
        rule.problem.format(
            a="an" if table_name[0] in "aeiou" else "a",
            table=table_name,
            column=rule.column,
            value=value,
        ),
    )


def _text_columns(table_name: str) -> list[str]:
    table = SQLModel.metadata.tables[table_name]
    return [c.name for c in table.columns if _storage_classes(c)[0] == "text"]


def _check_utf8(conn: sqlite3.Connection, file_name: str, table_name: str) -> None:
    """Text must decode as UTF-8 for every reader; fetching it with the driver is the check."""
    columns = _text_columns(table_name)
    listed = ", ".join(_quoted(c) for c in columns)
    try:
        cursor = conn.execute(f"SELECT {listed} FROM {_quoted(table_name)}")
        while cursor.fetchmany(4096):
            pass
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc):
            raise
        column = next((c for c in columns if repr(c) in str(exc)), "text")
        problem = f"{table_name}.{column} holds text that is not valid UTF-8"
        raise _damaged(file_name, problem) from exc


def json_nesting(text: str) -> int:
    """How deeply ``text``'s JSON arrays and objects nest (brackets inside strings skipped)."""
    if text.count("[") + text.count("{") <= MAX_JSON_NESTING:
        return 0  # cannot be deeper than the limit: skip the scan
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _loads_bounded(text: str) -> object:
    if json_nesting(text) > MAX_JSON_NESTING:
        raise ValueError(f"nested more than {MAX_JSON_NESTING} levels deep")
    return json.loads(text, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _check_json(conn: sqlite3.Connection, file_name: str) -> None:
    for table_name, column in _JSON_COLUMNS:
        cursor = conn.execute(
            f"SELECT {_quoted(column)} FROM {_quoted(table_name)} "
            f"WHERE {_quoted(column)} IS NOT NULL"
        )
        for (text,) in cursor:
            try:
                _loads_bounded(text)
            except (ValueError, RecursionError) as exc:
                raise _damaged(
                    file_name, f"a {table_name}'s {column} is not valid JSON ({exc})"
                ) from exc


def _check_articles_and_claims(conn: sqlite3.Connection, file_name: str) -> None:
    """Paragraphs and claims must lie inside their article, and each quote be the text there."""
    roles = frozenset(r.value for r in ParagraphRole)
    for article_id, text, structure in conn.execute("SELECT id, text, structure FROM article"):
        try:
            paragraphs = _loads_bounded(structure)
            if not isinstance(paragraphs, list):
                raise ValueError("not a list")
            for item in paragraphs:
                if not (isinstance(item, list) and len(item) == 3):
                    raise ValueError("a paragraph is not [start, end, role]")
                start, end, role = item
                if not (_offsets_fit(start, end, len(text)) and role in roles):
                    raise ValueError("a paragraph lies outside the text or has an unknown role")
        except (ValueError, RecursionError) as exc:
            raise _damaged(
                file_name, f"an article's paragraph structure is unusable ({exc})"
            ) from exc
        claims = conn.execute(
            "SELECT start_offset, end_offset, quote FROM claim WHERE article_id = ?", (article_id,)
        )
        for start, end, quote in claims:
            if not _offsets_fit(start, end, len(text)):
                raise _damaged(
                    file_name, f"a claim's offsets {start}-{end} lie outside its article's text"
                )
            if text[start:end] != quote:
                raise _damaged(
                    file_name, f"a claim's quote {shown(quote)} is not the article's text there"
                )


def _offsets_fit(start: object, end: object, length: int) -> bool:
    return type(start) is int and type(end) is int and 0 <= start <= end <= length


def _check_kinds(conn: sqlite3.Connection, file_name: str) -> None:
    for (kinds,) in conn.execute("SELECT DISTINCT kinds FROM claim"):
        unknown = [k for k in kinds.split(",") if k and k not in _KINDS]
        if unknown:
            raise _damaged(file_name, f"a claim has an unknown kind {shown(unknown[0])}")


def _check_attachments(conn: sqlite3.Connection, file_name: str) -> None:
    for (rowid,) in conn.execute("SELECT rowid FROM attachment").fetchall():
        sha256, size, data = conn.execute(
            "SELECT sha256, size, data FROM attachment WHERE rowid = ?", (rowid,)
        ).fetchone()
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
            raise _damaged(file_name, "an attachment's bytes do not match their SHA-256")


def _check_references(conn: sqlite3.Connection, file_name: str) -> None:
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise _damaged(
            file_name, f"{len(problems)} broken references, the first in {problems[0][0]}"
        )
    projects = conn.execute("SELECT scale_id FROM project").fetchall()
    if not projects:
        raise CorruptProjectError(f"{file_name}: the project file holds no project.")
    if any(scale_id is None for (scale_id,) in projects):
        raise _damaged(file_name, "the project's rating scale is missing")


Step = Callable[[sqlite3.Connection, str], None]


def _all_tables(check: Callable[[sqlite3.Connection, str, str], None]) -> Step:
    def step(conn: sqlite3.Connection, file_name: str) -> None:
        for table_name in SQLModel.metadata.tables:
            check(conn, file_name, table_name)

    return step


def content_steps() -> list[tuple[str, Step]]:
    """The content check's steps in order, named (the benchmark times each)."""
    return [
        ("storage classes and value domains", _all_tables(_check_rules)),
        ("text is UTF-8", _all_tables(_check_utf8)),
        ("claim kinds", _check_kinds),
        ("references", _check_references),
        ("JSON columns", _check_json),
        ("offsets, quotes, paragraphs", _check_articles_and_claims),
        ("attachment hashes", _check_attachments),
    ]


def check_content(conn: sqlite3.Connection, file_name: str) -> None:
    """Check every value of a file whose schema :func:`check_schema` has accepted.

    ``conn`` is a plain, read-only ``sqlite3`` connection. Raises
    :class:`~app.errors.CorruptProjectError` naming the first problem.
    """
    result = conn.execute("PRAGMA integrity_check(1)").fetchone()
    if not result or result[0] != "ok":
        raise _damaged(file_name, str(result[0] if result else "no answer"))
    for _name, step in content_steps():
        step(conn, file_name)


__all__ = [
    "MAX_JSON_NESTING",
    "check_content",
    "check_schema",
    "content_steps",
    "expected_schema",
    "json_nesting",
    "shown",
]
