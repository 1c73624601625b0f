"""Signing a project with the reviewer's Ed25519 key, and verifying a signed project.

What is signed: the canonical content digest (:mod:`app.core.sharing.canonical`) of the
project's articles, claims, ratings, explanations, evidence, attachments (hashed from
their stored bytes), rating scale and reviewers, and of the change log (who changed what,
when), together with the signer's name, key fingerprint and the time. All of it is read
in one snapshot, so the signature covers the project as it was at one moment.
The Signature row keeps the public key, its fingerprint (SHA-256 of the raw public key),
the manifest of per-record digests and the signature; the private key stays in the
operating system's keyring (:mod:`app.core.secrets`) and is made on first use.

A verifier recomputes the manifest from the file as it is now: a record whose digest
differs (or that appeared or disappeared) is reported by kind, id and a human label, and
a record whose change log differs is reported as its history rewritten.

Signatures made before the change log was covered (format 1) still verify, over what they
covered; the result says they were made by an older format and do not cover the log.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import Connection, insert, select
from sqlmodel import Session

from app.core import secrets
from app.core.errors import ProjectReadOnlyError, SecretStoreError, ValidationError
from app.core.project.store import apply
from app.core.sharing.canonical import (
    CANONICAL_FORMAT,
    HISTORY,
    KIND_LABEL,
    Snapshot,
    content_digest,
    history_kinds,
    project_manifest,
    read_snapshot,
    record_label,
    sa_table,
)
from app.core.sharing.safeopen import damaged_file_errors
from app.core.wording import quoted
from app.models.database import Database
from app.models.history import begin_edit
from app.models.tables import Reviewer, Signature

if TYPE_CHECKING:
    from app.core.project import ProjectService

ALGORITHM = "ed25519"
# The signed message names the canonical format: format 1 covered the records only,
# format 2 (made now) also covers the change log.
SIGNED_FORMATS = {1: "factdesk-signature/1", 2: "factdesk-signature/2"}
OLDER_FORMAT_NOTE = (
    "signed by an older format of Factdesk signatures that does not cover the change "
    "log (who changed what, when): sign again to cover it"
)


class VerifyStatus(StrEnum):
    VALID = "valid"
    CHANGED = "changed"
    UNTRUSTED = "untrusted"
    UNSIGNED = "unsigned"

    @property
    def exit_status(self) -> int:
        return {"valid": 0, "changed": 1, "untrusted": 1, "unsigned": 2}[self.value]


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    id: str
    signer_name: str
    key_fingerprint: str
    signed_at: datetime
    content_sha256: str
    records: int


@dataclass(frozen=True, slots=True)
class ChangedRecord:
    kind: str  # table name: claim, article, evidence, ...
    id: str
    label: str  # a claim's wording, an article's title, ...
    change: str  # "modified" | "added" | "removed"

    @property
    def kind_label(self) -> str:
        return KIND_LABEL.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    status: VerifyStatus
    message: str
    signer_name: str | None = None
    key_fingerprint: str | None = None
    signed_at: datetime | None = None
    trusted_name: str | None = None  # the name the user trusted this key under
    changed: tuple[ChangedRecord, ...] = field(default=())
    signature_intact: bool = False  # the signature itself checks against its public key
    signed_format: int = CANONICAL_FORMAT  # 1: records only (older); 2: and the change log
    # Unsigned, yet a reviewer's signing key is recorded in it: a signature was removed.
    signature_removed: bool = False

    @property
    def older_format(self) -> bool:
        return self.signed_format < CANONICAL_FORMAT

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "message": self.message,
            "signer": self.signer_name,
            "fingerprint": self.key_fingerprint,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "trusted_as": self.trusted_name,
            "signed_format": self.signed_format,
            "covers_history": not self.older_format,
            "changed": [
                {"kind": c.kind, "id": c.id, "label": c.label, "change": c.change}
                for c in self.changed
            ],
        }


def fingerprint_of(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()


def format_fingerprint(fingerprint: str) -> str:
    """Groups of four for reading aloud over the phone: ``ab12 cd34 ...``."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def _public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key_slot(reviewer: str, person_id: uuid.UUID | None) -> str:
    """Where the keyring keeps a person's key: under their stable reviewer id, so that a
    change of display name keeps the key colleagues trust (by name only for callers that
    know no id, such as the self-test)."""
    return f"id:{person_id}" if person_id is not None else reviewer


