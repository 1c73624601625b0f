"""Validating a project file before Factdesk trusts anything in it.

Project files arrive from colleagues and strangers, edited with any SQLite tool. Every way
a file comes in (opening it for editing or viewing, the incoming side of a merge, an
upload to a server, the window) passes here first, through
:func:`app.models.database.open_project_file`; a file that fails is refused whole, with
one line naming the file and the first problem found.

Two levels:

* :func:`check_schema` (always, and always first; :mod:`app.models.file_schema`): the
  file's schema objects are compared, definition by definition, with those of a
  brand-new file that this build makes from ``SQLModel.metadata`` (so the check follows
  schema changes by itself). Nothing the file defines is evaluated, so a table replaced
  by an endless recursive view is refused before anything could query it.
* :func:`check_content` (files this machine has not closed cleanly and unchanged since,
  see :mod:`app.core.known_files`): SQLite's full ``integrity_check`` (the covering
  indexes feed the lists, so they must match their rows), then per column the storage
  class against what the column's SQLAlchemy type stores, the value domains (ids, dates,
  statuses, origins, roles, stances, kinds, lengths), finite numbers, text that is valid
  UTF-8, claim offsets inside their article and the quote equal to the text there, JSON
  columns of bounded nesting, references, and attachment bytes against their SHA-256.

The column rules come from the SQLAlchemy types (a sample value bound through each
column's type shows its storage class and layout); the value domains from the record enums
of :mod:`app.core.records` (plain enums with no imports, the single source of those
values). Checks run as one SQL scan per table where SQLite can judge a value, and in
Python only where it cannot (UTF-8, offsets as Python indexes text, JSON, hashes).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import sqlite3
import string
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, String, bindparam, func, select
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import SQLModel, create_engine

from app.errors import CorruptProjectError
from app.models.file_schema import check_schema, expected_schema
from app.models.file_schema import quoted as _quoted
from app.models.tables import TABLE_BY_NAME  # importing it registers the tables
from app.models.values import ClaimKind, ClaimOrigin, ClaimStatus, ParagraphRole, Stance

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
    # "merge": the one entry a merge adds to say what it brought in (sharing.merge.writing).
    ("changelog", "operation"): frozenset({"insert", "update", "delete", "merge"}),
}
_KINDS = frozenset(k.value for k in ClaimKind)
_JSON_COLUMNS = (("changelog", "old_value"), ("changelog", "new_value"), ("signature", "manifest"))


def shown(value: object, limit: int = 40) -> str:
    """A stored value as a message may show it: short, one line, control characters escaped."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


_SAMPLES: dict[type, object] = {
    int: 7,
    float: 0.5,
    bool: True,
    str: "x",
    bytes: b"x",
    uuid.UUID: uuid.UUID(int=0xABCDEF),
    dt.datetime: dt.datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC),
    dt.date: dt.date(2001, 2, 3),
}


def _python_type(column: Column[Any]) -> type:
    try:
        return column.type.python_type
    except NotImplementedError:  # a TypeDecorator that does not say: its stored type's
        return _base_type(column).python_type


@dataclass(frozen=True)
class _Stored:
    """How this build stores a sample value of a column: storage class and SQL literal."""

    python_type: type
    storage: str
    literal: str

    @property
    def text(self) -> str:
        return self.literal[1:-1].replace("''", "'")


@functools.cache
def _stored_forms() -> dict[tuple[str, str], _Stored]:
    """Each column's stored form, found by binding a sample value through its type.

    Nothing here names a layout: a type that changes what it stores (a timestamp with its
    time zone, a UUID written another way) changes the rules by itself.
    """
    engine = create_engine("sqlite://", poolclass=StaticPool)
    forms: dict[tuple[str, str], _Stored] = {}
    try:
        with engine.connect() as conn:
            for table in SQLModel.metadata.sorted_tables:
                for column in table.columns:
                    python_type = _python_type(column)
                    sample = _SAMPLES.get(python_type, {"k": ["x"]})  # JSON types: a dict
                    value = bindparam("v", sample, type_=column.type)
                    storage, literal = conn.execute(
                        select(func.typeof(value), func.quote(value))
                    ).one()
                    forms[(table.name, column.name)] = _Stored(python_type, storage, literal)
    finally:
        engine.dispose()
    return forms


def _stored(column: Column[Any]) -> _Stored:
    return _stored_forms()[(column.table.name, column.name)]


def _storage_classes(column: Column[Any]) -> tuple[str, ...]:
    """What ``typeof()`` may say for ``column``: what its type stores, or NULL."""
    stored = _stored(column)
    classes: tuple[str, ...] = (stored.storage,)
    if stored.python_type is float:
        # REAL affinity may keep a whole number as an integer; both read back as floats.
        classes = ("real", "integer")
    return (*classes, "null") if column.nullable else classes


