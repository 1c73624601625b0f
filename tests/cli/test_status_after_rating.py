"""``factdesk rate`` moves a new claim to "in review", as the window does (the rule is the
project service's), so a verdict a colleague gave on the command line arrives "in review"
in a merge, the window and the report; ``rate --status`` still sets the status it names.

Before: ``rate`` left the claim "New", and a merged command-line verdict showed as New.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from app.core.project import ProjectService
from app.core.records import ClaimStatus
from tests.core.sharing.conftest import sentences
from tests.support.cli_runner import run_factdesk

TEXT = (
    "Unemployment fell to 3% last year. Crime doubled in the city since 2019. "
    "The new bridge will cost twice as much as the old one."
)


def ok(folder: Path, *args: str) -> str:
    env = {"FACTDESK_CONFIG_DIR": str(folder / "config"), "FACTDESK_REVIEWER": "Ben Okoro"}
    result = run_factdesk(*args, cwd=folder, env=env)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert result.stderr == ""
    return result.stdout


def statuses(path: Path) -> list[ClaimStatus]:
    service = ProjectService.open_file(path, author="Ann")
    try:
        return [c.status for c in service.claims()]
    finally:
        service.close()


def test_rate_moves_a_new_claim_to_in_review_unless_told(tmp_path: Path) -> None:
    mine = tmp_path / "mine.factdesk"
    service = ProjectService.create_file(mine, author="Ann")
    service.add_article(TEXT, detected=sentences(TEXT))
    service.close()
    theirs = tmp_path / "theirs.factdesk"
    shutil.copy(mine, theirs)

    out = ok(tmp_path, "rate", str(theirs), "#1", "false")
    assert "False (in review)" in out
    out = ok(tmp_path, "rate", str(theirs), "#2", "true", "--status", "done")
    assert "True (done)" in out
    ok(tmp_path, "rate", str(theirs), "#3", "half true", "--status", "new")
    assert statuses(theirs) == [ClaimStatus.IN_REVIEW, ClaimStatus.DONE, ClaimStatus.NEW]
    # The status change is logged with the rating, by the person who rated.
    service = ProjectService.open_file(theirs, author="Ann")
    try:
        first = service.claims()[0]
        logged = {(e.field, e.author) for e in service.history(first.id)}
    finally:
        service.close()
    assert {("status", "Ben Okoro"), ("rating_id", "Ben Okoro")} <= logged
    # Rating a done claim again keeps it done.
    ok(tmp_path, "rate", str(theirs), "#2", "mostly true")
    assert statuses(theirs)[1] == ClaimStatus.DONE

    # Merged into a copy that never rated it: the verdict arrives "in review".
    ok(tmp_path, "merge", str(mine), str(theirs))
    assert statuses(mine)[0] == ClaimStatus.IN_REVIEW
    report = ok(tmp_path, "export", str(mine), "-f", "markdown")
    first = report[report.index("#### Claim 1 ") :]
    assert first[: first.index("####", 4)].count("**Status:** In review") == 1
