"""Reading a project's records as plain rows, and their canonical, signable form.

The canonical form of a record is the UTF-8 JSON of its columns with sorted keys and no
insignificant white space; values are rendered as the change log renders them (UUIDs as
strings, dates in ISO 8601, floats by ``repr``). Two columns are replaced by digests of
their content so the form stays small: an article's ``text`` and an attachment's ``data``
(hashed from the stored bytes, never trusting the stored ``sha256`` column). The
``revision`` counter is left out: it is bookkeeping, not content.

A project's manifest maps ``"<kind>:<id>"`` to the SHA-256 of each record's canonical
form; the content digest is the SHA-256 of the manifest's canonical JSON. A signature
covers the content digest, and the manifest lets ``verify`` name what changed.

Format 2 (:data:`CANONICAL_FORMAT`) also covers the change log, so "who rated what, when"
cannot be rewritten after signing: ``"history:<record id>"`` maps to the SHA-256 of that
record's log entries (each in canonical form, ordered by entry id). Format 1 covered the
records only; signatures made with it are still checked the way they were made.

Everything here reads through SQLAlchemy's public API, inside one snapshot
(:meth:`app.models.database.Database.snapshot`) opened by the caller.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, select

from app.core.wording import plural
from app.models.history import json_value
from app.models.tables import (
    Article,
    Attachment,
    ChangeLog,
    Claim,
    Evidence,
    Project,
    RatingLevel,
    RatingScale,
    Reviewer,
)

CANONICAL_FORMAT = 2  # 1: records only; 2: records and their change log
HISTORY = "history"  # the manifest kind of a record's change-log digest

# Order matters: parents before children (merge inserts in this order).
CONTENT_MODELS: tuple[Any, ...] = (
    Project,
    RatingScale,
    RatingLevel,
    Reviewer,
    Article,
    Attachment,
    Claim,
    Evidence,
)
KINDS: tuple[str, ...] = tuple(m.__table__.name for m in CONTENT_MODELS)
BOOKKEEPING = frozenset({"revision"})
KIND_LABEL = {
    "project": "project",
    "ratingscale": "rating scale",
    "ratinglevel": "rating level",
    "reviewer": "reviewer",
    "article": "article",
    "attachment": "attachment",
    "claim": "claim",
    "evidence": "evidence",
}

# The same kinds counted in a message ("added 2 articles, 1 piece of evidence").
KIND_COUNTED = {
    "project": ("project", "projects"),
    "ratingscale": ("rating scale", "rating scales"),
    "ratinglevel": ("rating level", "rating levels"),
    "reviewer": ("reviewer", "reviewers"),
    "article": ("article", "articles"),
    "claim": ("claim", "claims"),
    "evidence": ("piece of evidence", "pieces of evidence"),
    "attachment": ("attached file", "attached files"),
}


def counted(kind: str, count: int) -> str:
    """``count`` records of ``kind`` in words that agree with the number."""
    return plural(count, *KIND_COUNTED[kind])


Row = dict[str, Any]


def sa_table(model: Any) -> Table:
    """The SQLAlchemy table of an SQLModel class (typed, for mypy)."""
    table: Table = model.__table__
    return table


def table_of(kind: str) -> Table:
    for model in CONTENT_MODELS:
        if model.__table__.name == kind:
            table: Table = model.__table__
            return table
    raise KeyError(kind)


@dataclass
class Snapshot:
    """Every content record of one project, as {kind: {id: row}}, plus its change log."""

    project_id: uuid.UUID
    records: dict[str, dict[uuid.UUID, Row]]
    changelog: dict[uuid.UUID, Row]

    def row(self, kind: str, record_id: uuid.UUID) -> Row | None:
        return self.records[kind].get(record_id)


def _project_filter(table: Table, project_id: uuid.UUID, scale_ids: list[uuid.UUID]) -> Any:
    if table.name == "project":
        return table.c.id == project_id
    if table.name == "ratinglevel":
        return table.c.scale_id.in_(scale_ids)
    return table.c.project_id == project_id


def read_snapshot(
    conn: Connection,
    project_id: uuid.UUID,
    *,
    with_data: bool = False,
    with_changelog: bool = True,
    kinds: Iterable[str] = KINDS,
) -> Snapshot:
    """Read one project's records. Attachment ``data`` is read only with ``with_data``;
    ``data_sha256`` (the digest of the stored bytes) is always filled in."""
    wanted = set(kinds)
    records: dict[str, dict[uuid.UUID, Row]] = {k: {} for k in KINDS}
    scale_ids = list(
        conn.execute(
            select(RatingScale.__table__.c.id).where(  # type: ignore[attr-defined]
                RatingScale.__table__.c.project_id == project_id  # type: ignore[attr-defined]
            )
        ).scalars()
    )
    for model in CONTENT_MODELS:
        table: Table = model.__table__
        if table.name not in wanted:
            continue
        cols = [c for c in table.c if c.name != "data"]
        query = select(*cols).where(_project_filter(table, project_id, scale_ids))
        out = records[table.name]
        for row in conn.execute(query).mappings():
            out[row["id"]] = dict(row)
        if table.name == "attachment":
            _hash_attachments(conn, table, out, keep=with_data)
    changelog: dict[uuid.UUID, Row] = {}
    if with_changelog:
        log: Table = ChangeLog.__table__  # type: ignore[attr-defined]
        for row in conn.execute(select(log).where(log.c.project_id == project_id)).mappings():
            changelog[row["id"]] = dict(row)
    return Snapshot(project_id, records, changelog)


def _hash_attachments(
    conn: Connection, table: Table, rows: dict[uuid.UUID, Row], *, keep: bool
) -> None:
    # One attachment at a time: they can be large (MAX_ATTACHMENT_BYTES each).
    for record_id, row in rows.items():
        data = conn.execute(select(table.c.data).where(table.c.id == record_id)).scalar_one()
        data = bytes(data or b"")
        row["data_sha256"] = hashlib.sha256(data).hexdigest()
        if keep:
            row["data"] = data


def _as_schema_1(kind: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A record as schema 1 stored it, which is what a format-1 signature covered.

    Schema 2 stores a claim's kinds as a list (schema 1: comma-separated text) and adds
    the claimant's role; a file signed before its migration must still verify.
    """
    out = dict(row)
    if kind == "claim":
        kinds = out.get("kinds")
        if isinstance(kinds, list):
            out["kinds"] = ",".join(str(k) for k in kinds)
        if out.get("claimant_role") is None:
            out.pop("claimant_role", None)
    return out


