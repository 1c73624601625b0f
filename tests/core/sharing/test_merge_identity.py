"""Merge tells reviewers apart by id, never by display name (issue 15.5).

Two colleagues both called "Ana" edit copies of one project; merging one copy into the
other keeps them two reviewers, and the change log keeps saying which of them made each
change. Files written before reviewers had ids keep opening, verifying and merging.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import select

from app.core.project import ProjectService
from app.core.project.store import project_reviewer_id
from app.core.server_sync import ChangeWatcher
from app.core.sharing.merge import merge_projects
from app.core.sharing.safeopen import open_for_sharing
from app.core.sharing.signing import VerifyStatus, sign_project, verify_project
from app.models.tables import ChangeLog, Claim, Reviewer
from tests.core.sharing.conftest import build_project

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LISBON = uuid.UUID("0196f3a0-0000-7000-8000-0000000000a1")
PORTO = uuid.UUID("0196f3a0-0000-7000-8000-0000000000a2")


def _authors(service: ProjectService, claim_id: str, field: str) -> set[uuid.UUID | None]:
    with service.db.session() as s:
        return set(
            s.execute(
                select(ChangeLog.author_id).where(
                    ChangeLog.record_id == uuid.UUID(claim_id),
                    ChangeLog.field == field,
                    ChangeLog.operation == "update",
                )
            ).scalars()
        )


def test_merging_the_copy_of_another_ana_keeps_her_edits_hers(tmp_path: Path) -> None:
    mine_path, theirs_path = tmp_path / "lisbon.factdesk", tmp_path / "porto.factdesk"
    build_project(mine_path, author="Ana").close()
    shutil.copy(mine_path, theirs_path)
    porto = ProjectService.open_file(theirs_path, author="Ana", author_id=PORTO)
    claim_ids = [c.id for c in porto.claims()]
    try:
        porto.set_rating(claim_ids[1], "True")
        porto.update_claim(claim_ids[2], explanation="Checked in Porto.")
        with porto.db.session() as s:
            porto_entries = set(
                s.execute(
                    select(ChangeLog.id).where(ChangeLog.author_id == porto.author_id)
                ).scalars()
            )
    finally:
        porto.close()
    lisbon = ProjectService.open_file(mine_path, author="Ana", author_id=LISBON)
    try:
        lisbon.update_claim(claim_ids[3], explanation="Checked in Lisbon.")
        merge_projects(lisbon, theirs_path)
        project_id = lisbon.project_id
        porto_row = project_reviewer_id(PORTO, project_id)
        lisbon_row = project_reviewer_id(LISBON, project_id)
        assert lisbon.author_id == lisbon_row
        with lisbon.db.session() as s:
            anas = {
                r.id
                for r in s.execute(select(Reviewer).where(Reviewer.display_name == "Ana"))
                .scalars()
                .all()
            }
            rated_by = s.get(Claim, uuid.UUID(claim_ids[1])).reviewer_id  # type: ignore[union-attr]
        assert {porto_row, lisbon_row} <= anas
        assert rated_by == porto_row  # her verdict is still hers, not the other Ana's
        # Her entries arrive as hers; taking her values is logged as my merge.
        assert _authors(lisbon, claim_ids[1], "rating_id") == {porto_row, lisbon_row}
        assert _authors(lisbon, claim_ids[2], "explanation") == {porto_row, lisbon_row}
        assert _authors(lisbon, claim_ids[3], "explanation") == {lisbon_row}
        with lisbon.db.session() as s:
            hers = set(
                s.execute(select(ChangeLog.id).where(ChangeLog.author_id == porto_row)).scalars()
            )
        assert hers == porto_entries and len(hers) >= 2
        assert lisbon.claim(claim_ids[1]).reviewer == "Ana"  # the name people see
    finally:
        lisbon.close()


def test_merging_my_own_other_project_keeps_me_one_reviewer(tmp_path: Path) -> None:
    """Another project of mine: my row there (made from my id) is my row here."""
    here = build_project(tmp_path / "here.factdesk", author="Ana")
    here.close()
    other = ProjectService.create_file(tmp_path / "other.factdesk", author="Ana", author_id=LISBON)
    other.add_article("A second article says taxes rose by 4% in 2025.")
    my_row_there = other.author_id
    other.close()
    mine = ProjectService.open_file(tmp_path / "here.factdesk", author="Ana", author_id=LISBON)
    try:
        mine.rename("Here")  # my first edit here: my row exists on both sides
        merge_projects(mine, tmp_path / "other.factdesk")
        with mine.db.session() as s:
            mine_rows = list(
                s.execute(select(Reviewer.id).where(Reviewer.id == mine.author_id)).scalars()
            )
            dangling = [
                a
                for a in s.execute(select(ChangeLog.author_id).distinct()).scalars()
                if a is not None and s.get(Reviewer, a) is None
            ]
            ids = set(s.execute(select(Reviewer.id)).scalars())
        assert mine_rows == [mine.author_id]
        assert my_row_there not in ids  # taken to be my row here, not a second me
        assert not dangling  # every log entry names a reviewer of this project
    finally:
        mine.close()


def test_a_signed_older_file_opens_verifies_and_merges_by_reviewer_id(tmp_path: Path) -> None:
    """Format-1 entries carry a name only; the migration gave them the row of that name.
    They stay readable and verifiable, and new edits carry each person's id."""
    mine_path, theirs_path = tmp_path / "old.factdesk", tmp_path / "old-copy.factdesk"
    shutil.copy(FIXTURES / "signed_v1.factdesk", mine_path)
    ProjectService.open_file(mine_path, author="Ana Ruiz", author_id=LISBON).close()
    reader = ProjectService.for_database(
        open_for_sharing(mine_path, view_only=True), author="Reader", author_id=PORTO
    )
    try:
        first = verify_project(reader, set())
        result = verify_project(reader, {first.key_fingerprint: "Ana from the desk"})
    finally:
        reader.close()
    assert result.status is VerifyStatus.VALID and result.older_format, result.message

    shutil.copy(mine_path, theirs_path)
    theirs = ProjectService.open_file(theirs_path, author="Ana Ruiz", author_id=PORTO)
    try:
        claim_id = theirs.claims()[1].id
        theirs.set_rating(claim_id, "False")
    finally:
        theirs.close()
    mine = ProjectService.open_file(mine_path, author="Ana Ruiz", author_id=LISBON)
    try:
        old_authors = {e.author for e in mine.history()}
        merge_projects(mine, theirs_path)
        assert mine.claim(claim_id).rating_label == "False"
        porto_row = project_reviewer_id(PORTO, mine.project_id)
        assert _authors(mine, claim_id, "rating_id") == {porto_row, mine.author_id}
        assert mine.claim(claim_id).reviewer == "Ana Ruiz"
        assert {e.author for e in mine.history()} >= old_authors  # the old log is kept
    finally:
        mine.close()


