"""The one way the window runs slow work: off the GUI thread, with progress and cancel.

After Anki's operations: the window asks for an operation (a label and a job), the runner
runs the job on a worker and hands its result back on the GUI thread. A progress dialog
appears only when the work lasts longer than a moment, so quick operations never flash
one. Jobs receive ``check()`` (raises when cancelled) and ``report(text)``; they call
services, never widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool
from PySide6.QtWidgets import QProgressDialog, QWidget

from app import APP_NAME
from app.ui.workers import Task

SHOW_PROGRESS_AFTER_MS = 200  # work shorter than this shows no dialog
Job = Callable[[Callable[[], None], Callable[[str], None]], Any]


class OperationRunner(QObject):
    """Runs jobs for one window; ``tasks`` lists those still running (closing waits)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("operation_runner")
        self._window = window
        self.tasks: list[Task] = []

    def run(
        self,
        label: str,
        job: Job,
        on_done: Callable[[Any], None],
        *,
        on_failed: Callable[[str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancellable: bool = True,
        quiet: bool = False,
    ) -> Task:
        """Start ``job``; ``on_done(result)`` or ``on_failed(message)`` run on this thread.

        ``quiet`` work (a background poll) never shows a dialog.
        """
        task = Task(job)
        progress: QProgressDialog | None = None
        if not quiet:
            progress = QProgressDialog(label, "Cancel" if cancellable else "", 0, 0, self._window)
            progress.setObjectName("operation_progress")
            progress.setWindowTitle(APP_NAME)
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setAutoClose(False)
            progress.setAutoReset(False)
            progress.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
            if not cancellable:
                progress.setCancelButton(None)
            progress.canceled.connect(task.cancel)
            task.signals.progress.connect(progress.setLabelText)
            progress.setValue(0)  # starts the minimum-duration clock

        def finish() -> None:
            if progress is not None:
                progress.reset()
                progress.deleteLater()
            if task in self.tasks:
                self.tasks.remove(task)

        def done(result: Any) -> None:
            finish()
            on_done(result)

        def failed(message: str) -> None:
            finish()
            if on_failed is not None:
                on_failed(message)

        def cancelled() -> None:
            finish()
            if on_cancelled is not None:
                on_cancelled()

        task.signals.done.connect(done)
        task.signals.failed.connect(failed)
        task.signals.cancelled.connect(cancelled)
        self.tasks.append(task)
        QThreadPool.globalInstance().start(task)
        return task
