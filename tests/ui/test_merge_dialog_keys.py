"""The merge dialog from the keyboard, and where a merge leaves the window (issue 16,
walkthrough at 1280x800).

Before: Alt+M belonged to both "Keep All Mine" and "Merge"; Return did not press Merge
on a trusted file; the incoming copy was named only "test.factdesk", like the open
project; after merging the window stayed where it was, away from the conflict.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QDialog

from app.ui.merge_dialog import MergeDialog
from app.ui.path_labels import home_relative
from tests.ui.test_merge_dialog import _copies
from tests.ui.test_merge_dialog import _dialog as _shown_dialog


def _dialog(qtbot, project: Path, theirs: Path, claims: list) -> MergeDialog:
    return _shown_dialog(qtbot, project, theirs, claims, shown=True)


def test_every_mnemonic_in_the_dialog_is_its_own(qtbot, project, tmp_path):
    theirs, claims = _copies(project, tmp_path, sign="Bob")
    dialog = _dialog(qtbot, project, theirs, claims)
    keys = [
        m.group(1).lower()
        for button in dialog.findChildren(QAbstractButton)
        if button.isVisible() and (m := re.search(r"&([^&])", button.text()))
    ]
    assert "m" in keys  # Merge keeps Alt+M
    assert len(keys) == len(set(keys)), keys


def test_alt_t_then_return_takes_theirs_and_merges_a_trusted_file(qtbot, project, tmp_path):
    from PySide6.QtWidgets import QApplication

    theirs, claims = _copies(project, tmp_path, sign="Bob")
    dialog = _dialog(qtbot, project, theirs, claims)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: all(card.side() == "theirs" for card in dialog.cards))
    # Under X11 the mnemonic leaves the focus on the button it pressed; Return then
    # pressed "Take All Theirs" again instead of Merge.
    dialog.all_theirs.setFocus(Qt.FocusReason.ShortcutFocusReason)
    qtbot.waitUntil(dialog.all_theirs.hasFocus)
    qtbot.keyClick(dialog.all_theirs, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert set(dialog.resolution().values()) == {"theirs"}


def test_return_still_does_not_merge_an_unsigned_file(qtbot, project, tmp_path):
    theirs, claims = _copies(project, tmp_path)
    dialog = _dialog(qtbot, project, theirs, claims)
    dialog.activateWindow()
    dialog.all_theirs.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(dialog.all_theirs.hasFocus)
    qtbot.keyClick(dialog.all_theirs, Qt.Key.Key_Return)
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_a_copy_named_like_the_open_project_is_told_apart_by_its_folder(qtbot, project, tmp_path):
    inbox = tmp_path / "from-bob"
    inbox.mkdir()
    theirs, claims = _copies(project, inbox, sign="Bob", name=project.name)
    dialog = _dialog(qtbot, project, theirs, claims)
    assert "from-bob/" in dialog.windowTitle()
    shown = dialog.source_label.text()
    assert home_relative(theirs) in shown and home_relative(project) in shown


def test_after_merging_the_window_shows_the_first_conflicting_claim(
    window, qtbot, project, tmp_path
):
    window.close_project()
    theirs, claims = _copies(project, tmp_path, sign="Bob")
    assert window.open_project(str(project))
    window.service.set_rating(claims[1].id, "True")
    ws = window.workspace
    ws.select_claim(claims[3].id)  # the person was elsewhere
    flow = window.sharing.merging

    def answer() -> None:
        dialog = flow.dialog
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, answer)
            return
        dialog.all_theirs.click()
        dialog.merge_button.click()

    QTimer.singleShot(20, answer)
    with qtbot.waitSignal(flow.finished, timeout=30000):
        window.sharing.merge_file(str(theirs))
    conflict = claims[1].id
    assert ws.current_claim_id() == conflict
    assert ws.view.highlighter.selected_id == conflict
    assert ws.editor.claim is not None and ws.editor.claim.id == conflict
    assert ws.editor.rating.currentData() == window.service.claim(conflict).rating_id
