"""The explanation preview: Markdown rendered as the reports render it, off the GUI thread.

An explanation may come from a colleague's project file, so the preview shows it exactly
as the HTML report does (:func:`app.core.reports.explanations.explanation_html`:
markdown-it-py with raw HTML shown as text, no images, links only to web addresses).
Rendering runs through the window's operation runner (:mod:`app.ui.operations`), off the
GUI thread, and is cached by content in the core, so moving back to
a claim or undoing an edit shows at once; when the text changes again before a result
arrives, the stale result is dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QTextBrowser

from app.ui.operations import runner_for
from app.ui.workers import Task


def _render_job(text: str) -> Any:
    def job(_check: Any, _report: Any) -> tuple[str, str]:
        # Imported here, on the worker: markdown-it is not needed to show the window.
        from app.core.reports.explanations import explanation_html

        return text, explanation_html(text)

    return job


class MarkdownPreview(QObject):
    """Shows the rendering of the newest text given to :meth:`show` in ``browser``."""

    def __init__(self, browser: QTextBrowser) -> None:
        super().__init__(browser)
        self.browser = browser
        self.wanted = ""
        self.task: Task | None = None  # the newest rendering (the runner keeps them all)

    def show(self, text: str) -> None:
        self.wanted = text
        if not text.strip():
            self.browser.setHtml("")
            return
        self.task = runner_for(self.browser).run(
            "Rendering the explanation preview",
            _render_job(text),
            self._on_done,
            on_failed=self._on_failed,
            quiet=True,
        )

    def _on_done(self, result: tuple[str, str]) -> None:
        text, html = result
        if text == self.wanted:
            self.browser.setHtml(html)

    def _on_failed(self, message: str) -> None:
        self.browser.setPlainText(f"The preview cannot be shown: {message}")
