"""Start-up loads only what opening a project needs (issue 15: a fast real open).

The window is started the way ``factdesk PROJECT`` starts it (``run_gui``), and the
modules loaded are listed at the moment the project has become editable. Importers,
the detector, matching, reports, signing and the server's driver are each a noticeable
part of a second to import: they must wait until an action needs them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Started as ``python -m app PROJECT`` starts it; once the project is open for editing,
# print what is loaded and close the window (which quits).
PROBE = """
import json, sys
from app.ui import application

opened = application.open_paths


def open_and_report(window, paths):
    opened(window, paths)
    ws = window.workspace
    editable = (
        window.service is not None
        and not ws.editor.read_only
        and ws.claims_model.rowCount() > 0
        and bool(ws.view.toPlainText())
    )
    print(json.dumps({"editable": editable, "loaded": sorted(sys.modules)}), flush=True)
    window.close()


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


def test_opening_a_project_at_start_up_loads_only_what_the_open_needs(tmp_path, project):
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
    loaded = set(report["loaded"])
    assert "sqlmodel" in loaded  # the real open ran, through the real storage stack
    early = [
        name
        for name in NOT_BEFORE_EDITABLE
        if name in loaded or any(m.startswith(name + ".") for m in loaded)
    ]
    assert early == []
