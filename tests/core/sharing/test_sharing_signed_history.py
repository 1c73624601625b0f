"""Signed history: the signature covers the change log and the attachments' bytes as well
as the current state, and sign/verify each read one consistent snapshot."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from app.core.project import ProjectService
from app.core.sharing import canonical, signing
from app.core.sharing.safeopen import open_for_sharing
from app.core.sharing.signing import VerifyStatus, sign_project, verify_project
from app.models.database import open_project_file, open_server
from app.models.tables import Claim, Signature
from tests.core.sharing.conftest import ARTICLE, sentences

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _verify(path: Path, trusted: Any = None) -> Any:
    service = ProjectService.for_database(open_for_sharing(path, view_only=True), author="Reader")
    try:
        return verify_project(service, trusted)
    finally:
        service.close()


def _signed(tmp_path: Path, build: Callable[..., Any]) -> tuple[Path, str]:
    path = tmp_path / "signed.factdesk"
    service = build(path)
    rated = service.claims()[0].id
    sign_project(service)
    service.close()
    return path, rated


# Rewrites of "who rated what" made with sqlite3 on the closed, signed file.
HISTORY_EDITS = {
    "author rewritten": "UPDATE changelog SET author='Eve' "
    "WHERE table_name='claim' AND field='rating_id'",
    "time rewritten": "UPDATE changelog SET at='2001'||substr(at, 5) "
    "WHERE table_name='claim' AND field='rating_id'",
    "entry removed": "DELETE FROM changelog WHERE table_name='claim' AND field='rating_id'",
    "entry forged": "INSERT INTO changelog (id, project_id, at, author, table_name, record_id, "
    "operation, field, old_value, new_value, record_revision) SELECT "
    "'00000000000000000000000000000001', project_id, at, 'Eve', table_name, record_id, "
    "'update', 'explanation', '\"\"', '\"Eve checked it\"', 9 FROM changelog "
    "WHERE table_name='claim' AND field='rating_id'",
}


@pytest.mark.parametrize("edit", sorted(HISTORY_EDITS))
def test_rewritten_change_log_after_signing_is_named(
    tmp_path: Path, build: Callable[..., Any], edit: str
) -> None:
    path, rated = _signed(tmp_path, build)
    with sqlite3.connect(path) as conn:
        assert conn.execute(HISTORY_EDITS[edit]).rowcount == 1
    conn.close()
    result = _verify(path)
    assert result.status is VerifyStatus.CHANGED, result.message
    assert [(c.kind, c.id, c.change) for c in result.changed] == [("claim", rated, "history")]
    assert "change log" in result.message and result.signature_intact


def test_attachment_bytes_are_covered_even_with_a_matching_hash_column(
    tmp_path: Path, build: Callable[..., Any]
) -> None:
    path, _ = _signed(tmp_path, build)
    forged = b"%PDF-1.4 forged report"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE attachment SET data=?, sha256=?, size=?",
            (forged, hashlib.sha256(forged).hexdigest(), len(forged)),
        )
    conn.close()
    result = _verify(path)
    assert result.status is VerifyStatus.CHANGED
    assert [c.kind for c in result.changed] == ["attachment"]


def test_a_file_signed_by_the_older_format_still_verifies_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "old.factdesk"
    shutil.copy(FIXTURES / "signed_v1.factdesk", path)
    # Schema 1 as well: opening it for editing migrates it (a backup is kept), which
    # fills in the change log's author ids; signature format 1 does not cover the log.
    ProjectService.open_file(path, author="Reader").close()
    first = _verify(path, set())
    assert first.status is VerifyStatus.UNTRUSTED and first.signature_intact
    result = _verify(path, {first.key_fingerprint: "Ana from the desk"})
    assert result.status is VerifyStatus.VALID, result.message
    assert result.older_format and result.signed_format == 1
    assert "older format" in result.message and "change log" in result.message
    assert "and unchanged since" in result.message and not result.changed
    # What format 1 covered is still checked.
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE claim SET explanation='Forged.' WHERE explanation != ''")
    conn.close()
    tampered = _verify(path, {first.key_fingerprint: "Ana"})
    assert tampered.status is VerifyStatus.CHANGED
    assert [c.kind for c in tampered.changed] == ["claim"]


def test_a_new_signature_covers_the_history(tmp_path: Path, build: Callable[..., Any]) -> None:
    path, _ = _signed(tmp_path, build)
    result = _verify(path)
    assert result.status is VerifyStatus.VALID and not result.older_format
    assert result.to_json()["covers_history"] is True


def _other_session(service: ProjectService) -> ProjectService:
    db = service.db
    other = (
        open_project_file(db.path, quick_check=False)
        if db.path is not None
        else open_server(str(db.url))
    )
    return ProjectService.for_database(other, author="Bob", project_id=str(service.project_id))


def test_snapshot_sees_one_moment(backend: Callable[..., ProjectService]) -> None:
    mine = backend()
    mine.add_article(ARTICLE, detected=sentences(ARTICLE))
    other = _other_session(mine)
    count = select(func.count()).select_from(Claim)
    try:
        with mine.db.snapshot() as conn:
            before = conn.execute(count).scalar()
            other.add_claim(other.articles()[0].id, 0, 10)  # committed meanwhile
            assert conn.execute(count).scalar() == before
        with mine.db.snapshot() as conn:
            assert conn.execute(count).scalar() == before + 1
    finally:
        other.close()


def test_verify_reads_one_snapshot(
    backend: Callable[..., ProjectService], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A colleague's edit committed while verify reads is not half seen: without one
    snapshot, verify saw the article's old title and its new log entry, and reported
    its history as rewritten although nothing was rewritten."""
    mine = backend()
    mine.add_article(ARTICLE, detected=sentences(ARTICLE))
    info = sign_project(mine)
    trusted = {info.key_fingerprint: "me"}
    other = _other_session(mine)
    article_id = mine.articles()[0].id
    original = canonical._hash_attachments
    edits: list[bool] = []

    def edit_meanwhile(*args: Any, **kwargs: Any) -> None:
        # Runs after the articles were read and before the change log is.
        if not edits:
            edits.append(True)
            other.update_article(article_id, title="Retitled by Bob")
        original(*args, **kwargs)

    monkeypatch.setattr(canonical, "_hash_attachments", edit_meanwhile)
    try:
        result = verify_project(mine, trusted)
        assert edits
        assert result.status is VerifyStatus.VALID, result.message  # the moment it began
        monkeypatch.undo()
        after = verify_project(mine, trusted)
        assert ("article", "modified") in [(c.kind, c.change) for c in after.changed]
    finally:
        other.close()


