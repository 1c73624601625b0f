"""Where Factdesk finds its own resources and keeps the user's data.

The only place that knows about PyInstaller's ``sys._MEIPASS``: a frozen build unpacks
``resources/`` beside the executable's internals, an installed wheel carries it as the
package data ``app/resources`` (see ``setup.py``), a source checkout has it at the top
of the repository. User data goes to the platform's locations (platformdirs), never next
to the executable.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

import platformdirs

from app import APP_NAME, ORGANISATION


def resources_dir() -> Path:
    """The folder holding icons, scales, model files, report styles and samples."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    installed = files("app") / "resources"  # a wheel's package data
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parent.parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def user_data_dir() -> Path:
    """Per-user data (default location of new projects, trusted keys)."""
    return Path(platformdirs.user_data_dir(APP_NAME, ORGANISATION))


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, ORGANISATION))


def user_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, ORGANISATION))


def default_projects_dir() -> Path:
    return Path(platformdirs.user_documents_dir()) / APP_NAME