def _stored_key(reviewer: str, person_id: uuid.UUID | None) -> bytes | None:
    raw = secrets.get_signing_key(_key_slot(reviewer, person_id))
    if raw is None and person_id is not None:
        # Builds before reviewer ids kept the key under the display name: adopt it, so
        # the key colleagues already trust stays this person's key after a rename.
        raw = secrets.get_signing_key(reviewer)
        if raw is not None:
            secrets.set_signing_key(_key_slot(reviewer, person_id), raw)
    return raw


def signing_key(
    reviewer: str, *, person_id: uuid.UUID | None = None, create: bool = True
) -> Ed25519PrivateKey | None:
    """The reviewer's private key from the keyring; made and stored on first use.

    ``person_id`` is the reviewer's stable id (:func:`app.core.settings.who_am_i`); the
    display name ``reviewer`` only names the key in messages.
    """
    slot = _key_slot(reviewer, person_id)
    try:
        raw = _stored_key(reviewer, person_id)
        if raw is None:
            if not create:
                return None
            key = Ed25519PrivateKey.generate()
            from cryptography.hazmat.primitives.serialization import (
                NoEncryption,
                PrivateFormat,
            )

            secrets.set_signing_key(
                slot, key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
            )
            # Read it back: a keyring that silently drops secrets must not yield a key
            # whose private half is lost the moment this process ends.
            raw = secrets.get_signing_key(slot)
            if raw is None:
                raise SecretStoreError("the keyring did not keep the new signing key.")
        return Ed25519PrivateKey.from_private_bytes(raw)
    except SecretStoreError as exc:
        raise SecretStoreError(
            f"signing needs the operating system's keyring, which is not usable: {exc} "
            "Everything else works without it."
        ) from None


def my_fingerprint(reviewer: str, person_id: uuid.UUID | None = None) -> str | None:
    """The fingerprint of the reviewer's key, or None without a key or a keyring."""
    try:
        key = signing_key(reviewer, person_id=person_id, create=False)
    except SecretStoreError:
        return None
    return fingerprint_of(_public_bytes(key)) if key is not None else None


