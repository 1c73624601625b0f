"""Start-up order: the window painted first, then the storage stack, then the project.

Opening a project needs SQLAlchemy, SQLModel and the tables: a few hundred ms of imports
(bench/ui.py prints them as a ratio to a bare PySide6 window), plus, the first time, the
ORM's mappers and the schema a project file must have. :class:`StoragePreload` does that
on a worker thread once the window is on screen, so the window stays responsive while a
person picks a project on the start page, and the project they pick opens at once.

The worker starts after the first paint, not before the window is built: both would run
Python under one interpreter lock, and the window would appear later for no earlier
editable project. Everything else heavy (importers, the detector, matching, reports,
signing, the server's driver) loads only when an action needs it
(tests/ui/test_startup_imports.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class StoragePreload:
    """The storage stack, imported and prepared on a worker thread (no widgets there)."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=_prepare, name="factdesk-storage", daemon=True)
            self._thread.start()

    def wait(self) -> None:
        """Until the worker is done (at once if it never started)."""
        if self._thread is not None:
            self._thread.join()


def _prepare() -> None:
    try:
        from sqlalchemy.orm import configure_mappers

        import app.core.project  # noqa: F401 - the service every open uses
        from app.models.file_schema import expected_schema

        configure_mappers()
        expected_schema()
    except Exception:
        # The open imports and prepares the same on the GUI thread and reports the
        # failure there, as it would without the preload.
        log.debug("storage preload failed", exc_info=True)


def after_first_paint(window: Any, callback: Callable[[], None]) -> None:
    """Call ``callback`` once ``window`` has been painted for the first time.

    A zero-delay timer set after ``show()`` runs before the first paint: the paint
    request is a low-priority event, and a real display sends its expose event later.
    Work started from such a timer kept the window blank until it was done.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                self.deleteLater()
                QTimer.singleShot(0, callback)  # after this paint has been shown
            return False

    window.installEventFilter(FirstPaint(window))
