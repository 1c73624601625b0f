"""Starting and quitting as a person does it: from a terminal, with or without a display."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.sharing.lock import lock_path_for

REPO = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_RUNTIME_DIR=str(tmp_path),
        FACTDESK_CONFIG_DIR=str(tmp_path / "config"),
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


@pytest.fixture
def x_display(tmp_path):
    """A real X server (Xvfb) for a real window, as a person's desktop would have."""
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is installed by 'make test' (Debian package xvfb)"
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()  # Xvfb writes its display number when ready
    try:
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ctrl_c_in_the_terminal_closes_the_window_cleanly(tmp_path, project, x_display):
    env = _env(tmp_path, DISPLAY=x_display, FACTDESK_REVIEWER="Tester")
    env.pop("QT_QPA_PLATFORM", None)
    lock = lock_path_for(project)
    assert not lock.exists()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", str(project)],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The window opens the project (after its first paint) by taking the project's
    # editing lock, on the GUI thread; Ctrl-C is handled by that thread's event loop, so
    # once the lock file is there the signal arrives with the window up and the project
    # open, however long this machine took to start the process.
    try:
        deadline = time.monotonic() + 60
        while not lock.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()
        assert lock.exists(), "the window did not open the project within 60 s"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    # Closed the normal way: the write-ahead log was folded back into the file.
    assert not Path(str(project) + "-wal").exists()
    assert not lock.exists()  # and the editing lock given back


def test_no_display_is_one_line_that_says_so(tmp_path):
    env = _env(tmp_path)
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "app"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no display" in lines[0].lower() and "xcb" not in lines[0]
