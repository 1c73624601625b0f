"""Fixtures shared by the reliability tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A real main window (offscreen) whose message boxes are recorded in
    ``window.shown_errors`` instead of waiting for a click."""
    from PySide6.QtCore import QSettings

    from app.ui import dialogs
    from app.ui.main_window import MainWindow

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, text: shown.append(text))
    monkeypatch.setattr(dialogs, "show_info", lambda _p, text: shown.append(text))
    monkeypatch.setattr(dialogs, "ask", lambda _p, text, yes="OK": shown.append(text) or False)
    qsettings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(qsettings, "Tester")
    win.shown_errors = shown
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    yield win
    win.close_project()
