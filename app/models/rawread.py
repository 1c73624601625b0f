"""Fast reads of many rows: driver-level results with cheap, exact conversions.

SQLAlchemy's result processing converts every UUID and timestamp through generic type
processors (a few microseconds a value), which makes reading 10,000 claims and 30,000
evidence rows cost about a second. For bulk reads (reports, signatures, merges) the query
is still built and its parameters bound by SQLAlchemy, but the rows come straight from
the driver and only the columns a caller needs are converted, by the functions here:

* on SQLite, UUIDs arrive as 32-character hex text and timestamps as naive UTC text
  (``YYYY-MM-DD HH:MM:SS.ffffff``); the converters parse the common forms directly and
  hand anything unusual to SQLAlchemy's own processors, so the values are exactly those
  an ORM read would give (or the same error);
* on PostgreSQL psycopg already returns ``uuid.UUID``, ``datetime`` and ``date``; the same
  converters accept those.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable
from sqlalchemy.types import Date, DateTime

_HEX_DIGITS = "0123456789abcdef"  # what SQLAlchemy writes: uuid.hex
# The forms SQLAlchemy writes on SQLite; anything else goes through its own processors.
_STORED_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")
_STORED_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def driver_rows(conn: Connection, query: Executable) -> list[tuple[Any, ...]]:
    """Run ``query`` and return its rows as the driver gives them (no type processing).

    Bound parameters are processed as SQLAlchemy would (a UUID in a WHERE clause becomes
    hex text on SQLite); ``IN`` lists are rendered in place.
    """
    compiled = query.compile(  # type: ignore[attr-defined]
        dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    processors = compiled._bind_processors
    sql = str(compiled)
    expanding = {name for name, bind in compiled.binds.items() if bind.expanding}
    values: Any
    if compiled.positional:
        positional = []
        for name in compiled.positiontup:
            value = params[name]
            processor = _processor(processors, expanding, name)
            positional.append(processor(value) if processor else value)
        values = tuple(positional)
    else:
        values = {}
        for name, value in params.items():
            processor = _processor(processors, expanding, name)
            values[name] = processor(value) if processor else value
    # The DB-API cursor of the connection's current transaction: plain tuples, no Row
    # objects. Driver errors are wrapped as SQLAlchemy would wrap them, so callers'
    # error translation (damaged files, locked databases) sees the usual exceptions.
    dbapi_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql, values)
        rows: list[tuple[Any, ...]] = list(cursor.fetchall())
    except dbapi_error as exc:
        raise DBAPIError.instance(sql, values, exc, dbapi_error) from exc
    finally:
        cursor.close()
    return rows


def _processor(processors: dict[str, Any], expanding: set[str], name: str) -> Any:
    found = processors.get(name)
    if found is None:
        base = name.rsplit("_", 1)[0]
        if base in expanding:  # a value of an expanded IN list, named "<name>_<n>"
            found = processors.get(base)
    return found


class Converters:
    """Value converters for one dialect; each maps a driver value to the ORM's value.

    Timestamp and date converters remember the strings they have parsed (a bulk import
    gives thousands of rows one timestamp), so make one instance per read.
    """

    def __init__(self, dialect: Any) -> None:
        self.dialect = dialect
        self._datetime_processor: Callable[[Any], Any] | None = (
            DateTime().dialect_impl(dialect).result_processor(dialect, None)
        )
        self._date_processor: Callable[[Any], Any] | None = (
            Date().dialect_impl(dialect).result_processor(dialect, None)
        )
        self._datetimes: dict[Any, datetime] = {}
        self._dates: dict[Any, date] = {}

    @staticmethod
    def uuid_text(value: Any) -> str | None:
        """The canonical ``8-4-4-4-12`` text of a UUID value (``str(uuid.UUID(...))``)."""
        if value is None:
            return None
        if isinstance(value, str) and len(value) == 32 and not value.strip(_HEX_DIGITS):
            return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
        if isinstance(value, uuid.UUID):
            return str(value)
        return str(uuid.UUID(value))

    @staticmethod
    def uuid_value(value: Any) -> uuid.UUID | None:
        """A ``uuid.UUID`` (what SQLAlchemy's ``Uuid`` type returns)."""
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(value)

    def utc(self, value: Any) -> datetime | None:
        """An aware UTC datetime, as :class:`app.models.tables.UTCDateTime` returns it."""
        if value is None:
            return None
        found = self._datetimes.get(value)
        if found is not None:
            return found
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, str) and _STORED_DATETIME.fullmatch(value):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = self._sa_datetime(value)
        else:
            parsed = self._sa_datetime(value)
        found = parsed.replace(tzinfo=UTC)
        self._datetimes[value] = found
        return found

    def _sa_datetime(self, value: Any) -> datetime:
        out = self._datetime_processor(value) if self._datetime_processor else value
        if not isinstance(out, datetime):
            raise ValueError(f"not a timestamp: {value!r}")
        return out

    def day(self, value: Any) -> date | None:
        """A ``date`` (SQLAlchemy's ``Date``)."""
        if value is None:
            return None
        found = self._dates.get(value)
        if found is not None:
            return found
        if isinstance(value, date):
            found = value
        elif isinstance(value, str) and _STORED_DATE.fullmatch(value):
            try:
                found = date.fromisoformat(value)
            except ValueError:
                found = self._sa_date(value)
        else:
            found = self._sa_date(value)
        self._dates[value] = found
        return found

    def _sa_date(self, value: Any) -> date:
        out = self._date_processor(value) if self._date_processor else value
        if not isinstance(out, date):
            raise ValueError(f"not a date: {value!r}")
        return out
