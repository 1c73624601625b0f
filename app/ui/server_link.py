"""The window's link to a team's PostgreSQL server: connecting, and watching for others' edits.

Connecting and each poll run through the window's operation runner, off the GUI thread,
so a slow or vanished server never freezes the window; the status bar says what the
server is doing, and a poll never overlaps the last.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from app.core.errors import DatabaseUnavailableError, FactdeskError
from app.ui import dialogs
from app.ui.workers import Task

POLL_MS = 3000  # others' edits show within a few seconds


class ServerLink(QObject):
    """The open server project's connection state, for one window.

    ``timer`` runs :meth:`poll` every ``POLL_MS`` while a server project is open; its
    interval may be set on the instance (``timer.setInterval``) to poll more or less
    often, e.g. at a test's pace rather than a person's.
    """

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("server_link")
        self.window = window
        self.watcher: Any = None
        self._poll_task: Task | None = None
        self.status = QLabel()
        self.status.setObjectName("status_server")
        self.status.setVisible(False)
        window.statusBar().addPermanentWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setObjectName("server_poll_timer")
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

    def connect_dialog(self) -> None:
        from app.core.server.connection import remembered_server_urls
        from app.ui.server_dialog import ServerDialog

        dialog = ServerDialog(self.window, remembered_server_urls())
        if dialog.exec():
            self.open_project(dialog.url(), dialog.typed_password())

    def open_project(
        self, url: str, password: str | None = None, project_id: str | None = None
    ) -> Task:
        """Open a project on a server (creating the schema and a first project if none).

        Connecting can take seconds (or time out): it runs on a worker, and the window
        shows the project when the server has answered.
        """
        from app.core.server.connection import open_server_database, server_projects

        def connect(check: Any, report: Any) -> Any:
            report("Connecting to the server…")
            db = open_server_database(url, password)
            try:
                check()
                return db, server_projects(db)
            except BaseException:
                db.close()
                raise

        return self.window.operations.run(
            "Connecting to the server…",
            connect,
            lambda result: self._show_project(*result, project_id=project_id),
            on_failed=lambda message: dialogs.show_error(self.window, message),
        )

    def _show_project(
        self, db: Any, projects: list[tuple[str, str]], *, project_id: str | None
    ) -> bool:
        from PySide6.QtWidgets import QInputDialog

        from app.core.project import ProjectService
        from app.core.server.sync import ChangeWatcher

        try:
            if project_id is None and len(projects) > 1:
                names = [f"{name} ({pid[:8]})" for pid, name in projects]
                chosen, ok = QInputDialog.getItem(
                    self.window, "Open Server Project", "Project:", names, 0, False
                )
                if not ok:
                    db.close()
                    return False
                project_id = projects[names.index(chosen)][0]
            if projects:
                service = ProjectService.for_database(
                    db,
                    author=self.window.author,
                    author_id=self.window.author_id,
                    project_id=project_id,
                )
            else:
                service = ProjectService.create_in_database(
                    db,
                    name="Team project",
                    author=self.window.author,
                    author_id=self.window.author_id,
                )
            db = None  # the service owns it now
            self.window.projects.set_service(service, None)
            self.watcher = ChangeWatcher(service)
        except FactdeskError as exc:
            if db is not None:
                db.close()
            dialogs.show_error(self.window, exc.message)
            return False
        self.status.setText("Server: connected")
        self.status.setVisible(True)
        self.timer.start()
        return True

    def poll(self) -> Task | None:
        """Show others' edits and the server's state every few seconds (polled on a worker)."""
        watcher = self.watcher
        if watcher is None or self.window.service is not watcher.service:
            self.timer.stop()
            self.watcher = None
            self.status.setVisible(False)
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
            if self.watcher is not watcher:
                return  # the project was closed or changed meanwhile
            self._show_poll(changes)

        def failed(_message: str) -> None:
            self._poll_task = None  # the next poll says what is wrong

        self._poll_task = self.window.operations.run(
            "Checking the server", poll, polled, on_failed=failed, quiet=True
        )
        return self._poll_task

    def _show_poll(self, changes: Any) -> None:
        if changes is None:
            self.status.setText("Server: not answering — edits are refused")
            self.window.statusBar().showMessage(
                "The server is not answering: changes cannot be saved until it is back. "
                "Reconnecting automatically…"
            )
            return
        if self.status.text() != "Server: connected":
            self.status.setText("Server: connected")
            self.window.statusBar().showMessage("Connection to the server is back.", 5000)
        try:
            if changes.scale or changes.project:
                self.window.reload()
            elif changes.claims or changes.articles:
                self.window.apply_changes(changes)
        except FactdeskError:
            return  # the next poll says what is wrong