def test_a_format_1_signature_on_the_current_schema_verifies_as_older(
    tmp_path: Path, build: Callable[..., Any]
) -> None:
    """The same check as the fixture file's, on a file of this build's schema: the
    signature is rewritten as format 1 made it (records only, "factdesk-signature/1")."""
    path, _ = _signed(tmp_path, build)
    service = ProjectService.open_file(path, author="Ann")
    key = signing.signing_key("Ann")
    assert key is not None
    with service.db.snapshot(write=True) as conn:
        manifest = canonical.project_manifest(canonical.read_snapshot(conn, service.project_id), 1)
        digest = canonical.content_digest(service.project_id, manifest, 1)
        sig = conn.execute(select(Signature.__table__)).mappings().one()  # type: ignore[attr-defined]
        message = signing._signed_message(
            str(service.project_id), "Ann", sig["key_fingerprint"], sig["signed_at"], digest, 1
        )
        conn.execute(
            update(Signature.__table__).values(  # type: ignore[attr-defined]
                content_sha256=digest,
                manifest=json.dumps(manifest),
                signature=key.sign(message),
            )
        )
    service.close()
    result = _verify(path)
    assert result.status is VerifyStatus.VALID and result.signed_format == 1
    assert "older format" in result.message
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE changelog SET author='Eve'")  # not covered by format 1
        conn.execute("UPDATE claim SET explanation='Forged.' WHERE explanation != ''")
    conn.close()
    tampered = _verify(path)
    assert [(c.kind, c.change) for c in tampered.changed] == [("claim", "modified")]
