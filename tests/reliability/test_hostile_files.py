"""A colleague's file can never hurt your project (issue 20): the hostile-file corpus.

Every case of :mod:`tests.reliability.hostile_files` is a real ``.factdesk`` file edited
with sqlite3. Each is listed (``factdesk claims``), exported, merged into a good project
(``factdesk merge good.factdesk hostile.factdesk``), uploaded to a server and opened in
the window (offscreen, first look included). Each must end in a one-line refusal naming
the hostile file (exit status 2, no traceback), with the good project and the hostile file
byte-for-byte as they were. A property-based test then mutates single cells of a real
project (types, values, NULLs, huge values) and checks the same: a clean refusal or a
clean open, never a traceback, never a changed input. ``FACTDESK_FUZZ_FULL=1``
(``make fuzz``) runs it longer.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import shutil
import signal
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main as cli_main
from app.core.errors import ProjectFileError
from app.core.server.transfer import upload_project_file
from tests.reliability.conftest import window_recording_messages
from tests.reliability.hostile_files import CASES, build_good_project, make_case, sha256_of
from tests.support.isolation import settings_of_its_own

FULL = os.environ.get("FACTDESK_FUZZ_FULL", "") not in ("", "0")
FUZZ_EXAMPLES = 1500 if FULL else 60


@pytest.fixture(scope="module")
def good_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("good") / "good.factdesk"
    build_good_project(path)
    return path


@pytest.fixture
def good(good_master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "good.factdesk"
    shutil.copyfile(good_master, path)
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Runs ``factdesk ARGV`` in-process; returns (status, stderr); stdout in LAST_OUT."""
    status = cli_main(list(argv))
    captured = capsys.readouterr()
    LAST_OUT[0] = captured.out
    return status, captured.err


LAST_OUT = [""]


def assert_refused(status: int, err: str, file_name: str) -> None:
    lines = err.splitlines()
    assert status == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith("factdesk: "), err
    assert "Traceback" not in err and "unexpected error" not in err.lower(), err
    assert file_name in lines[0], err


# --- the corpus -----------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_refused_by_every_command(
    case: str, good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = make_case(good, tmp_path, case)
    good_before, hostile_before = sha256_of(good), sha256_of(hostile)
    for argv in (
        ("claims", str(hostile)),
        ("export", str(hostile), "--format", "claimreview", *ORGANISATION),
        ("export", str(hostile), "--format", "html"),
        ("merge", str(good), str(hostile)),
        ("merge", str(good), str(hostile), "--prefer", "theirs"),
        ("verify", str(hostile)),
    ):
        status, err = run_cli(capsys, *argv)
        assert_refused(status, err, hostile.name)
        assert sha256_of(hostile) == hostile_before, argv
        assert sha256_of(good) == good_before, argv
    # A server upload reads the file the same way: refused before any server is touched.
    with pytest.raises(ProjectFileError) as refused:
        upload_project_file(hostile, None)  # type: ignore[arg-type]
    assert hostile.name in str(refused.value) and "\n" not in str(refused.value)
    assert sha256_of(hostile) == hostile_before
    # The good project still lists and exports after the attempted merges.
    status, err = run_cli(capsys, "claims", str(good))
    assert status == 0, err
    assert not list(tmp_path.glob("*-wal")) and not list(tmp_path.glob("*-journal"))


