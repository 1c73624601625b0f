"""Which project files a running Factdesk has open for editing.

A second Factdesk (another window process, or the command line while the window is open)
opening the same file for editing would race it, so it opens the file read-only and says
why. The lock is an advisory ``flock`` on a small file in the user's runtime folder, keyed
by the project's resolved path:

* nothing is ever written beside the project file;
* the kernel drops the lock when the holding process ends, even by a crash or ``kill -9``,
  so a stale lock file left behind is simply taken over by the next opener;
* a clean release removes the lock file (checked by inode so a concurrent opener never
  locks a file that is being removed).

Within one process the same path may be opened more than once (tests, a second view);
the lock counts its holders.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from app import APP_NAME

_held: dict[Path, tuple[int, int]] = {}  # lock file -> (fd, holders) in this process
_guard = threading.Lock()


def runtime_dir() -> Path:
    """The per-user folder for lock files ($FACTDESK_RUNTIME_DIR overrides it)."""
    override = os.environ.get("FACTDESK_RUNTIME_DIR")
    if override:
        folder = Path(override)
    else:
        try:
            folder = Path(platformdirs.user_runtime_dir(APP_NAME))
        except Exception:  # pragma: no cover - platformdirs has no runtime dir here
            folder = Path(tempfile.gettempdir()) / f"{APP_NAME}-{_user_key()}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        folder = Path(tempfile.gettempdir()) / f"{APP_NAME}-{_user_key()}"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _user_key() -> str:
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid is not None else os.environ.get("USERNAME", "user")


def lock_path_for(project: Path) -> Path:
    key = hashlib.sha256(os.fsencode(project.resolve())).hexdigest()[:32]
    return runtime_dir() / f"{key}.lock"


@dataclass
class ProjectLock:
    """An acquired editing lock; :meth:`release` (or process exit) gives it up."""

    project: Path
    lock_file: Path
    _released: bool = field(default=False, repr=False)

    def release(self) -> None:
        with _guard:
            if self._released:
                return
            self._released = True
            fd, holders = _held.get(self.lock_file, (-1, 0))
            if holders > 1:
                _held[self.lock_file] = (fd, holders - 1)
                return
            _held.pop(self.lock_file, None)
            if fd >= 0:
                # Remove while still holding the lock; openers re-check the inode.
                with contextlib.suppress(OSError):
                    os.unlink(self.lock_file)
                _unlock(fd)
                os.close(fd)


class LockHeld(Exception):
    """Another process holds the lock. ``pid`` is its process id when known."""

    def __init__(self, pid: int | None) -> None:
        super().__init__(pid)
        self.pid = pid


def acquire(project: Path) -> ProjectLock:
    """Take the editing lock on ``project`` or raise :class:`LockHeld`."""
    lock_file = lock_path_for(project)
    with _guard:
        if lock_file in _held:
            fd, holders = _held[lock_file]
            _held[lock_file] = (fd, holders + 1)
            return ProjectLock(project, lock_file)
        for _attempt in range(20):
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            if not _try_lock(fd):
                pid = _read_pid(fd)
                os.close(fd)
                raise LockHeld(pid)
            try:
                same = os.fstat(fd).st_ino == os.stat(lock_file).st_ino
            except OSError:
                same = False
            if not same:  # removed by its last holder between open and lock: try again
                _unlock(fd)
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode("ascii"))
            _held[lock_file] = (fd, 1)
            return ProjectLock(project, lock_file)
    raise LockHeld(None)  # pragma: no cover - only under pathological churn


def _read_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:
            # A file system without flock: run without the guard rather than refuse.
            return True
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
