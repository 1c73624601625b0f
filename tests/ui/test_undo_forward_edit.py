"""Undo and redo are forward edits that name the revision they expect.

Two services on the same project (two colleagues), one bare QUndoStack (no window):
when the colleague changed the record after our edit, our undo is refused with a
message naming them and when, and their change stays; without their change the undo
goes through as a new revision, never an old one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QUndoStack

from app.core.errors import FactdeskError, StaleEditError
from app.core.project import ProjectService
from app.ui import commands
from tests.support.builders import add_sample_article


@pytest.fixture(params=["sqlite", "postgresql"])
def colleagues(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """(mine, theirs): Ana's and Bo's services on one project, on a file or a server."""
    from app.models.database import open_server

    if request.param == "sqlite":
        mine = ProjectService.create_file(tmp_path / "shared.factdesk", author="Ana")
        theirs = ProjectService.open_file(tmp_path / "shared.factdesk", author="Bo")
    else:
        url = request.getfixturevalue("postgres").new_database()
        mine = ProjectService.create_in_database(open_server(url, create=True), name="Desk",
                                                 author="Ana")  # fmt: skip
        theirs = ProjectService.for_database(open_server(url), author="Bo")
    add_sample_article(mine)
    yield mine, theirs
    theirs.close()
    mine.close()


def _stack_reporting(errors: list[FactdeskError]) -> tuple[QUndoStack, Any]:
    return QUndoStack(), errors.append


def test_undo_of_an_edit_is_refused_after_a_colleague_changed_the_claim(
    qapp: Any, colleagues: tuple[Any, Any]
) -> None:
    mine, theirs = colleagues
    errors: list[FactdeskError] = []
    stack, on_error = _stack_reporting(errors)
    claim = mine.claims()[0]
    commands.push(stack, commands.EditClaimCommand(mine, claim, {"wording": "Ana's"},
                                                   on_error=on_error))  # fmt: skip
    theirs.update_claim(claim.id, wording="Bo's, later")
    stack.undo()
    assert mine.claim(claim.id).wording == "Bo's, later"  # their edit stays
    (error,) = errors
    assert isinstance(error, StaleEditError)
    assert error.changed_by == "Bo" and error.changed_at is not None
    assert "Bo" in str(error) and "UTC" in str(error)


def test_undo_and_redo_without_a_colleague_are_new_revisions(
    qapp: Any, colleagues: tuple[Any, Any]
) -> None:
    mine, _theirs = colleagues
    stack = QUndoStack()
    claim = mine.claims()[0]
    commands.push(stack, commands.EditClaimCommand(mine, claim, {"wording": "Ana's"}))
    stack.undo()
    undone = mine.claim(claim.id)
    assert undone.wording == claim.wording and undone.revision == claim.revision + 2
    stack.redo()
    assert mine.claim(claim.id).revision == claim.revision + 3


def test_undo_of_added_evidence_is_refused_after_a_colleague_edited_it(
    qapp: Any, colleagues: tuple[Any, Any]
) -> None:
    mine, theirs = colleagues
    errors: list[FactdeskError] = []
    stack, on_error = _stack_reporting(errors)
    claim = mine.claims()[0]
    command = commands.AddEvidenceCommand(mine, claim.id, {"url": "https://example.org/a"},
                                          on_error=on_error)  # fmt: skip
    commands.push(stack, command)
    assert command.info is not None
    theirs.update_evidence(command.info.id, note="Bo checked this source")
    stack.undo()
    assert [e.note for e in mine.claim(claim.id).evidence] == ["Bo checked this source"]
    assert isinstance(errors[0], StaleEditError) and errors[0].changed_by == "Bo"


def test_undo_of_a_new_claim_is_refused_after_a_colleague_rated_it(
    qapp: Any, colleagues: tuple[Any, Any]
) -> None:
    mine, theirs = colleagues
    errors: list[FactdeskError] = []
    stack, on_error = _stack_reporting(errors)
    article = mine.articles()[0]
    command = commands.AddClaimCommand(mine, article.id, 0, 7, on_error=on_error)
    commands.push(stack, command)
    assert command.claim_id is not None
    theirs.set_rating(command.claim_id, "False")
    stack.undo()
    assert mine.claim(command.claim_id).rating_label == "False"  # not deleted under them
    assert isinstance(errors[0], StaleEditError) and errors[0].changed_by == "Bo"
