"""The evidence dialog from the keyboard (issue 16, walkthrough at 1280x800).

Before: after attaching a file the focus stayed on "Attach File…", so Return opened the
file picker again instead of saving; the focused "Attach File…" label was clipped; the
date was a QDateEdit whose year, month and day each took a Tab.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog


def _dialog(window, qtbot):
    dialog = window.edits.evidence_dialog(window.workspace.current_claim_id())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _focus(qtbot, widget) -> None:
    widget.activateWindow()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def test_return_after_attaching_saves_instead_of_picking_again(
    window, qtbot, tmp_path, monkeypatch
):
    source = tmp_path / "minutes.pdf"
    source.write_bytes(b"%PDF-1.4 council minutes\n")
    picked: list[str] = []

    def pick(*_args, **_kwargs):
        picked.append("picker")
        return str(source), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", pick)
    dialog = _dialog(window, qtbot)
    dialog.url.setText("https://example.org/minutes")
    _focus(qtbot, dialog.attach_button)
    qtbot.keyClick(dialog.attach_button, Qt.Key.Key_Space)
    assert picked == ["picker"] and dialog.attachment is not None
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert picked == ["picker"]  # the picker did not open again
    assert dialog.result() == QDialog.DialogCode.Accepted
    evidence = window.service.claim(window.workspace.current_claim_id()).evidence
    assert [e.attachment.filename for e in evidence] == ["minutes.pdf"]


def test_return_on_a_file_button_saves_too(window, qtbot):
    dialog = _dialog(window, qtbot)
    dialog.url.setText("https://example.org/a")
    _focus(qtbot, dialog.attach_button)
    qtbot.keyClick(dialog.attach_button, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_the_focused_attach_button_shows_its_whole_label(window, qtbot):
    dialog = _dialog(window, qtbot)
    button = dialog.attach_button
    _focus(qtbot, button)
    qtbot.wait(20)
    # The focus ring (theme.py) pads the label by 10 px and a 2 px border on each side.
    needed = button.fontMetrics().horizontalAdvance("Attach File…") + 2 * (10 + 2)
    assert button.width() >= needed


def test_tab_leaves_the_date_in_one_press_and_a_typed_date_is_saved(window, qtbot):
    dialog = _dialog(window, qtbot)
    dialog.url.setText("https://example.org/b")
    _focus(qtbot, dialog.publisher)
    qtbot.keyClick(dialog.publisher, Qt.Key.Key_Tab)  # into the date, at its start
    assert QApplication.focusWidget() is dialog.accessed
    qtbot.keyClick(dialog.accessed, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.archive
    qtbot.keyClick(dialog.archive, Qt.Key.Key_Backtab)
    qtbot.keyClicks(dialog.accessed, "2026-02-03")  # Tab selected it all: typing replaces
    qtbot.keyClick(dialog.accessed, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.archive, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    evidence = window.service.claim(window.workspace.current_claim_id()).evidence
    assert [e.accessed for e in evidence] == [date(2026, 2, 3)]


def test_a_day_that_does_not_exist_is_refused_and_the_dialog_stays(window, qtbot, errors):
    dialog = _dialog(window, qtbot)
    dialog.url.setText("https://example.org/c")
    dialog.accessed.setText("2026-02-30")
    dialog.ok_button.click()
    assert dialog.isVisible() and errors and "YYYY-MM-DD" in errors[-1]
    assert window.service.claim(window.workspace.current_claim_id()).evidence == ()


def test_the_attached_file_is_listed_below_the_note_not_over_it(window, qtbot, tmp_path):
    source = tmp_path / "minutes.pdf"
    source.write_bytes(b"%PDF-1.4 council minutes\n")
    dialog = _dialog(window, qtbot)
    dialog.attach_path(str(source))
    qtbot.wait(20)
    label, note = dialog.attachment_label, dialog.note
    assert label.geometry().top() > note.geometry().bottom()
    assert label.height() >= label.heightForWidth(label.width())
