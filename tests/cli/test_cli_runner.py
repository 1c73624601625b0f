"""The in-process runner gives what a ``factdesk`` process gives, and leaves nothing behind.

Most command-line tests trust :func:`tests.support.cli_runner.run_factdesk` in place of a
subprocess; these tests hold it to that: each command sees a fresh process's keyring,
warnings reach its stderr, ``SystemExit`` becomes the exit status, and the test process's
environment, folder, keyring and log handlers are as they were afterwards.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import warnings
from pathlib import Path

import keyring
import pytest

from tests.support.cli_runner import WindowRequested, run_factdesk

CLI = importlib.import_module("app.cli.main")


def test_a_command_leaves_the_test_process_as_it_found_it(tmp_path: Path) -> None:
    environ, folder, backend = dict(os.environ), Path.cwd(), keyring.get_keyring()
    handlers = list(logging.getLogger().handlers)
    filters = list(warnings.filters)
    result = run_factdesk(
        "new", "p.factdesk", "--json",
        cwd=tmp_path, env={"FACTDESK_REVIEWER": "Ana", "EXTRA": "1"}, unset=("HOME",),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["location"] == "p.factdesk"
    assert (tmp_path / "p.factdesk").is_file()  # relative to the folder it was given
    assert dict(os.environ) == environ and Path.cwd() == folder
    assert keyring.get_keyring() is backend
    assert logging.getLogger().handlers == handlers and warnings.filters == filters


def test_every_command_gets_a_new_keyring_like_a_new_process(tmp_path: Path) -> None:
    first = json.loads(run_factdesk("keys", "export", cwd=tmp_path).stdout)
    second = json.loads(run_factdesk("keys", "export", cwd=tmp_path).stdout)
    assert first["fingerprint"] != second["fingerprint"]
    # The file keyring, as a person's commands share it.
    env = {
        "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
        "FACTDESK_TEST_KEYRING": str(tmp_path / "keyring.json"),
    }
    first = json.loads(run_factdesk("keys", "export", env=env).stdout)
    second = json.loads(run_factdesk("keys", "export", env=env).stdout)
    assert first["fingerprint"] == second["fingerprint"]


def test_help_and_version_exit_zero_like_a_process() -> None:
    version = run_factdesk("--version")
    assert version.returncode == 0 and version.stdout.startswith("Factdesk ")
    usage = run_factdesk("detect", "--help")
    assert usage.returncode == 0 and "ARTICLE" in usage.stdout and usage.stderr == ""


def test_warnings_reach_stderr_as_in_a_new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def noisy(args: argparse.Namespace) -> int:
        warnings.warn("something is off", UserWarning, stacklevel=1)
        warnings.warn("hidden by default", DeprecationWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(CLI, "cmd_detect", noisy)
    for _ in range(2):  # shown every time: a new process has not seen it before
        result = run_factdesk("detect", "x.txt")
        assert result.returncode == 0
        assert "UserWarning: something is off" in result.stderr
        assert "hidden by default" not in result.stderr


def test_a_file_left_open_fails_the_test(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    kept = []

    def leaky(args: argparse.Namespace) -> int:
        kept.append(open(tmp_path / "left-open.txt", "w"))  # noqa: SIM115 - the leak on purpose
        return 0

    monkeypatch.setattr(CLI, "cmd_detect", leaky)
    try:
        with pytest.raises(AssertionError, match=r"left-open\.txt"):
            run_factdesk("detect", "x.txt")
    finally:
        for handle in kept:
            handle.close()


def test_the_window_is_refused_in_process(tmp_path: Path) -> None:
    project = tmp_path / "p.factdesk"
    assert run_factdesk("new", str(project)).returncode == 0
    with pytest.raises(WindowRequested, match="real process"):
        run_factdesk(str(project), env={"QT_QPA_PLATFORM": "xcb"})
