"""Real processes forked from an interpreter that has already done the imports.

A kill -9 campaign starts a driver dozens of times, and started as ``python driver.py``
each driver spends most of a second (the window driver more) starting Python and importing
PySide6, SQLAlchemy and the app before the work under test begins. A :class:`Zygote` is
one helper process that imports those modules once; each :meth:`Zygote.start` then forks
it. The child is a real process of its own (its own pid, memory and file descriptors; a
SIGKILL kills it as it would any process) that runs the driver as ``__main__`` with its
own ``sys.argv``, environment, stdout and stderr, exactly as ``python driver.py ...`` runs
it once its imports are done, and ends through the interpreter's normal exit.

The helper holds no thread, engine, connection or Qt object when it forks: only modules
are imported in it. It does not reap a child until asked (:meth:`Forked.poll`,
:meth:`Forked.wait`), so a child's pid cannot be reused while a test may still signal it.

Run as ``python -m tests.support.preforked FD MODULE...`` by :class:`Zygote` only.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import resource
import runpy
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import types
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

_MAX_MESSAGE = 1 << 20
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _send(sock: socket.socket, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
    socket.send_fds(sock, [json.dumps(message).encode()], list(fds))


def _receive(sock: socket.socket, max_fds: int = 0) -> tuple[dict[str, Any] | None, list[int]]:
    data, fds, _flags, _address = socket.recv_fds(sock, _MAX_MESSAGE, max_fds)
    return (json.loads(data) if data else None), fds


class Forked:
    """One forked child, with the part of :class:`subprocess.Popen`'s interface the crash
    tests use: ``pid``, ``stdout``, ``stderr``, ``poll``, ``wait``, ``kill``, ``returncode``."""

    def __init__(self, zygote: Zygote, pid: int, stdout: TextIO, stderr: TextIO) -> None:
        self._zygote = zygote
        self.pid = pid
        self.stdout = stdout
        self.stderr = stderr
        self.returncode: int | None = None
        # Readable once the process has ended (reaped or not): waiting is an event.
        self._pidfd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._pidfd], [], [], 0)[0]:
            self._reap()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"forked pid {self.pid}", timeout or 0)
            self._reap()
        assert self.returncode is not None
        return self.returncode

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Read stdout and stderr to their end and wait, as ``Popen.communicate``; past
        ``timeout`` the child is killed and ``subprocess.TimeoutExpired`` raised."""
        texts: dict[str, str] = {}
        threads = [
            threading.Thread(
                target=lambda name=name, stream=stream: texts.update({name: stream.read()}),
                daemon=True,
            )
            for name, stream in (("out", self.stdout), ("err", self.stderr))
        ]
        for thread in threads:  # both at once: a full stderr pipe must not stall stdout
            thread.start()
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                self.kill()
                self.wait()
                raise subprocess.TimeoutExpired(f"forked pid {self.pid}", timeout or 0)
        self.stdout.close()
        self.stderr.close()
        self.wait(timeout)
        return texts["out"], texts["err"]

    def kill(self) -> None:
        """SIGKILL, as ``Popen.kill`` sends; nothing once the process has been reaped."""
        if self.returncode is None:
            signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)

    def _reap(self) -> None:
        self.returncode = self._zygote._reap(self.pid)
        os.close(self._pidfd)


class Zygote:
    """A helper process that has imported ``modules`` and forks a child per :meth:`start`.

    ``env`` is the helper's environment while it imports; each child gets the one
    :meth:`start` is given, as ``subprocess.Popen`` would.
    """

    def __init__(self, modules: Sequence[str], env: Mapping[str, str] | None = None) -> None:
        helper_env = dict(os.environ if env is None else env)
        # The repository first on the path, as for `python -m app` in the CLI tests.
        helper_env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_REPO, helper_env.get("PYTHONPATH", "")) if p
        )
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._sock = ours
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(theirs.fileno()), *modules],
            stdin=subprocess.DEVNULL,
            env=helper_env,
            pass_fds=[theirs.fileno()],
            cwd=_REPO,
        )
        theirs.close()
        hello, _ = _receive(self._sock)
        if not hello or "error" in hello:
            self.close()
            raise RuntimeError(f"the preforked helper did not start: {hello}")

    def start(
        self,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        *,
        memory_limit: int | None = None,
    ) -> Forked:
        """Fork a child running ``argv`` as ``python *argv`` would (a script path, ``-c
        CODE`` or ``-m MODULE``, then the arguments), in ``env`` (by default this
        process's environment now: a test's own settings and lock folders included).
        ``memory_limit``: a ceiling on the child's address space in bytes (RLIMIT_AS)."""
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            child_env = dict(os.environ if env is None else env)
            request = {"run": list(argv), "env": child_env, "memory_limit": memory_limit}
            _send(self._sock, request, [out_w, err_w])
        finally:
            os.close(out_w)
            os.close(err_w)
        reply, _ = _receive(self._sock)
        assert reply is not None and "pid" in reply, reply
        stdout = open(out_r, encoding="utf-8")  # noqa: SIM115 - closed by its reader
        stderr = open(err_r, encoding="utf-8")  # noqa: SIM115
        return Forked(self, reply["pid"], stdout, stderr)

    def _reap(self, pid: int) -> int:
        _send(self._sock, {"reap": pid})
        reply, _ = _receive(self._sock)
        assert reply is not None and "returncode" in reply, reply
        return int(reply["returncode"])

    def close(self) -> None:
        self._sock.close()  # the helper sees the end of its requests and exits
        self._process.wait(30)


# --- the helper process ---------------------------------------------------------------


def _run_as_main(request: dict[str, Any], out: int, err: int) -> None:
    """In the child: what ``python *argv`` does after start-up. Exceptions and
    ``SystemExit`` propagate to the interpreter, which reports and exits as usual."""
    argv, env, limit = request["run"], request["env"], request.get("memory_limit")
    if limit is not None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.close(out)
    os.close(err)
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


def _serve(sock: socket.socket) -> None:
    while True:
        request, fds = _receive(sock, max_fds=2)
        if request is None:  # the test process closed its end
            return
        if "reap" in request:
            _, status = os.waitpid(request["reap"], 0)
            _send(sock, {"returncode": os.waitstatus_to_exitcode(status)})
            continue
        pid = os.fork()
        if pid == 0:
            sock.close()
            _run_as_main(request, *fds)
            return  # on to the interpreter's normal exit, as the script's own would be
        for fd in fds:
            os.close(fd)
        _send(sock, {"pid": pid})


def _main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    try:
        for name in sys.argv[2:]:
            importlib.import_module(name)
    except BaseException:
        _send(sock, {"error": traceback.format_exc()})
        raise
    # What the imports made lives as long as the helper: kept out of the collector's
    # reach, a child's collections (and its exit) do not touch, and so copy, every page
    # of it (the pattern the gc.freeze documentation gives for fork without exec).
    gc.freeze()
    _send(sock, {"ready": True})
    _serve(sock)


if __name__ == "__main__":
    _main()
