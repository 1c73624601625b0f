"""Where the window meets ``app.core.reports`` (written alongside; may be missing).

The Export Report action stays disabled, with a tooltip saying why, when the module is
not there. Checking costs nothing at start-up (no import); the report is built on a
worker thread and written where the person chose.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

FORMATS = {
    "Markdown (*.md)": ("markdown", ".md"),
    "HTML (*.html)": ("html", ".html"),
    "ClaimReview JSON-LD (*.jsonld)": ("claimreview", ".jsonld"),
}
UNAVAILABLE = "Report export is not available in this build yet."


def export_available() -> tuple[bool, str]:
    try:
        found = importlib.util.find_spec("app.core.reports") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        return False, UNAVAILABLE
    return True, "Export the verdict report (Markdown, HTML or ClaimReview JSON-LD)"


def export_dialog(parent: Any, service: Any, article_id: str | None) -> None:
    from PySide6.QtWidgets import QFileDialog

    from app.ui import dialogs
    from app.ui.workers import Task, start

    if service is None:
        return
    try:
        from app.core.reports import export
        from app.core.reports.model import ReportOptions
    except ImportError:
        dialogs.show_error(parent, UNAVAILABLE)
        return
    path, chosen = QFileDialog.getSaveFileName(
        parent, "Export Report", "report.md", ";;".join(FORMATS)
    )
    if not path:
        return
    fmt, suffix = FORMATS.get(chosen, ("markdown", ".md"))
    if not Path(path).suffix:
        path += suffix

    def job(check: Any, report: Any) -> str:
        report("Building the report…")
        text = export(service, fmt, ReportOptions(article_id=article_id) if article_id else None)
        check()
        Path(path).write_text(text, encoding="utf-8")
        return path

    task = Task(job)
    parent.tasks.append(task)
    task.signals.done.connect(
        lambda p: parent.statusBar().showMessage(f"Report written to {p}", 8000)
    )
    task.signals.failed.connect(lambda m: dialogs.show_error(parent, m))
    start(task)
