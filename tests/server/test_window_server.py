"""Two windows on one server database, as two people would use them (offscreen Qt)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from pathlib import Path
from typing import Any

import pytest

from app.core.secrets import get_secret, server_secret_name
from app.core.server.connection import normalise_server_url, remembered_server_urls
from app.core.settings import settings_path
from tests.server.helpers import new_server_project


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What would appear in message boxes (which would block a test)."""
    messages: list[str] = []
    from app.ui import dialogs

    monkeypatch.setattr(dialogs, "show_error", lambda _p, text: messages.append(text))
    monkeypatch.setattr(dialogs, "show_info", lambda _p, text: messages.append(text))
    monkeypatch.setattr(dialogs, "ask", lambda _p, text, yes="OK": messages.append(text) or False)
    return messages


def _window(qtbot: Any, tmp_path: Path, name: str, author: str) -> Any:
    from PySide6.QtCore import QSettings

    from app.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    with pytest.MonkeyPatch.context() as person:  # each person has their own settings
        person.setenv("FACTDESK_CONFIG_DIR", str(tmp_path / f"{name}-config"))
        win = MainWindow(settings, author)
    qtbot.addWidget(win)
    win.show()
    return win


def test_dialog_tests_connects_and_keeps_password_in_keyring(
    qtbot: Any, postgres: Any, tmp_path: Path
) -> None:
    from app.ui.server_dialog import ServerDialog

    url = postgres.new_database()
    dialog = ServerDialog(None, [])
    qtbot.addWidget(dialog)
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(postgres.port)
    dialog.database.setText(url.rsplit("/", 1)[1])
    dialog.user.setText(postgres.user)
    dialog.password.setText("typed-Secret-42")  # the test server trusts; kept anyway
    assert dialog.test_connection(), dialog.result.text()
    assert "PostgreSQL" in dialog.result.text()
    dialog.accept()
    clean = normalise_server_url(url)
    assert dialog.url() == clean
    assert remembered_server_urls() == [clean]
    assert get_secret(server_secret_name(clean)) == "typed-Secret-42"
    assert "typed-Secret-42" not in settings_path().read_text(encoding="utf-8")
    again = ServerDialog(None, remembered_server_urls())
    qtbot.addWidget(again)
    assert again.url() == clean  # the remembered server fills the fields

    dialog.port.setValue(1)
    assert not dialog.test_connection()
    assert dialog.result.text().startswith("Connection failed")


TEST_POLL_MS = 100  # the windows' server poll, set short where a test waits for it


def poll_now(qtbot: Any, window: Any) -> None:
    """Run the window's server poll (on its worker) and wait for its answer."""
    qtbot.waitUntil(lambda: window.server._poll_task is None, timeout=10_000)
    window.server.poll()
    qtbot.waitUntil(lambda: window.server._poll_task is None, timeout=10_000)


def test_two_windows_see_each_others_edits_and_conflicts(
    qtbot: Any, postgres: Any, tmp_path: Path, shown: list[str]
) -> None:
    url, service = new_server_project(postgres, author="Setup")
    project_id = str(service.project_id)
    service.close()
    from app.ui.server_link import POLL_MS as SERVER_POLL_MS

    alice = _window(qtbot, tmp_path, "alice", "Alice")
    bob = _window(qtbot, tmp_path, "bob", "Bob")
    for win in (alice, bob):
        assert win.server.timer.interval() == SERVER_POLL_MS  # a person's pace by default
        win.server.timer.setInterval(TEST_POLL_MS)  # this test's pace
        win.server.open_project(url, project_id=project_id)
        qtbot.waitUntil(lambda w=win: w.service is not None, timeout=10_000)
    assert alice.server.timer.isActive() and alice.server.status.text() == "Server: connected"
    claim_id = alice.workspace.current_claim_id()
    assert claim_id and bob.workspace.current_claim_id() == claim_id
    bob_before = bob.workspace.current_claim()

    # An edit in one window shows in the other at its next poll.
    label = alice.scale.levels[0].label
    alice.edits.rate_current(label)
    assert not shown
    # No manual refresh: Bob's window's own poll timer picks it up within seconds.
    qtbot.waitUntil(
        lambda: bob.workspace.claims_model.claim(claim_id).rating_label == label,
        timeout=4 * SERVER_POLL_MS,
    )

    # Editing the same claim from Bob's stale copy is a clear conflict, not a lost edit.
    from app.ui import commands

    bob.run_command(
        commands.EditClaimCommand(bob.service, bob_before, {"explanation": "Bob's"}, "Edit")
    )
    assert shown and "(Alice, at " in shown[-1] and "UTC)" in shown[-1]
    assert alice.service.claim(claim_id).rating_label == label
    assert alice.service.claim(claim_id).explanation != "Bob's"

    # The server goes away: the window says so and refuses edits visibly; then recovers.
    postgres.pg_ctl("stop")
    try:
        poll_now(qtbot, alice)
        assert "not answering" in alice.server.status.text()
        assert "not answering" in alice.statusBar().currentMessage()
        count = len(shown)
        alice.edits.rate_current(alice.scale.levels[1].label)
        assert len(shown) == count + 1 and "not saved" in shown[-1]
        assert alice.undo_stack.count() == 1  # the refused edit is not recorded as done
    finally:
        postgres.pg_ctl("start")
    poll_now(qtbot, alice)
    assert alice.server.status.text() == "Server: connected"
    assert "back" in alice.statusBar().currentMessage()
    alice.edits.rate_current(alice.scale.levels[1].label)
    assert alice.service.claim(claim_id).rating_label == alice.scale.levels[1].label
    for win in (alice, bob):
        win.close_project()
        poll_now(qtbot, win)
        assert not win.server.timer.isActive()


def test_a_server_gone_when_matching_starts_is_said_in_the_checked_before_panel(
    qtbot: Any, postgres: Any, tmp_path: Path, shown: list[str]
) -> None:
    """The "Checked before" panel's first search on a server project opens the server's
    library on the GUI thread; a server not answering at that moment raised a driver
    error out of the window's timer (met once the tests polled at their own pace)."""
    url, service = new_server_project(postgres, author="Setup")
    project_id = str(service.project_id)
    service.close()
    win = _window(qtbot, tmp_path, "ana", "Ana")
    controller = win.checked_before
    controller.timer.setInterval(60_000)  # the search waits until the server is gone
    win.server.open_project(url, project_id=project_id)
    qtbot.waitUntil(lambda: win.service is not None, timeout=10_000)
    assert controller.timer.isActive()
    postgres.pg_ctl("stop")
    try:
        controller.timer.setInterval(0)  # now: pytest-qt fails the test on a raise
        status = controller.widget.status
        qtbot.waitUntil(lambda: "cannot be searched" in status.text(), timeout=10_000)
        assert "server" in status.text().lower()
        assert not controller.busy()
    finally:
        postgres.pg_ctl("start")
    win.close_project()
