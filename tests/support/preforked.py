"""Drivers run as real processes forked from multiprocessing's fork server.

Started as ``python driver.py``, each run of a kill -9 campaign spent most of a second
importing PySide6, SQLAlchemy and the app. The "forkserver" start method keeps one server
(started by exec, not forked from pytest, which has threads and Qt) that imports
:data:`PRELOAD` once and forks a child per :class:`multiprocessing.Process`: a real
process (``kill()`` sends SIGKILL, ``exitcode`` is then -9). Unlike ``python driver.py``,
it ends with ``os._exit`` once the driver returns (after joining its threads and flushing
stdout and stderr): no ``atexit`` handler runs; the app and the drivers register none.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import runpy
import sys
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TextIO

# What the children import before the moments the tests aim at (the crash drivers, the
# build child of test_build_file, detect and import). One server per pytest process.
PRELOAD = [
    "app.cli",
    "app.core.analysis",
    "app.core.importers",
    "app.core.ingest",
    "app.core.project",
    "app.core.sharing.merge",
    "app.models.build_file",
    "app.ui.application",
    "app.ui.commands",
    "app.ui.main_window",
    "tests.models.test_build_file",
    __name__,  # this module: the children's target
]
_forkserver = multiprocessing.get_context("forkserver")
_forkserver.set_forkserver_preload(PRELOAD)


@dataclass
class Child:
    """A started child: the process, and its stdout and stderr to read as text."""

    process: BaseProcess
    stdout: TextIO
    stderr: TextIO


def start(
    argv: Sequence[str], env: Mapping[str, str] | None = None, *, memory_limit: int | None = None
) -> Child:
    """Run ``argv`` as ``python *argv`` would (a script, ``-c CODE`` or ``-m MODULE``, then
    the arguments) in ``env`` (default: this process's environment now) and working folder.
    ``memory_limit``: a ceiling on the child's address space in bytes (RLIMIT_AS)."""
    out_r, out_w = _forkserver.Pipe(duplex=False)  # os.pipe() underneath
    err_r, err_w = _forkserver.Pipe(duplex=False)
    child_env = dict(os.environ if env is None else env)
    process = _forkserver.Process(
        target=run_as_main, args=(list(argv), child_env, memory_limit, out_w, err_w), daemon=True
    )
    process.start()
    out_w.close()  # the child holds the only write ends: its death is the streams' end
    err_w.close()
    return Child(process, _text_stream(out_r), _text_stream(err_r))


def _text_stream(reader: Connection) -> TextIO:
    stream = open(os.dup(reader.fileno()), encoding="utf-8")  # noqa: SIM115 - caller closes
    reader.close()
    return stream


def run_as_main(
    argv: list[str], env: dict[str, str], memory_limit: int | None, out: Connection, err: Connection
) -> None:
    """In the child: what ``python *argv`` does after start-up. An exception or
    ``SystemExit`` sets the exit code as multiprocessing documents (1, or the code)."""
    # Out of the collector's reach, what the server imported is not walked by each of the
    # child's collections (a child making 300,000 small lists: 79 ms instead of 270).
    gc.freeze()
    if memory_limit is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    out.close()
    err.close()
    os.environ.clear()
    os.environ.update(env)
    if argv[0] == "-c":
        sys.argv = ["-c", *argv[2:]]
        sys.path[0] = ""
        main = types.ModuleType("__main__")
        sys.modules["__main__"] = main
        exec(compile(argv[1], "<string>", "exec"), main.__dict__)
    elif argv[0] == "-m":
        sys.argv = [argv[1], *argv[2:]]  # run_module puts the module's file first
        sys.path[0] = os.getcwd()
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(argv)
        sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
        runpy.run_path(argv[0], run_name="__main__")
