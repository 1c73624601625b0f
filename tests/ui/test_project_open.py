"""Opening a project in the window: one reader (the project service), editable at once.

There is no read-only "first look" any more; these tests drive a real window through the
one open path, and through closing while work on the project is still running.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from app.core.project import ProjectService
from app.ui.actions import ActionId

ROOT = Path(__file__).resolve().parents[2]


def _window(qtbot, qsettings):
    from app.ui.main_window import MainWindow

    win = MainWindow(qsettings, "Tester")
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    return win


def test_opening_shows_the_project_ready_for_editing(qtbot, qsettings, project, errors):
    from app.ui.application import open_paths

    win = _window(qtbot, qsettings)
    open_paths(win, [str(project)])  # what start-up does with a project on the command line
    assert win.service is not None
    assert "Water bills rose" in win.workspace.view.toPlainText()
    assert win.workspace.claims_model.rowCount() == 5
    assert win.workspace.current_claim_id() is not None
    assert not win.workspace.editor.read_only
    assert win.actions_[ActionId.DISMISS].isEnabled()
    third = win.workspace.claims_model.claims()[2].id
    win.workspace.select_claim(third)
    win.edits.rate_by_number(1)  # editing works and is saved
    win.close_project()
    assert not errors
    reopened = ProjectService.open_file(project, author="Tester")
    assert reopened.claim(third).rating_label == "True"
    reopened.close()


def test_a_bad_file_gets_its_message_and_stays_unchanged(qtbot, qsettings, tmp_path, errors):
    garbage = tmp_path / "garbage.factdesk"
    garbage.write_bytes(b"not a project at all\n" * 50)
    before = garbage.read_bytes()
    win = _window(qtbot, qsettings)
    assert not win.open_project(str(garbage))
    assert win.stack.currentWidget() is win.start_page
    assert errors and "not a Factdesk project" in errors[-1]
    assert garbage.read_bytes() == before


def test_closing_while_the_signature_is_checked_waits_for_the_check(
    qtbot, qsettings, project, errors, monkeypatch
):
    """Opening starts a signature check on a worker thread. Closing at once used to
    dispose of the database engine under that worker ("Set changed size during
    iteration" from the engine's pool, as bench/ui.py hit on a fresh clone)."""
    import app.core.sharing.signing as signing

    started, finished, failures = threading.Event(), threading.Event(), []

    def slow_verify(service):
        started.set()
        try:
            deadline = time.monotonic() + 0.5
            while time.monotonic() < deadline:
                service.claims()  # sessions opened and returned, as verify does
        except Exception as exc:  # what the window's worker would report
            failures.append(exc)
            raise
        finally:
            finished.set()
        return None

    monkeypatch.setattr(signing, "verify_project", slow_verify)
    win = _window(qtbot, qsettings)
    assert win.open_project(str(project))
    qtbot.waitUntil(started.is_set, timeout=5000)  # starts once the project is shown
    win.close()  # as quitting does
    assert finished.is_set()  # the check ended before the engine was disposed
    assert not failures and win.service is None


def test_the_window_shows_before_the_storage_stack_is_imported():
    """Start-up: the window module and a shown window need neither SQLAlchemy nor SQLModel
    on the GUI thread's path (they load behind the window)."""
    script = textwrap.dedent(
        """
        import sys
        from app.ui.application import make_window
        from app.ui.main_window import MainWindow
        print(sorted(m for m in ("sqlalchemy", "sqlmodel") if m in sys.modules))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "HOME": "/nonexistent"},
    ).stdout
    assert out.strip() == "[]"
