"""Reviewers have a stable id: the change log and the server's change feed use it.

Two colleagues who are both called "Ana" are two reviewers; each sees the other's
edits, and the log says which of them made each change. A person is their settings
(their own config folder here), as on their own computer.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.core.project import ProjectService
from app.core.project.store import project_reviewer_id
from app.core.server.sync import ChangeWatcher
from app.models.database import open_server
from app.models.tables import ChangeLog, Reviewer
from tests.server.helpers import ARTICLE, new_server_project
from tests.support.cli_runner import run_factdesk

ANA_ONE = uuid.UUID("0196f3a0-0000-7000-8000-00000000a001")
ANA_TWO = uuid.UUID("0196f3a0-0000-7000-8000-00000000a002")
TEST_POLL_MS = 100  # the windows' server poll, set short where a test waits for it


def test_two_people_called_ana_see_each_others_changes(postgres: Any) -> None:
    url = postgres.new_database()
    first = ProjectService.create_in_database(
        open_server(url, create=True), name="Desk", author="Ana", author_id=ANA_ONE
    )
    article, _ = first.add_article(ARTICLE)
    claim, _ = first.add_claim(article.id, 0, 63)
    second = ProjectService.for_database(
        open_server(url), author="Ana", author_id=ANA_TWO, project_id=str(first.project_id)
    )
    try:
        watch_first, watch_second = ChangeWatcher(first), ChangeWatcher(second)
        second.update_claim(claim.id, wording="Edited by the other Ana")
        assert watch_first.poll().claims == {claim.id}  # not taken for her own edit
        assert watch_second.poll().claims == frozenset()  # her own edit is not news
        first.set_rating(claim.id, "False")
        assert watch_second.poll().claims == {claim.id}
        with second.db.session() as s:
            reviewers = s.execute(select(Reviewer.id, Reviewer.display_name)).all()
            authors = {
                (e.field, e.author_id)
                for e in s.execute(
                    select(ChangeLog).where(ChangeLog.record_id == uuid.UUID(claim.id))
                ).scalars()
            }
        one = project_reviewer_id(ANA_ONE, first.project_id)
        two = project_reviewer_id(ANA_TWO, first.project_id)
        assert sorted(reviewers) == sorted([(one, "Ana"), (two, "Ana")])
        assert ("wording", two) in authors and ("rating_id", one) in authors
        assert second.claim(claim.id).reviewer == "Ana"  # the display name stays readable
    finally:
        second.close()
        first.close()


def test_one_person_edits_several_projects_on_one_server(postgres: Any) -> None:
    """A reviewer id is a person, not a row: their second project gets its own row."""
    url = postgres.new_database()
    desk = ProjectService.create_in_database(
        open_server(url, create=True), name="Desk", author="Ana", author_id=ANA_ONE
    )
    other = ProjectService.create_in_database(
        open_server(url), name="Elections", author="Ana", author_id=ANA_ONE
    )
    try:
        for service in (desk, other):
            article, _ = service.add_article(ARTICLE)
            service.add_claim(article.id, 0, 63)
        assert desk.author_id != other.author_id
        assert desk.person_id == other.person_id == ANA_ONE
    finally:
        other.close()
        desk.close()


def _person(tmp_path: Path, folder: str, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, this process is ``name`` with the settings in ``folder``."""
    monkeypatch.setenv("FACTDESK_CONFIG_DIR", str(tmp_path / folder))
    monkeypatch.setenv("FACTDESK_REVIEWER", name)


def _window(qtbot: Any, tmp_path: Path, name: str) -> Any:
    from PySide6.QtCore import QSettings

    from app.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, "Ana")
    qtbot.addWidget(win)
    win.show()
    return win


def _factdesk(*args: str, config: Path, name: str) -> subprocess.CompletedProcess[str]:
    """``factdesk ARGS`` run by this person (their settings), in this process: what a
    fresh process would print and write (tests/support/cli_runner.py)."""
    return run_factdesk(*args, env={"FACTDESK_CONFIG_DIR": str(config), "FACTDESK_REVIEWER": name})


def _quiet(qtbot: Any, *windows: Any) -> None:
    """The windows' server polls wait, and the work that follows opening is done: a
    command then runs alone in this process."""
    for win in windows:
        win.server.timer.stop()
    qtbot.waitUntil(
        lambda: not any(w.tasks or w.sharing.busy() or w.checked_before.busy() for w in windows),
        timeout=10_000,
    )


