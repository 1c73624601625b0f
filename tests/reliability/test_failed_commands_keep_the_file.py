"""A command that fails, or only reads, leaves the project file byte-for-byte as it was.

"As it was" includes the journal mode in the SQLite header (bytes 18 and 19): a file
made by a colleague's tool or set with ``sqlite3 desk.factdesk 'PRAGMA
journal_mode=DELETE'`` stays in that mode until a command actually saves something to it.
Before, merely opening such a file for editing switched it to WAL, so a ``rate`` that
was refused or an ``import`` of an empty article still rewrote the header.

These tests work on real files, through the command line's ``main`` in-process, one
real ``python -m app`` subprocess, and the real window offscreen.
"""

from __future__ import annotations

import hashlib
import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from app.cli import main as cli_main
from app.core.project import DetectedSentence, ProjectService
from app.core.records import ArticleMetadata, ClaimKind, ParagraphRole
from tests.conftest import REPO, cli_env

TEXT = (
    "Harbour budget\n\n"
    "The bridge cost twice as much as planned. Crime doubled since 2019. "
    "Unemployment fell by 3% last year.\n"
)
ROLLBACK, WAL = 1, 2  # the header's file format bytes (offsets 18 and 19)


def journal_bytes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[18:20]
    return data[0], data[1]


