"""Signing and verifying: valid, untrusted, unsigned, and every kind of record tampered
with behind the app's back (raw sqlite3 on the closed file)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from app.cli import main as cli_main
from app.core.errors import SecretStoreError
from app.core.project import ProjectService
from app.core.sharing.safeopen import open_for_sharing
from app.core.sharing.signing import VerifyStatus, sign_project, verify_project
from app.core.sharing.trust import trust_key, trusted_fingerprints


def _signed(tmp_path: Path, build: Callable[..., Any]) -> tuple[Path, str]:
    path = tmp_path / "signed.factdesk"
    service = build(path)
    info = sign_project(service)
    service.close()
    return path, info.key_fingerprint


def _verify(path: Path, trusted: Any = None) -> Any:
    db = open_for_sharing(path, view_only=True)
    service = ProjectService.for_database(db, author="Reader")
    try:
        return verify_project(service, trusted)
    finally:
        service.close()


def test_sign_then_verify_is_valid_and_key_stays_in_keyring(
    tmp_path: Path, build: Callable[..., Any], memory_keyring: Any
) -> None:
    path, fingerprint = _signed(tmp_path, build)
    result = _verify(path)
    assert result.status is VerifyStatus.VALID, result.message
    assert result.signer_name == "Ann" and result.key_fingerprint == fingerprint
    assert fingerprint in trusted_fingerprints()  # the signer trusts their own key
    secret = memory_keyring.store[("Factdesk", "signing-key:Ann")]
    raw = path.read_bytes()
    assert secret.encode() not in raw and bytes.fromhex(secret) not in raw
    # Signing again reuses the key in the keyring.
    service = ProjectService.open_file(path, author="Ann")
    assert sign_project(service).key_fingerprint == fingerprint
    service.close()


def test_unknown_key_is_untrusted_until_trusted(tmp_path: Path, build: Callable[..., Any]) -> None:
    path, fingerprint = _signed(tmp_path, build)
    result = _verify(path, set())
    assert result.status is VerifyStatus.UNTRUSTED
    assert result.key_fingerprint == fingerprint
    trust_key(fingerprint, "Ann from the desk")
    result = _verify(path, trusted_fingerprints())
    assert result.status is VerifyStatus.VALID
    assert result.trusted_name == "Ann from the desk"


def test_unsigned(tmp_path: Path, build: Callable[..., Any]) -> None:
    build(tmp_path / "u.factdesk").close()
    assert _verify(tmp_path / "u.factdesk").status is VerifyStatus.UNSIGNED


def _one(conn: sqlite3.Connection, sql: str) -> str:
    row = conn.execute(sql).fetchone()
    assert row is not None
    value = row[0]
    return str(value)


# (kind, SQL picking the record's id as stored, SQL editing it with :id)
TAMPERS = [
    ("project", "SELECT id FROM project", "UPDATE project SET name='Forged' WHERE id=:id"),
    ("ratingscale", "SELECT id FROM ratingscale", "UPDATE ratingscale SET name='X' WHERE id=:id"),
    (
        "ratinglevel",
        "SELECT id FROM ratinglevel WHERE label='False'",
        "UPDATE ratinglevel SET label='True-ish' WHERE id=:id",
    ),
    ("reviewer", "SELECT id FROM reviewer", "UPDATE reviewer SET display_name='Eve' WHERE id=:id"),
    ("article", "SELECT id FROM article", "UPDATE article SET title='Other' WHERE id=:id"),
    ("article", "SELECT id FROM article", "UPDATE article SET text=text||' Not.' WHERE id=:id"),
    (
        "attachment",
        "SELECT id FROM attachment",
        # Bytes, hash and size replaced together (a hash that does not match its bytes
        # is refused as damaged before verify: tests/reliability/test_hostile_files.py).
        "UPDATE attachment SET data=x'00', size=1, sha256="
        "'6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d' WHERE id=:id",
    ),
    ("attachment", "SELECT id FROM attachment", "UPDATE attachment SET filename='a' WHERE id=:id"),
    (
        "claim",
        "SELECT id FROM claim WHERE rating_id IS NOT NULL",
        "UPDATE claim SET rating_id=(SELECT id FROM ratinglevel WHERE label='True') WHERE id=:id",
    ),
    (
        "claim",
        "SELECT id FROM claim WHERE explanation != ''",
        "UPDATE claim SET explanation='Checked: true.' WHERE id=:id",
    ),
    (
        "claim",
        "SELECT id FROM claim ORDER BY start_offset DESC",
        "UPDATE claim SET wording='Something else' WHERE id=:id",
    ),
    (
        "evidence",
        "SELECT id FROM evidence WHERE url IS NOT NULL",
        "UPDATE evidence SET url='https://evil.example' WHERE id=:id",
    ),
    (
        "evidence",
        "SELECT id FROM evidence WHERE url IS NOT NULL",
        "DELETE FROM evidence WHERE id=:id",
    ),
    ("claim", "SELECT id FROM claim ORDER BY start_offset DESC", "DELETE FROM claim WHERE id=:id"),
]


@pytest.mark.parametrize(("kind", "pick", "edit"), TAMPERS)
def test_tampered_record_is_named(
    tmp_path: Path, build: Callable[..., Any], kind: str, pick: str, edit: str
) -> None:
    path, _ = _signed(tmp_path, build)
    with sqlite3.connect(path) as conn:
        stored = _one(conn, pick)
        conn.execute(edit, {"id": stored})
    conn.close()
    result = _verify(path)
    assert result.status is VerifyStatus.CHANGED
    named = {(c.kind, c.id.replace("-", "")) for c in result.changed}
    assert (kind, stored.replace("-", "")) in named, result.changed
    assert len(result.changed) == 1
    assert result.status.exit_status == 1


def test_added_record_is_named(tmp_path: Path, build: Callable[..., Any]) -> None:
    path, _ = _signed(tmp_path, build)
    service = ProjectService.open_file(path, author="Mallory")
    claim = service.claims()[2]
    service.add_evidence(claim.id, url="https://planted.example", title="Planted")
    service.close()
    result = _verify(path)
    assert result.status is VerifyStatus.CHANGED
    assert [c.change for c in result.changed if c.kind == "evidence"] == ["added"]


def test_altered_signature_record(tmp_path: Path, build: Callable[..., Any]) -> None:
    path, _ = _signed(tmp_path, build)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE signature SET signer_name='Someone trusted'")
    conn.close()
    result = _verify(path)
    assert result.status is VerifyStatus.CHANGED and not result.signature_intact


def test_without_keyring_signing_says_so_and_the_rest_works(
    tmp_path: Path, build: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(fail.Keyring())
    service = build(tmp_path / "k.factdesk")
    with pytest.raises(SecretStoreError, match="keyring"):
        sign_project(service)
    assert verify_project(service, set()).status is VerifyStatus.UNSIGNED
    service.close()
    assert cli_main(["sign", str(tmp_path / "k.factdesk")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "keyring" in err


def test_cli_verify_exit_statuses(
    tmp_path: Path, build: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    build(tmp_path / "c.factdesk").close()
    path = str(tmp_path / "c.factdesk")
    assert cli_main(["verify", path]) == 2  # unsigned
    assert cli_main(["sign", path, "--json"]) == 0
    assert cli_main(["verify", path]) == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE claim SET wording='forged' WHERE rowid=1")
    conn.close()
    capsys.readouterr()
    assert cli_main(["verify", path, "--json"]) == 1
    assert '"status": "changed"' in capsys.readouterr().out
    assert cli_main(["verify", str(tmp_path / "missing.factdesk")]) == 2
