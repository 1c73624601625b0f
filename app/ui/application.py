"""Start the window: QApplication, then the (light) window, then the project.

The window is painted before anything heavy is imported; the storage stack then loads on
a worker and the project named opens (:mod:`app.ui.startup`, architecture.md: start-up).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app import APP_ID, APP_NAME, ORGANISATION, PROJECT_SUFFIX, __version__
from app.ui.startup import StoragePreload, after_first_paint


def _make_app(argv: Sequence[str]) -> object:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setOrganizationDomain("factdesk.org")
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME, *argv])
    QApplication.setDesktopFileName(APP_ID)
    return app


def make_window(settings: object | None = None, author: str | None = None) -> object:
    from PySide6.QtCore import QSettings

    from app.ui.main_window import MainWindow

    if author is None:
        from app.core.settings import reviewer_name

        author = reviewer_name()
    return MainWindow(settings if isinstance(settings, QSettings) else QSettings(), author)


def screenshot(window: object, out: str, project: str | None) -> int:
    """Render the window at 1280x800 with the project's first claim selected."""

    from app.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.resize(1280, 800)
    window.show()
    if project and not window.open_project(project):
        return 2
    if window.service is not None and window.workspace.current_claim_id() is None:
        window.workspace.step_claim(1)  # opening an article selects its first claim
    _settle(window)
    image = window.grab()
    if not image.save(out, "PNG"):
        print(f"factdesk: {Path(out).name}: cannot be written", file=sys.stderr)
        return 2
    return 0


def _settle(window: Any, *, limit_s: float = 15.0) -> None:
    """Let the background work that follows opening (the signature check, matching
    against the library, the explanation's preview) finish, so the picture shows what a
    person sees a moment after opening, not "checking…". The first two start from short
    timers: they count as under way from then (``busy()``) until their jobs are done;
    ``limit_s`` bounds the wait (a screenshot never hangs)."""
    import time

    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if not (window.tasks or window.sharing.busy() or window.checked_before.busy()):
            return
        time.sleep(0.01)


def quit_on_interrupt(window: Any) -> None:
    """Ctrl-C in the terminal closes the window the normal way (the project is closed
    cleanly), instead of being held until the next Python call, or never.

    Qt's event loop runs in C++, where Python cannot run its signal handler; the wake-up
    file descriptor makes the signal an event the loop sees.
    """
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    signal.signal(signal.SIGINT, lambda *_args: None)  # handled below, in the loop
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, window)

    def on_signal() -> None:
        from PySide6.QtWidgets import QApplication

        with contextlib.suppress(OSError):
            reader.recv(64)
        # An open dialog runs its own event loop: close it first, as Esc would.
        while (modal := QApplication.activeModalWidget()) is not None:
            modal.close()
        window.close()

    notifier.activated.connect(on_signal)
    # Keep the sockets alive as long as the window.
    window.interrupt_sockets = (reader, writer)


def needs_reviewer_name() -> bool:
    """Nobody has said who they are yet (neither in settings nor $FACTDESK_REVIEWER)."""
    from app.core.settings import load_settings

    return not os.environ.get("FACTDESK_REVIEWER", "").strip() and not (
        load_settings().reviewer_name.strip()
    )


def run_gui(argv: Sequence[str]) -> int:
    """Run the window; ``argv`` may hold a project or article path, or ``--screenshot``."""
    args = list(argv)
    shot: str | None = None
    if "--screenshot" in args:
        i = args.index("--screenshot")
        if i + 1 >= len(args):
            print("factdesk: --screenshot needs an output file", file=sys.stderr)
            return 2
        shot = args[i + 1]
        del args[i : i + 2]
    paths = [a for a in args if not a.startswith("-")]
    app = _make_app([])
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    if shot is not None:
        # A screenshot must not depend on (or change) the user's window layout. Never
        # point QSettings at os.devnull: it saves by renaming a temporary file over its
        # path, which replaces /dev/null with a regular file.
        import tempfile

        _never_wait_for_a_person()
        with tempfile.TemporaryDirectory(prefix="factdesk-shot-") as scratch:
            settings = QSettings(str(Path(scratch) / "layout.ini"), QSettings.Format.IniFormat)
            window = make_window(settings)
            window.settings.clear()  # type: ignore[attr-defined]
            status = screenshot(window, shot, paths[0] if paths else None)
            window.close_project()  # type: ignore[attr-defined]
            # Written now, while the scratch folder exists: QSettings writes pending
            # changes (the signature check notes its signer) at the latest when it is
            # destroyed, which can be at exit, after the folder has been removed (it
            # then made the folder again and left it behind).
            settings.sync()
            del window, settings
            return status
    window = make_window()
    window.show()  # type: ignore[attr-defined]
    quit_on_interrupt(window)
    if needs_reviewer_name():
        # First run: ask who is working before anything is recorded under a login name.
        QTimer.singleShot(0, lambda: window.settings_dialog(first_run=True))  # type: ignore[attr-defined]

    storage = StoragePreload()
    open_after_first_paint(window, paths, storage)
    try:
        return int(app.exec())
    finally:
        storage.wait()  # never left importing while Python shuts down


def open_after_first_paint(window: Any, paths: Sequence[str], storage: StoragePreload) -> None:
    """Once ``window`` is on screen: load the storage stack, then open ``paths``."""

    def load() -> None:
        storage.start()
        if paths:
            storage.wait()  # its work is the open's first step: not done twice
            open_paths(window, paths)

    after_first_paint(window, load)


def _never_wait_for_a_person() -> None:
    """A screenshot runs unattended: messages go to stderr instead of modal boxes.

    Qt's own diagnostics (the offscreen platform's "does not support
    propagateSizeHints()") go to the log, not stderr, which holds only Factdesk's lines.
    """
    import logging

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    from app.ui import dialogs

    qt_log = logging.getLogger("factdesk.qt")

    def to_log(kind: QtMsgType, _context: object, message: str) -> None:
        level = logging.DEBUG if kind == QtMsgType.QtDebugMsg else logging.WARNING
        qt_log.log(level, "%s", message)

    qInstallMessageHandler(to_log)

    def to_stderr(_parent: object, text: str, *_args: object, **_kwargs: object) -> bool:
        print(f"factdesk: {' '.join(text.split())}", file=sys.stderr)
        return False

    dialogs.show_error = to_stderr  # type: ignore[assignment]
    dialogs.show_info = to_stderr  # type: ignore[assignment]
    dialogs.ask = to_stderr  # type: ignore[assignment]


def open_paths(window: Any, paths: Sequence[str]) -> None:
    """Open the projects and import the articles named on the command line.

    Articles with no project named are never imported silently into the last project:
    the person is asked first (and without a last project, told to open one).
    """
    from app.ui import dialogs

    articles = [p for p in paths if not p.endswith(PROJECT_SUFFIX)]
    for path in paths:
        if path.endswith(PROJECT_SUFFIX):
            window.open_project(path)
    if articles and window.service is None:
        recent = window.recent_projects()
        names = ", ".join(Path(a).name for a in articles)
        if recent and dialogs.ask(
            window,
            f"Import {names} into {Path(recent[0]).name}, the project you opened last?",
            yes="Import",
        ):
            window.open_project(recent[0])
        if window.service is None:
            dialogs.show_info(
                window, f"Open or create a project, then import {names} into it (File menu)."
            )
            return
    for path in articles:
        window.importing.import_file(path)