def folder_state(path: Path) -> dict[str, str]:
    """Every file in the project's folder and its SHA-256: the project and anything beside."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.parent.iterdir())
        if p.is_file()
    }


def make_project(path: Path) -> list[str]:
    service = ProjectService.create_file(path, author="Ana")
    try:
        detected = [
            DetectedSentence(
                TEXT.index(s),
                TEXT.index(s) + len(s),
                0.9,
                None,
                (ClaimKind.STATISTIC,),
                ParagraphRole.BODY,
            )
            for s in ("The bridge cost twice as much as planned.", "Crime doubled since 2019.")
        ]
        service.add_article(TEXT, metadata=ArticleMetadata(title="Harbour"), detected=detected)
        return [c.id for c in service.claims()]
    finally:
        service.close()


def set_rollback_journal(path: Path) -> None:
    """What a colleague does with the sqlite3 shell (or another tool's default)."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert journal_bytes(path) == (ROLLBACK, ROLLBACK)


@pytest.fixture
def rollback_project(tmp_path: Path) -> tuple[Path, list[str]]:
    folder = tmp_path / "desk"
    folder.mkdir()
    path = folder / "colleague.factdesk"
    claims = make_project(path)
    set_rollback_journal(path)
    return path, claims


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli_main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


FAILING_RATES = {
    "unknown rating": ["Bogus"],
    "claimant too long": ["False", "--explanation", "Audit, p. 4.", "--claimant", "x" * 600],
    "bad evidence link": ["False", "--explanation", "Audit.", "--evidence", "javascript:alert(1)"],
    "evidence title too long": [
        "False",
        "--evidence",
        "https://audit.example/r",
        "--evidence-title",
        "t" * 5000,
    ],
}


@pytest.mark.parametrize("case", sorted(FAILING_RATES))
def test_a_failing_rate_leaves_a_rollback_journal_file_byte_for_byte(
    case: str, rollback_project: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, claims = rollback_project
    before = folder_state(path)
    status, _out, err = run(capsys, "rate", str(path), claims[0], *FAILING_RATES[case])
    assert status != 0
    assert len(err.strip().splitlines()) == 1, err
    assert folder_state(path) == before
    assert journal_bytes(path) == (ROLLBACK, ROLLBACK)


def test_importing_an_empty_article_leaves_a_rollback_journal_file_byte_for_byte(
    rollback_project: tuple[Path, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _claims = rollback_project
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    before = folder_state(path)
    status, _out, err = run(capsys, "import", str(empty), "--project", str(path))
    assert status != 0 and "empty" in err
    assert folder_state(path) == before


def test_reading_commands_leave_a_rollback_journal_file_byte_for_byte(
    rollback_project: tuple[Path, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _claims = rollback_project
    before = folder_state(path)
    for argv in (
        ["claims", str(path)],
        ["articles", str(path), "--json"],
        ["export", str(path), "--format", "markdown", "--include-unrated"],
        ["verify", str(path)],
    ):
        status, _out, err = run(capsys, *argv)
        assert status in (0, 2), (argv, err)  # verify: 2 says "not signed"
        assert folder_state(path) == before, argv


def test_a_conflicting_merge_leaves_a_rollback_journal_file_byte_for_byte(
    rollback_project: tuple[Path, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, claims = rollback_project
    theirs = tmp_path / "theirs.factdesk"
    shutil.copy2(path, theirs)
    assert run(capsys, "rate", str(theirs), claims[0], "True")[0] == 0
    # Rated differently on both sides, once the copy was made: a conflict, nothing merged.
    mine_copy = tmp_path / "mine-copy.factdesk"
    shutil.copy2(path, mine_copy)
    assert run(capsys, "rate", str(mine_copy), claims[0], "False")[0] == 0
    shutil.copy2(mine_copy, path)
    set_rollback_journal(path)
    before = folder_state(path)
    status, out, _err = run(capsys, "merge", str(path), str(theirs))
    assert status == 1 and "nothing was merged" in out
    assert folder_state(path) == before


def test_a_failing_rate_in_a_real_process_leaves_the_file_byte_for_byte(
    rollback_project: tuple[Path, list[str]],
) -> None:
    path, claims = rollback_project
    before = folder_state(path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "rate",
            str(path),
            claims[1],
            "False",
            "--explanation",
            "Police figures.",
            "--claimant",
            "y" * 600,
        ],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 2, done.stderr
    assert "claimant" in done.stderr
    assert folder_state(path) == before


def test_the_first_saved_edit_moves_a_rollback_journal_file_to_wal(
    rollback_project: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """The decision written down in app.models.database: WAL comes with a saved edit."""
    path, claims = rollback_project
    status, _out, err = run(
        capsys, "rate", str(path), claims[0], "False", "--explanation", "Audit, p. 4."
    )
    assert status == 0, err
    assert journal_bytes(path) == (WAL, WAL)
    status, out, _err = run(capsys, "claims", str(path), "--json")
    shown = {c["id"]: c for c in json.loads(out)["claims"]}
    assert shown[claims[0]]["rating"] == "False"
    assert shown[claims[0]]["explanation"] == "Audit, p. 4."
    # At rest, one self-contained file again.
    assert sorted(folder_state(path)) == [path.name]


def test_a_file_factdesk_creates_is_wal_from_birth(tmp_path: Path) -> None:
    path = tmp_path / "new.factdesk"
    ProjectService.create_file(path, author="Ana").close()
    assert journal_bytes(path) == (WAL, WAL)


# --- a save cut short in rollback-journal mode ----------------------------------------

CUT_SHORT = textwrap.dedent(
    """
    import os, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA cache_size=2")  # changed pages spill into the file before commit
    conn.execute("BEGIN")
    conn.execute("UPDATE claim SET explanation = 'half-saved'")
    # Enough new pages to push the changed claim pages out of the cache into the file.
    conn.execute("UPDATE article SET text = text || ?", ("z" * 400_000,))
    os._exit(9)  # killed mid-transaction: the journal beside the file is hot
    """
)


def cut_short_save(path: Path) -> Path:
    """Kill a save to ``path`` half-way; returns the hot journal it leaves beside it."""
    subprocess.run([sys.executable, "-c", CUT_SHORT, str(path)], check=False, timeout=60)
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0
    torn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:  # the file as it lies on disk holds the half-saved edit
        found = torn.execute("SELECT DISTINCT explanation FROM claim").fetchall()
        assert found == [("half-saved",)]
    finally:
        torn.close()
    return journal


def test_a_save_cut_short_in_rollback_journal_mode_is_never_read_half_done(
    rollback_project: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """A process killed while saving leaves the file torn and its old pages in a "hot"
    ``-journal`` beside it. Reading the file as it is (``immutable``) showed the half-saved
    edit; the file must be read as it was before that save."""
    path, _claims = rollback_project
    status, out, _err = run(capsys, "claims", str(path), "--json")
    committed = json.loads(out)["claims"]
    cut_short_save(path)
    status, out, err = run(capsys, "claims", str(path), "--json")
    assert status == 0, err
    assert json.loads(out)["claims"] == committed
    status, out, err = run(capsys, "export", str(path), "--format", "markdown")
    assert status == 0, err
    assert "half-saved" not in out
    service = ProjectService.open_file(path, author="Ana", quick_check=True)
    try:
        assert all(c.explanation != "half-saved" for c in service.claims())
    finally:
        service.close()
    assert journal_bytes(path) == (ROLLBACK, ROLLBACK)  # nothing was saved since


def test_a_save_cut_short_in_a_read_only_file_gets_one_line_and_no_change(
    rollback_project: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """Only a connection that may write can put the old pages back: a read-only file is
    refused with a line that says why, never shown half-saved, never called damaged."""
    path, _claims = rollback_project
    cut_short_save(path)
    path.chmod(0o444)
    try:
        before = folder_state(path)
        status, out, err = run(capsys, "claims", str(path))
        assert status != 0 and "half-saved" not in out
        assert len(err.strip().splitlines()) == 1 and "cut short" in err, err
        assert "damaged" not in err
        assert folder_state(path) == before
    finally:
        path.chmod(0o644)


# --- the window ------------------------------------------------------------------------


def background_work_done(window: Any) -> bool:
    from PySide6.QtCore import QThreadPool, QTimer

    if window.sharing.badge.result is None:
        return False
    timer = window.findChild(QTimer, "checked_before_timer")
    if timer is not None and timer.isActive():
        return False
    pools = [*window.findChildren(QThreadPool), QThreadPool.globalInstance()]
    return all(pool.activeThreadCount() == 0 for pool in pools)


def test_the_window_opening_a_rollback_journal_file_and_closing_it_changes_nothing(
    rollback_project: tuple[Path, list[str]], window: Any, qtbot: Any
) -> None:
    path, _claims = rollback_project
    before = folder_state(path)
    assert window.open_project(str(path))
    assert window.workspace.claims_model.rowCount() == 2
    # Until the window's background looks at the file are over: the signature check
    # (started a moment after the project is shown) has its result, and no lookup of the
    # claims checked before is due or running.
    qtbot.waitUntil(lambda: background_work_done(window), timeout=30_000)
    window.close_project()
    assert not window.shown_errors
    assert folder_state(path) == before
