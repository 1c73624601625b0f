"""One current claim: list, article and panel show the same claim after every action.

Each test drives the window with the keyboard, as a fact-checker would, then checks the
three places agree and that an edit lands on the claim they show.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.records import ClaimStatus
from app.ui.actions import ActionId


def shown(window) -> tuple[str | None, str | None, str | None]:
    """(list's current claim, article's emphasised claim, panel's claim)."""
    ws = window.workspace
    panel = ws.editor.claim.id if ws.editor.claim is not None else None
    return ws.current_claim_id(), ws.view.highlighter.selected_id, panel


def assert_in_sync(window) -> str:
    listed, emphasised, panel = shown(window)
    assert listed is not None
    assert listed == emphasised == panel
    return listed


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.workspace.claims, key, modifier)


def test_dismiss_moves_all_three_to_the_next_claim(window, qtbot):
    ws = window.workspace
    claims = ws.claims_model.claims()
    ws.select_claim(claims[1].id)
    ws.claims.setFocus()
    press(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    now = assert_in_sync(window)
    assert now == claims[2].id
    assert window.service.claim(claims[1].id).status == ClaimStatus.DISMISSED
    # An explanation typed now lands on the claim shown, not on the dismissed one.
    ws.editor.explanation.setFocus()
    qtbot.keyClicks(ws.editor.explanation, "Checked against the council minutes.")
    ws.editor.commit_text()
    assert "council minutes" in window.service.claim(now).explanation
    assert window.service.claim(claims[1].id).explanation == ""


def test_split_keeps_all_three_on_one_claim(window, qtbot):
    ws = window.workspace
    claims = ws.claims_model.claims()
    target = claims[0]
    ws.select_claim(target.id)
    cursor = ws.view.textCursor()
    cursor.setPosition(target.start + (target.end - target.start) // 2)
    ws.view.setTextCursor(cursor)
    window.edits.split_at_cursor()
    now = assert_in_sync(window)
    assert window.service.claim(now).start == target.start


def test_undo_and_redo_of_a_dismissal_keep_all_three_together(window, qtbot):
    ws = window.workspace
    claims = ws.claims_model.claims()
    ws.select_claim(claims[1].id)
    ws.claims.setFocus()
    press(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    window.undo_stack.undo()
    assert assert_in_sync(window) == claims[1].id
    window.undo_stack.redo()
    assert_in_sync(window)


def test_filtering_out_the_current_claim_moves_all_three(window, qtbot):
    ws = window.workspace
    claims = ws.claims_model.claims()
    ws.select_claim(claims[0].id)
    ws.filter_text.setText(
        window.service.article_text(window.article_id).text[claims[2].start : claims[2].start + 12]
    )
    listed, emphasised, panel = shown(window)
    assert listed == emphasised == panel


def test_restore_and_merge_with_next_keep_all_three_together(window, qtbot):
    ws = window.workspace
    window.actions_[ActionId.SHOW_DISMISSED].setChecked(True)
    claims = ws.claims_model.claims()
    ws.select_claim(claims[1].id)
    press(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    ws.select_claim(claims[1].id)
    press(
        qtbot,
        window,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert assert_in_sync(window) == claims[1].id
    assert window.service.claim(claims[1].id).status == ClaimStatus.NEW
    press(
        qtbot,
        window,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    merged = assert_in_sync(window)
    assert merged == claims[1].id
    assert window.service.claim(merged).end == claims[2].end


def test_reopening_the_project_shows_one_claim_everywhere(window, qtbot, project):
    window.close_project()
    assert window.open_project(str(project))
    assert_in_sync(window)


def test_import_opens_the_new_article_on_its_first_claim(window, qtbot, tmp_path):
    article = tmp_path / "port.txt"
    article.write_text(
        "Port traffic\n\nThe port handled 12 million tonnes in 2024, the authority said. "
        "Traffic rose 8% on the year before.\n",
        encoding="utf-8",
    )
    before = window.article_id
    window.importing.import_file(str(article))
    qtbot.waitUntil(lambda: window.article_id not in (None, before), timeout=20_000)
    first = window.workspace.claims_model.claims()[0]
    assert assert_in_sync(window) == first.id
