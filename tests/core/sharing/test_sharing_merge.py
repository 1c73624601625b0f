"""Three-way merge matrix: two copies of one project edited differently."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.cli import main as cli_main
from app.core.errors import StaleEditError
from app.core.project import ProjectService
from app.core.sharing.canonical import project_manifest, read_snapshot
from app.core.sharing.merge import (
    RECORD,
    VERDICT,
    UnresolvedConflictsError,
    apply_merge,
    merge_projects,
    plan_merge,
    undo_merge,
)

Make = Callable[..., tuple[ProjectService, Path]]


def _claim(service: ProjectService, index: int) -> Any:
    return service.claims(with_evidence=True)[index]


def _state(service: ProjectService) -> dict[str, str]:
    with service.db.engine.connect() as conn:
        return project_manifest(read_snapshot(conn, service.project_id))


def test_only_theirs_changed_is_taken(two_copies: Make) -> None:
    mine, theirs = two_copies(lambda t: t.update_claim(_claim(t, 1).id, explanation="Bob"))
    before = theirs.read_bytes()
    result = merge_projects(mine, theirs)
    assert _claim(mine, 1).explanation == "Bob" and not result.conflicts
    assert theirs.read_bytes() == before  # the other file is only read


def test_only_mine_changed_is_kept(two_copies: Make) -> None:
    mine, theirs = two_copies(lambda t: None)
    mine.update_claim(_claim(mine, 1).id, explanation="Ann")
    result = merge_projects(mine, theirs)
    assert _claim(mine, 1).explanation == "Ann" and result.updated_fields == 0


def test_same_change_both_sides_is_no_conflict(two_copies: Make) -> None:
    mine, theirs = two_copies(lambda t: t.update_claim(_claim(t, 1).id, claimant="Police"))
    mine.update_claim(_claim(mine, 1).id, claimant="Police")
    assert not plan_merge(mine, theirs).conflicts


@pytest.mark.parametrize("side", ["mine", "theirs"])
def test_rating_and_explanation_are_resolved_together(two_copies: Make, side: str) -> None:
    """Before: rating and explanation were two conflicts, and --prefer theirs for the
    rating alone left their rating with my explanation."""

    def edit(t: ProjectService) -> None:
        c = _claim(t, 0)
        t.set_rating(c.id, "Half true")
        t.update_claim(c.id, explanation="Bob's reasoning", claimant="Minister")

    mine, theirs = two_copies(edit)
    c = _claim(mine, 0)
    mine.set_rating(c.id, "Mostly false")
    mine.update_claim(c.id, explanation="Ann's reasoning")
    plan = plan_merge(mine, theirs)
    assert [x.field for x in plan.conflicts] == [VERDICT]
    verdict = plan.conflicts[0]
    assert verdict.mine_display == "Mostly false: Ann's reasoning"
    assert verdict.theirs_display == "Half true: Bob's reasoning"
    with pytest.raises(UnresolvedConflictsError):
        apply_merge(mine, plan)
    result = apply_merge(mine, plan, resolve={verdict.key: side})  # type: ignore[dict-item]
    merged = _claim(mine, 0)
    assert merged.claimant == "Minister"  # theirs only: taken
    assert (merged.rating_label, merged.explanation, merged.reviewer) == (
        ("Mostly false", "Ann's reasoning", "Ann")
        if side == "mine"
        else ("Half true", "Bob's reasoning", "Bob")
    )
    assert result.resolved[verdict.key] == side


def test_records_added_on_either_side(two_copies: Make) -> None:
    def edit(t: ProjectService) -> None:
        t.add_evidence(_claim(t, 2).id, url="https://bob.example", title="Bob's source")

    mine, theirs = two_copies(edit)
    mine.add_evidence(_claim(mine, 3).id, url="https://ann.example", title="Ann's source")
    result = merge_projects(mine, theirs)
    assert result.inserted["evidence"] == 1
    assert [e.title for e in _claim(mine, 2).evidence] == ["Bob's source"]
    assert [e.title for e in _claim(mine, 3).evidence] == ["Ann's source"]


def test_deleted_in_theirs_unchanged_in_mine_is_deleted(two_copies: Make) -> None:
    mine, theirs = two_copies(lambda t: t.delete_claim(_claim(t, 3).id))
    gone = _claim(mine, 3).id
    merge_projects(mine, theirs)
    assert gone not in {c.id for c in mine.claims()}


def test_deleted_in_mine_unchanged_in_theirs_stays_deleted(two_copies: Make) -> None:
    mine, theirs = two_copies(lambda t: None)
    gone = _claim(mine, 3).id
    mine.delete_claim(gone)
    assert not plan_merge(mine, theirs).conflicts
    merge_projects(mine, theirs)
    assert gone not in {c.id for c in mine.claims()}


@pytest.mark.parametrize("side", ["mine", "theirs"])
def test_deleted_in_theirs_changed_in_mine(two_copies: Make, side: str) -> None:
    mine, theirs = two_copies(lambda t: t.delete_claim(_claim(t, 3).id))
    target = _claim(mine, 3).id
    mine.update_claim(target, explanation="still working on it")
    plan = plan_merge(mine, theirs)
    assert [(c.record_id, c.field) for c in plan.conflicts] == [(target, RECORD)]
    apply_merge(mine, plan, prefer=side)  # type: ignore[arg-type]
    assert (target in {c.id for c in mine.claims()}) == (side == "mine")


@pytest.mark.parametrize("side", ["mine", "theirs"])
def test_deleted_in_mine_changed_in_theirs(two_copies: Make, side: str) -> None:
    mine, theirs = two_copies(lambda t: t.update_claim(_claim(t, 0).id, explanation="new"))
    target = _claim(mine, 0)
    mine.delete_claim(target.id)
    plan = plan_merge(mine, theirs)
    assert [(c.record_id, c.field) for c in plan.conflicts] == [(target.id, RECORD)]
    apply_merge(mine, plan, prefer=side)  # type: ignore[arg-type]
    restored = {c.id: c for c in mine.claims(with_evidence=True)}
    if side == "theirs":
        assert restored[target.id].explanation == "new"
        assert len(restored[target.id].evidence) == 1  # its evidence came back with it
    else:
        assert target.id not in restored


def test_article_deleted_in_theirs_takes_its_claims(two_copies: Make) -> None:
    mine, theirs = two_copies(lambda t: t.delete_article(t.articles()[0].id))
    merge_projects(mine, theirs)
    assert mine.articles() == [] and mine.claims() == []


def test_attachments_are_deduplicated_by_hash(two_copies: Make) -> None:
    def edit(t: ProjectService) -> None:
        a = t.store_attachment(b"same bytes", "bob-name.png", "image/png")
        t.add_evidence(_claim(t, 2).id, attachment_id=a.id)

    mine, theirs = two_copies(edit)
    mine_att = mine.store_attachment(b"same bytes", "ann-name.png", "image/png")
    merge_projects(mine, theirs)
    ev = _claim(mine, 2).evidence[0]
    assert ev.attachment is not None and ev.attachment.id == mine_att.id
    with mine.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM attachment").scalar() == 2


def _content(service: ProjectService) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every record's content, without the stamps an edit (or an undo) renews."""
    stamps = {"revision", "updated_at", "updated_by"}
    with service.db.snapshot() as conn:
        snap = read_snapshot(conn, service.project_id)
    return {
        kind: {rid: {k: v for k, v in row.items() if k not in stamps} for rid, row in rows.items()}
        for kind, rows in snap.records.items()
    }


