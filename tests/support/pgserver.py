"""A real PostgreSQL server for the test session, started and stopped by the tests.

``initdb`` and ``pg_ctl`` make a throw-away cluster in a temporary folder listening on a
free loopback port. PostgreSQL refuses to run as root, so when the tests run as root
(CI) the cluster belongs to the ``postgres`` system user and commands run through
``runuser``. Nothing is skipped: without the server binaries the fixture fails loudly.

Under pytest-xdist each worker process starts its own cluster (the fixture is
session-scoped per process): each has its own folder, port and database names, so
workers never share state.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl) are not installed; "
        "run 'make setup' (it installs the postgresql package) or apt-get install postgresql"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.as_root = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="factdesk-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.user = "postgres" if self.as_root else os.environ.get("USER", "postgres")
        self._databases = 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
            os.chmod(self.base, 0o700)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "--auth=trust",
            "-U",
            self.user,
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        for attempt in range(3):
            try:
                self.pg_ctl("start")
                return
            except subprocess.CalledProcessError:
                # Another worker may have taken the free port between free_port() and
                # the server binding it: try another one.
                if attempt == 2:
                    raise
                self.port = free_port()

    def pg_ctl(self, action: str) -> None:
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=100"
        )
        if action in ("start", "restart"):
            self._run(
                "pg_ctl",
                "-D",
                str(self.data),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "-l",
                str(self.base / "server.log"),
                action,
            )
        else:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", action, check=False)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not come up")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        self._databases += 1
        name = f"factdesk_test_{os.getpid()}_{self._databases}"
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        self.pg_ctl("stop")
        shutil.rmtree(self.base, ignore_errors=True)
