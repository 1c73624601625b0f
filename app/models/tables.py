"""The tables of a Factdesk project (schema version 2).

Design notes, because merge, signing and the team server all rest on this:

* Every record has a random UUID key, so projects made by different people merge
  without collisions, and the same record keeps its id in every copy of a project.
* Every record carries ``created_at``/``updated_at`` (time-zone aware, UTC) and
  ``created_by``/``updated_by`` (the display name of the reviewer who made the change);
  the change log names the reviewer by id (``ChangeLog.author_id``).
* Every editable record has a ``revision`` counter mapped as SQLAlchemy's version
  counter: an UPDATE carries ``WHERE revision = <read value>``, so a stale concurrent
  write fails instead of silently overwriting someone else's edit.
* Every row belongs to one project (``project_id``) so a PostgreSQL database can hold
  several projects and a file can be uploaded to it unchanged.
* ``ChangeLog`` records who changed which field of what, when; merge uses it as the
  common history and signatures list changed records from it.

Changing anything here means a new schema version and a migration step in
``app/models/migrations.py``; released schemas are kept as fixture files in tests.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Dialect, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import declared_attr, relationship
from sqlalchemy.types import DateTime, TypeDecorator, TypeEngine
from sqlmodel import Field, SQLModel

from app.models.ids import new_id


def utcnow() -> datetime:
    return datetime.now(UTC)


class _TimestampText(String):
    """Text holding a timestamp with its offset; declared ``DATETIME`` as in format 1."""


@compiles(_TimestampText, "sqlite")
def _declare_timestamp_text(_type: _TimestampText, _compiler: Any, **_kw: Any) -> str:
    return "DATETIME"


class UTCDateTime(TypeDecorator[datetime]):
    """Time-zone-aware timestamps, stored in UTC and returned aware.

    PostgreSQL stores them as ``timestamp with time zone``. SQLite has no such type: the
    text ``YYYY-MM-DD HH:MM:SS.ffffff+00:00`` keeps the offset with the value, and since
    every value is UTC with microseconds, text order is time order.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_TimestampText())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        if dialect.name == "sqlite":
            return _sqlite_text(value)
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        found = datetime.fromisoformat(value) if isinstance(value, str) else value
        assert isinstance(found, datetime)
        return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


