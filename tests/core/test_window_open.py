"""How the window opens a file: an editing lock, and read-only with a reason otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.core.project import ProjectService
from tests.conftest import REPO, cli_env
from tests.support.builders import add_sample_article

HOLDER = """
import sys, time
from app.core.project import ProjectService
service = ProjectService.open_file_for_window(sys.argv[1], author="Other")
print("holding", flush=True)
time.sleep(60)
"""


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "shared.factdesk"
    service = ProjectService.create_file(path, author="Ana")
    add_sample_article(service)
    service.close()
    return path


def test_a_second_window_opens_read_only_naming_the_reason(tmp_path: Path) -> None:
    path = _project(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        second = ProjectService.open_file_for_window(path, author="Ana")
        try:
            assert second.db.read_only
            assert "another running Factdesk" in (second.db.read_only_reason or "")
            assert len(second.claims()) == 2  # still readable, live
        finally:
            second.close()
    finally:
        holder.kill()  # a crash: the operating system drops the lock
        holder.wait()
    again = ProjectService.open_file_for_window(path, author="Ana")
    try:
        assert not again.db.read_only
    finally:
        again.close()


def test_read_only_file_opens_read_only_with_the_reason(tmp_path: Path) -> None:
    path = _project(tmp_path)
    path.chmod(0o444)
    try:
        service = ProjectService.open_file_for_window(path, author="Ana")
        assert service.db.read_only_reason == "the file is read-only"
        service.close()
    finally:
        path.chmod(0o644)
