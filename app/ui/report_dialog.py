"""The window's report tools: the Export dialog and the Report Preview dock.

Both sit on :mod:`app.core.reports` (no Qt there). The Export dialog builds and writes
the report through the window's operation runner (:mod:`app.ui.operations`), writing
the file atomically; the preview renders :func:`render_html` through the runner too,
into a ``QTextBrowser`` that never follows links itself (http and https links open in
the system browser), and refreshes, debounced, as claims change.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

# (label, core format name, suffix, file-dialog filter)
FORMAT_CHOICES = (
    ("Markdown", "markdown", ".md", "Markdown (*.md)"),
    ("HTML", "html", ".html", "HTML (*.html)"),
    ("ClaimReview JSON-LD", "claimreview", ".jsonld", "ClaimReview JSON-LD (*.jsonld)"),
)
PREVIEW_DELAY_MS = 500


def write_report(target: Path, text: str, project_path: str | None = None) -> None:
    """Write ``text`` to ``target`` atomically (refusing folders and the project file)."""
    from app.core.reports.export import check_report_target, write_atomically

    check_report_target(target, project_path)
    write_atomically(target, text)


class ExportDialog(QDialog):
    """Format, scope, options, ClaimReview organisation, file; writes on a worker."""

    exported = Signal(str)  # the path written

    def __init__(
        self,
        parent: QWidget | None,
        service: Any,
        article_id: str | None = None,
        project_path: str | None = None,
    ) -> None:
        super().__init__(parent)
        from app.core.settings import load_settings

        self.setObjectName("export_dialog")
        self.setWindowTitle("Export Report")
        self.service = service
        self.article_id = article_id
        self.project_path = project_path
        self.settings = load_settings()
        self.task: Any = None

        self.format_combo = QComboBox()
        self.format_combo.setObjectName("export_format")
        for label, name, _suffix, _filter in FORMAT_CHOICES:
            self.format_combo.addItem(label, name)
        self.format_combo.setAccessibleName("Report format")

        self.scope_article = QRadioButton("This &article")
        self.scope_article.setObjectName("export_scope_article")
        self.scope_project = QRadioButton("Whole &project")
        self.scope_project.setObjectName("export_scope_project")
        self.scope_group = QButtonGroup(self)
        self.scope_group.addButton(self.scope_article)
        self.scope_group.addButton(self.scope_project)
        self.scope_article.setEnabled(article_id is not None)
        self.scope_project.setChecked(True)
        scope_box = QGroupBox("Scope")
        scope_layout = QHBoxLayout(scope_box)
        scope_layout.addWidget(self.scope_article)
        scope_layout.addWidget(self.scope_project)

        self.only_done = QCheckBox("Only &finished claims")
        self.only_done.setObjectName("export_only_done")
        self.include_unrated = QCheckBox("Include &unrated claims")
        self.include_unrated.setObjectName("export_include_unrated")  # off: verdicts first
        self.include_dismissed = QCheckBox("Include &dismissed claims")
        self.include_dismissed.setObjectName("export_include_dismissed")
        options_box = QGroupBox("Claims")
        options_layout = QVBoxLayout(options_box)
        for box in (self.only_done, self.include_unrated, self.include_dismissed):
            options_layout.addWidget(box)

        self.organisation = QLineEdit(self.settings.organisation)
        self.organisation.setObjectName("export_organisation")
        self.organisation.setPlaceholderText("The fact-checking organisation")
        self.organisation_url = QLineEdit(self.settings.organisation_url)
        self.organisation_url.setObjectName("export_organisation_url")
        self.organisation_url.setPlaceholderText("https://example.org/fact-checks/")
        self.claimreview_box = QGroupBox("ClaimReview")
        cr_layout = QFormLayout(self.claimreview_box)
        cr_layout.addRow("&Organisation:", self.organisation)
        cr_layout.addRow("Publishing &URL:", self.organisation_url)

        self.path_edit = QLineEdit(self._default_path())
        self.path_edit.setObjectName("export_path")
        self.path_edit.setAccessibleName("File to write")
        browse = QPushButton("&Choose…")
        browse.setObjectName("export_browse")
        browse.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)

        self.status = QLabel()
        self.status.setObjectName("export_status")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Export")
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Format:", self.format_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(scope_box)
        layout.addWidget(options_box)
        layout.addWidget(self.claimreview_box)
        layout.addWidget(QLabel("File:"))
        layout.addLayout(file_row)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        self._on_format_changed()

    # --- choices -------------------------------------------------------------------

    def fmt(self) -> str:
        return str(self.format_combo.currentData())

    def set_format(self, name: str) -> None:
        self.format_combo.setCurrentIndex(self.format_combo.findData(name))

    def suffix(self) -> str:
        return next(s for _l, n, s, _f in FORMAT_CHOICES if n == self.fmt())

    def options(self) -> Any:
        from app.core.reports import ReportOptions

        article = self.article_id if self.scope_article.isChecked() else None
        return ReportOptions(
            article_id=article,
            only_done=self.only_done.isChecked(),
            include_unrated=self.include_unrated.isChecked(),
            include_dismissed=self.include_dismissed.isChecked(),
        )

    def _default_path(self) -> str:
        folder = Path(self.project_path).parent if self.project_path else Path.home()
        stem = Path(self.project_path).stem if self.project_path else "report"
        return str(folder / f"{stem}-report.md")

    def _on_format_changed(self, _index: int = 0) -> None:
        self.claimreview_box.setEnabled(self.fmt() == "claimreview")
        text = self.path_edit.text().strip()
        known = {s for _l, _n, s, _f in FORMAT_CHOICES}
        if text and Path(text).suffix.lower() in known:
            self.path_edit.setText(str(Path(text).with_suffix(self.suffix())))

    def choose_file(self) -> None:
        wanted = next(f for _l, n, _s, f in FORMAT_CHOICES if n == self.fmt())
        path, _chosen = QFileDialog.getSaveFileName(
            self, "Export Report", self.path_edit.text(), wanted
        )
        if path:
            if not Path(path).suffix:
                path += self.suffix()
            self.path_edit.setText(path)

    # --- exporting ---------------------------------------------------------------------

    def _save_organisation(self) -> Any:
        from app.core.settings import save_settings

        org = self.organisation.text().strip()
        url = self.organisation_url.text().strip()
        if (org, url) != (self.settings.organisation, self.settings.organisation_url):
            self.settings.organisation = org
            self.settings.organisation_url = url
            try:
                save_settings(self.settings)
            except OSError as exc:
                self.status.setText(f"The organisation was not saved: {exc.strerror or exc}")
        return dataclasses.replace(self.settings)

    def start_export(self) -> None:
        from app.ui import dialogs
        from app.ui.operations import runner_for

        if self.task is not None:
            return  # one export at a time
        text = self.path_edit.text().strip()
        if not text:
            dialogs.show_error(self, "Choose the file to write the report to.")
            return
        target = Path(text).expanduser()
        if not target.suffix:
            target = target.with_suffix(self.suffix())
        settings = self._save_organisation() if self.fmt() == "claimreview" else self.settings
        service, fmt, options, project = self.service, self.fmt(), self.options(), self.project_path

        def job(check: Any, report: Any) -> str:
            from app.core.reports import export

            report("Building the report…")
            body = export(service, fmt, options, settings=settings)
            check()
            report("Writing the file…")
            write_report(target, body, project)
            return str(target)

        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        # Quiet: this dialog shows the progress itself, and its Cancel cancels.
        self.task = runner_for(self).run(
            "Exporting the report…",
            job,
            self._on_done,
            on_failed=self._on_failed,
            on_cancelled=self._on_cancelled,
            on_progress=self.status.setText,
            quiet=True,
        )

    def _finish(self) -> None:
        self.task = None
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)

    def _on_done(self, path: str) -> None:
        self._finish()
        self.status.setText(f"Report written to {path}")
        self.exported.emit(path)
        self.accept()

    def _on_failed(self, message: str) -> None:
        from app.ui import dialogs

        self._finish()
        self.status.setText("")
        dialogs.show_error(self, f"The report was not written: {message}")

    def _on_cancelled(self) -> None:
        self._finish()
        self.status.setText("Export cancelled.")

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
        super().reject()


def open_export_dialog(window: Any) -> ExportDialog | None:
    """The Export Report action: the dialog, non-modal, for ``window``'s project."""
    if window.service is None:
        return None
    dialog = ExportDialog(
        window, window.service, window.article_id, getattr(window, "project_path", None)
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.exported.connect(
        lambda p: window.statusBar().showMessage(f"Report written to {p}", 8000)
    )
    window.export_dialog_ = dialog
    dialog.open()
    return dialog


# --- preview -------------------------------------------------------------------------------


def open_link(url: QUrl) -> bool:
    """Open an http(s) link in the system browser; anything else is ignored."""
    if url.scheme().lower() not in ("http", "https"):
        return False
    return QDesktopServices.openUrl(url)


class ReportPreview(QDockWidget):
    """The current article's report, rendered as HTML, refreshed as claims change.

    ``timer`` refreshes ``PREVIEW_DELAY_MS`` after the last change (each change restarts
    it, so a burst of edits builds one report); its interval may be set on the instance
    (``timer.setInterval``), e.g. to a test's pace rather than a person's.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Report Preview", parent)
        self.setObjectName("report_preview_dock")
        self.browser = QTextBrowser()
        self.browser.setObjectName("report_preview")
        self.browser.setAccessibleName("Report preview")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(open_link)
        self.setWidget(self.browser)
        self.service: Any = None
        self.article_id: str | None = None
        self.timer = QTimer(self)
        self.timer.setObjectName("report_preview_timer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        self.refreshes = 0  # for tests and diagnostics
        self._generation = 0  # of the newest refresh; older results are dropped
        self.task: Any = None  # the newest refresh (the runner keeps every running one)
        self.visibilityChanged.connect(lambda shown: shown and self.schedule())

    def set_source(self, service: Any, article_id: str | None) -> None:
        changed = service is not self.service or article_id != self.article_id
        self.service, self.article_id = service, article_id
        if changed:
            self.schedule()

    def schedule(self) -> None:
        """Refresh after a short pause (restarted by every change)."""
        self.timer.start()

    def refresh(self) -> None:
        """Build and render the article's report on a worker; the newest request wins."""
        self.timer.stop()
        if not self.isVisible():
            return  # refreshed when shown again
        self.refreshes += 1
        self._generation += 1
        if self.service is None:
            self.browser.setPlainText("Open a project to preview its report.")
            return
        if self.article_id is None:
            self.browser.setPlainText("Choose an article to preview its report.")
            return
        from app.ui.operations import runner_for

        service, article_id, generation = self.service, self.article_id, self._generation

        def job(_check: Any, _report: Any) -> str:
            from app.core.reports import ReportOptions, build_report, render_html

            return render_html(build_report(service, ReportOptions(article_id=article_id)))

        self.task = runner_for(self).run(
            "Building the report preview",
            job,
            lambda html: self._on_rendered(generation, html),
            on_failed=lambda message: self._on_rendered(
                generation, None, f"The report cannot be shown: {message}"
            ),
            quiet=True,
        )

    def _on_rendered(self, generation: int, html: str | None, error: str | None = None) -> None:
        if generation != self._generation:
            return  # a newer refresh is on its way
        if html is None:
            self.browser.setPlainText(error or "")
            return
        bar = self.browser.verticalScrollBar()
        keep = bar.value()
        self.browser.setHtml(html)
        bar.setValue(keep)


def install_preview(window: Any, action: Any = None) -> ReportPreview:
    """Add the preview dock to ``window`` (hidden) and keep it following the window."""
    dock = ReportPreview(window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()

    def follow(*_args: Any) -> None:
        dock.set_source(window.service, window.article_id)
        dock.schedule()

    window.undo_stack.indexChanged.connect(follow)
    window.workspace.article_chosen.connect(lambda _id: QTimer.singleShot(0, follow))
    if action is not None:
        action.triggered.connect(lambda on=False: (follow(), dock.setVisible(bool(on))))
        dock.visibilityChanged.connect(action.setChecked)
    window.report_preview = dock
    return dock


__all__ = [
    "FORMAT_CHOICES",
    "ExportDialog",
    "ReportPreview",
    "install_preview",
    "open_export_dialog",
    "open_link",
    "write_report",
]
