"""Bringing articles into the project: from a file, the clipboard or a drop.

Reading, analysing and storing an article runs through the window's operation runner (a
cancellable progress dialog if it takes a while); the new article then opens on its first
claim.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from app.ui import dialogs
from app.ui.workers import Task


def import_job(
    service: Any, path: str | None, text: str | None = None, html: str | None = None
) -> Callable[[Callable[[], None], Callable[[str], None]], Any]:
    """A job that reads, analyses and stores one article (file or pasted text)."""

    def job(check: Callable[[], None], report: Callable[[str], None]) -> Any:
        from app.core import ingest

        report("Reading the article…")
        check()
        if path is not None:
            from app.core.importers import read_article

            imported = read_article(Path(path))
            name = Path(path).name
        else:
            from app.core.importers import read_pasted

            imported = read_pasted(text, html)
            name = "pasted text"
        check()
        report("Finding the claims…")
        # The last step is one transaction: once it starts, it completes.
        return ingest.store_imported(service, imported, source_name=name)

    return job


class ArticleImport:
    """The window's article imports (``window.importing``)."""

    def __init__(self, window: Any) -> None:
        self.window = window

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            "Import Article",
            "",
            "Articles (*.txt *.md *.markdown *.html *.htm *.docx *.pdf);;All files (*)",
        )
        if path:
            self.import_file(path)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        text = mime.text() if mime and mime.hasText() else None
        html = mime.html() if mime and mime.hasHtml() else None
        if not (text or html):
            dialogs.show_error(self.window, "The clipboard holds no text to make an article from.")
            return
        self.run(import_job(self.window.service, None, text, html), "pasted text")

    def import_file(self, path: str) -> Task | None:
        if self.window.service is None:
            dialogs.show_error(
                self.window, "Open or create a project first, then import the article."
            )
            return None
        return self.run(import_job(self.window.service, path), Path(path).name)

    def run(self, job: Any, name: str) -> Task:
        """Import on a worker, with a cancellable progress dialog if it takes a while."""
        service = self.window.service

        def done(result: Any) -> None:
            if self.window.service is not service:
                return  # the project was closed meanwhile
            self.window.workspace.articles_model.set_articles(service.articles())
            self.window.show_article(result.article.id)  # on its first claim
            note = "" if result.created else " (it was already in the project)"
            self.window.statusBar().showMessage(
                f"Imported {result.article.title}: {result.detected} claims found{note}", 8000
            )

        def cancelled() -> None:
            self.window.statusBar().showMessage(
                "Import cancelled; the project was not changed.", 5000
            )

        return self.window.operations.run(
            f"Importing {name}…",
            job,
            done,
            on_failed=lambda message: dialogs.show_error(self.window, message),
            on_cancelled=cancelled,
        )
