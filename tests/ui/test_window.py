"""The main window: selection sync, recolouring, keyboard workflow, drops, errors."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from app.core.errors import StaleEditError
from app.core.records import ClaimStatus
from app.ui import colours
from app.ui.actions import ActionId
from app.ui.claim_editor import COMMIT_DELAY_MS


def formats_in_block(view, position):
    """(start, length, background) of every format range of the block at ``position``."""
    block = view.document().findBlock(position)
    out = []
    for fr in block.layout().formats():
        out.append((block.position() + fr.start, fr.length, fr.format.background().color().name()))
    return out


def bg_at(view, position):
    block = view.document().findBlock(position)
    offset = position - block.position()
    for fr in block.layout().formats():
        if (
            fr.start <= offset < fr.start + fr.length
            and fr.format.background().style() != Qt.BrushStyle.NoBrush
        ):
            return fr.format.background().color().name()
    return None


def point_of(view, position):
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 3, rect.center().y())


def test_selection_syncs_both_ways(window, qtbot):
    ws = window.workspace
    claims = ws.claims_model.claims()
    target = claims[2]
    ws.view.select_claim(None)
    ws.view.ensureCursorVisible()
    # Text -> panel: a click on the claim's text selects its row.
    cursor = QTextCursor(ws.view.document())
    cursor.setPosition(target.start)
    ws.view.setTextCursor(cursor)
    ws.view.centerCursor()
    qtbot.mouseClick(
        ws.view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(ws.view, target.start + 2)
    )
    assert ws.current_claim_id() == target.id
    assert ws.editor.claim.id == target.id
    # Panel -> text: selecting a row emphasises the claim and moves the cursor there.
    other = claims[0]
    ws.select_claim(other.id)
    assert ws.view.highlighter.selected_id == other.id
    assert ws.view.textCursor().position() == other.start
    assert bg_at(ws.view, other.start) != bg_at(ws.view, target.start)


def test_rating_change_recolours_exactly_that_claim(window):
    ws = window.workspace
    claims = ws.claims_model.claims()
    ws.select_claim(claims[0].id)
    target, neighbour = claims[2], claims[3]
    before_neighbour = formats_in_block(ws.view, neighbour.start)
    ws.select_claim(target.id)
    window.edits.rate_by_number(5)  # "False" on the five-level scale
    level = window.scale.levels[4]
    hl = ws.view.highlighter
    want = colours.readable_tint(level.colour, hl.base, hl.text, colours.TINT_SELECTED).name()
    assert bg_at(ws.view, target.start) == want
    assert bg_at(ws.view, target.end - 1) == want
    assert bg_at(ws.view, target.end) != want  # the range ends where the claim ends
    ws.select_claim(claims[0].id)
    unselected = colours.readable_tint(level.colour, hl.base, hl.text, colours.TINT).name()
    assert bg_at(ws.view, target.start) == unselected
    # The next claim kept its formats exactly.
    if ws.view.document().findBlock(neighbour.start) != ws.view.document().findBlock(target.start):
        assert formats_in_block(ws.view, neighbour.start) == before_neighbour
    else:
        assert bg_at(ws.view, neighbour.start) != unselected


def test_keyboard_workflow(window, qtbot):
    ws = window.workspace
    ws.claims.setFocus()
    QApplication.processEvents()
    first = ws.claims_model.claims()[0]
    qtbot.keyClick(ws.claims, Qt.Key.Key_J)  # next claim
    assert ws.current_claim_id() in {c.id for c in ws.claims_model.claims()}
    ws.select_claim(first.id)
    ws.claims.setFocus()
    qtbot.keyClick(ws.claims, Qt.Key.Key_2)  # rate "Mostly true"
    assert window.service.claim(first.id).rating_label == "Mostly true"
    assert window.service.claim(first.id).status == ClaimStatus.IN_REVIEW
    qtbot.keyClick(ws.claims, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert ws.editor.explanation.hasFocus()
    assert ws.editor.commit_timer.interval() == COMMIT_DELAY_MS  # the window's pause
    ws.editor.commit_timer.setInterval(50)  # this test's (the keys below arrive at once)
    qtbot.keyClicks(ws.editor.explanation, "Cited **wrong** year")
    # A pause in typing commits the text (so does leaving the field).
    qtbot.waitUntil(
        lambda: window.service.claim(first.id).explanation == "Cited **wrong** year", timeout=3000
    )
    ws.claims.setFocus()
    qtbot.waitUntil(lambda: "wrong" in ws.editor.preview.toPlainText(), timeout=3000)
    qtbot.keyClick(ws.claims, Qt.Key.Key_K)  # previous claim
    qtbot.keyClick(ws.claims, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # dismiss
    assert window.service.claim(first.id).status == ClaimStatus.DISMISSED
    # Undo everything with the standard key, in order.
    for _ in range(3):
        qtbot.keyClick(ws.claims, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    back = window.service.claim(first.id)
    assert (back.rating_label, back.explanation, back.status) == (None, "", ClaimStatus.NEW)


def test_mark_selection_split_merge_and_undo(window):
    ws = window.workspace
    count = ws.claims_model.rowCount()
    cursor = QTextCursor(ws.view.document())
    cursor.setPosition(0)
    cursor.setPosition(11, QTextCursor.MoveMode.KeepAnchor)
    ws.view.setTextCursor(cursor)
    assert window.actions_[ActionId.MARK_CLAIM].isEnabled()
    window.actions_[ActionId.MARK_CLAIM].trigger()
    assert ws.claims_model.rowCount() == count + 1
    assert ws.current_claim().quote == "Water bills"
    window.undo_stack.undo()
    assert ws.claims_model.rowCount() == count
    claim = ws.claims_model.claims()[0]
    ws.select_claim(claim.id)
    cursor = QTextCursor(ws.view.document())
    cursor.setPosition(claim.start + 12)
    ws.view.setTextCursor(cursor)
    window.edits.split_at_cursor()
    assert ws.claims_model.rowCount() == count + 1
    ws.select_claim(claim.id)
    window.edits.merge_with_next()
    assert ws.claims_model.rowCount() == count
    assert window.service.claim(claim.id).end == claim.end
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert ws.claims_model.claims()[0].id == claim.id
    assert window.service.claim(claim.id).end == claim.end


def test_evidence_dialog_refuses_non_web_links_and_undoes(window, errors):
    ws = window.workspace
    claim = ws.claims_model.claims()[0]
    ws.select_claim(claim.id)
    dialog = window.edits.evidence_dialog(claim.id)
    dialog.url.setText("file:///etc/passwd")
    dialog.accept()
    assert errors and dialog.result() == 0
    assert window.service.claim(claim.id).evidence == ()
    dialog.url.setText("https://example.org/report")
    dialog.title_edit.setText("Report")
    dialog.accept()
    assert [e.title for e in window.service.claim(claim.id).evidence] == ["Report"]
    assert ws.editor.evidence_model.rowCount() == 1
    window.undo_stack.undo()
    assert ws.editor.evidence_model.rowCount() == 0


def test_attach_file_shows_sha256(window, tmp_path):
    claim = window.workspace.claims_model.claims()[0]
    path = tmp_path / "scan.txt"
    path.write_bytes(b"evidence")
    dialog = window.edits.evidence_dialog(claim.id)
    dialog.attach_path(str(path))
    import hashlib

    assert hashlib.sha256(b"evidence").hexdigest() in dialog.attachment_label.text()
    dialog.accept()
    ev = window.service.claim(claim.id).evidence[0]
    assert ev.attachment is not None and ev.attachment.filename == "scan.txt"


def test_markdown_preview_keeps_user_html_inert(window, qtbot):
    editor = window.workspace.editor
    window.workspace.select_claim(window.workspace.claims_model.claims()[0].id)
    editor.explanation.setPlainText("<img src=x onerror=alert(1)> <b>bold</b> *it*")
    qtbot.waitUntil(lambda: "<b>" in editor.preview.toPlainText(), timeout=3000)  # rendered
    html = editor.preview.toHtml()
    assert "<img" not in html.replace("&lt;img", "")
    assert "&lt;b&gt;" in html or "<b>bold" not in editor.preview.toPlainText()
    assert "<b>" in editor.preview.toPlainText()  # shown as text, not markup


def drop(window, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    return event


def test_drop_project_and_article_files(window, qtbot, tmp_path, monkeypatch, helpers):
    ARTICLE, add_article = helpers["ARTICLE"], helpers["add_article"]
    from app.core.project import ProjectService

    other = tmp_path / "other.factdesk"
    svc = ProjectService.create_file(other, author="T")
    add_article(svc, ARTICLE.replace("Water", "Gas"), "Gas bills")
    svc.close()
    event = drop(window, [other])
    assert event.isAccepted()
    qtbot.waitUntil(lambda: window.project_path == str(other))
    assert window.workspace.articles_model.index(0, 0).data() == "Gas bills"

    imported = []
    monkeypatch.setattr(window.importing, "import_file", lambda p: imported.append(p))
    article = tmp_path / "story.txt"
    article.write_text("A story.", encoding="utf-8")
    drop(window, [article])
    qtbot.waitUntil(lambda: imported == [str(article)])


def test_import_runs_on_a_worker_and_can_be_cancelled(window, qtbot):
    calls = []

    def slow_job(check, report):
        report("working")
        import time

        for _ in range(100):
            time.sleep(0.01)
            check()
        calls.append("finished")

    task = window.importing.run(slow_job, "slow")
    task.cancel()
    qtbot.waitUntil(lambda: task not in window.tasks, timeout=5000)
    assert calls == []


def test_stale_edit_offers_reload(window, errors):
    window.handle_error(StaleEditError("someone else saved first", changed_by="Bob"))
    assert "Bob" in errors[-1] and "Reload" in errors[-1]


def test_read_only_project_shows_a_banner(qtbot, qsettings, project, errors):
    from app.ui.main_window import MainWindow

    project.chmod(0o444)  # a file the user may read but not write
    win = MainWindow(qsettings, "Tester")
    qtbot.addWidget(win)
    win.show()
    assert win.open_project(str(project))
    assert win.workspace.read_only_banner.isVisible()
    assert not win.actions_[ActionId.DISMISS].isEnabled()
    assert not win.actions_[ActionId.IMPORT_ARTICLE].isEnabled()
    win.close_project()


def test_reopen_keeps_everything_and_restores_layout(qtbot, qsettings, project, errors):
    from app.ui.main_window import MainWindow

    win = MainWindow(qsettings, "Tester")
    qtbot.addWidget(win)
    win.show()
    win.open_project(str(project))
    claim = win.workspace.claims_model.claims()[1]
    win.workspace.select_claim(claim.id)
    win.edits.rate_by_number(1)
    win.resize(760, 560)
    saved = win.size()
    win.close()
    again = MainWindow(qsettings, "Tester")
    qtbot.addWidget(again)
    again.show()
    assert again.recent_projects()[0].endswith("test.factdesk")
    assert again.stack.currentWidget() is again.start_page
    assert again.start_page.recent.count() == 1
    again.open_project(again.recent_projects()[0])
    assert again.workspace.claims_model.claim(claim.id).rating_label == "True"
    assert again.size() == saved
    again.close_project()


def test_every_control_has_an_accessible_name(window):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )

    missing = []
    for kind in (
        QAbstractButton,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
        QAbstractItemView,
    ):
        for widget in window.findChildren(kind):
            if widget.parent() is not None and type(widget.parent()).__name__ in (
                "QComboBox",
                "QComboBoxPrivateContainer",
                "QAbstractSpinBox",
                "QToolBar",
                "QTabBar",
                "QScrollBar",
                "QLineEdit",
                "QHeaderView",
            ):
                continue
            if type(widget).__name__ in (
                "QToolButton",
                "QHeaderView",
                "QListView",
                "QComboBoxListView",
            ):
                continue
            if widget.objectName().startswith("qt_"):
                continue  # Qt's own corner buttons and the like
            if not widget.accessibleName():
                missing.append(f"{type(widget).__name__}:{widget.objectName()}")
    assert missing == []


def test_shortcuts_are_listed_and_editable(window, qsettings):
    from app.ui.dialogs import ShortcutsDialog

    dialog = ShortcutsDialog(window, window.actions_)
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert "Next Claim" in names and "Dismiss Claim" in names
    row = names.index("Dismiss Claim")
    dialog.table.item(row, 1).setText("Ctrl+Alt+X")
    assert window.actions_[ActionId.DISMISS].shortcut().toString() == "Ctrl+Alt+X"
    assert qsettings.value("shortcuts/dismiss") == "Ctrl+Alt+X"
    dialog.set_keys(row, None)
    assert window.actions_[ActionId.DISMISS].shortcut().toString() == "Ctrl+D"


def test_theme_and_text_size_persist(window, qsettings):
    window.actions_[ActionId.THEME_DARK].trigger()
    assert qsettings.value("view/theme") == "dark"
    assert window.workspace.view.palette().base().color().lightnessF() < 0.5
    size = window.text_size
    window.actions_[ActionId.TEXT_LARGER].trigger()
    assert float(qsettings.value("view/text_size")) == size + 1
    window.actions_[ActionId.THEME_LIGHT].trigger()
    assert QColor(window.workspace.view.highlighter.base).lightnessF() > 0.5
