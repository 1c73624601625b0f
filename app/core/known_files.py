"""Project files this machine's Factdesk closed cleanly, to skip re-checking them on open.

A full SQLite ``quick_check`` reads the whole file (about a second for 200 MB). A file
that Factdesk itself closed, and whose size and modification time have not moved since,
has nothing new to check; any other file (received from someone, changed behind the
app's back, never seen) gets the full check. The header and schema checks run always.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from app.core.settings import settings_path

MAX_REMEMBERED = 200


def _store() -> Path:
    return settings_path().with_name("known-files.json")


def _load() -> dict[str, list[int]]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(_store().read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return {str(k): list(v) for k, v in data.items() if isinstance(v, list)}
    return {}


def _signature(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def remember_clean_close(path: Path) -> None:
    signature = _signature(path)
    if signature is None:
        return
    known = _load()
    key = str(path.resolve())
    known.pop(key, None)
    known[key] = signature
    while len(known) > MAX_REMEMBERED:
        known.pop(next(iter(known)))
    store = _store()
    with contextlib.suppress(OSError):
        store.parent.mkdir(parents=True, exist_ok=True)
        tmp = store.with_suffix(".tmp")
        tmp.write_text(json.dumps(known), encoding="utf-8")
        os.replace(tmp, store)


def unchanged_since_clean_close(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        return False  # not closed cleanly: check it
    signature = _signature(path)
    return signature is not None and _load().get(str(path.resolve())) == signature
