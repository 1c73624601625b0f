"""Two project files with the same name never look the same in the window."""

from __future__ import annotations

from pathlib import Path

from app.core.project import ProjectService
from app.ui.path_labels import distinct_labels


def test_same_named_files_get_their_folders():
    paths = [
        "/home/ana/desk/investigation.factdesk",
        "/home/ana/inbox/from-ben/investigation.factdesk",
        "/home/ana/inbox/from-cai/investigation.factdesk",
        "/home/ana/desk/budget.factdesk",
    ]
    labels = distinct_labels(paths)
    assert len(set(labels.values())) == len(paths)
    assert labels[paths[0]] == "investigation.factdesk  —  desk/"
    assert labels[paths[1]] == "investigation.factdesk  —  from-ben/"
    assert labels[paths[3]] == "budget.factdesk  —  desk/"


def test_title_and_open_recent_tell_two_copies_apart(window, tmp_path):
    other_folder = tmp_path / "from-colleague"
    other_folder.mkdir()
    copy = other_folder / Path(window.project_path).name
    ProjectService.create_file(copy, author="Ben").close()
    first_title = window.windowTitle()
    assert window.open_project(str(copy))
    assert window.windowTitle() != first_title
    assert "from-colleague" in window.windowTitle()
    window.on_recent_menu_about_to_show()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert len(texts) == len(set(texts)) == 2
