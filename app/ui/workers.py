"""The operation runner's internals: a QRunnable that reports back through signals.

Nothing starts these directly: the window runs every job through its
:class:`~app.ui.operations.OperationRunner`. Workers never touch widgets; they call the
service (which opens its own short sessions) and hand a plain result back. Cancelling
sets a flag the job checks between steps; a step that has begun (one committed
transaction) finishes, so the project is never left half-written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Signal

from app.core.errors import FactdeskError


class Cancelled(Exception):
    """Raised inside a job when the person pressed Cancel."""


class TaskSignals(QObject):
    progress = Signal(str)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Task(QRunnable):
    """Runs ``job(check, report)``: ``check()`` raises :class:`Cancelled` once cancelled."""

    def __init__(self, job: Callable[[Callable[[], None], Callable[[str], None]], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the window keeps a reference until it hears back
        self.job = job
        self.signals = TaskSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def _check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def run(self) -> None:
        try:
            result = self.job(self._check, self._report)
        except Cancelled:
            self._tell(self.signals.cancelled)
        except FactdeskError as exc:
            self._tell(self.signals.failed, exc.message)
        except Exception as exc:  # a worker must never die silently
            self._tell(self.signals.failed, f"unexpected error: {type(exc).__name__}: {exc}")
        else:
            self._tell(self.signals.done, result)

    def _report(self, text: str) -> None:
        self._tell(self.signals.progress, text)

    def _tell(self, signal: Any, *args: Any) -> None:
        # The window that asked may be gone by the time the job ends (closed, or a
        # screenshot already taken): then Qt has deleted the signals' object and nobody
        # is left to tell.
        if shiboken6.isValid(self.signals):
            signal.emit(*args)
