"""Undo commands on a bare QUndoStack, without a window: every kind of edit round trips."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from app.core.errors import ValidationError
from app.core.records import ClaimStatus
from app.ui import commands


@pytest.fixture
def stack(qapp):
    return QUndoStack()


def test_edit_claim_rating_status_and_text(stack, service):
    claim = service.claims()[0]
    fields = commands.rating_fields(service, "Mostly false")
    fields.update(status="done", explanation="**No.**", claimant="Council", wording="Bills +40%")
    commands.push(stack, commands.EditClaimCommand(service, claim, fields))
    changed = service.claim(claim.id)
    assert changed.rating_label == "Mostly false" and changed.status == ClaimStatus.DONE
    assert (changed.explanation, changed.claimant, changed.wording) == (
        "**No.**",
        "Council",
        "Bills +40%",
    )
    stack.undo()
    back = service.claim(claim.id)
    assert (back.rating_id, back.status, back.explanation, back.claimant, back.wording) == (
        None,
        ClaimStatus.NEW,
        "",
        None,
        claim.wording,
    )
    stack.redo()
    assert service.claim(claim.id).rating_label == "Mostly false"


def test_typing_pauses_merge_into_one_step(stack, service):
    claim = service.claims()[0]
    commands.push(stack, commands.EditClaimCommand(service, claim, {"explanation": "a"}))
    now = service.claim(claim.id)
    commands.push(stack, commands.EditClaimCommand(service, now, {"explanation": "ab"}))
    assert stack.count() == 1
    stack.undo()
    assert service.claim(claim.id).explanation == ""
    stack.redo()
    assert service.claim(claim.id).explanation == "ab"


def test_dismiss_and_restore(stack, service):
    claim = service.claims()[0]
    commands.push(stack, commands.EditClaimCommand(service, claim, {"status": "dismissed"}))
    assert service.claim(claim.id).status == ClaimStatus.DISMISSED
    stack.undo()
    assert service.claim(claim.id).status == ClaimStatus.NEW


def test_add_claim_keeps_its_id_across_undo_redo(stack, service):
    article = service.articles()[0]
    command = commands.AddClaimCommand(service, article.id, 0, 11)
    commands.push(stack, command)
    first_id = command.claim_id
    assert service.claim(first_id).quote == "Water bills"
    stack.undo()
    assert all(c.id != first_id for c in service.claims())
    stack.redo()
    assert service.claim(first_id).quote == "Water bills"


def test_merge_and_split_round_trip_with_evidence(stack, service):
    a, b = service.claims()[:2]
    service.add_evidence(b.id, url="https://example.org/b", title="B")
    before = {c.id: (c.start, c.end, c.wording) for c in service.claims()}
    commands.push(stack, commands.MergeClaimsCommand(service, service.claim(a.id), b))
    merged = service.claim(a.id)
    assert merged.end == b.end and len(merged.evidence) == 1
    stack.undo()
    assert {c.id: (c.start, c.end, c.wording) for c in service.claims()} == before
    assert [e.title for e in service.claim(b.id).evidence] == ["B"]
    stack.redo()
    assert service.claim(a.id).end == b.end
    stack.undo()

    at = a.start + 10
    split = commands.SplitClaimCommand(service, service.claim(a.id), at)
    commands.push(stack, split)
    second = split.second.id
    assert service.claim(a.id).end <= at and service.claim(second).start == at
    stack.undo()
    assert {c.id: (c.start, c.end, c.wording) for c in service.claims()} == before
    stack.redo()
    assert service.claim(second).start == at  # the same id comes back


def test_evidence_add_edit_remove(stack, service):
    claim = service.claims()[0]
    add = commands.AddEvidenceCommand(
        service, claim.id, {"url": "https://example.org/x", "title": "X"}
    )
    commands.push(stack, add)
    ev = service.claim(claim.id).evidence[0]
    commands.push(
        stack, commands.EditEvidenceCommand(service, ev, {"title": "Y", "stance": "refutes"})
    )
    assert service.evidence(ev.id).title == "Y"
    commands.push(stack, commands.RemoveEvidenceCommand(service, ev.id))
    assert service.claim(claim.id).evidence == ()
    stack.undo()
    assert service.evidence(ev.id).title == "Y"
    stack.undo()
    assert service.evidence(ev.id).title == "X"
    stack.undo()
    assert service.claim(claim.id).evidence == ()
    stack.redo()
    assert service.evidence(ev.id).title == "X"


def test_refused_edit_is_not_recorded(stack, service):
    claim = service.claims()[0]
    bad = commands.AddEvidenceCommand(service, claim.id, {"url": "javascript:alert(1)"})
    with pytest.raises(ValidationError):
        commands.push(stack, bad)
    assert stack.count() == 0


def test_failed_undo_reports_and_drops_the_command(stack, service):
    claim = service.claims()[0]
    errors = []
    command = commands.EditClaimCommand(service, claim, {"claimant": "X"}, on_error=errors.append)
    commands.push(stack, command)
    service.delete_claim(claim.id)  # someone else removed it
    stack.undo()
    assert errors and stack.count() == 0
