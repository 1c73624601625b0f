"""Merge semantics a fact-checker would sign (issue 20.3), and merges written through the
one write path, undone by forward edits (issue 15.1 for merge)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.core.errors import StaleEditError
from app.core.project import ProjectService
from app.core.reports.export import export
from app.core.sharing.merge import (
    VERDICT,
    apply_merge,
    conflicts_text,
    merge_projects,
    plan_merge,
    undo_merge,
)
from app.models.tables import ChangeLog

Make = Callable[..., tuple[ProjectService, Path]]


def _claim(service: ProjectService, index: int) -> Any:
    return service.claims(with_evidence=True)[index]


def _log_count(service: ProjectService) -> int:
    with service.db.snapshot() as conn:
        return int(conn.execute(select(func.count()).select_from(ChangeLog)).scalar_one())


@pytest.mark.parametrize("side", ["mine", "theirs"])
def test_a_dismissal_against_a_verdict_is_a_conflict(two_copies: Make, side: str) -> None:
    """Before: merged without a conflict, dismissed with my rating, gone from the report."""
    mine, theirs = two_copies(lambda t: t.dismiss_claim(_claim(t, 2).id))
    target = _claim(mine, 2)
    mine.set_rating(target.id, "Mostly false")
    mine.update_claim(target.id, explanation="Costs rose by 40%, not 100%.")
    plan = plan_merge(mine, theirs)
    assert [(c.record_id, c.field) for c in plan.conflicts] == [(target.id, VERDICT)]
    verdict = plan.conflicts[0]
    assert verdict.theirs_display == "dismissed"
    assert verdict.mine_display == "Mostly false: Costs rose by 40%, not 100%."
    apply_merge(mine, plan, prefer=side)  # type: ignore[arg-type]
    merged = _claim(mine, 2)
    report = export(mine, "markdown")
    if side == "mine":
        assert merged.status.value != "dismissed" and merged.rating_label == "Mostly false"
        assert "Costs rose by 40%, not 100%." in report
    else:
        assert merged.status.value == "dismissed" and merged.rating_label is None
        assert merged.explanation == ""


def test_a_merge_that_changes_nothing_writes_nothing(two_copies: Make) -> None:
    mine, theirs = two_copies(lambda t: t.update_claim(_claim(t, 1).id, explanation="Bob"))
    merge_projects(mine, theirs)
    path = mine.db.path
    assert path is not None
    mine.close()
    before = path.read_bytes()
    again = ProjectService.open_file(path, author="Ann")
    count = _log_count(again)
    result = merge_projects(again, theirs)
    assert not result.written and result.updated_fields == 0 and not result.inserted
    assert _log_count(again) == count  # no "merge" entry either
    again.close()
    assert path.read_bytes() == before


def test_an_identical_copy_merges_as_nothing(two_copies: Make) -> None:
    mine, theirs = two_copies()  # theirs never opened: the same bytes
    count = _log_count(mine)
    assert not merge_projects(mine, theirs).written
    assert _log_count(mine) == count


def test_conflicts_name_claims_by_number_and_text(two_copies: Make) -> None:
    """Before: "claim 01a23b88 ...": an 8-digit id prefix every claim of a file shares."""
    mine, theirs = two_copies(lambda t: t.update_claim(_claim(t, 3).id, claimant="Bob's pick"))
    target = _claim(mine, 3)
    mine.update_claim(target.id, claimant="Ann's pick")
    (line,) = conflicts_text(plan_merge(mine, theirs).conflicts)
    assert line.startswith("claim #4 'Experts predict the river will flood again next spring.'")
    assert target.id[:8] not in line and not re.search(r"\b[0-9a-f]{8}\b", line)
    assert plan_merge(mine, theirs).conflicts[0].to_json()["number"] == 4


def test_merge_writes_through_the_write_path_and_undo_is_a_forward_edit(
    two_copies: Make,
) -> None:
    """Before: undo put old revision numbers back and deleted change-log rows, so an
    edit made against the pre-merge revision passed again."""

    def edit(t: ProjectService) -> None:
        t.update_claim(_claim(t, 1).id, explanation="Bob")
        t.add_evidence(_claim(t, 2).id, url="https://bob.example")
        t.delete_claim(_claim(t, 3).id)

    mine, theirs = two_copies(edit)
    changed, gone = _claim(mine, 1), _claim(mine, 3)
    with mine.db.snapshot() as conn:
        log_before = set(conn.execute(select(ChangeLog.id)).scalars())  # type: ignore[call-overload]
    result = merge_projects(mine, theirs)
    after_merge = _claim(mine, 1)
    assert after_merge.revision > changed.revision
    entries = [h for h in mine.history(changed.id) if h.operation == "update"]
    assert entries and entries[0].author == "Ann"  # logged as my edit
    with mine.db.snapshot() as conn:
        ids = set(conn.execute(select(ChangeLog.id)).scalars())  # type: ignore[call-overload]
        log = ChangeLog.__table__  # type: ignore[attr-defined]
        author_ids = list(
            conn.execute(
                select(log.c.author_id).where(log.c.record_id == uuid.UUID(changed.id))
            ).scalars()
        )
        assert author_ids and all(a is not None for a in author_ids)
    assert log_before < ids
    undo_merge(mine, result.undo)
    undone = _claim(mine, 1)
    assert undone.explanation == changed.explanation
    assert undone.revision > after_merge.revision  # revisions only grow
    restored = {c.id: c for c in mine.claims()}[gone.id]
    assert restored.revision > gone.revision
    with mine.db.snapshot() as conn:
        assert ids < set(conn.execute(select(ChangeLog.id)).scalars())  # type: ignore[call-overload]
    # An edit made against the revision read before the merge is stale now.
    with pytest.raises(StaleEditError):
        mine.update_claim(changed.id, expected_revision=changed.revision, claimant="stale")
