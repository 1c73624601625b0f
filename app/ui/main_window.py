"""The main window: menus and toolbar, start page, the workspace, and project operations.

The window owns the open :class:`~app.core.project.ProjectService` and one QUndoStack
per project. Every edit goes through an undo command (``app.ui.commands``); the service
commits each at once, so there is no Save command. The service's ``Changes`` come back
to :meth:`MainWindow.apply_changes`, which refreshes just the rows and text ranges hit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QWidget,
)

from app import APP_NAME, PROJECT_SUFFIX
from app.core.errors import (
    DatabaseUnavailableError,
    FactdeskError,
    NotFoundError,
    ProjectReadOnlyError,
    StaleEditError,
)
from app.core.records import Changes, ClaimStatus
from app.ui import (
    checked_before,
    commands,
    context_menus,
    dialogs,
    report_dialog,
    theme,
    undo_feedback,
)
from app.ui.actions import RATE_IDS, ActionId, ActionRegistry
from app.ui.claim_editor import EvidenceDialog
from app.ui.operations import OperationRunner
from app.ui.path_labels import distinct_labels, window_title
from app.ui.start_page import StartPage
from app.ui.workers import Task, import_job
from app.ui.workspace import Workspace

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"}
MAX_RECENT = 10
DEFAULT_TEXT_PT = 11.0


SERVER_POLL_MS = 3000  # others' edits show within a few seconds


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings, author: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.settings = settings
        self.author = author
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
        self.server_watcher: Any = None
        self.server_status = QLabel()
        self.server_status.setObjectName("status_server")
        self.server_status.setVisible(False)
        self.statusBar().addPermanentWidget(self.server_status)
        self.server_timer = QTimer(self)
        self.server_timer.setObjectName("server_poll_timer")
        self.server_timer.setInterval(SERVER_POLL_MS)
        self.server_timer.timeout.connect(self._on_server_timer_timeout)

        self._build_menus()
        self._connect()
        context_menus.install(self)
        report_dialog.install_preview(self, self.actions_[ActionId.REPORT_PREVIEW])
        from app.ui.sharing_dialogs import SharingController

        self.sharing = SharingController(self)  # Sign/Merge Project, the signature badge
        self._theme_choice = str(settings.value("view/theme", theme.SYSTEM))
        self.actions_[ActionId(f"theme_{self._theme_choice}")].setChecked(True)
        self.apply_theme(self._theme_choice)
        self.set_text_size(float(settings.value("view/text_size", DEFAULT_TEXT_PT)))
        self.actions_[ActionId.SHOW_DISMISSED].setChecked(
            settings.value("view/show_dismissed", False, type=bool)
        )
        self.workspace.proxy.set_filters(
            show_dismissed=self.actions_[ActionId.SHOW_DISMISSED].isChecked()
        )
        self.start_page.set_recent(self.recent_projects())
        self._update_actions()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        splitter = settings.value("window/splitter")
        if splitter is not None:
            self.workspace.splitter.restoreState(splitter)

    # --- building ------------------------------------------------------------------

    def _build_menus(self) -> None:
        a = self.actions_
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(a[ActionId.NEW])
        file_menu.addAction(a[ActionId.OPEN])
        file_menu.addAction(a[ActionId.CONNECT_SERVER])
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.setObjectName("menu_recent")
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        for aid in (
            ActionId.IMPORT_ARTICLE,
            ActionId.PASTE_ARTICLE,
            ActionId.EDIT_ARTICLE,
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
        self.rating_menu = claim.addMenu("Set &Rating")
        self.rating_menu.setObjectName("menu_rating")
        for aid in RATE_IDS:
            self.rating_menu.addAction(a[aid])
        self.rating_menu.addAction(a[ActionId.CLEAR_RATING])
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
        toolbar = self.addToolBar("Main")
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
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_aboutToShow)

    def _connect(self) -> None:
        a = self.actions_
        handlers = {
            ActionId.NEW: self.new_project_dialog,
            ActionId.OPEN: self.open_project_dialog,
            ActionId.CONNECT_SERVER: self.connect_server_dialog,
            ActionId.IMPORT_ARTICLE: self.import_article_dialog,
            ActionId.PASTE_ARTICLE: self.paste_article,
            ActionId.EXPORT_REPORT: self.export_report,
            ActionId.CLOSE_PROJECT: self.close_project,
            ActionId.QUIT: self.close,
            ActionId.FIND: self._on_find,
            ActionId.NEXT_CLAIM: lambda: self.go_to_claim(1),
            ActionId.PREVIOUS_CLAIM: lambda: self.go_to_claim(-1),
            ActionId.NEXT_UNRATED: self.go_to_next_unrated,
            ActionId.BACK_TO_LIST: self.back_to_list,
            ActionId.ACCEPT: lambda: self.set_status(ClaimStatus.IN_REVIEW),
            ActionId.DONE_AND_NEXT: self.done_and_next,
            ActionId.MARK_CLAIM: self.mark_selection,
            ActionId.DISMISS: lambda: self.set_status(ClaimStatus.DISMISSED),
            ActionId.RESTORE: lambda: self.set_status(ClaimStatus.NEW),
            ActionId.MERGE_NEXT: self.merge_with_next,
            ActionId.SPLIT: self.split_at_cursor,
            ActionId.JUMP_EXPLANATION: self._on_jump_explanation,
            ActionId.ADD_EVIDENCE: self._on_add_evidence,
            ActionId.CLEAR_RATING: lambda: self.rate_current(None),
            ActionId.TEXT_LARGER: lambda: self.set_text_size(self.text_size + 1),
            ActionId.TEXT_SMALLER: lambda: self.set_text_size(self.text_size - 1),
            ActionId.TEXT_RESET: lambda: self.set_text_size(DEFAULT_TEXT_PT),
            ActionId.SHORTCUTS: lambda: dialogs.ShortcutsDialog(self, self.actions_).exec(),
            ActionId.ABOUT: lambda: dialogs.show_about(self),
            ActionId.SETTINGS: self.settings_dialog,
            ActionId.EDIT_ARTICLE: self.article_dialog,
        }
        for aid, handler in handlers.items():
            a[aid].triggered.connect(lambda _checked=False, h=handler: h())
        for n, aid in enumerate(RATE_IDS, start=1):
            a[aid].triggered.connect(lambda _checked=False, n=n: self.rate_by_number(n))
        for name in ("system", "light", "dark"):
            a[ActionId(f"theme_{name}")].triggered.connect(
                lambda _checked=False, name=name: self.apply_theme(name, store=True)
            )
        a[ActionId.SHOW_DISMISSED].toggled.connect(self._on_show_dismissed_toggled)
        self.start_page.new_requested.connect(self.new_project_dialog)
        self.start_page.open_requested.connect(self.open_project_dialog)
        self.start_page.open_path.connect(self.open_project)
        ws = self.workspace
        ws.article_chosen.connect(self.show_article)
        ws.claim_selected.connect(lambda _id: self._update_actions())
        ws.editor.edit_requested.connect(self._on_editor_edit_requested)
        ws.editor.add_evidence_requested.connect(self.add_evidence_dialog)
        ws.editor.edit_evidence_requested.connect(self.edit_evidence_dialog)
        ws.editor.remove_evidence_requested.connect(self.remove_evidence)
        ws.view.selectionChanged.connect(self._update_actions)
        self.undo_stack.indexChanged.connect(lambda _i: self._update_actions())

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

    def article_dialog(self) -> Any:
        """Edit the shown article's details; saved as one undoable edit."""
        from app.ui.article_dialog import ArticleDialog

        if self.service is None or self.article_id is None:
            return None
        before = self.service.article(self.article_id)

        def submit(fields: dict[str, Any]) -> None:
            command = commands.EditArticleCommand(self.service, before, fields)
            command.notify = self.apply_changes
            command.on_error = self._on_command_error
            commands.push(self.undo_stack, command)  # errors reach the dialog, which stays

        dialog = ArticleDialog(self, before, submit)
        dialog.open()
        return dialog

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

    # --- projects --------------------------------------------------------------------

    def recent_projects(self) -> list[str]:
        value = self.settings.value("recent/projects", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [str(p) for p in items if p]

    def _remember(self, path: str) -> None:
        items = [p for p in self.recent_projects() if p != path]
        self.settings.setValue("recent/projects", [path, *items][:MAX_RECENT])
        self.start_page.set_recent(self.recent_projects())

    def _on_recent_menu_aboutToShow(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_projects()
        labels = distinct_labels(recent)
        for path in recent:
            action = self.recent_menu.addAction(labels[path])
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_project(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def new_project_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "New Project",
            str(Path.home() / f"Untitled{PROJECT_SUFFIX}"),
            f"Factdesk projects (*{PROJECT_SUFFIX})",
        )
        if path:
            if not path.endswith(PROJECT_SUFFIX):
                path += PROJECT_SUFFIX
            self.new_project(path)

    def new_project(self, path: str) -> bool:
        from app.core.project import ProjectService

        try:
            service = ProjectService.create_file(path, author=self.author)
        except FactdeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        self._set_service(service, path)
        return True

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open Project", "", f"Factdesk projects (*{PROJECT_SUFFIX});;All files (*)"
        )
        if path:
            self.open_project(path)

    def open_project(self, path: str) -> bool:
        """Open ``path`` for editing (read-only when it cannot be edited).

        Returns whether the project is shown.
        """
        return self._open_with_service(path)

    def _open_with_service(self, path: str) -> bool:
        from app.core.project import ProjectService

        try:
            try:
                service = ProjectService.open_file_for_window(path, author=self.author)
            except ProjectReadOnlyError:
                # A file we may not write is still worth reading: open it for viewing.
                service = ProjectService.open_file(path, author=self.author, read_only=True)
        except FactdeskError as exc:
            dialogs.show_error(self, exc.message)
            return False
        self._set_service(service, path)
        return True

    # --- team server -----------------------------------------------------------------

    def connect_server_dialog(self) -> None:
        from app.core.server import remembered_server_urls
        from app.ui.server_dialog import ServerDialog

        dialog = ServerDialog(self, remembered_server_urls())
        if dialog.exec():
            self.open_server_project(dialog.url(), dialog.typed_password())

    def open_server_project(
        self, url: str, password: str | None = None, project_id: str | None = None
    ) -> Task:
        """Open a project on a server (creating the schema and a first project if none).

        Connecting can take seconds (or time out): it runs on a worker, and the window
        shows the project when the server has answered.
        """
        from app.core.server import open_server_database, server_projects

        def connect(check: Any, report: Any) -> Any:
            report("Connecting to the server…")
            db = open_server_database(url, password)
            try:
                check()
                return db, server_projects(db)
            except BaseException:
                db.close()
                raise

        return self.operations.run(
            "Connecting to the server…",
            connect,
            lambda result: self._show_server_project(*result, project_id=project_id),
            on_failed=lambda message: dialogs.show_error(self, message),
        )

    def _show_server_project(
        self, db: Any, projects: list[tuple[str, str]], *, project_id: str | None
    ) -> bool:
        from PySide6.QtWidgets import QInputDialog

        from app.core.project import ProjectService
        from app.core.server_sync import ChangeWatcher

        try:
            if project_id is None and len(projects) > 1:
                names = [f"{name} ({pid[:8]})" for pid, name in projects]
                chosen, ok = QInputDialog.getItem(
                    self, "Open Server Project", "Project:", names, 0, False
                )
                if not ok:
                    db.close()
                    return False
                project_id = projects[names.index(chosen)][0]
            if projects:
                service = ProjectService.for_database(db, author=self.author, project_id=project_id)
            else:
                service = ProjectService.create_in_database(
                    db, name="Team project", author=self.author
                )
            db = None  # the service owns it now
            self._set_service(service, None)
            self.server_watcher = ChangeWatcher(service)
        except FactdeskError as exc:
            if db is not None:
                db.close()
            dialogs.show_error(self, exc.message)
            return False
        self.server_status.setText("Server: connected")
        self.server_status.setVisible(True)
        self.server_timer.start()
        return True

    def _on_server_timer_timeout(self) -> Task | None:
        """Show others' edits and the server's state every few seconds (polled on a worker)."""
        watcher = self.server_watcher
        if watcher is None or self.service is not watcher.service:
            self.server_timer.stop()
            self.server_watcher = None
            self.server_status.setVisible(False)
            return None
        if self._poll_task is not None:
            return None  # the last poll has not answered yet

        def poll(_check: Any, _report: Any) -> Any:
            try:
                return watcher.poll()
            except DatabaseUnavailableError:
                return None  # said in the status bar; the next poll tries again

        def polled(changes: Any) -> None:
            self._poll_task = None
            if self.server_watcher is not watcher:
                return  # the project was closed or changed meanwhile
            self._show_poll(changes)

        def failed(_message: str) -> None:
            self._poll_task = None  # the next poll says what is wrong

        self._poll_task = self.operations.run(
            "Checking the server", poll, polled, on_failed=failed, quiet=True
        )
        return self._poll_task

    _poll_task: Task | None = None

    def _show_poll(self, changes: Any) -> None:
        if changes is None:
            self.server_status.setText("Server: not answering — edits are refused")
            self.statusBar().showMessage(
                "The server is not answering: changes cannot be saved until it is back. "
                "Reconnecting automatically…"
            )
            return
        if self.server_status.text() != "Server: connected":
            self.server_status.setText("Server: connected")
            self.statusBar().showMessage("Connection to the server is back.", 5000)
        try:
            if changes.scale or changes.project:
                self.reload()
            elif changes.claims or changes.articles:
                self.apply_changes(changes)
        except FactdeskError:
            return  # the next poll says what is wrong

    def _set_service(self, service: Any, path: str | None) -> None:
        self.close_project()
        self.service = service
        self.project_path = path
        self.undo_stack.clear()
        reason = getattr(service.db, "read_only_reason", None)
        self._show_project(service.info(), read_only_reason=reason, editable=reason is None)
        if path:
            self._remember(str(Path(path).resolve()))
        self._show_articles(service.articles())
        self.sharing.project_opened()  # verifies the signature off the GUI thread

    def _use_scale(self, scale: Any) -> None:
        """The project's rating scale: filters, panel and (in _update_actions) its keys."""
        self.scale = scale
        self.workspace.set_scale(scale)
        self.workspace.editor.set_scale(scale)
        self._update_actions()

    def _show_project(self, info: Any, *, read_only_reason: str | None, editable: bool) -> None:
        """Title, scale and read-only state for a project being shown."""
        self.project_id = info.id
        self._use_scale(info.scale)
        self.read_only = read_only_reason is not None
        self.workspace.editor.read_only = not editable
        banner = self.workspace.read_only_banner
        banner.setText(f"Read only: {read_only_reason}. Changes cannot be saved to this project.")
        banner.setVisible(self.read_only)
        self.setWindowTitle(
            window_title(info.name, self.project_path, APP_NAME)
            + (" [read only]" if self.read_only else "")
        )
        self.stack.setCurrentWidget(self.workspace)

    def _show_articles(self, articles: list[Any]) -> None:
        """The articles list, and the article last worked on (or the first) opened."""
        self.workspace.articles_model.set_articles(articles)
        if articles:
            last = str(self.settings.value(f"project/{self.project_id}/article", ""))
            chosen = next((a.id for a in articles if a.id == last), articles[0].id)
            self.show_article(chosen, articles)
        self._update_actions()

    def _load_claim(self, claim_id: str) -> Any:
        if self.service is None:
            return self.workspace.claims_model.claim(claim_id)
        try:
            return self.service.claim(claim_id)
        except FactdeskError:
            return self.workspace.claims_model.claim(claim_id)

    def close_project(self) -> None:
        if self.service is None:
            return
        self.workspace.editor.commit_text()
        self.undo_stack.clear()
        # Workers (the signature check, an import) use the service: let them stop before
        # its engine is disposed under them. A step that has begun finishes.
        for task in self.tasks:
            task.cancel()
        QThreadPool.globalInstance().waitForDone()
        self.service.close()
        self.service = None
        self._clear_project_views()

    def _clear_project_views(self) -> None:
        self.article_id = None
        self.workspace.articles_model.set_articles([])
        self.workspace.claims_model.set_claims([])
        self.workspace.view.clear_article()
        self.workspace.editor.set_claim(None)
        self.stack.setCurrentWidget(self.start_page)
        self.setWindowTitle(APP_NAME)
        self.counts_label.setText("")
        self._update_actions()
        self.sharing.project_closed()

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
        self._update_actions()

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
        self._use_scale(self.service.scale())
        self.workspace.articles_model.set_articles(self.service.articles())
        if self.article_id:
            self.show_article(self.article_id)
            if keep:
                self.workspace.select_claim(keep)

    # --- changes -------------------------------------------------------------------------

    def apply_changes(self, changes: Changes) -> None:
        """Refresh what ``changes`` names: claim rows, their text ranges, counts."""
        if self.service is None:
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
        self._update_actions()

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
        if self.server_watcher is not None and isinstance(error, DatabaseUnavailableError):
            self.server_status.setText("Server: not answering — edits are refused")
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
        """Undo and redo happen in sight: go to the claim they changed and say what they did."""
        previous, self._undo_index = self._undo_index, index
        if self._pushing or index == previous or self.service is None:
            return
        undone = index < previous
        command = self.undo_stack.command(index if undone else index - 1)
        claim_id = undo_feedback.claim_of(command)
        claim = None
        if claim_id is not None:
            try:
                claim = self.service.claim(claim_id)
            except NotFoundError:
                claim = None
        number = None
        article_id = undo_feedback.article_of(command)
        if claim is None and article_id is not None and article_id != self.article_id:
            self.show_article(article_id)
        if claim is not None:
            if claim.article_id != self.article_id:
                self.show_article(claim.article_id)
            self.workspace.select_claim(claim.id)
            self.workspace.view.flash_claim(claim.id)
            number = self.workspace.claims_model.row_of(claim.id) + 1
        self.statusBar().showMessage(
            undo_feedback.describe(command, undone=undone, number=number, scale=self.scale),
            8000,
        )

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

    def _update_actions(self) -> None:
        a = self.actions_
        has_project = self.service is not None
        writable = has_project and not getattr(self, "read_only", False)
        claim = self.workspace.current_claim() if has_project else None
        for aid in (ActionId.IMPORT_ARTICLE, ActionId.PASTE_ARTICLE):
            a[aid].setEnabled(writable)
        a[ActionId.CLOSE_PROJECT].setEnabled(has_project)
        a[ActionId.FIND].setEnabled(has_project)
        a[ActionId.EDIT_ARTICLE].setEnabled(writable and self.article_id is not None)
        for aid in (ActionId.NEXT_CLAIM, ActionId.PREVIOUS_CLAIM):
            a[aid].setEnabled(self.article_id is not None)
        a[ActionId.MARK_CLAIM].setEnabled(
            writable and self.workspace.view.selected_range() is not None
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
        levels = len(self.scale.levels) if self.scale is not None and has_project else 0
        for n, aid in enumerate(RATE_IDS, start=1):
            a[aid].setVisible(n <= levels)
            if n <= levels:
                a[aid].setText(f"Rate “{self.scale.levels[n - 1].label}”")
        for aid in (ActionId.NEXT_UNRATED, ActionId.BACK_TO_LIST):
            a[aid].setEnabled(self.article_id is not None)
        for aid in (ActionId.ACCEPT, ActionId.DONE_AND_NEXT):
            a[aid].setEnabled(editable)
        a[ActionId.EXPORT_REPORT].setEnabled(has_project)
        a[ActionId.EXPORT_REPORT].setToolTip(
            "Export the verdict report (Markdown, HTML or ClaimReview JSON-LD)"
        )

    # --- claim edits -------------------------------------------------------------------

    def _on_editor_edit_requested(self, claim_id: str, fields: dict, text: str) -> None:
        claim = self.workspace.claims_model.claim(claim_id) or self.service.claim(claim_id)
        self.run_command(commands.EditClaimCommand(self.service, claim, fields, text))

    def rate_current(self, label: str | None) -> None:
        claim = self.workspace.current_claim()
        if claim is None or self.service is None:
            return
        try:
            fields = commands.rating_fields(self.service, label)
        except FactdeskError as exc:
            self.handle_error(exc)
            return
        # Rating a claim means it is being reviewed: a new claim moves to "in review".
        if claim.status == ClaimStatus.NEW and label:
            fields["status"] = ClaimStatus.IN_REVIEW.value
        self.run_command(commands.EditClaimCommand(self.service, claim, fields, "Set rating"))

    def rate_by_number(self, n: int) -> None:
        if self.scale is not None and 1 <= n <= len(self.scale.levels):
            self.rate_current(self.scale.levels[n - 1].label)

    def set_status(self, status: ClaimStatus) -> None:
        claim = self.workspace.current_claim()
        if claim is None or claim.status == status:
            return
        self.run_command(
            commands.EditClaimCommand(
                self.service, claim, {"status": status.value}, commands.set_status_text(status)
            )
        )
        if (
            status == ClaimStatus.DISMISSED
            and not self.actions_[ActionId.SHOW_DISMISSED].isChecked()
        ):
            self.workspace.step_claim(0)

    def mark_selection(self) -> None:
        span = self.workspace.view.selected_range()
        if span is None or self.article_id is None:
            return
        command = commands.AddClaimCommand(self.service, self.article_id, *span)
        if self.run_command(command) and command.claim_id:
            self.workspace.select_claim(command.claim_id, scroll_text=False)

    def merge_with_next(self) -> None:
        claims = self.workspace.claims_model.claims()
        current = self.workspace.current_claim()
        if current is None:
            return
        later = [c for c in claims if c.start > current.start and c.id != current.id]
        if not later:
            dialogs.show_error(self, "There is no later claim to merge with.")
            return
        self.run_command(commands.MergeClaimsCommand(self.service, current, later[0]))
        self.workspace.select_claim(current.id, scroll_text=False)

    def split_at_cursor(self) -> None:
        current = self.workspace.current_claim()
        if current is None:
            return
        at = self.workspace.view.cursor_offset()
        if not current.start < at < current.end:
            dialogs.show_error(
                self, "Put the text cursor inside the selected claim, where it should be split."
            )
            return
        self.run_command(commands.SplitClaimCommand(self.service, current, at))

    def _on_jump_explanation(self) -> None:
        self.workspace.editor.explanation.append_here()

    # --- keyboard model: every move ends on the claims list, where single keys act ------

    def back_to_list(self) -> None:
        """Esc: leave whatever field has focus (committing its text) for the claims list."""
        self.workspace.editor.commit_text()
        self.workspace.claims.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def go_to_claim(self, delta: int) -> None:
        # From a text field too: focus returns to the list, so that a rating key pressed
        # next rates the claim instead of being typed into its explanation.
        self.back_to_list()
        self.workspace.step_claim(delta)

    def go_to_next_unrated(self) -> None:
        self.back_to_list()
        if not self.workspace.step_to_unrated():
            self.statusBar().showMessage("Every listed claim after this one has a verdict.", 5000)

    def done_and_next(self) -> None:
        claim = self.workspace.current_claim()
        if claim is None:
            return
        self.back_to_list()
        if claim.status != ClaimStatus.DONE:
            self.set_status(ClaimStatus.DONE)
        self.workspace.keep_current(claim.id)
        self.workspace.step_claim(1)

    def _on_find(self) -> None:
        self.workspace.filter_text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.workspace.filter_text.selectAll()

    # --- evidence ------------------------------------------------------------------------

    def _on_add_evidence(self) -> None:
        claim_id = self.workspace.current_claim_id()
        if claim_id:
            self.add_evidence_dialog(claim_id)

    def evidence_dialog(self, claim_id: str, evidence_id: str | None = None) -> EvidenceDialog:
        before = self.service.evidence(evidence_id) if evidence_id else None

        def submit(fields: dict) -> None:
            if before is None:
                command: commands.ServiceCommand = commands.AddEvidenceCommand(
                    self.service, claim_id, fields
                )
            else:
                changed = {
                    k: v for k, v in fields.items() if v != commands._EVIDENCE_READERS[k](before)
                }
                if not changed:
                    return
                command = commands.EditEvidenceCommand(self.service, before, changed)
            command.notify = self.apply_changes
            command.on_error = self._on_command_error
            commands.push(self.undo_stack, command)  # errors reach the dialog, which stays

        return EvidenceDialog(
            self, submit, self.service.attach_file, before, self.service.attachment_data
        )

    def add_evidence_dialog(self, claim_id: str) -> None:
        self.evidence_dialog(claim_id).exec()

    def edit_evidence_dialog(self, evidence_id: str) -> None:
        claim_id = self.workspace.current_claim_id()
        if claim_id:
            self.evidence_dialog(claim_id, evidence_id).exec()

    def remove_evidence(self, evidence_id: str) -> None:
        self.run_command(commands.RemoveEvidenceCommand(self.service, evidence_id))

    # --- importing -----------------------------------------------------------------------

    def import_article_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Import Article",
            "",
            "Articles (*.txt *.md *.markdown *.html *.htm *.docx *.pdf);;All files (*)",
        )
        if path:
            self.import_article(path)

    def paste_article(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        text = mime.text() if mime and mime.hasText() else None
        html = mime.html() if mime and mime.hasHtml() else None
        if not (text or html):
            dialogs.show_error(self, "The clipboard holds no text to make an article from.")
            return
        self.run_import(import_job(self.service, None, text, html), "pasted text")

    def import_article(self, path: str) -> Task | None:
        if self.service is None:
            dialogs.show_error(self, "Open or create a project first, then import the article.")
            return None
        return self.run_import(import_job(self.service, path), Path(path).name)

    def run_import(self, job: Any, name: str) -> Task:
        """Import on a worker, with a cancellable progress dialog if it takes a while."""
        service = self.service

        def done(result: Any) -> None:
            if self.service is not service:
                return  # the project was closed meanwhile
            self.workspace.articles_model.set_articles(service.articles())
            self.show_article(result.article.id)  # on its first claim
            note = "" if result.created else " (it was already in the project)"
            self.statusBar().showMessage(
                f"Imported {result.article.title}: {result.detected} claims found{note}", 8000
            )

        def cancelled() -> None:
            self.statusBar().showMessage("Import cancelled; the project was not changed.", 5000)

        return self.operations.run(
            f"Importing {name}…",
            job,
            done,
            on_failed=lambda message: dialogs.show_error(self, message),
            on_cancelled=cancelled,
        )

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
                self.import_article(path)

    # --- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.workspace.editor.commit_text()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.workspace.splitter.saveState())
        for task in self.tasks:
            task.cancel()
        self.close_project()
        super().closeEvent(event)