@lru_cache(maxsize=256)
def _sqlite_text(value: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS.ffffff+00:00`` in UTC.

    Cached by value because a bulk insert stamps every row and every change-log entry
    with the same instant (900,000 times for the 100,000-claim bench). Equal aware
    datetimes are the same instant, so they have the same UTC text.
    """
    return value.astimezone(UTC).isoformat(sep=" ", timespec="microseconds")


def _timestamp() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Record(SQLModel):
    """Columns every table shares: id, timestamps, authors, revision counter."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    created_by: str = Field(default="", max_length=200)
    updated_by: str = Field(default="", max_length=200)
    revision: int = Field(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # The counter is set by app.models.history (one rule for inserts, updates and
        # rows put back by an undo); the ORM still guards UPDATE and DELETE with it.
        return {
            "version_id_col": cls.__table__.c.revision,  # type: ignore[attr-defined]
            "version_id_generator": False,
        }


class Project(Record, table=True):
    """One investigation: one rating scale, many articles."""

    name: str = Field(max_length=500)
    description: str = Field(default="", sa_type=Text)
    language: str = Field(default="en", max_length=35)
    scale_id: uuid.UUID | None = Field(default=None, foreign_key="ratingscale.id")


class RatingScale(Record, table=True):
    """The verdicts a project uses. No levels means a conclusion-only scale."""

    __table_args__ = (Index("ix_ratingscale_project", "project_id"),)

    project_id: uuid.UUID
    name: str = Field(max_length=200)
    preset: str | None = Field(default=None, max_length=100)
    # ClaimReview's bestRating / worstRating; None on conclusion-only scales.
    best_value: float | None = None
    worst_value: float | None = None


class RatingLevel(Record, table=True):
    """One verdict of a scale, ordered by ``position`` from best (0) to worst."""

    __table_args__ = (Index("ix_ratinglevel_scale", "scale_id", "position"),)

    scale_id: uuid.UUID = Field(foreign_key="ratingscale.id", ondelete="CASCADE")
    position: int
    label: str = Field(max_length=100)
    colour: str = Field(max_length=9)
    value: float | None = None
    description: str = Field(default="", sa_type=Text)


class Reviewer(Record, table=True):
    """A person who edits or signs: display name and, once they sign, their key."""

    # Not unique by name: two people called "Ana" are two reviewers, told apart by id.
    __table_args__ = (Index("ix_reviewer_project", "project_id", "display_name"),)

    project_id: uuid.UUID
    display_name: str = Field(max_length=200)
    key_fingerprint: str | None = Field(default=None, max_length=128)
    public_key: bytes | None = Field(default=None, sa_type=LargeBinary)


class Article(Record, table=True):
    """An imported article: normalised text, metadata and paragraph structure."""

    __table_args__ = (
        UniqueConstraint("project_id", "sha256"),
        Index("ix_article_project", "project_id", "created_at"),
    )

    project_id: uuid.UUID = Field(foreign_key="project.id", ondelete="CASCADE")
    title: str = Field(default="", max_length=1000)
    outlet: str | None = Field(default=None, max_length=500)
    author: str | None = Field(default=None, max_length=500)  # the article's byline
    url: str | None = Field(default=None, sa_type=Text)
    published: date | None = None
    language: str | None = Field(default=None, max_length=35)
    source_format: str = Field(default="text", max_length=20)
    source_name: str | None = Field(default=None, max_length=1000)
    text: str = Field(sa_type=Text)
    sha256: str = Field(max_length=64)
    # JSON list of [start, end, role]: paragraphs with their roles.
    structure: str = Field(default="[]", sa_type=Text)


class Claim(Record, table=True):
    """A statement of an article under review.

    The span is kept as offsets plus the exact quote and some context either side, so it
    can be re-anchored if the article text is re-imported.
    """

    # Covering indexes: a filter by status and/or rating reads ids in article order
    # (article ids are time-ordered) from the index alone, without touching the rows.
    __table_args__ = (
        Index("ix_claim_article_position", "article_id", "start_offset", "end_offset"),
        Index(
            "ix_claim_project_status",
            "project_id",
            "status",
            "article_id",
            "start_offset",
            "end_offset",
            "rating_id",
            "id",
        ),
        Index(
            "ix_claim_project_rating",
            "project_id",
            "rating_id",
            "article_id",
            "start_offset",
            "end_offset",
            "status",
            "id",
        ),
    )

    project_id: uuid.UUID = Field(foreign_key="project.id", ondelete="CASCADE")
    article_id: uuid.UUID = Field(foreign_key="article.id", ondelete="CASCADE")
    start_offset: int
    end_offset: int
    quote: str = Field(sa_type=Text)
    context_before: str = Field(default="", sa_type=Text)
    context_after: str = Field(default="", sa_type=Text)
    wording: str = Field(default="", sa_type=Text)
    claimant: str | None = Field(default=None, max_length=500)
    # Who the claimant is, e.g. "Brazil's trade minister" (schema 2).
    claimant_role: str | None = Field(default=None, sa_type=Text)
    # ClaimKind values as a JSON list, e.g. ["statistic", "quotation"]; a filter matches
    # the quoted value, so one kind never matches another that contains it.
    kinds: list[str] = Field(default_factory=list, sa_type=JSON)
    score: float | None = None
    origin: str = Field(default="detected", max_length=20)
    status: str = Field(default="new", max_length=20)
    role: str = Field(default="body", max_length=20)
    rating_id: uuid.UUID | None = Field(
        default=None, foreign_key="ratinglevel.id", ondelete="SET NULL"
    )
    # The verdict on conclusion-only scales (no levels), e.g. "Misleading".
    conclusion: str | None = Field(default=None, max_length=200)
    explanation: str = Field(default="", sa_type=Text)
    reviewer_id: uuid.UUID | None = Field(
        default=None, foreign_key="reviewer.id", ondelete="SET NULL"
    )
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Attachment(Record, table=True):
    """A file stored inside the project, addressed and deduplicated by its SHA-256."""

    __table_args__ = (UniqueConstraint("project_id", "sha256"),)

    project_id: uuid.UUID = Field(foreign_key="project.id", ondelete="CASCADE")
    sha256: str = Field(max_length=64)
    filename: str = Field(max_length=255)
    media_type: str = Field(default="application/octet-stream", max_length=200)
    size: int
    data: bytes = Field(sa_type=LargeBinary)


class Evidence(Record, table=True):
    """A source behind a verdict: a URL and/or an attached file, with its stance."""

    __table_args__ = (Index("ix_evidence_claim", "claim_id", "position"),)

    project_id: uuid.UUID = Field(foreign_key="project.id", ondelete="CASCADE")
    claim_id: uuid.UUID = Field(foreign_key="claim.id", ondelete="CASCADE")
    position: int = 0
    url: str | None = Field(default=None, sa_type=Text)
    title: str = Field(default="", sa_type=Text)
    publisher: str = Field(default="", max_length=500)
    accessed: date | None = None
    archive_url: str | None = Field(default=None, sa_type=Text)
    stance: str = Field(default="context", max_length=20)
    note: str = Field(default="", sa_type=Text)
    attachment_id: uuid.UUID | None = Field(
        default=None, foreign_key="attachment.id", ondelete="SET NULL"
    )


class ChangeLog(SQLModel, table=True):
    """Who changed which field of what, when. Append-only: never updated or deleted."""

    __table_args__ = (
        Index("ix_changelog_record", "record_id", "at"),
        Index("ix_changelog_project_at", "project_id", "at"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    project_id: uuid.UUID
    at: datetime = _timestamp()
    author: str = Field(default="", max_length=200)  # display name at the time
    # The Reviewer row's id: who made the change, whatever their name (schema 2).
    author_id: uuid.UUID | None = None
    table_name: str = Field(max_length=40)
    record_id: uuid.UUID
    operation: str = Field(max_length=10)  # insert | update | delete
    field: str | None = Field(default=None, max_length=60)
    old_value: str | None = Field(default=None, sa_type=Text)  # JSON
    new_value: str | None = Field(default=None, sa_type=Text)  # JSON
    record_revision: int | None = None


class Signature(SQLModel, table=True):
    """A reviewer's signature over the project's canonical content.

    The public key, its fingerprint and the signer's name travel with the file so a
    receiver can verify it; the private key never leaves the signer's keyring.
    """

    __table_args__ = (Index("ix_signature_project", "project_id", "signed_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    project_id: uuid.UUID
    signed_at: datetime = _timestamp()
    signer_name: str = Field(max_length=200)
    key_fingerprint: str = Field(max_length=128)
    public_key: bytes = Field(sa_type=LargeBinary)
    algorithm: str = Field(default="ed25519", max_length=20)
    content_sha256: str = Field(max_length=64)
    # JSON {record id: sha256 of its canonical form}: lets verify name changed records.
    manifest: str = Field(sa_type=Text)
    signature: bytes = Field(sa_type=LargeBinary)


EDITABLE_TABLES: tuple[type[Record], ...] = (
    Project,
    RatingScale,
    RatingLevel,
    Reviewer,
    Article,
    Claim,
    Attachment,
    Evidence,
)


def _order_deletes_by_foreign_keys() -> None:
    """Let the ORM delete children before their parents in one flush.

    The write path (app.models.history) deletes a parent's rows one by one, as ORM
    deletes, so each is logged. SQLAlchemy orders a flush across tables only along
    relationships; one per ON DELETE foreign key, never loaded (``passive_deletes``
    leaves the rows to the write path), gives it that order.
    """
    for child in EDITABLE_TABLES:
        table = child.__table__  # type: ignore[attr-defined]
        for fk in table.foreign_keys:
            parent = next(
                (m for m in EDITABLE_TABLES if m.__table__ is fk.column.table),  # type: ignore[attr-defined]
                None,
            )
            if parent is None or fk.ondelete is None:
                continue
            parent.__mapper__.add_property(  # type: ignore[attr-defined]
                f"_{table.name}_by_{fk.parent.name}",
                relationship(child, foreign_keys=[fk.parent], passive_deletes="all", lazy="noload"),
            )


_order_deletes_by_foreign_keys()
_ALL_TABLES: tuple[type[SQLModel], ...] = (*EDITABLE_TABLES, ChangeLog, Signature)
TABLE_BY_NAME: dict[str, type[SQLModel]] = {
    str(getattr(t, "__tablename__")): t  # noqa: B009 - typed as object by SQLModel
    for t in _ALL_TABLES
}