def test_two_windows_of_people_called_ana_show_each_others_edits(
    qtbot: Any, postgres: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The finding, as the desk would meet it: two Anas on one server, each at a window."""
    from app.ui import dialogs
    from app.ui.server_link import POLL_MS

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, text: shown.append(text))
    url, service = new_server_project(postgres, author="Setup")
    project_id = str(service.project_id)
    service.close()
    _person(tmp_path, "ana-lisbon", "Ana", monkeypatch)
    lisbon = _window(qtbot, tmp_path, "lisbon")
    _person(tmp_path, "ana-porto", "Ana", monkeypatch)
    porto = _window(qtbot, tmp_path, "porto")
    assert lisbon.author_id != porto.author_id  # two people, whatever their name
    for win in (lisbon, porto):
        # Each window's own poll timer shows the other's edits, at a test's pace (the
        # window's default interval is checked in test_window_server.py).
        win.server.timer.setInterval(TEST_POLL_MS)
        win.server.open_project(url, project_id=project_id)
        qtbot.waitUntil(lambda w=win: w.service is not None, timeout=10_000)
    claim_id = lisbon.workspace.current_claim_id()
    assert claim_id and porto.workspace.current_claim_id() == claim_id

    label = lisbon.scale.levels[0].label
    lisbon.edits.rate_current(label)
    qtbot.waitUntil(
        lambda: porto.workspace.claims_model.claim(claim_id).rating_label == label,
        timeout=4 * POLL_MS,
    )
    other = porto.scale.levels[1].label
    porto.edits.rate_current(other)
    qtbot.waitUntil(
        lambda: lisbon.workspace.claims_model.claim(claim_id).rating_label == other,
        timeout=4 * POLL_MS,
    )
    assert not shown

    # A command run by Porto's Ana (her settings, her id) is her edit, not news to her
    # window, while Lisbon's window shows it.
    cli_claim = lisbon.workspace.claims_model.claim(claim_id)
    _quiet(qtbot, lisbon, porto)
    result = _factdesk(
        "rate",
        "--db",
        url,
        "--project-id",
        project_id,
        claim_id,
        label,
        "--explanation",
        "From Porto's terminal.",
        config=tmp_path / "ana-porto",
        name="Ana",
    )
    assert result.returncode == 0, result.stderr
    for win in (lisbon, porto):
        win.server.timer.start()  # polling again, at this test's pace
    qtbot.waitUntil(
        lambda: (
            lisbon.workspace.claims_model.claim(claim_id).explanation == "From Porto's terminal."
        ),
        timeout=4 * POLL_MS,
    )
    assert cli_claim.explanation != "From Porto's terminal."
    with porto.service.db.session() as s:
        by = set(
            s.execute(
                select(ChangeLog.author_id).where(
                    ChangeLog.record_id == uuid.UUID(claim_id), ChangeLog.field == "explanation"
                )
            ).scalars()
        )
    assert by == {porto.service.author_id}  # the window and the command: one person
    for win in (lisbon, porto):
        win.close_project()


def test_the_command_line_writes_as_the_same_reviewer_as_the_window(
    qtbot: Any, postgres: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same settings, same person: the window does not report her own command's edit."""
    url, service = new_server_project(postgres, author="Setup")
    project_id = str(service.project_id)
    claim_id = service.claims()[0].id
    service.close()
    _person(tmp_path, "ana", "Ana", monkeypatch)
    win = _window(qtbot, tmp_path, "ana")
    win.server.open_project(url, project_id=project_id)
    qtbot.waitUntil(lambda: win.service is not None, timeout=10_000)
    _quiet(qtbot, win)  # and so the poll below is the first to look at the edit
    result = _factdesk(
        "rate",
        "--db",
        url,
        "--project-id",
        project_id,
        claim_id,
        "False",
        config=tmp_path / "ana",
        name="Ana",
    )
    assert result.returncode == 0, result.stderr
    assert win.server.watcher is not None
    assert win.server.watcher.poll().claims == frozenset()  # her own edit
    with win.service.db.session() as s:
        rows = s.execute(select(Reviewer.id, Reviewer.display_name)).all()
    assert (win.service.author_id, "Ana") in rows
    settings = json.loads((tmp_path / "ana" / "settings.json").read_text(encoding="utf-8"))
    assert win.service.person_id == uuid.UUID(settings["reviewer_id"])
    win.close_project()
