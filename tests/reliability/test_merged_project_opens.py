"""A project that received a merge still passes the full check of every value.

A merge adds one change-log entry of its own (operation ``merge``). The full check, run on
any file this machine did not close cleanly and on every file received from someone,
refused it as "damaged", so after a merge the user's own project could not be opened
after a crash, nor by the colleague it was sent to.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from app.cli import main as cli_main
from app.core.project import ProjectService
from tests.reliability.test_crash_safety import make_project


def test_a_project_that_received_a_merge_passes_the_full_check(tmp_path: Path, capsys) -> None:
    mine = tmp_path / "mine.factdesk"
    claims = make_project(mine)
    theirs = tmp_path / "theirs.factdesk"
    shutil.copy2(mine, theirs)
    assert cli_main(["rate", str(theirs), claims[0], "False", "--explanation", "Audit."]) == 0
    assert cli_main(["merge", str(mine), str(theirs)]) == 0
    capsys.readouterr()
    service = ProjectService.open_file(mine, author="Ana", read_only=True, quick_check=True)
    try:
        assert service.claim(claims[0]).explanation == "Audit."
    finally:
        service.close()
