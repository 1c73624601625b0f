"""Fixtures shared by the reliability tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def window_recording_messages(patch: pytest.MonkeyPatch, folder: Path) -> Any:
    """A real main window (offscreen, settings in ``folder``) whose message boxes are
    recorded in ``window.shown_errors`` instead of waiting for a click."""
    from PySide6.QtCore import QSettings

    from app.ui import dialogs
    from app.ui.main_window import MainWindow

    shown: list[str] = []
    patch.setattr(dialogs, "show_error", lambda _p, text: shown.append(text))
    patch.setattr(dialogs, "show_info", lambda _p, text: shown.append(text))
    patch.setattr(dialogs, "ask", lambda _p, text, yes="OK": shown.append(text) or False)
    qsettings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(qsettings, "Tester")
    win.shown_errors = shown
    win.resize(1000, 700)
    win.show()
    return win


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """:func:`window_recording_messages` for one test."""
    win = window_recording_messages(monkeypatch, tmp_path)
    qtbot.addWidget(win)
    yield win
    win.close_project()