def canonical_record(
    kind: str, row: Mapping[str, Any], fmt: int = CANONICAL_FORMAT
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if fmt < 2:
        row = _as_schema_1(kind, row)
    for key, value in row.items():
        if key in BOOKKEEPING or key == "data_sha256":
            continue
        if kind == "article" and key == "text":
            out["text_sha256"] = hashlib.sha256(str(value).encode("utf-8")).hexdigest()
        elif kind == "attachment" and key == "data":
            continue
        else:
            out[key] = json_value(value)
    if kind == "attachment":
        out["data_sha256"] = row["data_sha256"]
    return out


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=True
    ).encode("utf-8")


def record_digest(kind: str, row: Mapping[str, Any], fmt: int = CANONICAL_FORMAT) -> str:
    return hashlib.sha256(
        kind.encode("ascii") + b"\x00" + canonical_json(canonical_record(kind, row, fmt))
    ).hexdigest()


def manifest_key(kind: str, record_id: uuid.UUID | str) -> str:
    return f"{kind}:{record_id}"


def project_manifest(snapshot: Snapshot, fmt: int = CANONICAL_FORMAT) -> dict[str, str]:
    """Digest of every record (and, from format 2, of each record's change log)."""
    manifest = {
        manifest_key(kind, record_id): record_digest(kind, row, fmt)
        for kind, rows in snapshot.records.items()
        for record_id, row in rows.items()
    }
    if fmt >= 2:
        manifest.update(history_manifest(snapshot.changelog))
    return manifest


def history_manifest(changelog: Mapping[uuid.UUID, Row]) -> dict[str, str]:
    """``"history:<record id>"`` -> SHA-256 of that record's log entries, by entry id.

    Per record rather than one digest for the whole log, so ``verify`` can say whose
    history was rewritten.
    """
    entries: dict[uuid.UUID, list[tuple[str, bytes]]] = defaultdict(list)
    for entry_id, entry in changelog.items():
        form = canonical_json({k: json_value(v) for k, v in entry.items()})
        entries[entry["record_id"]].append((str(entry_id), form))
    out = {}
    for record_id, forms in entries.items():
        digest = hashlib.sha256()
        for _entry_id, form in sorted(forms):
            digest.update(form + b"\n")
        out[manifest_key(HISTORY, record_id)] = digest.hexdigest()
    return out


def history_kinds(changelog: Mapping[uuid.UUID, Row]) -> dict[str, str]:
    """record id (as text) -> the table its log entries name, to label a history."""
    return {str(e["record_id"]): str(e["table_name"]) for e in changelog.values()}


def content_digest(
    project_id: uuid.UUID | str, manifest: Mapping[str, str], fmt: int = CANONICAL_FORMAT
) -> str:
    return hashlib.sha256(
        canonical_json({"format": fmt, "project": str(project_id), "records": dict(manifest)})
    ).hexdigest()


def record_label(kind: str, row: Mapping[str, Any] | None, limit: int = 80) -> str:
    """How to name a record to a person: a claim's wording, an article's title, ..."""
    if row is None:
        return "(no longer in the project)"
    field = {
        "project": "name",
        "ratingscale": "name",
        "ratinglevel": "label",
        "reviewer": "display_name",
        "article": "title",
        "attachment": "filename",
        "claim": "wording",
    }.get(kind)
    if kind == "evidence":
        value = row.get("title") or row.get("url") or row.get("note") or ""
    else:
        value = row.get(field or "", "") or ""
    if kind == "claim" and not value:
        value = row.get("quote") or ""
    flat = " ".join(str(value).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
