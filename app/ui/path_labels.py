"""Names for project files that tell two files of the same name apart.

Colleagues send each other "investigation.factdesk" all day; a menu of five entries all
reading "investigation.factdesk" invites merging the wrong copy. Each path is shown with
as many of its folders as it takes to be unique among the paths shown with it.
"""

from __future__ import annotations

from pathlib import Path


def home_relative(path: Path) -> str:
    """``path`` with the home folder written as ~, as file managers show it."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return path.as_posix()


def distinct_labels(paths: list[str]) -> dict[str, str]:
    """{path: "name  —  last/folders"} with just enough folders to tell them apart."""
    parts = {p: Path(p).parts for p in paths}
    depth = dict.fromkeys(paths, 1)  # how many folders each label shows
    while True:
        labels = {p: f"{Path(p).name}  —  {_label(parts[p], depth[p])}" for p in paths}
        shown = list(labels.values())
        clashes = [p for p in paths if shown.count(labels[p]) > 1]
        growable = [p for p in clashes if depth[p] < len(parts[p]) - 1]
        if not growable:
            return labels
        for p in growable:
            depth[p] += 1


def _label(parts: tuple[str, ...], depth: int) -> str:
    folders = parts[:-1][-depth:]
    return "/".join(folders) + "/" if folders else ""


def window_title(
    project_name: str, path: str | None, app_name: str, *, signer: str | None = None
) -> str:
    """Project name, then the file and the folder it is in (and who signed it, when a
    trusted signature holds), then the application."""
    if path is None:
        return f"{project_name} — {app_name}"
    where = home_relative(Path(path).parent)
    signed = f", signed by {signer}" if signer else ""
    return f"{project_name} — {Path(path).name} in {where}{signed} — {app_name}"
