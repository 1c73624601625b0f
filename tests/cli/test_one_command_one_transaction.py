"""One command, one transaction: a command that fails part-way leaves the project as it was."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.cli import main as cli_main
from app.core.project import DetectedSentence, ProjectService
from app.core.records import ArticleMetadata, ClaimKind, ParagraphRole

TEXT = "The bridge cost twice as much as planned. Crime doubled since 2019."


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "desk.factdesk"
    service = ProjectService.create_file(path, author="Tester")
    detected = [
        DetectedSentence(0, 41, 0.9, None, (ClaimKind.STATISTIC,), ParagraphRole.BODY),
    ]
    service.add_article(TEXT, metadata=ArticleMetadata(title="Bridge"), detected=detected)
    claim_id = service.claims()[0].id
    service.close()
    return path, claim_id


def test_a_rate_refused_part_way_saves_nothing(project, capsys) -> None:
    path, claim_id = project
    before = digest(path)
    code = cli_main(
        ["rate", str(path), claim_id, "False", "--explanation", "Audit report, p. 4.",
         "--claimant", "x" * 600, "--evidence", "https://audit.example/report"]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "claimant" in err[0]
    # Before: the rating was saved (its own transaction) although the command failed.
    assert digest(path) == before
    service = ProjectService.open_file(path, author="Reader", read_only=True)
    try:
        claim = service.claim(claim_id)
        assert claim.rating_label is None and claim.explanation == "" and not claim.evidence
    finally:
        service.close()


def test_a_rate_that_succeeds_saves_all_of_it(project, capsys) -> None:
    path, claim_id = project
    code = cli_main(
        ["rate", str(path), claim_id, "False", "--explanation", "Audit report, p. 4.",
         "--evidence", "https://audit.example/report", "--json"]
    )  # fmt: skip
    assert code == 0
    shown = json.loads(capsys.readouterr().out)["claim"]
    assert shown["rating"] == "False" and shown["explanation"] == "Audit report, p. 4."
    assert [e["url"] for e in shown["evidence"]] == ["https://audit.example/report"]
