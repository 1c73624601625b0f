"""Where the library of known verdicts is kept, and its full-text search.

On a laptop the library is one SQLite file in the platform's data folder with an FTS5
index; on a team server it is a pair of tables in the desk's PostgreSQL database, searched
with PostgreSQL's own full-text search (a generated ``tsvector`` column with a GIN index).
The library never lives in a project file: projects stay small and their schema exact.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Computed,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import StaticPool

from app.core.errors import ValidationError
from app.core.matching.items import ImportReport, LibraryStats, ReviewItem, SkippedItem
from app.core.matching.readers import Entry, read_collection
from app.core.paths import user_data_dir

if TYPE_CHECKING:
    from app.models.database import Database

LIBRARY_FILE_NAME = "library.sqlite3"
# Marks the file as a Factdesk library ("FDLB"), so a project is never taken for one.
LIBRARY_APPLICATION_ID = 0x46444C42
BATCH = 5000
ITEM_FIELDS = (
    "item_id",
    "claim",
    "title",
    "subtitle",
    "rating",
    "publisher",
    "speaker",
    "date",
    "url",
    "origin",
)
_SAFE_TERM = re.compile(r"[\W_]+")
# FTS5 scores every document that holds any query word (about 1 µs each): the rarest words
# are kept until the documents holding them reach this many, the common ones left out
# (they weigh little in BM25 and the re-ranking still sees every word).
POSTINGS_BUDGET = 20_000
MIN_TERMS = 3

Progress = Callable[[int, int], None]  # (items done, items in this file or 0 if unknown)
Cancelled = Callable[[], bool]


def default_library_path() -> Path:
    """The library of known verdicts: ``$FACTDESK_LIBRARY``, else the platform's data folder.

    The variable lets a demonstration (``make run``'s sample reviews) or a second desk use
    a library of its own without touching the one a fact-checker relies on.
    """
    chosen = os.environ.get("FACTDESK_LIBRARY", "").strip()
    return Path(chosen) if chosen else user_data_dir() / LIBRARY_FILE_NAME


def _tables(kind: str) -> tuple[MetaData, Table, Table]:
    metadata = MetaData()
    columns: list[Any] = [
        Column("n", Integer, primary_key=True, autoincrement=True),
        Column("key", String(32), nullable=False, unique=True),
        *(Column(name, Text, nullable=name != "claim") for name in ITEM_FIELDS),
        Column("imported_at", String(32), nullable=False),
    ]
    if kind == "postgresql":
        document = (
            "to_tsvector('english'::regconfig, coalesce(claim, '') || ' ' || "
            "coalesce(title, '') || ' ' || coalesce(subtitle, ''))"
        )
        columns.append(Column("search", TSVECTOR, Computed(document, persisted=True)))
    review = Table("library_review", metadata, *columns)
    if kind == "postgresql":
        Index("library_review_search", review.c.search, postgresql_using="gin")
    dismissal = Table(
        "library_dismissal",
        metadata,
        Column("claim_id", String(64), primary_key=True),
        Column("item_id", Text, primary_key=True),
        Column("at", String(32), nullable=False),
    )
    return metadata, review, dismissal


@dataclass(frozen=True, slots=True)
class Candidate:
    """A library item found by full-text search, with its text-search score (higher is
    better; only comparable within one search)."""

    item: ReviewItem
    text_score: float


class LibraryStore:
    """The library of known verdicts: import collections, count them, search them.

    Safe to use from a worker thread; each call opens its own short connection.
    """

    def __init__(self, engine: Engine, kind: str, location: str) -> None:
        self.engine = engine
        self.kind = kind
        self.location = location
        self._metadata, self.review, self.dismissal = _tables(kind)
        with engine.begin() as conn:
            self._metadata.create_all(conn)
            if kind == "sqlite":
                conn.execute(
                    text(
                        "CREATE VIRTUAL TABLE IF NOT EXISTS library_review_fts USING fts5("
                        "claim, title, subtitle, content='library_review', content_rowid='n', "
                        "tokenize='unicode61 remove_diacritics 2')"
                    )
                )
                # Document frequencies of the index's terms, to leave out of a query the
                # words so common that scoring every document holding them is slow.
                conn.execute(
                    text(
                        "CREATE VIRTUAL TABLE IF NOT EXISTS library_review_vocab "
                        "USING fts5vocab(library_review_fts, 'row')"
                    )
                )

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def open_file(cls, path: Path | str | None = None) -> LibraryStore:
        """The library file at ``path`` (default: the one in the platform's data folder),
        created when missing. A file that is not a library is refused, unchanged."""
        path = Path(path) if path is not None else default_library_path()
        if path.exists():
            _check_library_file(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 10}
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA application_id={LIBRARY_APPLICATION_ID}")
            cursor.close()

        try:
            return cls(engine, "sqlite", str(path))
        except (OperationalError, DatabaseError) as exc:
            engine.dispose()
            raise ValidationError(
                f"{path.name}: cannot be used as a library ({exc.orig})."
            ) from exc

    @classmethod
    def in_memory(cls, label: str = "open project") -> LibraryStore:
        """A throw-away library (the open project's own verdicts, tests)."""
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
        return cls(engine, "sqlite", label)

    @classmethod
    def open_server(cls, url: str) -> LibraryStore:
        """The desk's library on its PostgreSQL server (the same database as its projects)."""
        from app.core.server.connection import open_server_for_cli

        return cls.on_server(open_server_for_cli(url))

    @classmethod
    def on_server(cls, db: Database) -> LibraryStore:
        """The library in the server database ``db`` is connected to. Opening it reaches
        the server: one that is not answering is a typed one-line error, never a driver's."""
        from app.models.database import translate_storage_errors

        with translate_storage_errors(db):
            return cls(db.engine, "postgresql", db.label)

    def close(self) -> None:
        self.engine.dispose()

    # --- importing ----------------------------------------------------------------------

    def import_files(
        self,
        paths: Sequence[Path],
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ImportReport:
        """Import collections; a file that cannot be read at all is one skipped entry."""
        report = ImportReport()
        for path in paths:
            if cancelled is not None and cancelled():
                report.cancelled = True
                break
            try:
                self.add_entries(
                    read_collection(path),
                    report,
                    progress=progress,
                    cancelled=cancelled,
                    source=path.name,
                )
            except ValidationError as exc:
                report.skipped.append(SkippedItem(path.name, "whole file", exc.message))
            report.files += 1
            if report.cancelled:
                break
        return report

    def add_entries(
        self,
        entries: Iterable[Entry],
        report: ImportReport | None = None,
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        source: str = "",
    ) -> ImportReport:
        """Add items in batches, each committed on its own: cancelling keeps what is done,
        and importing again completes the rest without duplicates."""
        report = report if report is not None else ImportReport()
        batch: list[ReviewItem] = []
        done = 0
        for position, entry in entries:
            if isinstance(entry, str):
                report.skipped.append(SkippedItem(source or "input", position, entry))
                continue
            batch.append(entry)
            if len(batch) >= BATCH:
                self._insert(batch, report)
                done += len(batch)
                batch = []
                if progress is not None:
                    progress(done, 0)
                if cancelled is not None and cancelled():
                    report.cancelled = True
                    return report
        if batch:
            self._insert(batch, report)
            done += len(batch)
        if progress is not None:
            progress(done, done)
        return report

    def add_items(self, items: Iterable[ReviewItem]) -> ImportReport:
        return self.add_entries((f"item {i}", item) for i, item in enumerate(items, 1))

    def _insert(self, items: list[ReviewItem], report: ImportReport) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [
            {
                "key": item.key(),
                "item_id": item.public_id(),
                "claim": item.claim,
                "title": item.title,
                "subtitle": item.subtitle,
                "rating": item.rating,
                "publisher": item.publisher,
                "speaker": item.speaker,
                "date": item.date,
                "url": item.url,
                "origin": item.origin,
                "imported_at": now,
            }
            for item in items
        ]
        insert = sqlite_insert if self.kind == "sqlite" else pg_insert
        statement = insert(self.review).on_conflict_do_nothing(index_elements=["key"])
        with self.engine.begin() as conn:
            last = conn.execute(select(func.coalesce(func.max(self.review.c.n), 0))).scalar_one()
            conn.execute(statement, rows)
            added = conn.execute(
                select(func.count()).select_from(self.review).where(self.review.c.n > last)
            ).scalar_one()
            if self.kind == "sqlite" and added:
                conn.execute(
                    text(
                        "INSERT INTO library_review_fts(rowid, claim, title, subtitle) "
                        "SELECT n, claim, coalesce(title, ''), coalesce(subtitle, '') "
                        "FROM library_review WHERE n > :last"
                    ),
                    {"last": last},
                )
        report.added += added
        report.already_present += len(rows) - added

    # --- reading ------------------------------------------------------------------------

    def stats(self) -> LibraryStats:
        r = self.review.c
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(self.review)).scalar_one()
            publishers = {
                name or "(unknown)": n
                for name, n in conn.execute(
                    select(r.publisher, func.count()).group_by(r.publisher)
                ).tuples()
            }
            origins = {
                name or "(unknown)": n
                for name, n in conn.execute(
                    select(r.origin, func.count()).group_by(r.origin)
                ).tuples()
            }
            iso = r.date.like("____-__-__")
            oldest, newest = conn.execute(
                select(func.min(r.date), func.max(r.date)).where(iso)
            ).one()
        return LibraryStats(total, publishers, origins, self.location, oldest, newest)

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(self.review)).scalar_one())

    def frequencies(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
        """How many items the library holds, and in how many of them each term occurs.

        (0, {}) on PostgreSQL, where counting would cost more than the search itself.
        """
        safe = _safe_terms(terms)
        if self.kind != "sqlite" or not safe:
            return 0, {}
        params = {f"t{i}": t for i, t in enumerate(safe)}
        placeholders = ", ".join(f":{name}" for name in params)
        with self.engine.connect() as conn:
            # Rows are never deleted, so the largest row number is the count, found in an
            # index lookup instead of a scan.
            total = conn.execute(select(func.coalesce(func.max(self.review.c.n), 0))).scalar_one()
            found = {
                term: int(doc)
                for term, doc in conn.execute(
                    text(
                        f"SELECT term, doc FROM library_review_vocab WHERE term IN ({placeholders})"
                    ),
                    params,
                )
            }
        return int(total), found

    def search(
        self, terms: Sequence[str], limit: int, frequencies: dict[str, int] | None = None
    ) -> list[Candidate]:
        """The ``limit`` items that best match any of ``terms`` (BM25 in SQLite's FTS5,
        ``ts_rank`` in PostgreSQL), best first. ``frequencies``: from :meth:`frequencies`
        when the caller has them already."""
        safe = _safe_terms(terms)
        if not safe or limit <= 0:
            return []
        with self.engine.connect() as conn:
            if self.kind == "sqlite":
                if frequencies is None:
                    frequencies = self.frequencies(safe)[1]
                query = " OR ".join(f'"{t}"' for t in _affordable(safe, frequencies))
                found = conn.execute(
                    text(
                        "SELECT rowid, -bm25(library_review_fts, 1.0, 0.8, 0.4) AS s "
                        "FROM library_review_fts WHERE library_review_fts MATCH :q "
                        "ORDER BY bm25(library_review_fts, 1.0, 0.8, 0.4) LIMIT :k"
                    ),
                    {"q": query, "k": limit},
                ).all()
            else:
                found = conn.execute(
                    text(
                        "SELECT n, ts_rank(search, q) AS s FROM library_review, "
                        "to_tsquery('english', :q) q WHERE search @@ q "
                        "ORDER BY s DESC LIMIT :k"
                    ),
                    {"q": " | ".join(safe), "k": limit},
                ).all()
            if not found:
                return []
            scores = {int(n): float(s) for n, s in found}
            rows = (
                conn.execute(select(self.review).where(self.review.c.n.in_(list(scores))))
                .mappings()
                .all()
            )
        by_n = {int(row["n"]): row for row in rows}
        return [Candidate(_item(by_n[n]), scores[n]) for n in scores if n in by_n]

    def items(self, ids: Sequence[str]) -> list[ReviewItem]:
        with self.engine.connect() as conn:
            rows = (
                conn.execute(select(self.review).where(self.review.c.item_id.in_(list(ids))))
                .mappings()
                .all()
            )
        return [_item(row) for row in rows]

    # --- "not the same claim" -----------------------------------------------------------

    def dismiss(self, claim_id: str, item_id: str) -> None:
        """Remember that ``item_id`` is not the same claim as ``claim_id``."""
        insert = sqlite_insert if self.kind == "sqlite" else pg_insert
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.engine.begin() as conn:
            conn.execute(
                insert(self.dismissal)
                .values(claim_id=claim_id, item_id=item_id, at=now)
                .on_conflict_do_nothing()
            )

    def undismiss(self, claim_id: str, item_id: str) -> None:
        d = self.dismissal.c
        with self.engine.begin() as conn:
            conn.execute(
                self.dismissal.delete().where(d.claim_id == claim_id, d.item_id == item_id)
            )

    def dismissed(self, claim_ids: Sequence[str]) -> dict[str, set[str]]:
        """For each claim id, the library items marked "not the same claim"."""
        found: dict[str, set[str]] = {}
        if not claim_ids:
            return found
        d = self.dismissal.c
        with self.engine.connect() as conn:
            for claim_id, item_id in conn.execute(
                select(d.claim_id, d.item_id).where(d.claim_id.in_(list(claim_ids)))
            ):
                found.setdefault(claim_id, set()).add(item_id)
        return found


def _safe_terms(terms: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t for t in (_SAFE_TERM.sub("", x.lower()) for x in terms) if t))


def _affordable(terms: list[str], frequency: dict[str, int]) -> list[str]:
    """The rarest of ``terms`` within :data:`POSTINGS_BUDGET` (words not in the index cost
    nothing and are kept)."""
    kept: list[str] = []
    postings = 0
    for term in sorted(terms, key=lambda t: frequency.get(t, 0)):
        postings += frequency.get(term, 0)
        if postings > POSTINGS_BUDGET and len(kept) >= MIN_TERMS:
            break
        kept.append(term)
    return kept


def _item(row: Any) -> ReviewItem:
    return ReviewItem(
        claim=row["claim"],
        id=row["item_id"],
        title=row["title"],
        subtitle=row["subtitle"],
        rating=row["rating"],
        publisher=row["publisher"],
        speaker=row["speaker"],
        date=row["date"],
        url=row["url"],
        origin=row["origin"],
    )


def _check_library_file(path: Path) -> None:
    """Refuse, without writing, a file that is not a library (a project, another file)."""
    if not path.is_file():
        raise ValidationError(f"{path}: not a file.")
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) == 0:
        return  # an empty file: SQLite makes a database of it
    if not header.startswith(b"SQLite format 3\x00") or len(header) < 100:
        raise ValidationError(f"{path.name}: not a Factdesk library file.")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id not in (0, LIBRARY_APPLICATION_ID):
        raise ValidationError(
            f"{path.name}: this is not a library file (a Factdesk project or another "
            "application's database); name another file with --library."
        )
    if application_id == 0:  # never marked: only an empty database may become a library
        uri = "file:" + str(path.resolve()) + "?mode=ro"
        try:
            with closing(sqlite3.connect(uri, uri=True)) as conn:
                names = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
        except sqlite3.Error as exc:
            raise ValidationError(f"{path.name}: not a Factdesk library file ({exc}).") from exc
        if names and "library_review" not in names:
            raise ValidationError(f"{path.name}: another application's database, not a library.")
