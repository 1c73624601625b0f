"""The main window: menus and toolbar, start page, the workspace, and project operations.

The window owns the open :class:`~app.core.project.ProjectService` and one QUndoStack
per project. Every edit goes through an undo command (``app.ui.commands``); the service
commits each at once, so there is no Save command. The service's ``Changes`` come back
to :meth:`MainWindow.apply_changes`, which refreshes just the rows and text ranges hit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app import APP_NAME, PROJECT_SUFFIX
from app.core.errors import (
    DatabaseUnavailableError,
    FactdeskError,
    NotFoundError,
    StaleEditError,
)
from app.core.records import Changes, ClaimStatus
from app.core.settings import who_am_i
from app.ui import (
    checked_before,
    commands,
    context_menus,
    dialogs,
    report_dialog,
    theme,
    undo_feedback,
    window_menus,
)
from app.ui.actions import ActionId, ActionRegistry
from app.ui.article_import import ArticleImport
from app.ui.claim_edits import ClaimEdits
from app.ui.operations import OperationRunner
from app.ui.project_lifecycle import ProjectLifecycle
from app.ui.server_link import ServerLink
from app.ui.start_page import StartPage
from app.ui.workers import Task
from app.ui.workspace import Workspace

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"}


def default_size(window: QWidget) -> QSize:
    """1280x800, less tall on a screen of 800 or fewer lines: with its title bar the
    window must fit, or the status bar (where undo says what it did) is off the screen."""
    return QSize(1280, min(800, window.screen().availableGeometry().height() - 48))


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings, author: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.settings = settings
        self.author = author
        self.author_id = who_am_i().id  # as the command line's: tells same-named people apart
        self.service: Any = None
        self.project_path: str | None = None
        self.article_id: str | None = None
        self.scale: Any = None
        # Slow work runs through one runner; self.tasks is its list of running jobs.
        self.operations = OperationRunner(self)
        self.tasks: list[Task] = self.operations.tasks
        from PySide6.QtGui import QUndoStack

        self.undo_stack = QUndoStack(self)
        self.undo_stack.indexChanged.connect(self._on_undo_stack_indexChanged)
        self.actions_ = ActionRegistry(self, settings)
        self.actions_.adopt(ActionId.UNDO, self.undo_stack.createUndoAction(self, "&Undo"))
        self.actions_.adopt(ActionId.REDO, self.undo_stack.createRedoAction(self, "&Redo"))

        self.start_page = StartPage()
        self.workspace = Workspace()
        self.workspace.load_claim = self._load_claim  # type: ignore[method-assign]
        self.checked_before = checked_before.install(self)  # issue 19: earlier verdicts
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.workspace)
        self.setCentralWidget(self.stack)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("status_counts")
        self.counts_label.setAccessibleName("Claim counts")
        self.statusBar().addPermanentWidget(self.counts_label)
        # A project on a team server: polled for others' edits and the server's state.
        self.server = ServerLink(self)
        self.edits = ClaimEdits(self)
        self.projects = ProjectLifecycle(self)
        self.importing = ArticleImport(self)

        window_menus.build_menus(self)
        window_menus.connect_actions(self)
        context_menus.install(self)
        report_dialog.install_preview(self, self.actions_[ActionId.REPORT_PREVIEW])
        from app.ui.sharing_dialogs import SharingController

        self.sharing = SharingController(self)  # Sign/Merge Project, the signature badge
        self._theme_choice = str(settings.value("view/theme", theme.SYSTEM))
        self.actions_[ActionId(f"theme_{self._theme_choice}")].setChecked(True)
        self.apply_theme(self._theme_choice)
        self.set_text_size(float(settings.value("view/text_size", theme.DEFAULT_TEXT_PT)))
        self.actions_[ActionId.SHOW_DISMISSED].setChecked(
            settings.value("view/show_dismissed", False, type=bool)
        )
        self.workspace.proxy.set_filters(
            show_dismissed=self.actions_[ActionId.SHOW_DISMISSED].isChecked()
        )
        self.start_page.set_recent(self.recent_projects())
        self.update_actions()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(default_size(self))
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        self.workspace.restore_layout(settings)

    # --- building ------------------------------------------------------------------

    def update_actions(self) -> None:
        window_menus.update_actions(self)

    # --- view settings ---------------------------------------------------------------

    def apply_theme(self, choice: str, store: bool = False) -> None:
        self._theme_choice = choice
        app = QApplication.instance()
        self._theme_used = (
            theme.apply_theme(app, choice) if isinstance(app, QApplication) else theme.LIGHT
        )
        self._apply_view_theme()
        # A new style sheet re-polishes every widget, which resets a font set with
        # setFont: the article's text size is applied again.
        if hasattr(self, "text_size"):
            self.set_text_size(self.text_size)
        if store:
            self.settings.setValue("view/theme", choice)

    def _apply_view_theme(self) -> None:
        """The article view's highlight colours for the theme in use."""
        view = self.workspace.view
        view.highlighter.set_palette(
            view.palette().base().color(),
            self._theme_used == theme.DARK,
            view.palette().text().color(),
        )
        view.highlighter.rehighlight()
        self.workspace.show_legend(self.scale)

    def settings_dialog(self, *, first_run: bool = False) -> bool:
        """Edit the settings; True when the person saved them."""
        from app.core.settings import load_settings, save_settings
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            self, load_settings(), self._theme_choice, self.text_size, first_run=first_run
        )
        if not dialog.exec():
            return False
        chosen, theme_choice, text_size = dialog.values()
        save_settings(chosen)
        self.set_author(chosen.reviewer_name)
        self.apply_theme(theme_choice, store=True)
        self.actions_[ActionId(f"theme_{theme_choice}")].setChecked(True)
        self.set_text_size(text_size)
        return True

    def set_author(self, name: str) -> None:
        """Who the edits from now on are recorded as (also in the open project)."""
        self.author = name
        if self.service is not None and self.service.author != name:
            try:
                self.service.rename_author(name)
            except FactdeskError as exc:
                self.handle_error(exc)

    def set_text_size(self, points: float) -> None:
        self.text_size = max(7.0, min(32.0, points))
        font = QFont(self.workspace.view.font())
        font.setPointSizeF(self.text_size)
        self.workspace.view.setFont(font)
        self.workspace.view.document().setDefaultFont(font)
        self.workspace.view.highlighter.rehighlight()
        self.settings.setValue("view/text_size", self.text_size)

    def _on_show_dismissed_toggled(self, checked: bool) -> None:
        self.workspace.proxy.set_filters(show_dismissed=checked)
        self.settings.setValue("view/show_dismissed", checked)

    # --- projects (app.ui.project_lifecycle) ---------------------------------------------

    def recent_projects(self) -> list[str]:
        return self.projects.recent()

    def on_recent_menu_about_to_show(self) -> None:
        self.projects.fill_recent_menu()

    def open_project(self, path: str) -> bool:
        """Open ``path`` for editing (read-only when it cannot be edited); True if shown."""
        return self.projects.open(path)

    def close_project(self) -> None:
        self.projects.close()

    def use_scale(self, scale: Any) -> None:
        """The project's rating scale: filters, panel and (in update_actions) its keys."""
        self.scale = scale
        self.workspace.set_scale(scale)
        self.workspace.editor.set_scale(scale)
        self.update_actions()

    def _load_claim(self, claim_id: str) -> Any:
        if self.service is None:
            return self.workspace.claims_model.claim(claim_id)
        try:
            return self.service.claim(claim_id)
        except FactdeskError:
            return self.workspace.claims_model.claim(claim_id)

    def show_article(self, article_id: str, articles: list[Any] | None = None) -> None:
        """Load an article's text and claims into the view and the panel."""
        from app.core.records import ClaimFilter

        self.workspace.editor.commit_text()
        service = self.service
        if service is None:
            return
        text = service.article_text(article_id)
        # Evidence is read per claim when one is selected: most claims never are.
        claims = service.claims(ClaimFilter(article_id=article_id))
        known = {a.id: a for a in articles or ()}
        info = known.get(article_id) or service.article(article_id)
        self.article_id = article_id
        self.settings.setValue(f"project/{self.project_id}/article", article_id)
        self._show_article_details(info)
        from app.core.claim_refs import claim_numbers, first_number

        # Numbered over the whole project, as the command line and the reports number them.
        self.workspace.claims_model.first_number = first_number(claim_numbers(service), claims)
        self.workspace.claims_model.set_claims(claims)
        self.workspace.view.show_article(text.text, list(text.paragraphs), claims, self.scale)
        self.checked_before.article_shown(claims)  # matched in the background
        self.workspace.select_article_row(article_id)
        self.workspace.editor.set_claim(None)
        # Keyboard first: start on the first claim with the list focused, so J/K and the
        # rating keys work at once.
        self.workspace.select_row(0)
        self.workspace.claims.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_counts()
        self.update_actions()

    def _show_article_details(self, info: Any) -> None:
        meta = " · ".join(
            x
            for x in (
                info.outlet,
                info.author,
                info.published.isoformat() if info.published else None,
            )
            if x
        )
        self.workspace.article_title.setText(meta)
        self.workspace.article_title.setVisible(bool(meta))

    def reload(self) -> None:
        """Re-read everything shown (after someone else changed the project)."""
        if self.service is None:
            return
        keep = self.workspace.current_claim_id()
        self.undo_stack.clear()  # its captured values may no longer hold
        self.use_scale(self.service.scale())
        self.workspace.articles_model.set_articles(self.service.articles())
        if self.article_id:
            self.show_article(self.article_id)
            if keep:
                self.workspace.select_claim(keep)

    # --- changes -------------------------------------------------------------------------

    def apply_changes(self, changes: Changes) -> None:
        """Refresh what ``changes`` names: claim rows, their text ranges, counts."""
        if self.service is None or self._shown_article_gone(changes):
            return
        ws = self.workspace
        current = ws.current_claim_id()
        for claim_id in changes.claims:
            try:
                claim = self.service.claim(claim_id)
            except NotFoundError:
                claim = None
            if claim is not None and claim.article_id != self.article_id:
                continue
            if claim is None:
                ws.claims_model.remove(claim_id)
            else:
                ws.claims_model.upsert(claim)
            ws.view.update_claim(claim, claim_id, self.scale)
        # Rows moved or left the list: stay on the claim that was current while it is
        # still listed, then make the article and the panel show the list's claim.
        ws.keep_current(current)
        shown = ws.editor.claim
        if shown is not None and shown.id in changes.claims and shown.id == ws.current_claim_id():
            ws.editor.set_claim(ws.load_claim(shown.id))
        if changes.articles or changes.claims:
            ws.articles_model.set_articles(self.service.articles())
            if self.article_id in changes.articles:
                self._show_article_details(self.service.article(self.article_id))
        self._update_counts()
        self.update_actions()

    def _shown_article_gone(self, changes: Changes) -> bool:
        """When the article shown was deleted, show the one after it in the list (or
        before it; none when it was the last) and say so."""
        if self.article_id not in changes.articles:
            return False
        try:
            self.service.article(self.article_id)
            return False
        except NotFoundError:
            pass
        model = self.workspace.articles_model
        listed = [model.article_at(row).id for row in range(model.rowCount())]
        at = listed.index(self.article_id) if self.article_id in listed else 0
        articles = self.service.articles()
        left = {a.id for a in articles}
        nearest = [i for i in (*listed[at + 1 :], *reversed(listed[:at])) if i in left]
        model.set_articles(articles)
        if nearest:
            self.show_article(nearest[0], articles)
        else:
            self.article_id = None
            self.workspace.claims_model.set_claims([])
            self.workspace.view.clear_article()
            self.workspace.editor.set_claim(None)
            self.workspace.article_title.setVisible(False)
            self._update_counts()
            self.update_actions()
        return True

    def _on_command_error(self, error: FactdeskError) -> None:
        self.handle_error(error)

    def handle_error(self, error: FactdeskError) -> None:
        if isinstance(error, StaleEditError):
            parts = [str(error.changed_by)] if getattr(error, "changed_by", None) else []
            if getattr(error, "changed_at", None):
                parts.append(f"at {str(error.changed_at)[11:19]} UTC")
            who = f" ({', '.join(parts)})" if parts else ""
            if dialogs.ask(
                self,
                f"Someone else{who} changed this claim since you opened it, so your change "
                "was not saved. Reload to see their version?",
                yes="Reload",
            ):
                self.reload()
            return
        if self.server.watcher is not None and isinstance(error, DatabaseUnavailableError):
            self.server.status.setText("Server: not answering — edits are refused")
            dialogs.show_error(self, f"Your change was not saved: {error.message}")
            return
        dialogs.show_error(self, error.message)

    def run_command(self, command: commands.ServiceCommand) -> bool:
        command.notify = self.apply_changes
        command.on_error = self._on_command_error
        self._pushing = True
        try:
            commands.push(self.undo_stack, command)
        except FactdeskError as exc:
            self.handle_error(exc)
            return False
        finally:
            self._pushing = False
            self._undo_index = self.undo_stack.index()
        return True

    _pushing = False
    _undo_index = 0

    def _on_undo_stack_indexChanged(self, index: int) -> None:
        """Undo and redo happen in sight (undo_feedback.show_undo_step); a push does not."""
        previous, self._undo_index = self._undo_index, index
        if self._pushing or index == previous or self.service is None:
            return
        undone = index < previous
        command = self.undo_stack.command(index if undone else index - 1)
        undo_feedback.show_undo_step(self, command, undone=undone)

    def _update_counts(self) -> None:
        if self.service is None or self.article_id is None:
            self.counts_label.setText("")
            return
        claims = self.workspace.claims_model.claims()
        by_status = {s: 0 for s in ClaimStatus}
        by_rating: dict[str, int] = {}
        for c in claims:
            by_status[c.status] += 1
            if c.status != ClaimStatus.DISMISSED:
                key = c.rating_label or "Unrated"
                by_rating[key] = by_rating.get(key, 0) + 1
        status_text = " · ".join(
            f"{n} {s.value.replace('_', ' ')}" for s, n in by_status.items() if n
        )
        order = [lv.label for lv in (self.scale.levels if self.scale else ())] + ["Unrated"]
        rating_text = " · ".join(f"{k}: {by_rating[k]}" for k in order if k in by_rating)
        self.counts_label.setText(f"{len(claims)} claims — {status_text}    {rating_text}")

    def export_report(self) -> None:
        from app.ui.report_dialog import open_export_dialog

        open_export_dialog(self)  # format, scope, options, file; written on a worker

    # --- drag and drop -------------------------------------------------------------------

    @staticmethod
    def _dropped_paths(mime: Any) -> list[str]:
        if mime is None or not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        paths = self._dropped_paths(event.mimeData())
        if any(Path(p).suffix.lower() in ARTICLE_SUFFIXES | {PROJECT_SUFFIX} for p in paths):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        # Defer: a modal dialog inside a drop handler stalls the drag source on some desktops.
        QTimer.singleShot(0, lambda: self.open_paths(paths))

    def open_paths(self, paths: list[str]) -> None:
        projects = [p for p in paths if Path(p).suffix.lower() == PROJECT_SUFFIX]
        if projects:
            self.open_project(projects[0])
        for path in paths:
            if Path(path).suffix.lower() != PROJECT_SUFFIX:
                self.importing.import_file(path)

    # --- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.workspace.editor.commit_text()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.workspace.save_layout(self.settings)
        for task in self.tasks:
            task.cancel()
        self.close_project()
        super().closeEvent(event)
