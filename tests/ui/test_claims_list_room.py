"""At 1280x800 the claims list shows many claims at once (issue 16, walkthrough).

Before: the panel's minimum height (about 413 px) and the "Checked before" pane left the
claims list about two rows, and dragging the splitter could not give it more.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.project import ProjectService

MANY = (
    "Many claims\n\n"
    + " ".join(f"Bills rose by {i} percent in district {i}." for i in range(30))
    + "\n"
)


@pytest.fixture
def many_project(tmp_path: Path, helpers) -> Path:
    path = tmp_path / "many.factdesk"
    service = ProjectService.create_file(path, author="Tester")
    helpers["add_article"](service, MANY, title="Many")
    service.close()
    return path


def _open(qtbot, qsettings, path: Path):
    from app.ui.main_window import MainWindow

    win = MainWindow(qsettings, "Tester")
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    assert win.open_project(str(path))
    qtbot.waitUntil(lambda: win.workspace.claims.viewport().height() > 100, timeout=3000)
    return win


def visible_rows(win) -> float:
    claims = win.workspace.claims
    return claims.viewport().height() / claims.verticalHeader().defaultSectionSize()


def test_the_list_shows_at_least_eight_claims_at_1280x800(qtbot, qsettings, many_project, errors):
    win = _open(qtbot, qsettings, many_project)
    qtbot.waitUntil(lambda: visible_rows(win) >= 8, timeout=3000)
    # The panel stays usable: a field below its visible part scrolls into view.
    ws = win.workspace
    ws.editor.evidence.setFocus()
    qtbot.waitUntil(lambda: ws.editor.evidence.visibleRegion().boundingRect().height() > 20)
    win.close_project()


def test_dragging_the_splitter_gives_the_list_the_room(qtbot, qsettings, many_project, errors):
    win = _open(qtbot, qsettings, many_project)
    right = win.workspace.right
    total = sum(right.sizes())
    right.setSizes([total - 200, 100, 100])  # what dragging the handles down does
    qtbot.waitUntil(lambda: visible_rows(win) >= 18, timeout=3000)
    win.close_project()


def test_the_splitters_come_back_as_they_were_left(qtbot, qsettings, many_project, errors):
    win = _open(qtbot, qsettings, many_project)
    right = win.workspace.right
    total = sum(right.sizes())
    right.setSizes([total - 300, 180, 120])
    left = right.sizes()
    win.close()
    again = _open(qtbot, qsettings, many_project)
    qtbot.waitUntil(lambda: again.workspace.right.sizes() == left, timeout=3000)
    again.close_project()
