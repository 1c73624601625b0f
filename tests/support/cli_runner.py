"""The ``factdesk`` command run inside the test process, as a subprocess would run it.

Starting ``python -m app`` costs about half a second of CPU before the command does
anything; most command-line tests are about what a command does (its exit status, its
output, the files it writes), not about the process, so they call the entry point,
:func:`app.cli.main`, here instead. Each call sees what a fresh ``factdesk`` process
would have seen, and leaves nothing behind for the next call or test:

- the environment the subprocess would have inherited (``os.environ`` plus the
  variables given), the working folder, and a fresh keyring backend named by
  ``PYTHON_KEYRING_BACKEND`` (as a new process would load it: a new in-memory keyring
  for every command unless a test picks the file keyring), all restored afterwards;
- stdout and stderr captured as text, and Python warnings printed to that stderr with
  the interpreter's default filters, as a fresh process prints them;
- the exit status ``sys.exit(main())`` would give, ``SystemExit`` included
  (``--help``, ``--version``);
- the root logger's handlers and level, restored; and a check that the command closed
  every file and connection it opened (a subprocess would hide such a leak by exiting).

The promises that are about the process itself stay real subprocesses: no warnings at
start-up, one-line errors from a fresh process, Ctrl-C and kill -9, ``--screenshot`` and
the window, the installed wheel, what a start-up imports. This runner refuses to open
the window (it would start Qt inside the test process).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import keyring
import keyring.core

REPO = Path(__file__).resolve().parents[2]

# What tests/conftest.py's cli_env() gives a subprocess: the in-memory keyring.
DEFAULT_KEYRING = "tests.support.memory_keyring.MemoryKeyring"


class WindowRequested(BaseException):
    """Raised when an in-process command would open the window.

    A ``BaseException`` so that the command line's last-resort handler (which turns any
    ``Exception`` into a one-line message) cannot swallow it: the test fails loudly and
    says it needs a real process.
    """


def _refuse_window(argv: list[str]) -> int:
    raise WindowRequested(
        f"factdesk {' '.join(argv)} would open the window; run it in a real process"
    )


@contextlib.contextmanager
def _environment(env: Mapping[str, str], unset: Sequence[str]) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        for name in unset:
            os.environ.pop(name, None)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _keyring_from_environment() -> Iterator[None]:
    """A new backend of the kind a fresh process would load, the test's one restored."""
    previous = keyring.get_keyring()
    name = os.environ["PYTHON_KEYRING_BACKEND"]
    keyring.set_keyring(keyring.core.load_keyring(name))
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@contextlib.contextmanager
def _working_folder(folder: Path) -> Iterator[None]:
    saved = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(saved)


@contextlib.contextmanager
def _logging_restored() -> Iterator[None]:
    """The command line adds a log-file handler when the root logger has none."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)


def _print_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    """What the interpreter prints for a warning, on the current (captured) stderr."""
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextlib.contextmanager
def _fresh_process_warnings() -> Iterator[None]:
    """Warnings filtered and printed as in a new interpreter (onto the captured stderr)."""
    with warnings.catch_warnings():
        # CPython's default filters outside development mode (the warnings module's
        # docs); each call puts its filter in front, so the most specific comes last.
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for category in (ResourceWarning, ImportWarning, PendingDeprecationWarning):
            warnings.simplefilter("ignore", category)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        # Printed, not recorded (pytest records the test's own warnings).
        warnings.showwarning = _print_warning
        yield


def _open_descriptors() -> set[str]:
    """What this process has open (files, sockets), by target; empty where unknown."""
    folder = Path("/proc/self/fd")
    if not folder.is_dir():
        return set()
    found = set()
    for entry in folder.iterdir():
        try:
            found.add(os.readlink(entry))
        except OSError:
            continue  # closed meanwhile (the listing's own descriptor)
    return found


def _exit_status(code: object, stderr: io.StringIO) -> int:
    """The status ``sys.exit(code)`` gives a process (a message goes to stderr)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    stderr.write(f"{code}\n")
    return 1


def run_factdesk(
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    unset: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Run ``factdesk ARGS`` in this process; the result a subprocess run would give.

    ``env`` adds to (``unset`` removes from) the test process's environment, exactly as
    ``cli_env(**env)`` does for a subprocess; ``cwd`` defaults to the repository, as the
    subprocess helpers' did.
    """
    # The module (``app.cli.main`` the attribute is the function of the same name).
    cli_main_module = importlib.import_module("app.cli.main")
    main = cli_main_module.main

    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    before = _open_descriptors()
    with contextlib.ExitStack() as stack:
        # As cli_env() gives a subprocess: the in-memory keyring unless a test names one.
        stack.enter_context(
            _environment({"PYTHON_KEYRING_BACKEND": DEFAULT_KEYRING, **(env or {})}, unset)
        )
        stack.enter_context(_working_folder(cwd or REPO))
        stack.enter_context(_keyring_from_environment())
        stack.enter_context(_logging_restored())
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        stack.enter_context(_fresh_process_warnings())
        window = cli_main_module._launch_window
        cli_main_module._launch_window = _refuse_window
        stack.callback(setattr, cli_main_module, "_launch_window", window)
        try:
            status = main(argv)
        except SystemExit as exit_:
            status = _exit_status(exit_.code, err)
    leaked = _open_descriptors() - before
    if leaked:
        gc.collect()  # what is merely unreachable is closed, as at a process's exit
        leaked = _open_descriptors() - before
    assert not leaked, f"factdesk {' '.join(argv)} left open: {sorted(leaked)}"
    return subprocess.CompletedProcess(["factdesk", *argv], status, out.getvalue(), err.getvalue())
