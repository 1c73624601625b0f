"""The one write path (app.models.history): revisions and the change log on every route.

Each test drives a real project file through the mechanism (or the service that uses
it) and reads the stored rows back with plain SQL, as a colleague receiving the file
would see them.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from app.core.errors import ValidationError
from app.core.project import ProjectService
from app.core.scales import LevelSpec
from app.models.history import Editor, WritePathError, edit_session
from app.models.tables import ChangeLog, Claim, Evidence
from tests.support.builders import add_sample_article


def _service(tmp_path: Path, author: str = "Ana") -> ProjectService:
    return ProjectService.create_file(tmp_path / "p.factdesk", author=author)


def _log(path: Path, record_id: str) -> list[tuple[str, str | None, int | None]]:
    """(operation, field, record_revision) of a record's log entries, oldest first."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT operation, field, record_revision FROM changelog WHERE record_id = ?"
            " ORDER BY at, operation",
            (uuid.UUID(record_id).hex,),
        ).fetchall()
    conn.close()
    return rows


def _editor(service: ProjectService) -> Editor:
    with service.store.write() as s:
        return service.store.editor(s)


def test_claims_detected_at_import_are_each_logged(tmp_path: Path) -> None:
    service = _service(tmp_path)
    add_sample_article(service)
    for claim in service.claims():
        assert _log(service.db.path, claim.id) == [("insert", None, 1)]  # type: ignore[arg-type]
    service.close()


def test_deleting_an_article_logs_each_claim_and_evidence_that_goes(tmp_path: Path) -> None:
    service = _service(tmp_path)
    article = add_sample_article(service)
    claim = service.claims()[0]
    evidence, _ = service.add_evidence(claim.id, url="https://example.org/s")
    service.delete_article(article.id)
    path = service.db.path
    assert path is not None
    for record_id in (article.id, claim.id, evidence.id):
        assert _log(path, record_id)[-1][0] == "delete"
    service.close()


def test_a_scale_change_logs_the_ratings_it_clears(tmp_path: Path) -> None:
    service = _service(tmp_path)
    add_sample_article(service)
    claim = service.claims()[0]
    rated, _ = service.set_rating(claim.id, "Half true")
    service.set_scale_levels([LevelSpec("Right", "#00aa00"), LevelSpec("Wrong", "#aa0000")])
    after = service.claim(claim.id)
    assert after.rating_id is None and after.revision == rated.revision + 1
    assert ("update", "rating_id", after.revision) in _log(service.db.path, claim.id)  # type: ignore[arg-type]
    service.close()


def test_revisions_never_go_back_when_a_deleted_claim_is_put_back(tmp_path: Path) -> None:
    service = _service(tmp_path)
    add_sample_article(service)
    claim = service.claims()[0]
    edited, _ = service.update_claim(claim.id, wording="Edited once")
    edited, _ = service.update_claim(claim.id, wording="Edited twice")
    gone, _ = service.delete_claim(claim.id)
    service.reinsert_claim(gone)
    # A writer still holding revision 1 must not pass: the row is newer than that.
    assert service.claim(claim.id).revision > edited.revision
    service.close()


def test_a_bulk_insert_under_an_old_id_continues_its_revisions(tmp_path: Path) -> None:
    service = _service(tmp_path)
    add_sample_article(service)
    claim = service.claims()[0]
    edited, _ = service.update_claim(claim.id, wording="Edited")
    service.delete_claim(claim.id)
    row = {"id": uuid.UUID(claim.id), "project_id": service.project_id,
           "article_id": uuid.UUID(claim.article_id), "start_offset": claim.start,
           "end_offset": claim.end, "quote": claim.quote}  # fmt: skip
    with edit_session(service.db.engine, _editor(service)) as s:
        s.execute(insert(Claim), [row])
    assert service.claim(claim.id).revision > edited.revision
    service.close()


def test_bulk_update_and_delete_of_editable_rows_are_refused(tmp_path: Path) -> None:
    service = _service(tmp_path)
    add_sample_article(service)
    for statement in (update(Claim).values(status="done"), delete(Evidence)):
        with pytest.raises(WritePathError), edit_session(service.db.engine, _editor(service)) as s:
            s.execute(statement)
    service.close()


def test_the_change_log_is_append_only(tmp_path: Path) -> None:
    service = _service(tmp_path)
    with pytest.raises(WritePathError), edit_session(service.db.engine, _editor(service)) as s:
        s.execute(delete(ChangeLog))
    with pytest.raises(WritePathError), edit_session(service.db.engine, _editor(service)) as s:
        entry = s.execute(select(ChangeLog).limit(1)).scalar_one()
        entry.author = "someone else"
        s.flush()
    assert service.history()
    service.close()


def test_a_change_without_an_author_is_refused(tmp_path: Path) -> None:
    service = _service(tmp_path)
    add_sample_article(service)
    claim_id = uuid.UUID(service.claims()[0].id)
    with pytest.raises(WritePathError), service.db.session() as s, s.begin():
        row = s.get(Claim, claim_id)
        assert row is not None
        row.wording = "anonymous"
    assert service.claim(str(claim_id)).wording != "anonymous"
    service.close()


