"""Fixtures for the whole suite: isolated settings, an in-memory keyring, storage back ends.

The whole session, subprocesses included, runs with its own home, XDG folders, runtime
folder and temporary folder under one scratch folder (:func:`pytest_configure`), so
nothing from the developer's machine leaks in and nothing is written there; the folder
is removed at the end, after a check that no test left files behind in it (a leftover
crash folder, screenshot folder or lock file fails the run). Every test also gets its
own configuration folder and reviewer name. Storage tests that take the ``backend``
fixture run twice: on a real SQLite file and on a real PostgreSQL server that the
session (each pytest-xdist worker) starts itself.
"""

from __future__ import annotations

import multiprocessing.util
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest

from tests.support.isolation import SessionFolders, leftovers
from tests.support.memory_keyring import MemoryKeyring
from tests.support.pgserver import PostgresServer

REPO = Path(__file__).resolve().parent.parent

_session: SessionFolders | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Point HOME, the XDG folders and TMPDIR at a scratch folder for this process.

    Set in ``os.environ`` so that subprocesses (the command line, crash drivers) inherit
    it; pytest-xdist workers inherit the controller's and make their own inside it.
    """
    global _session
    _session = SessionFolders.create()
    _session.apply(os.environ)
    tempfile.tempdir = None  # recomputed from the new TMPDIR
    try:
        from hypothesis import settings as hypothesis_settings
    except ImportError:  # the dev extra is not installed: no property tests to configure
        return
    # No example database in the working tree (.hypothesis/): tests leave nothing.
    hypothesis_settings.register_profile("factdesk", database=None)
    hypothesis_settings.load_profile("factdesk")


# The longest tests (6-12 s each on a 2-core machine), started first: under pytest-xdist a
# long test dispatched last would run alone while the other workers sit idle. Tests marked
# ``slow`` are started first too.
LONG_TESTS = frozenset(
    {
        "tests/core/analysis/test_model.py::test_training_script_reproduces_the_shipped_model",
        "tests/core/reports/test_hostile_property.py::test_arbitrary_fields_stay_inert",
        "tests/reliability/test_crash_safety.py::test_crash_window_sigkill_loses_nothing",
        "tests/reliability/test_crash_safety.py::test_crash_cli_sigkill_loses_nothing",
        "tests/core/sharing/test_sharing_fuzz.py::test_mutated_files_open_or_fail_typed",
        "tests/reliability/test_fuzz_inputs.py::test_fuzz_user_fields_into_reports[five-level]",
        "tests/reliability/test_fuzz_inputs.py::test_fuzz_user_fields_into_reports[conclusion-only]",
        "tests/reliability/test_hostile_files.py::"
        "test_fuzz_mutated_cells_are_refused_cleanly_or_open_cleanly",
    }
)


def _starts_first(item: pytest.Item) -> bool:
    return item.get_closest_marker("slow") is not None or item.nodeid in LONG_TESTS


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """The long tests first (in their collected order), then the rest as collected."""
    items[:] = [i for i in items if _starts_first(i)] + [i for i in items if not _starts_first(i)]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Delete the widgets the test's teardown scheduled for deletion, now.

    pytest-qt closes a test's widgets with ``deleteLater()``, which only takes effect
    when an event loop runs; between tests none does, so every window of every test
    stayed alive (about 2,000 widgets after 30 window tests), and each new window's
    application-wide style sheet re-styled all of them: the window tests got slower
    one after another. Runs after the fixtures' own teardown and inside pytest-qt's,
    so an exception in a Qt callback here still fails this test.
    """
    if "PySide6.QtWidgets" not in sys.modules:
        return  # this process has not started Qt
    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    # Background work a window started (imports, matching) finishes and reports back
    # while the window still exists, as it would in a window that stays open.
    for widget in QApplication.topLevelWidgets():
        for pool in widget.findChildren(QThreadPool):
            pool.waitForDone(30_000)
    QThreadPool.globalInstance().waitForDone(30_000)
    app.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a test left files behind; then remove the scratch folder."""
    if _session is None or os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a worker's folder lies inside the controller's, which checks it
    left = leftovers(_session)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"\nTests left {len(left)} file(s) or folder(s) behind:"]
        lines += [f"  {p}" for p in left[:20]]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if not os.environ.get("FACTDESK_KEEP_TEST_TMP"):
        # At exit, after multiprocessing has removed its own folder in it (exit priority
        # -100; see tests/support/preforked.py): removed now, that removal would fail.
        multiprocessing.util.Finalize(
            None, shutil.rmtree, (_session.root,), {"ignore_errors": True}, exitpriority=-200
        )


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    config = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("FACTDESK_CONFIG_DIR", str(config))
    monkeypatch.setenv("FACTDESK_REVIEWER", "Test Reviewer")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(config / "xdg-data"))
    # Lock files of processes a test kills on purpose stay in the test's own folder.
    monkeypatch.setenv("FACTDESK_RUNTIME_DIR", str(config / "run"))
    return config


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., object]:
    """A factory making a fresh, empty project on the parametrised storage back end."""
    from app.core.project import ProjectService
    from app.models.database import open_server

    made: list[ProjectService] = []

    def make(scale: str = "five-level", author: str = "Test Reviewer") -> ProjectService:
        if request.param == "sqlite":
            service = ProjectService.create_file(
                tmp_path / f"p{len(made)}.factdesk", scale=scale, author=author
            )
        else:
            server: PostgresServer = request.getfixturevalue("postgres")
            db = open_server(server.new_database(), create=True)
            service = ProjectService.create_in_database(
                db, name="Test project", scale=scale, author=author
            )
        made.append(service)
        return service

    make.kind = request.param  # type: ignore[attr-defined]
    yield make  # type: ignore[misc]
    for service in made:
        service.close()


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for running ``python -m app`` in a subprocess from the repository."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHON_KEYRING_BACKEND"] = "tests.support.memory_keyring.MemoryKeyring"
    env.update(extra)
    return env
