"""Right-click menus on the articles list, the claims list and the evidence table.

They hold the same actions as the menu bar (one registry, one set of shortcuts), plus the
few that only make sense on a row, so whatever a person points at offers what can be done
to it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QTableView

from app.ui.actions import RATE_IDS, ActionId


def install(window: Any) -> None:
    ws = window.workspace
    for table, build in (
        (ws.articles, _article_menu),
        (ws.claims, _claim_menu),
        (ws.editor.evidence, _evidence_menu),
    ):
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(
            lambda pos, t=table, b=build: _show(window, t, pos, b)
        )


def _show(window: Any, table: QTableView, pos: QPoint, build: Any) -> None:
    index = table.indexAt(pos)
    if not index.isValid():
        return
    table.setCurrentIndex(index)  # the menu acts on the row pointed at
    menu = build(window)
    menu.setParent(table, menu.windowFlags())
    menu.popup(table.viewport().mapToGlobal(pos))


def _article_menu(window: Any) -> QMenu:
    menu = QMenu("Article")
    menu.setObjectName("article_context_menu")
    menu.addAction(window.actions_[ActionId.EDIT_ARTICLE])
    menu.addAction(window.actions_[ActionId.EXPORT_REPORT])
    menu.addSeparator()
    menu.addAction(window.actions_[ActionId.DELETE_ARTICLE])
    return menu


def _claim_menu(window: Any) -> QMenu:
    a = window.actions_
    menu = QMenu("Claim")
    menu.setObjectName("claim_context_menu")
    for aid in (ActionId.ACCEPT, ActionId.DONE_AND_NEXT, ActionId.DISMISS, ActionId.RESTORE):
        menu.addAction(a[aid])
    rating = menu.addMenu("Set Rating")
    for aid in (*RATE_IDS, ActionId.CLEAR_RATING):
        if a[aid].isVisible():
            rating.addAction(a[aid])
    menu.addSeparator()
    for aid in (ActionId.MERGE_NEXT, ActionId.JUMP_EXPLANATION, ActionId.ADD_EVIDENCE):
        menu.addAction(a[aid])
    menu.addSeparator()
    copy = menu.addAction("Copy Quote")
    copy.setObjectName("action_copy_quote")
    claim = window.workspace.current_claim()
    copy.setEnabled(claim is not None)
    if claim is not None:
        copy.triggered.connect(lambda _c=False: QGuiApplication.clipboard().setText(claim.quote))
    return menu


def _evidence_menu(window: Any) -> QMenu:
    editor = window.workspace.editor
    menu = QMenu("Evidence")
    menu.setObjectName("evidence_context_menu")
    for button in (editor.edit_button, editor.open_button, editor.remove_button):
        action = menu.addAction(button.text())
        action.setEnabled(button.isEnabled())
        action.triggered.connect(lambda _c=False, b=button: b.click())
    return menu