def test_bulk_inserts_are_stamped_and_logged_with_the_author_id(tmp_path: Path) -> None:
    service = _service(tmp_path)
    article = add_sample_article(service)
    editor = _editor(service)
    ids = [uuid.uuid4() for _ in range(3)]
    rows = [
        {"id": i, "project_id": service.project_id, "article_id": uuid.UUID(article.id),
         "start_offset": 0, "end_offset": 7, "quote": "Council"}
        for i in ids
    ]  # fmt: skip
    with edit_session(service.db.engine, editor) as s:
        s.execute(insert(Claim), rows)
    with service.db.session() as s:
        stored = s.execute(select(Claim).where(Claim.id.in_(ids))).scalars().all()  # type: ignore[attr-defined]
        assert {(c.revision, c.created_by, c.updated_by) for c in stored} == {(1, "Ana", "Ana")}
        log = s.execute(select(ChangeLog).where(ChangeLog.record_id.in_(ids))).scalars().all()  # type: ignore[attr-defined]
    assert sorted(e.record_id for e in log) == sorted(ids)
    assert {(e.operation, e.author_id, e.record_revision) for e in log} == {
        ("insert", editor.author_id, 1)
    }
    service.close()


def test_length_limits_hold_on_sqlite_as_on_postgresql(tmp_path: Path) -> None:
    """A publisher of 1,000 characters used to be stored in a file and refused on upload."""
    service = _service(tmp_path)
    add_sample_article(service)
    claim = service.claims()[0]
    with pytest.raises(ValidationError, match=r"publisher .* at most 500"):
        service.add_evidence(claim.id, url="https://example.org", publisher="x" * 1000)
    assert service.claim(claim.id).evidence == ()
    service.close()


def test_a_bulk_insert_mixing_new_rows_and_a_put_back_row_logs_each_once(
    tmp_path: Path,
) -> None:
    """Rows without an id get a new one; a row under an old id continues its count."""
    service = _service(tmp_path)
    add_sample_article(service)
    claim = service.claims()[0]
    edited, _ = service.update_claim(claim.id, wording="Edited")
    service.delete_claim(claim.id)
    editor = _editor(service)
    put_back = {"id": uuid.UUID(claim.id), "project_id": service.project_id,
                "article_id": uuid.UUID(claim.article_id), "start_offset": claim.start,
                "end_offset": claim.end, "quote": claim.quote}  # fmt: skip
    brand_new = {**put_back, "quote": "A claim added in the same statement"}
    del brand_new["id"]
    other = service.claims()[0]
    new_rows = [
        {"project_id": service.project_id, "claim_id": uuid.UUID(other.id), "position": k,
         "url": f"https://example.org/{k}"}
        for k in range(3)
    ]  # fmt: skip
    with edit_session(service.db.engine, editor) as s:
        s.execute(insert(Claim), [brand_new, put_back])
        s.execute(insert(Evidence), new_rows)
    # The delete was logged at the edited revision: the row comes back one above it.
    assert service.claim(claim.id).revision == edited.revision + 1
    added = [c for c in service.claims() if c.quote == brand_new["quote"]]
    assert len(added) == 1 and added[0].revision == 1 and added[0].id != claim.id
    assert _log(service.db.path, added[0].id) == [("insert", None, 1)]  # type: ignore[arg-type]
    evidence = service.claim(other.id).evidence
    assert sorted(e.url for e in evidence) == [f"https://example.org/{k}" for k in range(3)]
    assert len({e.id for e in evidence}) == 3
    for item in evidence:
        assert item.revision == 1 and item.updated_by == "Ana"
        assert _log(service.db.path, item.id) == [("insert", None, 1)]  # type: ignore[arg-type]
    with service.db.session() as s:
        ids = [uuid.UUID(e.id) for e in evidence]
        authors = s.execute(
            select(ChangeLog.author_id).where(ChangeLog.record_id.in_(ids))  # type: ignore[attr-defined]
        ).scalars()
        assert list(authors) == [editor.author_id] * 3
    service.close()


def test_bulk_stamps_and_timestamps_in_any_zone_are_stored_as_the_same_utc_text(
    tmp_path: Path,
) -> None:
    """One instant given in two zones is stored (and read back) as the one UTC time."""
    service = _service(tmp_path)
    add_sample_article(service)
    first, second = service.claims()[:2]
    instant = datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    elsewhere = instant.astimezone(timezone(timedelta(hours=-5)))
    with edit_session(service.db.engine, _editor(service)) as s:
        for claim_id, when in ((first.id, instant), (second.id, elsewhere)):
            row = s.get(Claim, uuid.UUID(claim_id))
            assert row is not None
            row.reviewed_at = when
    with sqlite3.connect(service.db.path) as conn:  # type: ignore[arg-type]
        stored = conn.execute(
            "SELECT reviewed_at FROM claim WHERE id IN (?, ?)",
            (uuid.UUID(first.id).hex, uuid.UUID(second.id).hex),
        ).fetchall()
    conn.close()
    assert stored == [("2026-05-01 12:30:15.123456+00:00",)] * 2
    assert service.claim(second.id).reviewed_at == instant
    assert service.claim(second.id).reviewed_at.tzinfo == UTC  # type: ignore[union-attr]
    service.close()
