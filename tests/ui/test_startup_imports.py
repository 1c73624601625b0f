"""Start-up: the window first, then only what opening a project needs (issue 15).

The window is started the way ``factdesk PROJECT`` starts it (``run_gui``). It must be
painted before the project's open begins, and when the project has become editable no
importer, detector, matching, report, signing or server module may be loaded yet: each
is a noticeable part of a second to import, and waits until an action needs it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Started as ``python -m app PROJECT`` starts it; once the project is open for editing,
# print what is loaded and close the window (which quits).
PROBE = """
import json, sys
from PySide6.QtCore import QEvent, QObject
from app.ui import application

painted = []


class WatchPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            painted.append(True)
        return False


watch = WatchPaint()
made, opened = application.make_window, application.open_paths


def make_and_watch(*args, **kwargs):
    window = made(*args, **kwargs)
    window.installEventFilter(watch)
    return window


def open_and_report(window, paths):
    painted_before_open = bool(painted)
    opened(window, paths)
    ws = window.workspace
    editable = (
        window.service is not None
        and not ws.editor.read_only
        and ws.claims_model.rowCount() > 0
        and bool(ws.view.toPlainText())
    )
    report = {
        "painted_before_open": painted_before_open,
        "editable": editable,
        "loaded": sorted(sys.modules),
    }
    print(json.dumps(report), flush=True)
    window.close()


application.make_window = make_and_watch
application.open_paths = open_and_report
sys.exit(application.run_gui(sys.argv[1:]))
"""

# Libraries the open does not use, and Factdesk's own packages that load them.
NOT_BEFORE_EDITABLE = [
    "trafilatura",  # importers
    "lxml",
    "docx",
    "pypdf",
    "syntok",  # the detector
    "regex",
    "app.core.analysis",
    "app.core.importers",
    "rapidfuzz",  # matching ("Checked before")
    "app.core.matching",
    "markdown_it",  # reports and the explanation preview
    "app.core.reports",
    "cryptography",  # signing and the key store
    "keyring",
    "app.core.sharing.signing",
    "app.core.sharing.merge",
    "psycopg",  # the team server
    "sqlalchemy.dialects.postgresql",
    "app.core.server",
]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_RUNTIME_DIR=str(tmp_path),
        FACTDESK_CONFIG_DIR=str(tmp_path / "config"),
        FACTDESK_REVIEWER="Tester",
        PYTHONPATH=str(REPO),
    )
    return env


def test_the_names_checked_exist():
    """A renamed module would make the check below pass without checking anything."""
    missing = [name for name in NOT_BEFORE_EDITABLE if importlib.util.find_spec(name) is None]
    assert not missing


def _start(tmp_path: Path, project: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(project)],
        env=_env(tmp_path),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["editable"]
    return report


@pytest.fixture(scope="module")
def start_report(tmp_path_factory: pytest.TempPathFactory, built_project: Path) -> dict:
    """One start of the window on its own copy of the fixture project; the tests below
    read different parts of the same report, so they share the one process."""
    folder = tmp_path_factory.mktemp("start-up")
    project = folder / "test.factdesk"
    shutil.copyfile(built_project, project)
    return _start(folder, project)


def test_the_window_is_painted_before_the_project_opens(start_report):
    """A zero timer after show() ran the open before the first paint: on a real display
    the window stayed blank until the project was open."""
    assert start_report["painted_before_open"]


def test_opening_a_project_at_start_up_loads_only_what_the_open_needs(start_report):
    loaded = set(start_report["loaded"])
    assert "sqlmodel" in loaded  # the real open ran, through the real storage stack
    early = [
        name
        for name in NOT_BEFORE_EDITABLE
        if name in loaded or any(m.startswith(name + ".") for m in loaded)
    ]
    assert early == []