def test_merge_is_logged_idempotent_undoable_and_redoable(two_copies: Make) -> None:
    def edit(t: ProjectService) -> None:
        t.update_claim(_claim(t, 1).id, explanation="Bob")
        t.add_evidence(_claim(t, 2).id, url="https://bob.example")
        t.delete_claim(_claim(t, 3).id)

    mine, theirs = two_copies(edit)
    before = _content(mine)
    result = apply_merge(mine, plan_merge(mine, theirs))
    assert any(h.operation == "merge" for h in mine.history())
    merged = _content(mine)
    again = plan_merge(mine, theirs)
    assert again.changes == 0 and not again.conflicts
    redo = undo_merge(mine, result.undo)
    assert _content(mine) == before
    undo_merge(mine, redo)
    assert _content(mine) == merged


def test_stale_plan_writes_nothing(two_copies: Make) -> None:
    mine, theirs = two_copies(lambda t: t.update_claim(_claim(t, 1).id, explanation="Bob"))
    plan = plan_merge(mine, theirs)
    mine.update_claim(_claim(mine, 1).id, claimant="edited meanwhile")
    before = _state(mine)
    with pytest.raises(StaleEditError):
        apply_merge(mine, plan)
    assert _state(mine) == before


def test_another_project_is_merged_in_with_levels_by_label(
    tmp_path: Path, build: Callable[..., Any]
) -> None:
    mine = build(tmp_path / "a.factdesk")
    other = ProjectService.create_file(tmp_path / "b.factdesk", author="Bob")
    other.add_article("Taxes rose by 40% in one year.", detected=[])
    claim, _ = other.add_claim(other.articles()[0].id, 0, 30)
    other.set_rating(claim.id, "Mostly true")
    other.close()
    merge_projects(mine, tmp_path / "b.factdesk")
    merged = {c.id: c for c in mine.claims()}[claim.id]
    assert merged.rating_label == "Mostly true"
    mine.close()


def test_cli_merge_lists_conflicts_then_prefers(
    two_copies: Make, capsys: pytest.CaptureFixture[str]
) -> None:
    mine, theirs = two_copies(lambda t: t.update_claim(_claim(t, 1).id, explanation="Bob"))
    mine.update_claim(_claim(mine, 1).id, explanation="Ann")
    mine_path = mine.db.path
    mine.close()
    assert cli_main(["merge", str(mine_path), str(theirs)]) == 1
    out = capsys.readouterr().out
    assert "the verdict" in out and "nothing was merged" in out
    assert "#2 'Crime in the city doubled since 2019.'" in out  # named as the window does
    assert cli_main(["merge", str(mine_path), str(theirs), "--prefer", "theirs", "--json"]) == 0
    reopened = ProjectService.open_file(mine_path, author="Ann")
    assert _claim(reopened, 1).explanation == "Bob"
    reopened.close()