def _signed_message(
    project_id: str,
    signer: str,
    fingerprint: str,
    signed_at: datetime,
    digest: str,
    fmt: int = CANONICAL_FORMAT,
) -> bytes:
    return json.dumps(
        {
            "format": SIGNED_FORMATS[fmt],
            "project": project_id,
            "signer": signer,
            "fingerprint": fingerprint,
            "algorithm": ALGORITHM,
            "signed_at": signed_at.astimezone(UTC).isoformat(),
            "content_sha256": digest,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def sign_project(service: ProjectService, *, trust_own_key: bool = True) -> SignatureInfo:
    """Sign the project's current content and history as ``service.author``.

    One write transaction: the reviewer's key is recorded, the project read and the
    signature written over exactly what was read (:meth:`Database.snapshot`).

    Raises :class:`SecretStoreError` with a clear message when there is no keyring.
    """
    db = service.db
    if db.read_only_reason is not None:
        raise ProjectReadOnlyError(f"{db.label}: cannot be signed ({db.read_only_reason}).")
    signer = service.author
    key = signing_key(signer, person_id=service.person_id)
    assert key is not None
    public = _public_bytes(key)
    fingerprint = fingerprint_of(public)
    now = datetime.now(UTC).replace(microsecond=0)
    with damaged_file_errors(db.label, db.kind), db.snapshot(write=True) as conn:
        _record_reviewer_key(service, conn, fingerprint, public)
        snapshot = read_snapshot(conn, service.project_id)
        manifest = project_manifest(snapshot)
        digest = content_digest(service.project_id, manifest)
        message = _signed_message(str(service.project_id), signer, fingerprint, now, digest)
        signature_id = uuid.uuid4()
        conn.execute(
            insert(sa_table(Signature)),
            [
                {
                    "id": signature_id,
                    "project_id": service.project_id,
                    "signed_at": now,
                    "signer_name": signer,
                    "key_fingerprint": fingerprint,
                    "public_key": public,
                    "algorithm": ALGORITHM,
                    "content_sha256": digest,
                    "manifest": json.dumps(manifest, sort_keys=True, separators=(",", ":")),
                    "signature": key.sign(message),
                }
            ],
        )
    if trust_own_key:
        from app.core.sharing.trust import trust_key, trusted_fingerprints

        if fingerprint not in trusted_fingerprints():
            trust_key(fingerprint, f"{signer} (this computer)")
    return SignatureInfo(str(signature_id), signer, fingerprint, now, digest, len(manifest))


def _record_reviewer_key(
    service: ProjectService, conn: Connection, fingerprint: str, public: bytes
) -> None:
    """Record the signer's key on their Reviewer row, through the one write path.

    Written in the signing transaction (``conn``), so the signature covers the row and
    its log entry; nothing is written when the row already holds this key.
    """
    with Session(bind=conn, expire_on_commit=False) as s:
        editor = service.store.editor(s)
        begin_edit(s, editor)
        reviewer = s.get(Reviewer, editor.author_id)
        if reviewer is None:
            raise ValidationError("the signer's reviewer record is missing.")
        apply(reviewer, {"key_fingerprint": fingerprint, "public_key": public})
        # Flushes into ``conn``'s transaction; the signing transaction commits it.
        s.commit()


def signatures(service: ProjectService) -> list[SignatureInfo]:
    """Every signature of the project, newest first."""
    table = Signature.__table__  # type: ignore[attr-defined]
    with damaged_file_errors(service.db.label, service.db.kind), service.db.snapshot() as conn:
        rows = (
            conn.execute(
                select(table)
                .where(table.c.project_id == service.project_id)
                .order_by(table.c.signed_at.desc())
            )
            .mappings()
            .all()
        )
    out = []
    for r in rows:
        try:
            count = len(json.loads(r["manifest"]))
        except (ValueError, TypeError):
            count = 0
        out.append(
            SignatureInfo(
                str(r["id"]),
                r["signer_name"],
                r["key_fingerprint"],
                r["signed_at"],
                r["content_sha256"],
                count,
            )
        )
    return out


def verify_project(
    service: ProjectService, trusted_fingerprints: dict[str, str] | set[str] | None = None
) -> VerifyResult:
    """Check the newest signature against the project as it is now.

    ``trusted_fingerprints`` is the user's list (``{fingerprint: name}`` or a set); None
    reads it from the user's configuration (:mod:`app.core.sharing.trust`).
    """
    return verify_database(service.db, service.project_id, trusted_fingerprints)


def verify_database(
    db: Database,
    project_id: uuid.UUID,
    trusted_fingerprints: dict[str, str] | set[str] | None = None,
) -> VerifyResult:
    """:func:`verify_project` over an open database (a file received, before merging it)."""
    if trusted_fingerprints is None:
        from app.core.sharing.trust import trusted_fingerprints as load_trusted

        trusted_fingerprints = load_trusted()
    trusted = (
        dict(trusted_fingerprints)
        if isinstance(trusted_fingerprints, dict)
        else dict.fromkeys(trusted_fingerprints, "")
    )
    table = Signature.__table__  # type: ignore[attr-defined]
    with damaged_file_errors(db.label, db.kind), db.snapshot() as conn:
        sig = (
            conn.execute(
                select(table)
                .where(table.c.project_id == project_id)
                .order_by(table.c.signed_at.desc(), table.c.id)
                .limit(1)
            )
            .mappings()
            .first()
        )
        if sig is None:
            message, removed = _unsigned_message(conn, project_id)
            return VerifyResult(VerifyStatus.UNSIGNED, message, signature_removed=removed)
        snapshot = read_snapshot(conn, project_id)
    signer, fingerprint = str(sig["signer_name"]), str(sig["key_fingerprint"])
    signed_at = sig["signed_at"]
    base = {"signer_name": signer, "key_fingerprint": fingerprint, "signed_at": signed_at}

    public = bytes(sig["public_key"] or b"")
    stored_digest = str(sig["content_sha256"])
    signed_manifest = _parse_manifest(sig["manifest"])
    # The format the signature was made with is the one whose digest of the stored
    # manifest is the signed digest; a manifest that matches neither is not intact.
    fmt = next(
        (
            f
            for f in sorted(SIGNED_FORMATS, reverse=True)
            if signed_manifest is not None
            and content_digest(project_id, signed_manifest, f) == stored_digest
        ),
        None,
    )
    intact = (
        fmt is not None
        and fingerprint_of(public) == fingerprint
        and _signature_checks(
            public,
            bytes(sig["signature"] or b""),
            _signed_message(str(project_id), signer, fingerprint, signed_at, stored_digest, fmt),
        )
    )
    fmt = fmt or CANONICAL_FORMAT
    base["signed_format"] = fmt
    current = project_manifest(snapshot, fmt)
    changed = _diff(signed_manifest or {}, current, snapshot)
    if not intact:
        return VerifyResult(
            VerifyStatus.CHANGED,
            "the signature does not match: the signature record itself was altered, "
            "so nothing in this file can be relied on.",
            changed=changed,
            **base,
        )
    older = f"; {OLDER_FORMAT_NOTE}" if fmt < CANONICAL_FORMAT else ""
    if changed:
        what = ", ".join(_changed_text(c) for c in changed[:3])
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        return VerifyResult(
            VerifyStatus.CHANGED,
            f"changed since {signer} signed it: {what}{more}.",
            changed=changed,
            signature_intact=True,
            **base,
        )
    if fingerprint not in trusted:
        return VerifyResult(
            VerifyStatus.UNTRUSTED,
            f"signed by {signer} and unchanged, but with a key not in your trusted list "
            f"(fingerprint {format_fingerprint(fingerprint)}){older}.",
            signature_intact=True,
            **base,
        )
    # The name the person trusted this key under is the one that means something; the
    # name written in the file is anyone's to choose, so it only stands beside it.
    known_as = trusted[fingerprint] or signer
    claimed = f" (the file calls the signer {quoted(signer)})" if known_as != signer else ""
    return VerifyResult(
        VerifyStatus.VALID,
        f"signed by {known_as}{claimed} and unchanged since {signed_at:%Y-%m-%d %H:%M} UTC{older}.",
        trusted_name=known_as,
        signature_intact=True,
        **base,
    )


def _unsigned_message(conn: Any, project_id: uuid.UUID) -> tuple[str, bool]:
    """ "Not signed", or, when a reviewer's signing key is recorded in the file (signing
    records it), that a signature appears to have been removed (and True)."""
    reviewers = Reviewer.__table__  # type: ignore[attr-defined]
    signers = (
        conn.execute(
            select(reviewers.c.display_name).where(
                reviewers.c.project_id == project_id,
                reviewers.c.key_fingerprint.is_not(None),
            )
        )
        .scalars()
        .all()
    )
    if not signers:
        return "the project is not signed.", False
    names = ", ".join(sorted(str(n) for n in signers))
    return (
        f"the project is not signed, but it records the signing key of {names}: "
        "a signature was removed from it, so its content cannot be vouched for."
    ), True


def _signature_checks(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _parse_manifest(text: Any) -> dict[str, str] | None:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        return None
    return data


_KIND_ORDER = {
    k: i
    for i, k in enumerate(
        (
            "claim",
            "evidence",
            "article",
            "attachment",
            "ratinglevel",
            "ratingscale",
            "project",
            "reviewer",
        )
    )
}


def _kind_of(snapshot: Snapshot, record_id: str) -> str:
    """The table of a record whose whole change log was removed (its row may remain)."""
    with contextlib.suppress(ValueError):
        wanted = uuid.UUID(record_id)
        for kind, rows in snapshot.records.items():
            if wanted in rows:
                return kind
    return "record"


def _changed_text(change: ChangedRecord) -> str:
    if change.change == HISTORY:
        return f"the change log of {change.kind_label} {quoted(change.label)} was rewritten"
    return f"{change.kind_label} {quoted(change.label)}"


def _diff(
    signed: dict[str, str], current: dict[str, str], snapshot: Snapshot
) -> tuple[ChangedRecord, ...]:
    """What differs between two manifests, one entry per record.

    A record whose content changed is reported once, as modified (its history changed
    with it); a record whose history alone differs is reported as ``history``.
    """
    found: dict[str, ChangedRecord] = {}
    histories = history_kinds(snapshot.changelog)
    for key in sorted(signed.keys() | current.keys()):
        before, now = signed.get(key), current.get(key)
        if before == now:
            continue
        kind, _, record_id = key.partition(":")
        if kind == HISTORY:
            kind = histories.get(record_id) or _kind_of(snapshot, record_id)
            if signed.get(f"{kind}:{record_id}") != current.get(f"{kind}:{record_id}"):
                continue  # reported as the record itself
            change = HISTORY
        else:
            change = "added" if before is None else "removed" if now is None else "modified"
        row = None
        try:
            row = snapshot.row(kind, uuid.UUID(record_id))
        except (KeyError, ValueError):
            row = None
        found[record_id] = ChangedRecord(kind, record_id, record_label(kind, row), change)
    out = sorted(found.values(), key=lambda c: (_KIND_ORDER.get(c.kind, 99), c.label, c.id))
    return tuple(out)
