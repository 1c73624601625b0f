"""The keyboard model and undo in sight, driven with keys as a fact-checker would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core.records import ClaimStatus
from app.ui.actions import ActionId

CTRL = Qt.KeyboardModifier.ControlModifier


def key(qtbot, widget, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, k, modifier)


def test_esc_returns_to_the_claims_list_from_the_explanation(window, qtbot):
    ws = window.workspace
    key(qtbot, ws.claims, Qt.Key.Key_J, CTRL)  # Ctrl+J: write the explanation
    assert QApplication.focusWidget() is ws.editor.explanation
    qtbot.keyClicks(ws.editor.explanation, "Minutes")
    key(qtbot, ws.editor.explanation, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is ws.claims
    # The text was committed on the way out, onto the claim shown.
    assert window.service.claim(ws.current_claim_id()).explanation == "Minutes"


def test_ctrl_j_appends_to_an_existing_explanation(window, qtbot):
    ws = window.workspace
    claim_id = ws.current_claim_id()
    ws.editor.explanation.setPlainText("First line.")
    ws.editor.commit_text()
    key(qtbot, ws.claims, Qt.Key.Key_J, CTRL)
    qtbot.keyClicks(ws.editor.explanation, " More.")
    key(qtbot, ws.editor.explanation, Qt.Key.Key_Escape)
    assert window.service.claim(claim_id).explanation == "First line. More."


def test_next_claim_from_the_explanation_then_a_rating_key_rates(window, qtbot):
    ws = window.workspace
    first = ws.current_claim_id()
    key(qtbot, ws.claims, Qt.Key.Key_J, CTRL)
    key(qtbot, ws.editor.explanation, Qt.Key.Key_Down, CTRL)  # next claim
    second = ws.current_claim_id()
    assert second != first
    key(qtbot, QApplication.focusWidget(), Qt.Key.Key_3)
    claim = window.service.claim(second)
    assert claim.rating_label == window.scale.levels[2].label
    assert claim.explanation == ""


def test_rating_keys_exist_only_for_the_scales_levels(window):
    levels = len(window.scale.levels)
    assert levels == 5
    assert window.actions_[ActionId.RATE_5].isVisible()
    assert not window.actions_[ActionId.RATE_6].isVisible()
    from app.ui.dialogs import ShortcutsDialog

    dialog = ShortcutsDialog(window, window.actions_)
    rows = {
        dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text()
        for r in range(dialog.table.rowCount())
    }
    assert "Rating 6" not in rows and "Rating 9" not in rows
    assert rows["Undo"] == "Ctrl+Z"  # one plain key, not "Ctrl+Z; F14"
    dialog.search.setText("dismiss")
    visible = [
        dialog.table.item(r, 0).text()
        for r in range(dialog.table.rowCount())
        if not dialog.table.isRowHidden(r)
    ]
    assert visible and all("ismiss" in v for v in visible)


def test_tab_leaves_the_claims_list(window, qtbot):
    ws = window.workspace
    ws.claims.setFocus()
    key(qtbot, ws.claims, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not ws.claims


def test_done_and_next_and_next_unrated(window, qtbot):
    ws = window.workspace
    claims = ws.claims_model.claims()
    ws.select_claim(claims[0].id)
    ws.claims.setFocus()
    key(qtbot, ws.claims, Qt.Key.Key_Return, CTRL)
    assert window.service.claim(claims[0].id).status == ClaimStatus.DONE
    assert ws.current_claim_id() == claims[1].id
    key(qtbot, ws.claims, Qt.Key.Key_2)  # rate claim 2
    ws.select_claim(claims[0].id)
    key(qtbot, ws.claims, Qt.Key.Key_N)  # next unrated skips the rated claim 2
    assert ws.current_claim_id() == claims[2].id


def test_undo_goes_to_the_claim_and_says_what_it_did(window, qtbot):
    ws = window.workspace
    claims = ws.claims_model.claims()
    ws.select_claim(claims[2].id)
    ws.claims.setFocus()
    key(qtbot, ws.claims, Qt.Key.Key_5)  # False
    ws.select_claim(claims[0].id)
    key(qtbot, ws.claims, Qt.Key.Key_Z, CTRL)
    assert ws.current_claim_id() == claims[2].id
    assert ws.editor.claim.id == claims[2].id
    assert window.service.claim(claims[2].id).rating_id is None
    message = window.statusBar().currentMessage()
    assert message == "Undid rating of claim 3: False → Unrated"
    key(qtbot, ws.claims, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.statusBar().currentMessage() == "Redid rating of claim 3: Unrated → False"


def test_undo_across_articles_shows_the_other_article(window, qtbot, helpers):
    ws = window.workspace
    first_article = window.article_id
    claims = ws.claims_model.claims()
    target = claims[0]
    ws.select_claim(target.id)
    cursor = ws.view.textCursor()
    cursor.setPosition(target.start + 5)
    ws.view.setTextCursor(cursor)
    window.edits.split_at_cursor()
    second_article = helpers["add_article"](
        window.service, "Another story\n\nThe port handled 12 million tonnes in 2024.\n", "Port"
    )
    window.workspace.articles_model.set_articles(window.service.articles())
    window.show_article(second_article)
    assert window.article_id == second_article
    key(qtbot, ws.claims, Qt.Key.Key_Z, CTRL)
    assert window.article_id == first_article
    assert ws.current_claim_id() == target.id
    assert window.service.claim(target.id).end == target.end  # the split is undone
    assert "claim 1" in window.statusBar().currentMessage()


def test_ctrl_z_in_a_field_with_nothing_to_undo_undoes_the_project(window, qtbot):
    ws = window.workspace
    claim_id = ws.current_claim_id()
    ws.claims.setFocus()
    key(qtbot, ws.claims, Qt.Key.Key_1)
    assert window.service.claim(claim_id).rating_id is not None
    ws.editor.claimant.setFocus()
    key(qtbot, ws.editor.claimant, Qt.Key.Key_Z, CTRL)
    assert window.service.claim(claim_id).rating_id is None
