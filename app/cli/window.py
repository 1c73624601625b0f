"""What ``factdesk`` accepts before it opens the window, checked without Qt.

Anything that is not a registered subcommand goes to the window: project files to open,
articles to import, ``--screenshot OUT.png``. The checks here make the command line
exact: a word that is neither a command nor an existing file is a usage error, a
screenshot never waits for a person, and an article with no project named is refused
where no one can be asked (no display).
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app import PROJECT_SUFFIX
from app.cli.support import CliError

# Qt platforms that show nothing on a screen: no one can answer a question there.
_INVISIBLE_PLATFORMS = ("offscreen", "minimal")


@dataclass
class WindowRequest:
    """The window's arguments, checked: projects to open, articles to import."""

    screenshot: str | None = None
    projects: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)


def has_display(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a window can be shown to a person (and a question answered)."""
    env = os.environ if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if platform in _INVISIBLE_PLATFORMS:
        return False
    if platform or sys.platform in ("win32", "darwin"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _unknown_word(word: str, commands: Collection[str]) -> CliError:
    close = difflib.get_close_matches(word, sorted(commands), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return CliError(
        f"'{word}' is neither a command nor an existing file{hint} (see 'factdesk --help')"
    )


def _check_project(path: str) -> None:
    from app.models.fileformat import read_header

    read_header(Path(path))  # raises a one-line ProjectFileError naming the file


def parse_window_arguments(
    argv: Sequence[str], commands: Collection[str], *, display: bool | None = None
) -> WindowRequest:
    """Check the arguments meant for the window; raise :class:`CliError` on bad ones."""
    request = WindowRequest()
    items = list(argv)
    while items:
        item = items.pop(0)
        if item == "--screenshot":
            if not items or items[0].startswith("-"):
                raise CliError("--screenshot needs an output file, e.g. --screenshot window.png")
            request.screenshot = items.pop(0)
        elif item.startswith("-"):
            raise CliError(f"unrecognised option {item} (see 'factdesk --help')")
        elif not Path(item).exists():
            looks_like_path = os.sep in item or "/" in item or Path(item).suffix
            if not looks_like_path:
                raise _unknown_word(item, commands)
            raise CliError(f"{Path(item).name}: no such file")
        elif Path(item).is_dir():
            raise CliError(f"{Path(item).name}: is a folder, not a project or an article")
        elif Path(item).suffix.lower() == PROJECT_SUFFIX:
            request.projects.append(item)
        else:
            request.articles.append(item)
    if display is None:
        display = has_display()
    if request.screenshot is not None:
        _check_screenshot(request)
    elif request.articles and not request.projects and not display:
        raise CliError(
            "no project named to import the article into, and no window to ask in: "
            "run 'factdesk import ARTICLE --project PROJECT'"
        )
    elif not display:
        raise CliError(
            "no display to show the window on; run a command instead (see 'factdesk --help'), "
            "or render the window with 'factdesk --screenshot OUT.png PROJECT'"
        )
    return request


def _check_screenshot(request: WindowRequest) -> None:
    """A screenshot runs unattended: every problem is found here, before Qt starts."""
    if request.articles:
        raise CliError(
            f"{Path(request.articles[0]).name}: --screenshot shows a project, "
            f"not an article; import it first"
        )
    if len(request.projects) > 1:
        raise CliError("--screenshot shows one project; name only one")
    out = Path(str(request.screenshot))
    if out.suffix.lower() != ".png":
        raise CliError(f"{out.name}: the screenshot is saved as PNG; name a .png file")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"{out.name}: the folder {folder} does not exist")
    if out.is_dir():
        raise CliError(f"{out.name}: is a folder; name a .png file")
    for project in request.projects:
        _check_project(project)