def test_log_entries_without_an_author_id_keep_working(tmp_path: Path) -> None:
    """A format-1 entry naming nobody on the project's reviewer list has no id after the
    upgrade. The file still opens, merges, signs and verifies; the entry is nobody's
    own edit in the server's sense, and keeps its name."""
    mine_path, theirs_path = tmp_path / "v1.factdesk", tmp_path / "v1-copy.factdesk"
    shutil.copy(FIXTURES / "schema_v1.factdesk", mine_path)
    with sqlite3.connect(mine_path) as conn:  # format 1: a name is all an entry has
        conn.execute(
            "UPDATE changelog SET author = 'Lee Former'"
            " WHERE id = (SELECT id FROM changelog ORDER BY at DESC LIMIT 1)"
        )
    conn.close()
    ProjectService.open_file(mine_path, author="Ana Ruiz", author_id=LISBON).close()
    with sqlite3.connect(mine_path) as conn:
        nameless = conn.execute("SELECT author FROM changelog WHERE author_id IS NULL").fetchall()
    conn.close()
    assert nameless == [("Lee Former",)]
    shutil.copy(mine_path, theirs_path)
    theirs = ProjectService.open_file(theirs_path, author="Ana Ruiz", author_id=PORTO)
    try:
        claim_id = theirs.claims()[0].id
        theirs.update_claim(claim_id, explanation="Checked again in Porto.")
    finally:
        theirs.close()
    mine = ProjectService.open_file(mine_path, author="Ana Ruiz", author_id=LISBON)
    try:
        watcher = ChangeWatcher(mine)
        merge_projects(mine, theirs_path)
        assert claim_id in watcher.poll().claims  # the merge wrote Porto's edit here
        assert "Lee Former" in {e.author for e in mine.history(limit=1000)}
        sign_project(mine)
        assert verify_project(mine).status is VerifyStatus.VALID
    finally:
        mine.close()
