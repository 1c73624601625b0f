"""Fast bulk inserts (detected claims, change-log rows, merges, benchmarks).

SQLAlchemy's per-value type processing costs tens of microseconds a row, which makes a
large import or merge take seconds. On SQLite the few column types Factdesk uses are
converted here once per value (timestamps shared by a whole batch are converted once)
and handed to the driver's ``executemany``; on PostgreSQL psycopg takes the Python
values as they are. The stored values are exactly those SQLAlchemy would write.
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.types import Date, Uuid

from app.models.tables import UTCDateTime


def _uuid_hex(value: Any) -> str | None:
    """How SQLAlchemy stores a UUID on SQLite: 32 lower-case hex digits."""
    try:
        return f"{value.int:032x}"
    except AttributeError:
        return None if value is None else uuid.UUID(str(value)).hex


def _sqlite_converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, Uuid):
        return _uuid_hex
    if isinstance(column_type, UTCDateTime):
        cache: dict[datetime, str] = {}

        def convert_datetime(v: datetime | None) -> str | None:
            if v is None:
                return None
            found = cache.get(v)
            if found is None:
                processed = column_type.process_bind_param(v, None)
                assert processed is not None
                found = processed.strftime("%Y-%m-%d %H:%M:%S.%f")
                cache[v] = found
            return found

        return convert_datetime
    if isinstance(column_type, Date):
        return lambda v: v.isoformat() if isinstance(v, date) else v
    return None


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts keyed by column name; every row has every column)."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), list(rows))
        return
    columns = [c for c in table.columns if c.name in rows[0]]
    names = [c.name for c in columns]
    getter = operator.itemgetter(*names)
    converters = [
        (i, conv) for i, c in enumerate(columns) if (conv := _sqlite_converter(c.type)) is not None
    ]
    values: list[Any] = []
    append = values.append
    for row in rows:
        record = list(getter(row))
        for index, conv in converters:
            record[index] = conv(record[index])
        append(tuple(record))
    quoted = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" for _ in names)
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', values)