def _value_rules(table_name: str, column: Column[Any]) -> Iterator[tuple[str, str]]:
    """(SQL true for a bad value, problem) for the values of a correctly stored column."""
    q = _quoted(column.name)
    kind = _base_type(column)
    stored = _stored(column)
    if stored.python_type is uuid.UUID and (column.primary_key or not column.foreign_keys):
        # A reference is checked by foreign_key_check: it must equal a checked key.
        glob = "".join("[0-9a-f]" if c in string.hexdigits else c for c in stored.text)
        yield f"{q} NOT GLOB '{glob}'", "{a} {table}'s {column} {value} is not an id"
    elif stored.python_type in (dt.datetime, dt.date):
        yield _bad_date(q, stored.text), "{a} {table}'s {column} {value} is not a valid date"
    elif stored.python_type is float:
        yield f"abs({q}) > {MAX_FLOAT!r}", "{a} {table}'s {column} is not a finite number"
    elif stored.python_type is int:
        yield f"{q} < 0 OR {q} > {MAX_INTEGER}", "{a} {table}'s {column} {value} is out of range"
    elif isinstance(kind, String) and kind.length is not None and stored.storage == "text":
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


def _bad_date(q: str, sample: str) -> str:
    """SQL true for a value not laid out like ``sample`` (how this build stores a date or
    timestamp) or not a real calendar date and time.

    LIKE pins the layout (digits where the sample has digits, its separators elsewhere);
    SQLite's julianday() (fast) checks the digits and ranges of month, day, hour, minute,
    second and any time-zone offset. What it lets through is refused by name: hour 24, a
    trailing "Z" where the sample ends in a digit, year 0 (which Python lacks), and
    impossible days, found by a round trip through date() with a modifier (which turns
    31 February into 3 March), done only for days 29 to 31 because it is slow.
    """
    layout = re.sub(r"\d", "_", sample)
    day = f"substr({q}, 1, 10)"
    checks = [
        f"{q} NOT LIKE '{layout}'",
        f"julianday({q}) IS NULL",
        f"substr({q}, 1, 4) = '0000'",
        f"(substr({q}, 9, 2) > '28' AND date({day}, '+0 days') IS NOT {day})",
    ]
    hour = sample.find("04:05:06")  # the samples' time of day
    if hour >= 0:
        checks.append(f"substr({q}, {hour + 1}, 2) > '23'")
    if sample[-1].isdigit():
        checks.append(f"substr({q}, {len(sample)}, 1) NOT BETWEEN '0' AND '9'")
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
    return [c.name for c in table.columns if _stored(c).storage == "text"]


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


def _json_columns() -> list[tuple[str, str]]:
    """The text columns holding JSON, and every column of a JSON type."""
    known = SQLModel.metadata.tables
    typed = [
        (table.name, column.name)
        for table in known.values()
        for column in table.columns
        if _python_type(column) in (dict, list)
    ]
    named = [(t, c) for t, c in _JSON_COLUMNS if t in known and c in known[t].columns]
    return named + [pair for pair in typed if pair not in named]


def _check_json(conn: sqlite3.Connection, file_name: str) -> None:
    for table_name, column in _json_columns():
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
    # Comma-separated text, or a JSON list where the column's type is JSON.
    as_json = _python_type(SQLModel.metadata.tables["claim"].columns["kinds"]) in (dict, list)
    for (kinds,) in conn.execute("SELECT DISTINCT kinds FROM claim"):
        try:
            listed = _loads_bounded(kinds) if as_json else kinds.split(",")
            if not isinstance(listed, list) or not all(isinstance(k, str) for k in listed):
                raise ValueError("not a list of kinds")
        except (ValueError, RecursionError) as exc:
            raise _damaged(file_name, f"a claim's kinds are unreadable ({exc})") from exc
        unknown = [k for k in listed if k and k not in _KINDS]
        if unknown:
            raise _damaged(file_name, f"a claim has an unknown kind {shown(unknown[0])}")


def _check_attachments(conn: sqlite3.Connection, file_name: str) -> None:
    for (rowid,) in conn.execute("SELECT rowid FROM attachment").fetchall():
        sha256, size, data = conn.execute(
            "SELECT sha256, size, data FROM attachment WHERE rowid = ?", (rowid,)
        ).fetchone()
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
            raise _damaged(file_name, "an attachment's bytes do not match their SHA-256")


_PROJECT_ROWS_WITHOUT_KEY = {
    "ratingscale": "a rating scale",
    "reviewer": "a reviewer",
    "changelog": "a change-log entry",
    "signature": "a signature",
}


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
    # Every row belongs to the file's project. Where project_id is no foreign key (the
    # scale and the project name each other, a circular pair; reviewers, the log and
    # signatures have none), a row of no project is checked here: merge and signing read
    # rows by project and would otherwise misread the file.
    for table, what in _PROJECT_ROWS_WITHOUT_KEY.items():
        stray = conn.execute(
            f"SELECT count(*) FROM {table} WHERE project_id NOT IN (SELECT id FROM project)"
        ).fetchone()[0]
        if stray:
            raise _damaged(file_name, f"{what} belongs to no project in the file")
    mismatched = conn.execute(
        "SELECT count(*) FROM project JOIN ratingscale ON ratingscale.id = project.scale_id "
        "WHERE ratingscale.project_id != project.id"
    ).fetchone()[0]
    if mismatched:
        raise _damaged(file_name, "the project's rating scale belongs to another project")


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
