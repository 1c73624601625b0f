"""Project service: evidence and attachments of claims."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.core import records_from_rows as from_rows
from app.core.errors import (
    NotFoundError,
    ValidationError,
)
from app.core.project.store import MAX_ATTACHMENT_BYTES, ProjectStore, apply, as_uuid
from app.core.records import (
    AttachmentInfo,
    Changes,
    EvidenceInfo,
    Stance,
)
from app.core.validation import iso_date_or_none, single_line, web_url_or_none
from app.core.wording import quoted
from app.models.tables import (
    Attachment,
    Claim,
    Evidence,
)

_EVIDENCE_FIELDS = {
    "url",
    "title",
    "publisher",
    "accessed",
    "archive_url",
    "stance",
    "note",
    "attachment_id",
    "position",
}


class EvidenceOps:
    """The evidence of claims and the files attached to a project."""

    def __init__(self, store: ProjectStore) -> None:
        self.store = store

    def _clean_evidence(self, fields: dict[str, Any]) -> dict[str, Any]:
        unknown = set(fields) - _EVIDENCE_FIELDS
        if unknown:
            raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} of evidence.")
        clean = dict(fields)
        if "url" in clean:
            clean["url"] = web_url_or_none(clean["url"], "evidence link")
        if "archive_url" in clean:
            clean["archive_url"] = web_url_or_none(clean["archive_url"], "archive link")
        if "accessed" in clean:
            clean["accessed"] = iso_date_or_none(clean["accessed"], "access date")
        if "stance" in clean:
            try:
                clean["stance"] = Stance(clean["stance"]).value
            except ValueError as exc:
                raise ValidationError(
                    f"stance must be supports, refutes or context, not {quoted(clean['stance'])}."
                ) from exc
        for name in ("title", "publisher"):
            if name in clean:
                clean[name] = single_line(clean[name], name, 2000) or ""
        if "note" in clean:
            clean["note"] = (clean["note"] or "").strip()
        if "attachment_id" in clean and clean["attachment_id"] is not None:
            clean["attachment_id"] = as_uuid(clean["attachment_id"], "attachment")
        return clean

    def add_evidence(
        self,
        claim_id: str,
        *,
        url: str | None = None,
        title: str = "",
        publisher: str = "",
        accessed: date | str | None = None,
        archive_url: str | None = None,
        stance: Stance | str = Stance.CONTEXT,
        note: str = "",
        attachment_id: str | None = None,
    ) -> tuple[EvidenceInfo, Changes]:
        clean = self._clean_evidence(
            {
                "url": url,
                "title": title,
                "publisher": publisher,
                "accessed": accessed if accessed is not None else date.today(),
                "archive_url": archive_url,
                "stance": stance,
                "note": note,
                "attachment_id": attachment_id,
            }
        )
        if clean["url"] is None and clean["attachment_id"] is None and not clean["note"]:
            raise ValidationError("evidence needs a link, an attached file or a note.")
        with self.store.write() as s:
            claim = self.store.get(s, Claim, claim_id, "claim")
            if clean["attachment_id"] is not None:
                self.store.get(s, Attachment, clean["attachment_id"], "attachment")
            position = s.execute(
                select(func.coalesce(func.max(col(Evidence.position)), -1) + 1).where(
                    col(Evidence.claim_id) == claim.id
                )
            ).scalar_one()
            row = Evidence(
                project_id=self.store.project_id,
                claim_id=claim.id,
                position=position,
                **clean,
            )
            s.add(row)
        info = self.evidence(str(row.id))
        return info, Changes(evidence=frozenset({info.id}), claims=frozenset({claim_id}))

    def insert(self, s: Session, claim_id: uuid.UUID, ev: EvidenceInfo) -> None:
        row = Evidence(
            id=as_uuid(ev.id, "evidence"),
            project_id=self.store.project_id,
            claim_id=claim_id,
            position=ev.position,
            url=ev.url,
            title=ev.title,
            publisher=ev.publisher,
            accessed=ev.accessed,
            archive_url=ev.archive_url,
            stance=ev.stance.value,
            note=ev.note,
            attachment_id=as_uuid(ev.attachment.id, "attachment") if ev.attachment else None,
        )
        s.add(row)

    def for_claims(
        self, s: Session, claim_ids: list[uuid.UUID] | None
    ) -> dict[str, list[EvidenceInfo]]:
        """{claim id: its evidence in order} for ``claim_ids`` (None: the whole project)."""
        table = Evidence.__table__  # type: ignore[attr-defined]
        # The columns a record holds (a report reads 30,000 rows: no unused conversions).
        cols = [c for c in table.c if c.name not in ("project_id", "created_at", "created_by")]
        query = select(*cols).where(table.c.project_id == self.store.project_id)
        if claim_ids is not None:
            query = query.where(table.c.claim_id.in_(claim_ids))
        rows = (
            s.execute(query.order_by(table.c.claim_id, table.c.position, table.c.created_at))
            .mappings()
            .all()
        )
        attachment_ids = {r["attachment_id"] for r in rows if r["attachment_id"] is not None}
        attachments: dict[Any, AttachmentInfo] = {}
        if attachment_ids:
            atable = Attachment.__table__  # type: ignore[attr-defined]
            cols = [c for c in atable.c if c.name != "data"]
            for a in s.execute(select(*cols).where(atable.c.id.in_(attachment_ids))).mappings():
                attachments[a["id"]] = from_rows.attachment_info(a)
        found: dict[str, list[EvidenceInfo]] = {}
        for r in rows:
            found.setdefault(str(r["claim_id"]), []).append(
                from_rows.evidence_info(r, attachments.get(r["attachment_id"]))
            )
        return found

    def evidence(self, evidence_id: str) -> EvidenceInfo:
        with self.store.read() as s:
            return self._info(s, self.store.get(s, Evidence, evidence_id, "evidence"))

    def _info(self, s: Session, row: Evidence) -> EvidenceInfo:
        """``row`` as a record, read in ``s`` (an edit returns exactly what it wrote)."""
        for item in self.for_claims(s, [row.claim_id]).get(str(row.claim_id), []):
            if item.id == str(row.id):
                return item
        raise NotFoundError(f"no evidence with id {row.id}.")

    def update_evidence(
        self, /, evidence_id: str, *, expected_revision: int | None = None, **fields: Any
    ) -> tuple[EvidenceInfo, Changes]:
        clean = self._clean_evidence(fields)
        with self.store.write() as s:
            row = self.store.get(s, Evidence, evidence_id, "evidence", expected_revision)
            apply(row, clean)
            s.flush()
            info = self._info(s, row)
        return info, Changes(evidence=frozenset({evidence_id}), claims=frozenset({info.claim_id}))

    def remove_evidence(
        self, evidence_id: str, *, expected_revision: int | None = None
    ) -> tuple[EvidenceInfo, Changes]:
        """Remove an evidence item; returns it so an undo can put it back."""
        with self.store.write() as s:
            row = self.store.get(s, Evidence, evidence_id, "evidence", expected_revision)
            before = self._info(s, row)
            s.delete(row)
        return before, Changes(
            evidence=frozenset({evidence_id}), claims=frozenset({before.claim_id})
        )

    def reinsert_evidence(self, info: EvidenceInfo) -> Changes:
        with self.store.write() as s:
            claim = self.store.get(s, Claim, info.claim_id, "claim")
            self.insert(s, claim.id, info)
        return Changes(evidence=frozenset({info.id}), claims=frozenset({info.claim_id}))

    def store_attachment(
        self, data: bytes, filename: str, media_type: str = "application/octet-stream"
    ) -> AttachmentInfo:
        """Store a file in the project, once per content (deduplicated by SHA-256)."""
        from app.core.attachments import safe_filename

        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                f"{safe_filename(filename)} is larger than the "
                f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB limit for an attached file."
            )
        sha256 = hashlib.sha256(data).hexdigest()
        name = safe_filename(filename)
        with self.store.write() as s:
            found = s.execute(
                select(col(Attachment.id)).where(
                    col(Attachment.project_id) == self.store.project_id,
                    col(Attachment.sha256) == sha256,
                )
            ).scalar_one_or_none()
            if found is None:
                row = Attachment(
                    project_id=self.store.project_id,
                    sha256=sha256,
                    filename=name,
                    media_type=media_type[:200],
                    size=len(data),
                    data=data,
                    created_by=self.store.author,
                    updated_by=self.store.author,
                )
                s.add(row)
                found = row.id
        with self.store.read() as s:
            stored = s.get(Attachment, found)
            assert stored is not None
            row = stored
            return AttachmentInfo(
                id=str(row.id),
                sha256=row.sha256,
                filename=row.filename,
                media_type=row.media_type,
                size=row.size,
            )

    def attach_file(self, path: Path | str) -> AttachmentInfo:
        import mimetypes

        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_ATTACHMENT_BYTES:
                raise ValidationError(
                    f"{path.name} is larger than the "
                    f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB limit."
                )
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return self.store_attachment(data, path.name, media_type)

    def attachment_data(self, attachment_id: str) -> tuple[AttachmentInfo, bytes]:
        with self.store.read() as s:
            row = self.store.get(s, Attachment, attachment_id, "attachment")
            return from_rows.attachment_info(row.__dict__), bytes(row.data)
