"""A project's life in the window: created or opened, shown, closed; the recent list.

``window.projects`` owns these steps so the window itself only shows and edits what is
open. Opening closes the project shown before; a file that cannot be written opens
read-only with a banner saying why; the article last worked on opens again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QFileDialog

from app import APP_NAME, PROJECT_SUFFIX
from app.core.errors import FactdeskError, ProjectReadOnlyError
from app.ui import dialogs
from app.ui.path_labels import distinct_labels, window_title

MAX_RECENT = 10


class ProjectLifecycle:
    """Creating, opening, showing and closing the window's project (``window.projects``)."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self._shown_name: str | None = None  # the open project's name, for the title

    # --- the recent list ------------------------------------------------------------------

    def recent(self) -> list[str]:
        value = self.window.settings.value("recent/projects", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [str(p) for p in items if p]

    def signers(self) -> dict[str, str]:
        """{path: the name its last verified signature was trusted under}."""
        value = self.window.settings.value("recent/signers", {})
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def note_signer(self, signer: str | None) -> None:
        """The open file's signer as last verified (None: not signed by a trusted key), for
        the title bar and File › Open Recent: two files of one name sent by two colleagues
        are told apart by who signed them."""
        path = self.window.project_path
        if path is None:
            return
        signers = self.signers()
        if signer:
            signers[path] = signer
        else:
            signers.pop(path, None)
        kept = {*self.recent(), path}  # forget files that left the recent list
        signers = {p: n for p, n in signers.items() if p in kept}
        self.window.settings.setValue("recent/signers", signers)
        self._show_title()

    def remember(self, path: str) -> None:
        items = [p for p in self.recent() if p != path]
        self.window.settings.setValue("recent/projects", [path, *items][:MAX_RECENT])
        self.window.start_page.set_recent(self.recent())

    def fill_recent_menu(self) -> None:
        """File › Open Recent, with enough of each path to tell same-named files apart."""
        menu = self.window.recent_menu
        menu.clear()
        recent = self.recent()
        labels = distinct_labels(recent)
        signers = self.signers()
        for path in recent:
            signer = signers.get(path)
            action = menu.addAction(labels[path] + (f"  —  signed by {signer}" if signer else ""))
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open(p))
        if menu.isEmpty():
            menu.addAction("No recent projects").setEnabled(False)

    # --- creating and opening ---------------------------------------------------------------

    def new_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "New Project",
            str(Path.home() / f"Untitled{PROJECT_SUFFIX}"),
            f"Factdesk projects (*{PROJECT_SUFFIX})",
        )
        if path:
            if not path.endswith(PROJECT_SUFFIX):
                path += PROJECT_SUFFIX
            self.new(path)

    def new(self, path: str) -> bool:
        from app.core.project import ProjectService

        try:
            service = ProjectService.create_file(
                path, author=self.window.author, author_id=self.window.author_id
            )
        except FactdeskError as exc:
            dialogs.show_error(self.window, exc.message)
            return False
        self.set_service(service, path)
        return True

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            "Open Project",
            "",
            f"Factdesk projects (*{PROJECT_SUFFIX});;All files (*)",
        )
        if path:
            self.open(path)

    def open(self, path: str) -> bool:
        """Open ``path`` for editing (read-only when it cannot be edited).

        Returns whether the project is shown.
        """
        from app.core.project import ProjectService

        author, author_id = self.window.author, self.window.author_id
        try:
            try:
                service = ProjectService.open_file_for_window(
                    path, author=author, author_id=author_id
                )
            except ProjectReadOnlyError:
                # A file we may not write is still worth reading: open it for viewing.
                service = ProjectService.open_file(
                    path, author=author, author_id=author_id, read_only=True
                )
        except FactdeskError as exc:
            dialogs.show_error(self.window, exc.message)
            return False
        self.set_service(service, path)
        return True

    # --- showing ----------------------------------------------------------------------------

    def set_service(self, service: Any, path: str | None) -> None:
        """Show ``service``'s project (from a file at ``path``, or a server's: None)."""
        window = self.window
        self.close()
        window.service = service
        window.project_path = path
        window.undo_stack.clear()
        reason = getattr(service.db, "read_only_reason", None)
        self.show_project(service.info(), read_only_reason=reason, editable=reason is None)
        if path:
            self.remember(str(Path(path).resolve()))
        self.show_articles(service.articles())
        window.sharing.project_opened()  # verifies the signature off the GUI thread

    def show_project(self, info: Any, *, read_only_reason: str | None, editable: bool) -> None:
        """Title, scale and read-only state for a project being shown."""
        window = self.window
        window.project_id = info.id
        window.use_scale(info.scale)
        window.read_only = read_only_reason is not None
        window.workspace.editor.read_only = not editable
        banner = window.workspace.read_only_banner
        banner.setText(f"Read only: {read_only_reason}. Changes cannot be saved to this project.")
        banner.setVisible(window.read_only)
        self._shown_name = info.name
        self._show_title()
        window.stack.setCurrentWidget(window.workspace)

    def _show_title(self) -> None:
        """Project, file and folder, the trusted signer when the signature holds."""
        window = self.window
        name = self._shown_name
        if name is None or window.project_path is None:
            return
        signer = self.signers().get(window.project_path)
        window.setWindowTitle(
            window_title(name, window.project_path, APP_NAME, signer=signer)
            + (" [read only]" if window.read_only else "")
        )

    def show_articles(self, articles: list[Any]) -> None:
        """The articles list, and the article last worked on (or the first) opened."""
        window = self.window
        window.workspace.articles_model.set_articles(articles)
        if articles:
            last = str(window.settings.value(f"project/{window.project_id}/article", ""))
            chosen = next((a.id for a in articles if a.id == last), articles[0].id)
            window.show_article(chosen, articles)
        window.update_actions()

    # --- closing ----------------------------------------------------------------------------

    def close(self) -> None:
        window = self.window
        if window.service is None:
            return
        window.workspace.editor.commit_text()
        window.undo_stack.clear()
        # Workers (the signature check, an import) use the service: let them stop before
        # its engine is disposed under them. A step that has begun finishes.
        for task in window.tasks:
            task.cancel()
        QThreadPool.globalInstance().waitForDone()
        window.service.close()
        window.service = None
        self.clear_views()

    def clear_views(self) -> None:
        window = self.window
        window.article_id = None
        window.workspace.articles_model.set_articles([])
        window.workspace.claims_model.set_claims([])
        window.workspace.view.clear_article()
        window.workspace.editor.set_claim(None)
        window.stack.setCurrentWidget(window.start_page)
        window.setWindowTitle(APP_NAME)
        window.counts_label.setText("")
        window.update_actions()
        window.sharing.project_closed()