@pytest.fixture(scope="module")
def case_window(qapp: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One real main window (offscreen) that tries every case in turn, as a user's window
    opens one file after another; its message boxes are recorded in ``shown_errors``.

    Made once for the corpus instead of once per case (a window costs more than a refused
    open). Each case starts from the start page with no project open (checked), opens its
    own file in its own folder, and must add exactly one message per attempt.
    """
    folder = tmp_path_factory.mktemp("case-window")
    with settings_of_its_own(folder) as patch:
        win = window_recording_messages(patch, folder)
        try:
            yield win
        finally:
            win.close_project()
            win.close()
            win.deleteLater()


def handle_pending_events() -> None:
    """Let the event loop handle what an attempt left for it (deferred calls, a repaint):
    a refused open posts its work at once, so there is nothing to wait for beyond it."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    QApplication.sendPostedEvents()


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_refused_by_the_window(
    case: str, good: Path, tmp_path: Path, case_window: Any
) -> None:
    window = case_window
    # Nothing of an earlier case is open or pending.
    handle_pending_events()
    assert window.service is None and window.stack.currentWidget() is window.start_page
    hostile = make_case(good, tmp_path, case)
    before = sha256_of(hostile)
    # Twice: a refusal leaves nothing behind that would let a second try through.
    for _attempt in range(2):
        messages_before = len(window.shown_errors)
        assert not window.open_project(str(hostile))
        handle_pending_events()
        assert window.stack.currentWidget() is window.start_page
        assert len(window.shown_errors) == messages_before + 1, window.shown_errors[-3:]
        message = window.shown_errors[-1]
        assert "\n" not in message and hostile.name in message
    assert sha256_of(hostile) == before


def test_a_file_closed_by_this_machine_then_changed_is_checked_again(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust is per file state: a remembered clean close does not cover later edits."""
    from app.core.known_files import remember_clean_close

    remember_clean_close(good)
    CASES["new-claim-wording-blob"](good)
    before = sha256_of(good)
    status, err = run_cli(capsys, "claims", str(good))
    assert_refused(status, err, good.name)
    assert sha256_of(good) == before


def test_control_characters_in_a_file_name_are_escaped_in_messages(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "evil\x1b[2J\x07\u202ename.factdesk"
    hostile = make_case(good, tmp_path, "status-unknown", file_name=name)
    status, err = run_cli(capsys, "claims", str(hostile))
    assert status == 2, err
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "evil\\x1b[2J\\x07\\u202ename.factdesk" in err
    missing = tmp_path / "gone\x1b]0;title\x07.factdesk"
    status, err = run_cli(capsys, "claims", str(missing))
    assert status == 2 and "\x1b" not in err and "\x07" not in err, err


def test_the_validator_accepts_the_good_project_and_finds_each_case_first(
    good: Path, tmp_path: Path
) -> None:
    """Each case is refused for its own reason, not a side effect of another check."""
    from app.models.file_validation import check_content, check_schema

    with sqlite3.connect(f"file:{good}?mode=ro", uri=True) as conn:
        check_schema(conn, good.name)
        check_content(conn, good.name)
    conn.close()


# --- property-based: single cells of a real project mutated ---------------------------

TABLES = (
    "project",
    "ratingscale",
    "ratinglevel",
    "reviewer",
    "article",
    "claim",
    "attachment",
    "evidence",
    "changelog",
)
HUGE_TEXT = "x" * 100_000
values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.binary(max_size=40),
    st.sampled_from(
        [
            "",
            "new",
            "done",
            "dismissed",
            "supports",
            "2026-02-30",
            "0" * 32,
            "2026-01-01 00:00:00.000000",
            HUGE_TEXT,
            "[" * 3000,
            "{}",
            "null",
            "statistic,causal",
            "🙂" * 10,
        ]
    ),
)
COUNTS: Counter[str] = Counter()
ORGANISATION = ("--organisation", "Desk", "--organisation-url", "https://desk.example/checks")


def _mutate(path: Path, table: str, column_pick: int, row_pick: int, value: object) -> str:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        rowids = [r[0] for r in conn.execute(f"SELECT rowid FROM {table}")]
        if not rowids:
            return "empty table"
        column = columns[column_pick % len(columns)]
        rowid = rowids[row_pick % len(rowids)]
        try:
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (value, rowid))
        except sqlite3.Error:
            return "refused by SQLite"  # NOT NULL, UNIQUE: the file is unchanged
        return f"{table}.{column}"
    finally:
        conn.close()


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from(TABLES), column=st.integers(0, 40), row=st.integers(0, 40), value=values
)
def test_fuzz_mutated_cells_are_refused_cleanly_or_open_cleanly(
    good_master: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    table: str,
    column: int,
    row: int,
    value: object,
) -> None:
    folder = tmp_path_factory.mktemp("cell")
    good = folder / "good.factdesk"
    shutil.copyfile(good_master, good)
    mutant = folder / "mutant.factdesk"
    shutil.copyfile(good_master, mutant)
    _mutate(mutant, table, column, row, value)
    good_before, mutant_before = sha256_of(good), sha256_of(mutant)
    outcomes = []
    signal.signal(signal.SIGALRM, _hung)
    signal.alarm(HANG_SECONDS)  # a hang fails the example instead of stalling the run
    try:
        _each_command(capsys, good, mutant, good_before, mutant_before, outcomes)
    finally:
        signal.alarm(0)
    COUNTS["cases"] += 1
    COUNTS[outcomes[0]] += 1
    shutil.rmtree(folder, ignore_errors=True)


HANG_SECONDS = 60


def _hung(_signum: int, _frame: object) -> None:
    COUNTS["hangs"] += 1
    raise TimeoutError(f"a command took more than {HANG_SECONDS} s")


def _each_command(
    capsys: pytest.CaptureFixture[str],
    good: Path,
    mutant: Path,
    good_before: str,
    mutant_before: str,
    outcomes: list[str],
) -> None:
    for argv in (
        ("claims", str(mutant), "--json"),
        ("export", str(mutant), "--format", "claimreview", *ORGANISATION),
        ("merge", str(good), str(mutant), "--prefer", "theirs"),
    ):
        status, err = run_cli(capsys, *argv)
        assert "Traceback" not in err and "unexpected error" not in err.lower(), (argv, err)
        if status != 0:
            assert_refused(status, err, mutant.name)
        assert "Infinity" not in LAST_OUT[0] and "NaN" not in LAST_OUT[0], argv
        outcomes.append("refused" if status else "opened")
        assert sha256_of(mutant) == mutant_before, argv
        if argv[0] != "merge" or status != 0:
            assert sha256_of(good) == good_before, argv


@settings(
    max_examples=max(10, FUZZ_EXAMPLES // 5),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from(TABLES), column=st.integers(0, 40), row=st.integers(0, 40), value=values
)
def test_fuzz_mutated_cells_in_the_window(
    good_master: Path,
    tmp_path_factory: pytest.TempPathFactory,
    window: Any,
    qtbot: Any,
    table: str,
    column: int,
    row: int,
    value: object,
) -> None:
    """The window opens a mutant and paints it, or shows one line; it never raises."""
    folder = tmp_path_factory.mktemp("cellwin")
    mutant = folder / "mutant.factdesk"
    shutil.copyfile(good_master, mutant)
    _mutate(mutant, table, column, row, value)
    before = sha256_of(mutant)
    errors_before = len(window.shown_errors)
    opened = window.open_project(str(mutant))
    qtbot.wait(20)  # paint what was opened
    if opened:
        window.close_project()
        COUNTS["window opened"] += 1
    else:
        assert len(window.shown_errors) == errors_before + 1
        message = window.shown_errors[-1]
        assert "\n" not in message and mutant.name in message, message
        COUNTS["window refused"] += 1
    assert sha256_of(mutant) == before
    shutil.rmtree(folder, ignore_errors=True)


def test_fuzz_counts_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the campaign's counts (run after the property test in the same session)."""
    with capsys.disabled():
        print(f"\nhostile-cell fuzz: {dict(COUNTS)} (examples asked: {FUZZ_EXAMPLES})")
