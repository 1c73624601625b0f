"""The user's list of trusted colleagues: signing-key fingerprints with a name.

Kept as ``trusted_keys.json`` in the platform's configuration folder (or
``$FACTDESK_CONFIG_DIR``, like the settings). Only public fingerprints are stored here.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.errors import ValidationError
from app.core.paths import user_config_dir
from app.core.wording import quoted

TRUST_FILE = "trusted_keys.json"
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class TrustedKey:
    fingerprint: str
    name: str
    added_at: str  # ISO 8601


def trust_path() -> Path:
    override = os.environ.get("FACTDESK_CONFIG_DIR")
    return (Path(override) if override else user_config_dir()) / TRUST_FILE


def normalise_fingerprint(fingerprint: str) -> str:
    clean = "".join(fingerprint.split()).replace(":", "").lower()
    if not _FINGERPRINT.match(clean):
        raise ValidationError(f"{quoted(fingerprint[:80])} is not a signing-key fingerprint.")
    return clean


def trusted_keys() -> list[TrustedKey]:
    data: Any = None
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(trust_path().read_text(encoding="utf-8"))
    keys: list[TrustedKey] = []
    entries = data.get("keys", []) if isinstance(data, dict) else []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        try:
            keys.append(
                TrustedKey(
                    normalise_fingerprint(str(entry["fingerprint"])),
                    str(entry.get("name", "")),
                    str(entry.get("added_at", "")),
                )
            )
        except (KeyError, ValidationError):
            continue
    return keys


def trusted_fingerprints() -> dict[str, str]:
    """{fingerprint: name} of every trusted key."""
    return {k.fingerprint: k.name for k in trusted_keys()}


def _save(keys: list[TrustedKey]) -> None:
    path = trust_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    payload = {
        "keys": [
            {"fingerprint": k.fingerprint, "name": k.name, "added_at": k.added_at} for k in keys
        ]
    }
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def trust_key(fingerprint: str, name: str) -> TrustedKey:
    """Add (or rename) a trusted colleague's key."""
    clean = normalise_fingerprint(fingerprint)
    name = " ".join(name.split())[:200]
    keys = [k for k in trusted_keys() if k.fingerprint != clean]
    entry = TrustedKey(clean, name, datetime.now(UTC).isoformat(timespec="seconds"))
    keys.append(entry)
    _save(keys)
    return entry


def untrust_key(fingerprint: str) -> bool:
    clean = normalise_fingerprint(fingerprint)
    keys = trusted_keys()
    kept = [k for k in keys if k.fingerprint != clean]
    if len(kept) == len(keys):
        return False
    _save(kept)
    return True


# --- key files: how a colleague's key travels (``factdesk keys export`` / ``trust``) ---

KEY_FILE_FORMAT = "factdesk-public-key"


def key_file_text(name: str, fingerprint: str) -> str:
    """A small JSON file naming a reviewer and their key's fingerprint (nothing secret)."""
    payload = {
        "format": KEY_FILE_FORMAT,
        "name": " ".join(name.split())[:200],
        "fingerprint": normalise_fingerprint(fingerprint),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def read_key_file(data: bytes) -> TrustedKey | None:
    """The key a key file names, or None when ``data`` is not a key file."""
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("format") != KEY_FILE_FORMAT:
        return None
    fingerprint = normalise_fingerprint(str(payload.get("fingerprint", "")))
    return TrustedKey(fingerprint, str(payload.get("name", "")), "")
