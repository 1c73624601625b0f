"""A read-only first look at a project file, with the standard library's sqlite3 alone.

Importing SQLAlchemy and SQLModel costs about half a second, three times what Qt needs to
put a window on screen. When the window starts with a project, it shows the project's
content from this first look at once, imports the storage stack afterwards, and then
opens the project properly (lock, checks, editing). Only the happy path is served: a
file that is not plainly a current, cleanly closed Factdesk project gets no first look
(``ProjectPeek.open`` returns None), and the full open then reports what is wrong.

The records come out exactly as the project service gives them (the same conversion
functions over the same stored values), so nothing changes on screen when the full open
replaces the first look.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from app.core import records_from_rows as convert
from app.core.records import (
    ArticleInfo,
    ArticleText,
    ClaimFilter,
    ClaimInfo,
    ProjectInfo,
    RatingScaleInfo,
)
from app.errors import FactdeskError
from app.models.fileformat import SCHEMA_VERSION, has_wal, read_header

_ARTICLE_COLUMNS = (
    "id, title, outlet, author, url, published, language, sha256, source_format, "
    "created_at, updated_at, revision"
)
_CLAIM_COLUMNS = (
    "id, article_id, start_offset, end_offset, quote, context_before, context_after, "
    "wording, claimant, kinds, score, origin, status, role, rating_id, conclusion, "
    "explanation, reviewer_id, reviewed_at, created_at, updated_at, updated_by, revision"
)
_UUID_COLUMNS = {"id", "article_id", "rating_id", "reviewer_id", "scale_id", "project_id"}
_DATETIME_COLUMNS = {"created_at", "updated_at", "reviewed_at"}


def _stored_uuid(value: str | None) -> str | None:
    """The service's form of an id (``str(uuid.UUID)``) from its stored form.

    SQLAlchemy keeps UUIDs on SQLite as 32 lower-case hex digits. Formatted by hand:
    importing :mod:`uuid` (and the :mod:`platform` module it loads) costs more than
    this whole first look.
    """
    if value is None:
        return None
    if len(value) != 32:
        raise ValueError("not a stored UUID")
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


def _stored_form(dashed: str) -> str:
    """The stored form of an id that the window passes in (dashed, as the records hold)."""
    value = dashed.replace("-", "").lower()
    if len(value) != 32:
        raise LookupError(f"no record with id {dashed}")
    return value


def _stored_datetime(value: str | None) -> datetime | None:
    # Naive UTC text (``YYYY-MM-DD HH:MM:SS.ffffff``), returned aware like UTCDateTime does.
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def _row(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> dict[str, Any]:
    names = [d[0] for d in cursor.description]
    row = dict(zip(names, values, strict=True))
    for name in names:
        if name in _UUID_COLUMNS:
            row[name] = _stored_uuid(row[name])
        elif name in _DATETIME_COLUMNS:
            row[name] = _stored_datetime(row[name])
        elif name == "published" and row[name] is not None:
            row[name] = date.fromisoformat(row[name])
    return row


class ProjectPeek:
    """Reads a project file without locking, migrating or writing it; see the module."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        conn.row_factory = _row
        project = conn.execute(
            "SELECT id, name, description, language, scale_id, created_at, updated_at "
            "FROM project ORDER BY created_at LIMIT 1"
        ).fetchone()
        if project is None:
            raise LookupError("no project in the file")
        self._project = project
        self._scale = self._read_scale(project["scale_id"])
        self._reviewers = {
            str(r["id"]): r["display_name"]
            for r in conn.execute("SELECT id, display_name FROM reviewer")
        }

    @classmethod
    def open(cls, path: Path | str) -> ProjectPeek | None:
        """A first look at ``path``, or None when only the full open can say what it holds."""
        path = Path(path)
        try:
            header = read_header(path)
        except FactdeskError:
            return None
        if header.user_version != SCHEMA_VERSION or has_wal(path):
            return None  # migration or crash recovery: the full open's business
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            conn.execute("PRAGMA trusted_schema=OFF")
            return cls(conn)
        except (sqlite3.Error, LookupError, ValueError, TypeError):
            if conn is not None:
                conn.close()
            return None

    def close(self) -> None:
        self._conn.close()

    def _read_scale(self, scale_id: str | None) -> RatingScaleInfo:
        scale = self._conn.execute(
            "SELECT id, name, best_value, worst_value FROM ratingscale WHERE id = ?",
            (_stored_form(scale_id) if scale_id else None,),
        ).fetchone()
        if scale is None:
            raise LookupError("the project's rating scale is missing")
        levels = self._conn.execute(
            "SELECT id, label, colour, value, position, description FROM ratinglevel "
            "WHERE scale_id = ?",
            (_stored_form(scale["id"]),),
        ).fetchall()
        return convert.scale_info(
            SimpleNamespace(**scale),  # type: ignore[arg-type]
            [SimpleNamespace(**level) for level in levels],  # type: ignore[misc]
        )

    # The read methods the window uses, with the project service's signatures.

    def info(self) -> ProjectInfo:
        p = self._project
        return ProjectInfo(
            id=str(p["id"]),
            name=p["name"],
            description=p["description"],
            language=p["language"],
            scale=self._scale,
            created_at=p["created_at"],
            updated_at=p["updated_at"],
        )

    def articles(self) -> list[ArticleInfo]:
        project_id = _stored_form(self._project["id"])
        counts: dict[str, dict[str, int]] = {}
        for r in self._conn.execute(
            "SELECT article_id, status, count(*) AS n FROM claim WHERE project_id = ? "
            "GROUP BY article_id, status",
            (project_id,),
        ):
            counts.setdefault(str(r["article_id"]), {})[r["status"]] = r["n"]
        rows = self._conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM article WHERE project_id = ? ORDER BY id",
            (project_id,),
        ).fetchall()
        return [convert.article_info(r, counts.get(str(r["id"]))) for r in rows]

    def article(self, article_id: str) -> ArticleInfo:
        found = [a for a in self.articles() if a.id == article_id]
        if not found:
            raise LookupError(f"no article with id {article_id}")
        return found[0]

    def article_text(self, article_id: str) -> ArticleText:
        row = self._conn.execute(
            "SELECT text, structure FROM article WHERE id = ?", (_stored_form(article_id),)
        ).fetchone()
        if row is None:
            raise LookupError(f"no article with id {article_id}")
        return ArticleText(
            id=article_id,
            text=row["text"],
            paragraphs=convert.structure_from_text(row["structure"]),
        )

    def claims(self, flt: ClaimFilter) -> list[ClaimInfo]:
        """One article's claims in position order (the only listing a first look needs)."""
        if flt.article_id is None or flt != ClaimFilter(article_id=flt.article_id):
            raise ValueError("a first look lists one article's claims, unfiltered")
        rows = self._conn.execute(
            f"SELECT {_CLAIM_COLUMNS} FROM claim WHERE article_id = ? AND project_id = ? "
            "ORDER BY start_offset, end_offset",
            (_stored_form(flt.article_id), _stored_form(self._project["id"])),
        ).fetchall()
        return [convert.claim_info(r, self._scale, self._reviewers) for r in rows]
