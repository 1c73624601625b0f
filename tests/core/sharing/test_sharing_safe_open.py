"""Safe open: viewing leaves no trace; locked and read-only files open read-only with a
reason; crafted content is refused; attachment names cannot escape the chosen folder."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import CorruptProjectError, NewerProjectError, ValidationError
from app.core.project import ProjectService
from app.core.sharing.attachments import save_attachment
from app.core.sharing.safeopen import LOCKED_REASON, VIEW_ONLY_REASON, open_for_sharing

ROOT = Path(__file__).resolve().parents[3]


def _closed(tmp_path: Path, build: Callable[..., Any]) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "p.factdesk"
    build(path).close()
    return path


def test_viewing_leaves_bytes_and_folder_untouched(
    tmp_path: Path, build: Callable[..., Any]
) -> None:
    path = _closed(tmp_path, build)
    before = path.read_bytes()
    db = open_for_sharing(path, view_only=True)
    service = ProjectService.for_database(db, author="Viewer")
    assert service.claims() and db.read_only_reason == VIEW_ONLY_REASON
    service.close()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["p.factdesk"]


def test_lock_held_by_another_process_then_released_by_its_death(
    tmp_path: Path, build: Callable[..., Any]
) -> None:
    path = _closed(tmp_path, build)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys,time; from app.core.sharing.safeopen import open_for_sharing as o; "
         "db=o(sys.argv[1]); print('ready', flush=True); time.sleep(60)", str(path)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        db = open_for_sharing(path)
        assert db.read_only_reason is not None and LOCKED_REASON in db.read_only_reason
        assert str(holder.pid) in db.read_only_reason
        db.close()
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: nothing is left holding the lock
        holder.wait()
    db = open_for_sharing(path)
    assert db.read_only_reason is None and db.lock is not None
    db.close()
    assert list((tmp_path / "run").iterdir()) == []  # a clean close removes the lock file


def test_read_only_file_opens_read_only_with_reason(
    tmp_path: Path, build: Callable[..., Any]
) -> None:
    path = _closed(tmp_path, build)
    path.chmod(0o444)
    try:
        db = open_for_sharing(path)
        assert db.read_only_reason and "read-only" in db.read_only_reason
        db.close()
    finally:
        path.chmod(0o644)


def test_newer_version_names_the_version(tmp_path: Path, build: Callable[..., Any]) -> None:
    path = _closed(tmp_path, build)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version=7")
    conn.close()
    with pytest.raises(NewerProjectError, match="format 7"):
        open_for_sharing(path, view_only=True)


def test_crafted_values_are_refused(tmp_path: Path, build: Callable[..., Any]) -> None:
    path = _closed(tmp_path, build)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE evidence SET stance='<script>'")
    conn.close()
    with pytest.raises(CorruptProjectError, match="stance"):
        open_for_sharing(path, view_only=True)


NAMES = [
    "../../etc/passwd",
    "/etc/passwd",
    "..\\..\\windows\\win.ini",
    "C:\\Windows\\evil.dll",
    "CON",
    "..",
    ".",
    "",
    "a/../../b.txt",
    "evil\x00.txt",
    "\u202etxt.exe",
    "x" * 400,
]


@pytest.mark.parametrize("name", NAMES)
def test_attachment_names_cannot_escape(tmp_path: Path, project: Any, name: str) -> None:
    att = project.store_attachment(b"evidence bytes", "placeholder.bin")
    with project.db.engine.begin() as conn:  # a crafted name, as a received file may carry
        conn.exec_driver_sql("UPDATE attachment SET filename=? WHERE sha256=?", (name, att.sha256))
    out = tmp_path / "out"
    out.mkdir()
    saved = save_attachment(project, att.id, out)
    assert saved.parent == out.resolve() and saved.read_bytes() == b"evidence bytes"
    again = save_attachment(project, att.id, out)  # never overwrites
    assert again != saved and again.parent == out.resolve()


def test_attachment_size_limit(project: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.core.project.evidence as evidence_ops

    monkeypatch.setattr(evidence_ops, "MAX_ATTACHMENT_BYTES", 10)
    with pytest.raises(ValidationError, match="limit"):
        project.store_attachment(b"x" * 11, "big.bin")
