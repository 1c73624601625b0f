"""Trust that reads truthfully: the name you trusted a key under, never only the name a
file claims; and a removed signature is not passed off as a file never signed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.sharing.signing import VerifyStatus
from tests.core.sharing.test_sharing_signed_history import _signed, _verify


def test_valid_names_the_trusted_name_first_and_the_claimed_one_beside(
    tmp_path: Path, build: Callable[..., Any]
) -> None:
    path, _ = _signed(tmp_path, build)
    claimed = _verify(path, set()).signer_name
    fingerprint = _verify(path, set()).key_fingerprint
    result = _verify(path, {fingerprint: "Ana from the desk"})
    assert result.status is VerifyStatus.VALID
    assert result.message.startswith("signed by Ana from the desk")
    assert f"calls the signer {claimed!r}" in result.message
    same = _verify(path, {fingerprint: claimed})
    assert same.message.startswith(f"signed by {claimed} and unchanged")
    assert "calls the signer" not in same.message


def test_a_removed_signature_is_reported_as_such(tmp_path: Path, build: Callable[..., Any]) -> None:
    path, _ = _signed(tmp_path, build)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM signature")
    conn.close()
    result = _verify(path, set())
    assert result.status is VerifyStatus.UNSIGNED
    assert "signature was removed" in result.message
