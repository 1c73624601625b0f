"""Start-up with a project: its content shows at once, then it opens for editing.

The first look reads the file with sqlite3 alone (no SQLAlchemy), read-only; the full
open follows by itself. These tests drive a real window through both stages.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
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


def test_first_look_shows_the_project_read_only_then_opens_it_for_editing(
    qtbot, qsettings, project, errors
):
    win = _window(qtbot, qsettings)
    assert win.open_project(str(project), first_look=True)

    # At once: the article, its highlighted claims and the panel, but no editing yet.
    assert win.service is None
    assert "Water bills rose" in win.workspace.view.toPlainText()
    assert win.workspace.claims_model.rowCount() == 5
    assert win.workspace.current_claim_id() is not None
    assert win.workspace.editor.read_only
    assert not win.actions_[ActionId.DISMISS].isEnabled()
    assert "Opening" in win.statusBar().currentMessage()

    # The user moves to the third claim while the storage stack loads.
    third = win.workspace.claims_model.claims()[2].id
    win.workspace.select_claim(third)

    qtbot.waitUntil(lambda: win.service is not None, timeout=10_000)
    assert win.workspace.current_claim_id() == third  # kept across the full open
    assert not win.workspace.editor.read_only
    assert win.actions_[ActionId.DISMISS].isEnabled()
    assert win.workspace.claims_model.rowCount() == 5
    assert win.statusBar().currentMessage() == ""
    assert not errors

    win.rate_by_number(1)  # editing works and is saved
    win.close_project()
    reopened = ProjectService.open_file(project, author="Tester")
    assert reopened.claim(third).rating_label == "True"
    reopened.close()


def test_first_look_of_a_bad_file_falls_back_to_the_full_open_and_its_message(
    qtbot, qsettings, tmp_path, errors
):
    garbage = tmp_path / "garbage.factdesk"
    garbage.write_bytes(b"not a project at all\n" * 50)
    before = garbage.read_bytes()
    win = _window(qtbot, qsettings)
    assert not win.open_project(str(garbage), first_look=True)
    assert win.stack.currentWidget() is win.start_page
    assert errors and "not a Factdesk project" in errors[-1]
    assert garbage.read_bytes() == before


def test_closing_during_the_first_look_leaves_nothing_open(qtbot, qsettings, project, errors):
    win = _window(qtbot, qsettings)
    assert win.open_project(str(project), first_look=True)
    win.close_project()
    qtbot.wait(300)  # the storage stack finishes loading; nothing may reopen
    assert win.service is None
    assert win.stack.currentWidget() is win.start_page
    assert win.workspace.claims_model.rowCount() == 0


def test_opening_another_project_during_the_first_look_wins(
    qtbot, qsettings, project, tmp_path, helpers, errors
):
    other = tmp_path / "other.factdesk"
    service = ProjectService.create_file(other, author="Tester", name="Other project")
    helpers["add_article"](service, title="Other article")
    service.close()
    win = _window(qtbot, qsettings)
    assert win.open_project(str(project), first_look=True)
    assert win.open_project(str(other))
    qtbot.wait(300)
    assert win.project_path == str(other)
    assert win.windowTitle().startswith("Other project")


def test_the_first_look_needs_no_storage_stack_and_leaves_the_file_unchanged(project):
    """In a fresh process: the window's first look imports neither SQLAlchemy nor SQLModel."""
    before = project.read_bytes()
    script = textwrap.dedent(
        """
        import sys
        from app.core.peek import ProjectPeek
        from app.core.records import ClaimFilter
        peek = ProjectPeek.open(sys.argv[1])
        article = peek.articles()[0]
        claims = peek.claims(ClaimFilter(article_id=article.id))
        peek.close()
        loaded = sorted(m for m in ("sqlalchemy", "sqlmodel", "pydantic") if m in sys.modules)
        print(len(claims), loaded)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(project)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split(maxsplit=1)
    assert out == ["5", "[]\n"]
    assert project.read_bytes() == before
