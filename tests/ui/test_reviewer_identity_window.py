"""The window goes by the reviewer id of the settings: the command line's, kept through
a change of name in Settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.core.settings import who_am_i
from tests.support.cli_runner import run_factdesk


def _log(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute(sql).fetchall()
    conn.close()
    return rows


def test_renaming_yourself_in_settings_keeps_your_reviewer_id(window, project, monkeypatch):
    from app.ui.settings_dialog import SettingsDialog

    me = who_am_i()
    assert window.author_id == me.id and window.service.person_id == me.id
    window.edits.rate_by_number(1)
    row_id = window.service.author_id

    def rename(dialog: SettingsDialog) -> int:
        dialog.reviewer.setText("Ana Souza")
        dialog.accept()
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", rename)
    assert window.settings_dialog()
    assert who_am_i().id == me.id and window.author_id == me.id
    window.workspace.step_claim(1)
    window.edits.rate_by_number(2)
    assert window.service.author_id == row_id
    window.close_project()

    reviewers = _log(project, "SELECT id, display_name FROM reviewer")
    by = _log(
        project,
        "SELECT DISTINCT author, author_id FROM changelog"
        " WHERE field = 'rating_id' AND operation = 'update'",
    )
    ids = {i for _name, i in by}
    assert len(ids) == 1 and {n for n, _i in by} == {"Tester", "Ana Souza"}
    assert (ids.pop(), "Ana Souza") in reviewers


def test_the_command_line_and_the_window_are_one_person(window, project):
    window.edits.rate_by_number(1)
    window_row = window.service.author_id
    claim_id = window.service.claims()[1].id
    window.close_project()  # the window holds the file's editing lock while it is open
    # The command as a fresh process would run it, with the same settings folder as the
    # window's (tests/support/cli_runner.py).
    result = run_factdesk("rate", str(project), claim_id, "False")
    assert result.returncode == 0, result.stderr
    by = _log(
        project,
        "SELECT DISTINCT author_id FROM changelog"
        " WHERE field = 'rating_id' AND operation = 'update'",
    )
    assert by == [(window_row.hex,)]  # both ratings: one reviewer
