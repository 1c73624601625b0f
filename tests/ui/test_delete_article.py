"""Deleting an article from the window, and taking it back, with the keyboard.

Del in the articles list asks first, saying what goes with the article; Ctrl+Z brings
back the article, its claims, verdicts, explanations and evidence, goes to the claim that
was current and says what it did; Ctrl+Shift+Z deletes it again.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core.errors import NotFoundError
from app.core.project import ClaimFilter
from app.ui.actions import ActionId

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
PORT = "Port traffic\n\nThe port handled 12 million tonnes in 2024. Ships waited two days.\n"


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch, errors: list[str]) -> list[str]:
    """The confirmations shown; each is answered "Delete"."""
    from app.ui import dialogs

    questions: list[str] = []
    monkeypatch.setattr(dialogs, "ask", lambda _p, text, yes="OK": questions.append(text) or True)
    return questions


def shown(window) -> tuple[str | None, str | None, str | None]:
    """(list's current claim, article's emphasised claim, panel's claim)."""
    ws = window.workspace
    panel = ws.editor.claim.id if ws.editor.claim is not None else None
    return ws.current_claim_id(), ws.view.highlighter.selected_id, panel


def with_second_article(window, helpers) -> str:
    """Adds a second article and goes back to the first; returns the second's id."""
    first = window.article_id
    second = helpers["add_article"](window.service, PORT, "Port traffic")
    window.workspace.articles_model.set_articles(window.service.articles())
    window.show_article(first)
    return second


def work_on_the_third_claim(window, qtbot) -> str:
    """Rate and explain the article's third claim with the keyboard; it stays current."""
    ws = window.workspace
    ws.claims.setFocus()
    for _ in range(2):
        qtbot.keyClick(ws.claims, Qt.Key.Key_J)
    claim_id = ws.current_claim_id()
    qtbot.keyClick(ws.claims, Qt.Key.Key_4)  # Mostly false
    qtbot.keyClick(ws.claims, Qt.Key.Key_J, CTRL)
    qtbot.keyClicks(ws.editor.explanation, "The plant opened in 2021.")
    qtbot.keyClick(ws.editor.explanation, Qt.Key.Key_Escape)
    assert window.service.claim(claim_id).explanation == "The plant opened in 2021."
    return claim_id


def press_delete_in_the_articles_list(window, qtbot) -> None:
    articles = window.workspace.articles
    articles.setFocus()
    assert QApplication.focusWidget() is articles
    qtbot.keyClick(articles, Qt.Key.Key_Delete)


def test_delete_then_undo_brings_the_article_back_on_the_same_claim(window, qtbot, helpers, asked):
    ws = window.workspace
    first = window.article_id
    second = with_second_article(window, helpers)
    claim_id = work_on_the_third_claim(window, qtbot)
    before = window.service.claims(ClaimFilter(article_id=first), with_evidence=True)

    press_delete_in_the_articles_list(window, qtbot)

    assert asked == [
        "Delete the article “Water bills” with its 5 claims, 1 verdict and 1 explanation?"
        "\n\nEdit › Undo (Ctrl+Z) brings it all back."
    ]
    with pytest.raises(NotFoundError):
        window.service.article(first)
    assert window.statusBar().currentMessage() == (
        "Deleted article “Water bills”; Edit › Undo (Ctrl+Z) brings it back."
    )
    # The next article is shown, and the list, the article and the panel agree.
    assert window.article_id == second
    assert [ws.articles_model.article_at(r).id for r in range(ws.articles_model.rowCount())] == [
        second
    ]
    listed, emphasised, panel = shown(window)
    assert listed is not None and listed == emphasised == panel
    assert window.service.claim(listed).article_id == second

    qtbot.keyClick(ws.claims, Qt.Key.Key_Z, CTRL)

    assert window.article_id == first
    assert shown(window) == (claim_id, claim_id, claim_id)
    after = window.service.claims(ClaimFilter(article_id=first), with_evidence=True)
    assert [(c.id, c.quote, c.rating_label, c.explanation, c.status) for c in after] == [
        (c.id, c.quote, c.rating_label, c.explanation, c.status) for c in before
    ]
    assert ws.editor.claim.rating_label == "Mostly false"
    assert ws.articles_model.row_of(first) == 0  # back in its place in the list
    assert window.statusBar().currentMessage() == (
        "Undid deletion of article “Water bills” (5 claims, 1 verdict back)"
    )

    qtbot.keyClick(ws.claims, Qt.Key.Key_Z, CTRL | SHIFT)

    with pytest.raises(NotFoundError):
        window.service.article(first)
    assert window.article_id == second
    assert window.statusBar().currentMessage() == (
        "Redid deletion of article “Water bills” (5 claims, 1 verdict)"
    )
    assert len(asked) == 1  # a redo does not ask again


def test_deleting_the_only_article_leaves_an_empty_project_and_undo_restores(window, qtbot, asked):
    ws = window.workspace
    first = window.article_id
    press_delete_in_the_articles_list(window, qtbot)
    assert window.article_id is None and window.service.articles() == []
    assert ws.claims_model.rowCount() == 0 and ws.editor.claim is None
    assert not window.actions_[ActionId.DELETE_ARTICLE].isEnabled()
    assert window.counts_label.text() == ""
    window.actions_[ActionId.UNDO].trigger()
    assert window.article_id == first
    listed, emphasised, panel = shown(window)
    assert listed is not None and listed == emphasised == panel


def test_del_in_the_claims_list_never_deletes_the_article(window, qtbot, asked):
    ws = window.workspace
    ws.claims.setFocus()
    qtbot.keyClick(ws.claims, Qt.Key.Key_Delete)
    assert asked == []
    assert window.service.article(window.article_id).title == "Water bills"


def test_cancel_keeps_the_article(window, qtbot, errors):
    press_delete_in_the_articles_list(window, qtbot)  # the errors fixture answers Cancel
    assert errors and errors[0].startswith("Delete the article “Water bills”")
    assert window.service.article(window.article_id).title == "Water bills"
    assert window.undo_stack.count() == 0


def test_delete_is_offered_in_the_file_menu_and_on_the_article(window):
    action = window.actions_[ActionId.DELETE_ARTICLE]
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()
    from app.ui.context_menus import _article_menu

    assert action in _article_menu(window).actions()
    assert action.shortcut().toString() == "Del"
    assert action.isEnabled()


def test_the_command_on_a_bare_stack_refuses_a_redo_over_a_colleagues_edit(qapp, project):
    from PySide6.QtGui import QUndoStack

    from app.core.errors import StaleEditError
    from app.core.project import ProjectService
    from app.ui import commands
    from app.ui.article_commands import DeleteArticleCommand

    mine = ProjectService.open_file(project, author="Tester")
    article = mine.articles()[0]
    claim = mine.claims()[0]
    mine.set_rating(claim.id, "True")
    refused: list[Exception] = []
    stack = QUndoStack()
    command = DeleteArticleCommand(mine, article, claim.id, on_error=refused.append)
    commands.push(stack, command)
    assert mine.articles() == []
    stack.undo()
    assert mine.claim(claim.id).rating_label == "True"
    stack.redo()
    stack.undo()
    colleague = ProjectService.open_file(project, author="Bob")
    try:
        colleague.update_claim(claim.id, explanation="Bob's note.")
    finally:
        colleague.close()
    stack.redo()  # would delete Bob's note: refused, nothing deleted
    assert len(refused) == 1 and isinstance(refused[0], StaleEditError)
    assert "Bob" in str(refused[0])
    assert mine.claim(claim.id).explanation == "Bob's note."
    assert stack.count() == 0  # the step is obsolete: the stack never claims a false state
    mine.close()


def test_undoing_a_mark_in_another_article_goes_to_where_it_was(window, qtbot, helpers):
    from PySide6.QtGui import QTextCursor

    ws = window.workspace
    first = window.article_id
    with_second_article(window, helpers)
    claims = ws.claims_model.claims()
    words = "Rain was light in spring."
    start = window.service.article_text(first).text.index(words)
    for claim in [c for c in claims if c.start == start]:  # the fixture detects it: drop it
        window.service.delete_claim(claim.id)
    window.show_article(first)
    cursor = QTextCursor(ws.view.document())
    cursor.setPosition(start)
    cursor.setPosition(start + len(words), QTextCursor.MoveMode.KeepAnchor)
    ws.view.setTextCursor(cursor)
    window.actions_[ActionId.MARK_CLAIM].trigger()
    assert ws.current_claim().quote == words
    assert not ws.view.textCursor().hasSelection()  # the words became the claim
    assert not window.actions_[ActionId.MARK_CLAIM].isEnabled()
    window.show_article(ws.articles_model.article_at(1).id)
    ws.claims.setFocus()
    qtbot.keyClick(ws.claims, Qt.Key.Key_Z, CTRL)
    assert window.article_id == first
    listed, emphasised, panel = shown(window)
    assert listed == emphasised == panel
    before = [c for c in ws.claims_model.claims() if c.start < start]
    assert len(before) > 1 and listed == before[-1].id  # the claim just before the words
    assert window.statusBar().currentMessage() == (
        "Undid marking “Rain was light in spring.” as a claim"
    )
