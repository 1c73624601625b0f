"""The window's menus and toolbar: what their actions do and which are enabled.

Built from the one action registry (:mod:`app.ui.actions`), so the menu bar, the toolbar,
the right-click menus and the shortcut list always offer the same actions.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from app.core.records import ClaimStatus
from app.ui import dialogs, theme
from app.ui.actions import RATE_IDS, ActionId


def build_menus(window: Any) -> None:
    """The menu bar and the toolbar, from the window's action registry."""
    a = window.actions_
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(a[ActionId.NEW])
    file_menu.addAction(a[ActionId.OPEN])
    file_menu.addAction(a[ActionId.CONNECT_SERVER])
    window.recent_menu = QMenu("Open &Recent", window)
    window.recent_menu.setObjectName("menu_recent")
    file_menu.addMenu(window.recent_menu)
    file_menu.addSeparator()
    for aid in (
        ActionId.IMPORT_ARTICLE,
        ActionId.PASTE_ARTICLE,
        ActionId.EDIT_ARTICLE,
        ActionId.DELETE_ARTICLE,
        ActionId.IMPORT_FACT_CHECKS,
        ActionId.EXPORT_REPORT,
    ):
        file_menu.addAction(a[aid])
    file_menu.addSeparator()
    file_menu.addAction(a[ActionId.SIGN_PROJECT])
    file_menu.addAction(a[ActionId.MERGE_PROJECT])
    file_menu.addSeparator()
    file_menu.addAction(a[ActionId.CLOSE_PROJECT])
    file_menu.addAction(a[ActionId.QUIT])
    edit = bar.addMenu("&Edit")
    for aid in (ActionId.UNDO, ActionId.REDO):
        edit.addAction(a[aid])
    edit.addSeparator()
    edit.addAction(a[ActionId.FIND])
    edit.addSeparator()
    edit.addAction(a[ActionId.SETTINGS])
    claim = bar.addMenu("&Claim")
    for aid in (
        ActionId.NEXT_CLAIM,
        ActionId.PREVIOUS_CLAIM,
        ActionId.NEXT_UNRATED,
        ActionId.BACK_TO_LIST,
    ):
        claim.addAction(a[aid])
    claim.addSeparator()
    for aid in (
        ActionId.ACCEPT,
        ActionId.DONE_AND_NEXT,
        ActionId.MARK_CLAIM,
        ActionId.DISMISS,
        ActionId.RESTORE,
        ActionId.MERGE_NEXT,
        ActionId.SPLIT,
    ):
        claim.addAction(a[aid])
    claim.addSeparator()
    window.rating_menu = claim.addMenu("Set &Rating")
    window.rating_menu.setObjectName("menu_rating")
    for aid in RATE_IDS:
        window.rating_menu.addAction(a[aid])
    window.rating_menu.addAction(a[ActionId.CLEAR_RATING])
    claim.addAction(a[ActionId.JUMP_EXPLANATION])
    claim.addAction(a[ActionId.ADD_EVIDENCE])
    view = bar.addMenu("&View")
    theme_menu = view.addMenu("&Theme")
    for aid in (ActionId.THEME_SYSTEM, ActionId.THEME_LIGHT, ActionId.THEME_DARK):
        theme_menu.addAction(a[aid])
    for aid in (ActionId.TEXT_LARGER, ActionId.TEXT_SMALLER, ActionId.TEXT_RESET):
        view.addAction(a[aid])
    view.addSeparator()
    view.addAction(a[ActionId.SHOW_DISMISSED])
    view.addAction(a[ActionId.REPORT_PREVIEW])
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a[ActionId.SHORTCUTS])
    help_menu.addAction(a[ActionId.ABOUT])
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("main_toolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    toolbar.setMovable(False)
    for aid in (
        ActionId.OPEN,
        ActionId.IMPORT_ARTICLE,
        None,
        ActionId.UNDO,
        ActionId.REDO,
        None,
        ActionId.PREVIOUS_CLAIM,
        ActionId.NEXT_CLAIM,
        ActionId.MARK_CLAIM,
        ActionId.DISMISS,
        ActionId.ADD_EVIDENCE,
        None,
        ActionId.EXPORT_REPORT,
    ):
        if aid is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(a[aid])
    window.recent_menu.aboutToShow.connect(window.on_recent_menu_about_to_show)
    # Del deletes an article only from the articles list, where it is what Del means;
    # the menus show the key, and elsewhere it is left to the fields and lists.
    delete = a[ActionId.DELETE_ARTICLE]
    delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    window.workspace.articles.addAction(delete)


def update_actions(window: Any) -> None:
    """Enable what makes sense now: a project open, writable, a claim current, a scale."""
    a = window.actions_
    has_project = window.service is not None
    writable = has_project and not getattr(window, "read_only", False)
    claim = window.workspace.current_claim() if has_project else None
    for aid in (ActionId.IMPORT_ARTICLE, ActionId.PASTE_ARTICLE):
        a[aid].setEnabled(writable)
    a[ActionId.CLOSE_PROJECT].setEnabled(has_project)
    a[ActionId.FIND].setEnabled(has_project)
    for aid in (ActionId.EDIT_ARTICLE, ActionId.DELETE_ARTICLE):
        a[aid].setEnabled(writable and window.article_id is not None)
    for aid in (ActionId.NEXT_CLAIM, ActionId.PREVIOUS_CLAIM):
        a[aid].setEnabled(window.article_id is not None)
    a[ActionId.MARK_CLAIM].setEnabled(
        writable and window.workspace.view.selected_range() is not None
    )
    editable = writable and claim is not None
    a[ActionId.DISMISS].setEnabled(editable and claim.status != ClaimStatus.DISMISSED)
    a[ActionId.RESTORE].setEnabled(editable and claim.status == ClaimStatus.DISMISSED)
    for aid in (
        ActionId.MERGE_NEXT,
        ActionId.SPLIT,
        ActionId.JUMP_EXPLANATION,
        ActionId.ADD_EVIDENCE,
        ActionId.CLEAR_RATING,
        *RATE_IDS,
    ):
        a[aid].setEnabled(editable)
    # One rating key per level of the scale: a hidden action's key does nothing, and
    # the shortcut list leaves it out.
    levels = len(window.scale.levels) if window.scale is not None and has_project else 0
    for n, aid in enumerate(RATE_IDS, start=1):
        a[aid].setVisible(n <= levels)
        if n <= levels:
            a[aid].setText(f"Rate “{window.scale.levels[n - 1].label}”")
    for aid in (ActionId.NEXT_UNRATED, ActionId.BACK_TO_LIST):
        a[aid].setEnabled(window.article_id is not None)
    for aid in (ActionId.ACCEPT, ActionId.DONE_AND_NEXT):
        a[aid].setEnabled(editable)
    a[ActionId.EXPORT_REPORT].setEnabled(has_project)
    a[ActionId.EXPORT_REPORT].setToolTip(
        "Export the verdict report (Markdown, HTML or ClaimReview JSON-LD)"
    )


def connect_actions(window: Any) -> None:
    """What each action, the start page and the workspace's signals do."""
    a = window.actions_
    handlers = {
        ActionId.NEW: window.projects.new_dialog,
        ActionId.OPEN: window.projects.open_dialog,
        ActionId.CONNECT_SERVER: window.server.connect_dialog,
        ActionId.IMPORT_ARTICLE: window.importing.import_dialog,
        ActionId.PASTE_ARTICLE: window.importing.paste,
        ActionId.EXPORT_REPORT: window.export_report,
        ActionId.CLOSE_PROJECT: window.close_project,
        ActionId.QUIT: window.close,
        ActionId.FIND: window.edits.find,
        ActionId.NEXT_CLAIM: lambda: window.edits.go_to_claim(1),
        ActionId.PREVIOUS_CLAIM: lambda: window.edits.go_to_claim(-1),
        ActionId.NEXT_UNRATED: window.edits.go_to_next_unrated,
        ActionId.BACK_TO_LIST: window.edits.back_to_list,
        ActionId.ACCEPT: lambda: window.edits.set_status(ClaimStatus.IN_REVIEW),
        ActionId.DONE_AND_NEXT: window.edits.done_and_next,
        ActionId.MARK_CLAIM: window.edits.mark_selection,
        ActionId.DISMISS: lambda: window.edits.set_status(ClaimStatus.DISMISSED),
        ActionId.RESTORE: lambda: window.edits.set_status(ClaimStatus.NEW),
        ActionId.MERGE_NEXT: window.edits.merge_with_next,
        ActionId.SPLIT: window.edits.split_at_cursor,
        ActionId.JUMP_EXPLANATION: window.edits.jump_to_explanation,
        ActionId.ADD_EVIDENCE: window.edits.add_evidence_to_current,
        ActionId.CLEAR_RATING: lambda: window.edits.rate_current(None),
        ActionId.TEXT_LARGER: lambda: window.set_text_size(window.text_size + 1),
        ActionId.TEXT_SMALLER: lambda: window.set_text_size(window.text_size - 1),
        ActionId.TEXT_RESET: lambda: window.set_text_size(theme.DEFAULT_TEXT_PT),
        ActionId.SHORTCUTS: lambda: dialogs.ShortcutsDialog(window, window.actions_).exec(),
        ActionId.ABOUT: lambda: dialogs.show_about(window),
        ActionId.SETTINGS: window.settings_dialog,
        ActionId.EDIT_ARTICLE: window.edits.article_dialog,
        ActionId.DELETE_ARTICLE: window.edits.delete_article,
        ActionId.IMPORT_FACT_CHECKS: window.checked_before.import_dialog,
    }
    for aid, handler in handlers.items():
        a[aid].triggered.connect(lambda _checked=False, h=handler: h())
    for n, aid in enumerate(RATE_IDS, start=1):
        a[aid].triggered.connect(lambda _checked=False, n=n: window.edits.rate_by_number(n))
    for name in ("system", "light", "dark"):
        a[ActionId(f"theme_{name}")].triggered.connect(
            lambda _checked=False, name=name: window.apply_theme(name, store=True)
        )
    a[ActionId.SHOW_DISMISSED].toggled.connect(window._on_show_dismissed_toggled)
    window.start_page.new_requested.connect(window.projects.new_dialog)
    window.start_page.open_requested.connect(window.projects.open_dialog)
    window.start_page.open_path.connect(window.open_project)
    ws = window.workspace
    ws.article_chosen.connect(window.show_article)
    ws.claim_selected.connect(lambda _id: window.update_actions())
    ws.editor.edit_requested.connect(window.edits.edit_requested)
    ws.editor.add_evidence_requested.connect(window.edits.add_evidence_dialog)
    ws.editor.edit_evidence_requested.connect(window.edits.edit_evidence_dialog)
    ws.editor.remove_evidence_requested.connect(window.edits.remove_evidence)
    ws.view.selectionChanged.connect(window.update_actions)
    window.undo_stack.indexChanged.connect(lambda _i: window.update_actions())
