"""Fast bulk inserts (detected claims, change-log rows, server transfers, benchmarks).

SQLAlchemy's per-value type processing costs tens of microseconds a row, which makes a
large import or transfer take seconds. On SQLite the few column types Factdesk uses are
converted here, a whole column at a time (timestamps shared by a batch are converted
once), and handed to the driver; on PostgreSQL psycopg takes the Python values as they
are. The stored values are exactly those SQLAlchemy would write.

Python's ``sqlite3`` spends about a microsecond on each statement execution and a tenth
of one on each bound value, more than SQLite spends storing the row. So rows go in
several to a statement (multi-row ``VALUES``), and values shared by every row of a call
(``shared=``: the project id, the author, the timestamps of a batch) are bound once per
statement and referenced from each row by number (``?1``) instead of once per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from itertools import chain
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.types import Date, Uuid

from app.models.tables import UTCDateTime

# SQLite refuses statements with more host parameters than this (SQLITE_MAX_VARIABLE_NUMBER
# has been 32766 since 3.32; Debian's 3.40 and Python's bundled builds use the default).
_MAX_PARAMETERS = 32766
# Beyond a few dozen rows a statement the per-execution cost is already negligible, and
# long statements cost more to prepare.
_ROWS_PER_STATEMENT = 64

_HEX_DIGITS = b"0123456789abcdef"

ColumnConverter = Callable[[list[Any]], list[Any]]


def _uuid_hex(value: Any) -> str | None:
    """How SQLAlchemy stores a UUID on SQLite: 32 lower-case hex digits."""
    try:
        return f"{value.int:032x}"
    except AttributeError:
        return None if value is None else uuid.UUID(str(value)).hex


def _is_stored_hex(values: list[Any]) -> bool:
    """Whether every value is None or already in the stored form (32 lower-case hex digits)."""
    kinds = set(map(type, values))
    if str not in kinds or not kinds <= {str, type(None)}:
        return False
    present = values if len(kinds) == 1 else [v for v in values if v is not None]
    if set(map(len, present)) != {32}:
        return False
    try:
        joined = "".join(present).encode("ascii")
    except UnicodeEncodeError:
        return False
    # Deleting every hex digit leaves nothing (a fifth of the cost of a regular expression).
    return not joined.translate(None, _HEX_DIGITS)


def _uuid_column(values: list[Any]) -> list[Any]:
    if _is_stored_hex(values):
        return values  # ids made by new_hex_ids, or read back from a file: checked, kept
    try:
        return [None if v is None else format(v.int, "032x") for v in values]
    except AttributeError:  # other text: parse it, which also checks it
        return [_uuid_hex(v) for v in values]


def _datetime_column(column_type: UTCDateTime) -> ColumnConverter:
    def convert(values: list[Any]) -> list[Any]:
        # Rows of one batch usually share a few timestamps: convert each distinct one once.
        cache: dict[datetime, str] = {}
        out: list[Any] = []
        append = out.append
        for v in values:
            if v is None:
                append(None)
                continue
            found = cache.get(v)
            if found is None:
                processed = column_type.process_bind_param(v, None)
                assert processed is not None
                found = processed.strftime("%Y-%m-%d %H:%M:%S.%f")
                cache[v] = found
            append(found)
        return out

    return convert


def _date_column(values: list[Any]) -> list[Any]:
    return [v.isoformat() if isinstance(v, date) else v for v in values]


def _sqlite_converter(column_type: Any) -> ColumnConverter | None:
    if isinstance(column_type, Uuid):
        return _uuid_column
    if isinstance(column_type, UTCDateTime):
        return _datetime_column(column_type)
    if isinstance(column_type, Date):
        return _date_column
    return None


def _converted(table: Table, name: str, values: list[Any]) -> list[Any]:
    converter = _sqlite_converter(table.c[name].type)
    return values if converter is None else converter(values)


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (mappings keyed by column name; every row has the same columns)."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [dict(r) for r in rows])
        return
    names = [c.name for c in table.columns if c.name in rows[0]]
    columns = [_converted(table, n, list(map(itemgetter(n), rows))) for n in names]
    _sqlite_insert(conn, table, names, list(zip(*columns, strict=True)), {})


def bulk_insert_rows(
    conn: Connection,
    table: Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    shared: Mapping[str, Any] | None = None,
) -> None:
    """Insert ``rows`` given as sequences of values in the order of ``names``.

    ``shared`` holds the values of the columns that are the same in every row (they are
    not repeated in ``rows``). Values are those the ORM takes (UUIDs, aware datetimes);
    ids may also be given as :func:`~app.models.ids.new_hex_ids` makes them.
    """
    if not rows:
        return
    if not names:
        raise ValueError("bulk_insert_rows: name at least one column that varies by row.")
    shared = dict(shared or {})
    if set(map(len, rows)) != {len(names)}:
        raise ValueError(f"bulk_insert_rows: every row needs exactly {len(names)} values.")
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [{**dict(zip(names, r, strict=True)), **shared} for r in rows])
        return
    for name in (*names, *shared):
        if name not in table.c:
            raise ValueError(f"{table.name} has no column {name!r}.")
    # Only the columns that need converting are taken apart; rows already in stored form
    # (text, numbers, hex ids) go to the driver as they are.
    changed: dict[int, list[Any]] = {}
    for index, name in enumerate(names):
        if _sqlite_converter(table.c[name].type) is not None:
            values = list(map(itemgetter(index), rows))
            converted = _converted(table, name, values)
            if converted is not values:
                changed[index] = converted
    if changed:
        columns = [changed.get(i) or list(map(itemgetter(i), rows)) for i in range(len(names))]
        rows = list(zip(*columns, strict=True))
    converted_shared = {n: _converted(table, n, [v])[0] for n, v in shared.items()}
    _sqlite_insert(conn, table, list(names), rows, converted_shared)


def _sqlite_insert(
    conn: Connection,
    table: Table,
    names: list[str],
    rows: Sequence[Sequence[Any]],
    shared: dict[str, Any],
) -> None:
    """Insert ``rows`` (values in SQLite's stored form, in the order of ``names``), each
    completed by the ``shared`` values."""
    width = len(names)
    count = len(rows)
    shared_names = list(shared)
    per_statement = max(1, min(_ROWS_PER_STATEMENT, (_MAX_PARAMETERS - len(shared)) // width))
    shared_values = tuple(shared[n] for n in shared_names)
    quoted = ", ".join(f'"{n}"' for n in (*names, *shared_names))
    head = f'INSERT INTO "{table.name}" ({quoted}) VALUES '

    def statement(rows: int) -> str:
        # ?1..?k are the shared values, bound once; each row then numbers its own values.
        tail = [f"?{i + 1}" for i in range(len(shared_names))]
        first = len(shared_names) + 1
        return head + ", ".join(
            "(" + ", ".join([f"?{first + r * width + i}" for i in range(width)] + tail) + ")"
            for r in range(rows)
        )

    def chunks(step: int, start: int, stop: int) -> Iterator[tuple[Any, ...]]:
        # Each statement's values in one tuple, taken straight from its rows.
        for begin in range(start, stop, step):
            yield shared_values + tuple(chain.from_iterable(rows[begin : begin + step]))

    full = count - count % per_statement
    if full:
        conn.exec_driver_sql(statement(per_statement), list(chunks(per_statement, 0, full)))
    if full < count:
        rest = count - full
        conn.exec_driver_sql(statement(rest), list(chunks(rest, full, count)))
