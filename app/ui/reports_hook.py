"""Where the window meets ``app.core.reports`` (written separately, may not exist yet).

The Export Report action stays disabled, with a tooltip saying why, until the module is
there. The report is built on a worker thread and written where the person chose.
"""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from typing import Any

FORMATS = {
    "Markdown (*.md)": ("markdown", ".md"),
    "HTML (*.html)": ("html", ".html"),
    "ClaimReview JSON-LD (*.jsonld)": ("claimreview", ".jsonld"),
}


def _module() -> Any | None:
    try:
        if importlib.util.find_spec("app.core.reports") is None:
            return None
    except (ImportError, ValueError):
        return None
    import app.core.reports as reports

    return reports


def _exporter(reports: Any) -> Any | None:
    for name in ("export_report", "render_report", "build_report"):
        fn = getattr(reports, name, None)
        if callable(fn):
            return fn
    return None


def export_available() -> tuple[bool, str]:
    try:
        reports = _module()
    except Exception:  # a half-written module must not break the window
        return False, "Report export is not available in this build yet."
    if reports is None or _exporter(reports) is None:
        return False, "Report export is not available in this build yet."
    return True, "Export the verdict report (Markdown, HTML or ClaimReview JSON-LD)"


def export_dialog(parent: Any, service: Any, article_id: str | None) -> None:
    from PySide6.QtWidgets import QFileDialog

    from app.ui import dialogs
    from app.ui.workers import Task, start

    reports = _module()
    fn = _exporter(reports) if reports is not None else None
    if fn is None or service is None:
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
        params = inspect.signature(fn).parameters
        kwargs: dict[str, Any] = {}
        if "format" in params:
            kwargs["format"] = fmt
        elif "fmt" in params:
            kwargs["fmt"] = fmt
        if "article_id" in params:
            kwargs["article_id"] = article_id
        result = fn(service, **kwargs)
        if isinstance(result, bytes):
            Path(path).write_bytes(result)
        else:
            Path(path).write_text(str(result), encoding="utf-8")
        return path

    task = Task(job)
    parent.tasks.append(task)
    task.signals.done.connect(
        lambda p: parent.statusBar().showMessage(f"Report written to {p}", 8000)
    )
    task.signals.failed.connect(lambda m: dialogs.show_error(parent, m))
    start(task)
