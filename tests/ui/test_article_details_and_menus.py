"""Article details are editable and undoable; every list offers its actions on right-click."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QApplication, QMenu

from app.ui.models import ID_ROLE


def test_article_details_edit_and_undo(window, errors):
    article_id = window.article_id
    dialog = window.edits.article_dialog()
    dialog.edits["author"].setText("Priya Nair")
    dialog.edits["published"].setText("2026-11-30")
    dialog.accept()
    info = window.service.article(article_id)
    assert (info.author, info.published) == ("Priya Nair", date(2026, 11, 30))
    assert "Priya Nair" in window.workspace.article_title.text()
    window.undo_stack.undo()
    info = window.service.article(article_id)
    assert info.author is None and info.published is None
    assert "Undid" in window.statusBar().currentMessage()


def test_a_bad_date_keeps_the_dialog_open_and_changes_nothing(window, errors):
    dialog = window.edits.article_dialog()
    dialog.edits["published"].setText("last Tuesday")
    dialog.accept()
    assert errors, "the person is told what is wrong"
    assert dialog.isVisible()
    assert window.service.article(window.article_id).published is None


def _menu_after_right_click(qtbot, table, row: int) -> QMenu:
    rect = table.visualRect(table.model().index(row, 1))
    table.customContextMenuRequested.emit(rect.center())
    menus = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
    assert menus
    menu = menus[-1]
    menu.close()
    return menu


def test_right_click_menus_offer_the_row_actions(window, qtbot):
    ws = window.workspace
    menu = _menu_after_right_click(qtbot, ws.claims, 2)
    texts = [a.text() for a in menu.actions()]
    assert "&Dismiss Claim" in texts and "Copy Quote" in texts
    assert ws.current_claim_id() == ws.proxy.index(2, 0).data(ID_ROLE)  # the row pointed at
    rating = next(a.menu() for a in menu.actions() if a.text() == "Set Rating")
    assert len([a for a in rating.actions() if a.text().startswith("Rate")]) == 5
    menu = _menu_after_right_click(qtbot, ws.articles, 0)
    assert "Article &Details…" in [a.text() for a in menu.actions()]
