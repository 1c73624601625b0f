"""The one way the window runs slow work: off the GUI thread, with progress and cancel.

After Anki's operations: the window asks for an operation (a label and a job), the runner
runs the job on a worker and hands its result back on the GUI thread. A progress dialog
appears only when the work lasts longer than a moment, so quick operations never flash
one. Jobs receive ``check()`` (raises when cancelled) and ``report(text)``; they call
services, never widgets.

Every background job of the window goes through here: imports, merges, the signature
check, server connect and poll, report export and preview, the explanation preview and
matching against the library. A result that arrives after the window is gone (closed
while a job ran) is dropped, never delivered to deleted widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
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
        on_progress: Callable[[str], None] | None = None,
        cancellable: bool = True,
        quiet: bool = False,
        pool: QThreadPool | None = None,
    ) -> Task:
        """Start ``job``; ``on_done(result)`` or ``on_failed(message)`` run on this thread.

        ``quiet`` work (a background poll, a preview) never shows a dialog; its progress,
        like any job's, goes to ``on_progress`` when given. ``pool`` keeps a kind of work
        on its own threads (matching), so it never holds up the rest.
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
        if on_progress is not None:
            task.signals.progress.connect(lambda text: self._alive() and on_progress(text))

        def finish() -> bool:
            """Forget the task; False when the window that asked is gone."""
            if progress is not None and shiboken6.isValid(progress):
                progress.reset()
                progress.deleteLater()
            if task in self.tasks:
                self.tasks.remove(task)
            return self._alive()

        def done(result: Any) -> None:
            if finish():
                on_done(result)

        def failed(message: str) -> None:
            if finish() and on_failed is not None:
                on_failed(message)

        def cancelled() -> None:
            if finish() and on_cancelled is not None:
                on_cancelled()

        task.signals.done.connect(done)
        task.signals.failed.connect(failed)
        task.signals.cancelled.connect(cancelled)
        self.tasks.append(task)
        (pool or QThreadPool.globalInstance()).start(task)
        return task

    def _alive(self) -> bool:
        return shiboken6.isValid(self) and shiboken6.isValid(self._window)

    def cancel_all(self) -> None:
        """Ask every running job to stop (a step that has begun finishes)."""
        for task in list(self.tasks):
            task.cancel()


def runner_for(widget: QWidget) -> OperationRunner:
    """The runner of the window ``widget`` is in (``window.operations``); a widget that is
    in no such window (a dialog shown alone, a test) gets one of its own."""
    for candidate in (widget.window(), widget.parentWidget()):
        found = getattr(candidate, "operations", None) if candidate is not None else None
        if isinstance(found, OperationRunner):
            return found
    own = widget.findChild(
        OperationRunner, "operation_runner", Qt.FindChildOption.FindDirectChildrenOnly
    )
    return own if own is not None else OperationRunner(widget)
