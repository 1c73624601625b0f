"""Rating a new claim moves it to "In review" whichever way it is rated in the window, as
on the command line (the rule lives in the project service), and undo puts the rating
and the status back in one step.

Before: only the rating keys moved a claim to "In review" (the window applied the rule
itself); the panel's rating list and "Reuse verdict" left it "New".
"""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from app.core.matching import ReviewItem
from app.core.matching.rank import Match
from app.core.records import ClaimStatus
from app.ui.models import STATUS_TEXT

EARLIER = ReviewItem(
    claim="The new treatment plant caused the rise in water bills.",
    id="gz-2",
    rating="Half true",
    publisher="Gazette Checks",
    url="https://checks.example/gz-2",
)


def shown_status(window, claim_id: str) -> str:
    model = window.workspace.claims_model
    return model.data(model.index(model.row_of(claim_id), model.STATUS))


def test_rating_key_moves_a_new_claim_to_in_review_and_undo_is_one_step(window) -> None:
    ws = window.workspace
    claim = ws.claims_model.claims()[1]
    assert claim.status == ClaimStatus.NEW
    ws.select_claim(claim.id)
    steps = window.undo_stack.count()
    window.edits.rate_by_number(2)
    assert window.service.claim(claim.id).status == ClaimStatus.IN_REVIEW
    assert shown_status(window, claim.id) == STATUS_TEXT[ClaimStatus.IN_REVIEW]
    assert window.undo_stack.count() == steps + 1
    window.undo_stack.undo()
    back = window.service.claim(claim.id)
    assert back.status == ClaimStatus.NEW and back.rating_label is None
    assert shown_status(window, claim.id) == "New"
    window.undo_stack.redo()
    assert window.service.claim(claim.id).status == ClaimStatus.IN_REVIEW


def test_the_panels_rating_list_moves_it_too(window) -> None:
    ws = window.workspace
    claim = ws.claims_model.claims()[2]
    ws.select_claim(claim.id)
    level = window.scale.levels[3]
    ws.editor.rating.setCurrentIndex(ws.editor.rating.findData(level.id))
    ws.editor.rating.activated.emit(ws.editor.rating.currentIndex())
    after = window.service.claim(claim.id)
    assert after.rating_label == level.label and after.status == ClaimStatus.IN_REVIEW
    window.undo_stack.undo()
    assert window.service.claim(claim.id).status == ClaimStatus.NEW


def test_a_done_claim_stays_done_when_rated_again(window) -> None:
    ws = window.workspace
    claim = ws.claims_model.claims()[0]
    window.service.update_claim(claim.id, status=ClaimStatus.DONE)
    window.reload()
    ws.select_claim(claim.id)
    window.edits.rate_by_number(1)
    assert window.service.claim(claim.id).status == ClaimStatus.DONE


def test_reusing_a_verdict_moves_it_to_in_review_and_undo_puts_it_back(service) -> None:
    from app.ui.checked_before import ReuseVerdictCommand
    from app.ui.commands import push

    claim = next(c for c in service.claims() if "40 percent in 2023" in c.quote)
    stack = QUndoStack()
    push(stack, ReuseVerdictCommand(service, claim, Match(EARLIER, 0.4)))
    rated = service.claim(claim.id)
    assert rated.rating_label == "Half true" and rated.status == ClaimStatus.IN_REVIEW
    stack.undo()
    back = service.claim(claim.id)
    assert back.rating_label is None and back.status == ClaimStatus.NEW
