"""A scratch home for the test session: HOME, XDG folders, runtime and temporary folder.

Created by ``tests/conftest.py`` before any test runs and exported through the
environment, so the app, Qt, platformdirs, keyring and every subprocess the tests start
write here and never into the developer's real ``~/.config`` or ``/tmp``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path

import pytest

PREFIX = "factdesk-tests-"
# What pytest itself keeps in the temporary folder: its per-run base folders; and
# multiprocessing's folder for the fork server's socket (tests/support/preforked.py),
# which multiprocessing removes when the process exits.
_PYTEST_OWN = ("pytest-of-", "pymp-")


@dataclass(frozen=True)
class SessionFolders:
    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def runtime(self) -> Path:
        return self.root / "run"

    @classmethod
    def create(cls) -> SessionFolders:
        # Inside the inherited TMPDIR: a pytest-xdist worker's folder lies inside its
        # controller's, so one removal at the end takes everything.
        root = Path(tempfile.mkdtemp(prefix=PREFIX))
        folders = cls(root)
        for sub in (folders.home, folders.tmp):
            sub.mkdir()
        folders.runtime.mkdir(mode=0o700)
        if os.geteuid() == 0:
            # The test PostgreSQL cluster runs as the postgres user (it refuses root) and
            # must reach its folder under tmp/: let it pass through, not list.
            for sub in (root, folders.tmp):
                sub.chmod(0o711)
        return folders

    def environment(self) -> dict[str, str]:
        home = self.home
        return {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_RUNTIME_DIR": str(self.runtime),
            "TMPDIR": str(self.tmp),
            "TEMP": str(self.tmp),
            "TMP": str(self.tmp),
        }

    def apply(self, environ: MutableMapping[str, str]) -> None:
        environ.update(self.environment())
        # A per-run override from the developer's shell would send files elsewhere.
        environ.pop("FACTDESK_RUNTIME_DIR", None)


def leftovers(folders: SessionFolders) -> list[Path]:
    """Files the tests left in the shared temporary and runtime folders.

    Tests must keep their files in pytest's per-test folders (``tmp_path``), which pytest
    owns; anything else in the temporary folder (a crash or screenshot folder, a stray
    file) or in the runtime folder (a lock file) was left behind.
    """
    found: list[Path] = []
    for entry in sorted(folders.tmp.iterdir()):
        if entry.name.startswith(_PYTEST_OWN):
            continue
        if entry.name.startswith(PREFIX) and entry.is_dir():
            found.extend(leftovers(SessionFolders(entry)))  # a pytest-xdist worker's
            continue
        found.append(entry)
    found.extend(p for p in sorted(folders.runtime.rglob("*")) if p.is_file())
    return found


@contextlib.contextmanager
def settings_of_its_own(folder: Path) -> Iterator[pytest.MonkeyPatch]:
    """Factdesk's settings and runtime folders under ``folder`` while set-up shared by
    several tests runs (a project built once per module or session).

    Such set-up runs before any test's own folders exist, and what it records (a clean
    close, a lock, a signer) must stay out of every test's. The patch is given so the
    set-up can patch more for as long as it runs.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FACTDESK_CONFIG_DIR", str(folder / "config"))
        patch.setenv("FACTDESK_RUNTIME_DIR", str(folder / "run"))
        yield patch
