"""Deleting an article and putting it back (the window's undo): a forward edit that
brings back every field, every claim with its verdict, the evidence and the attached
files' bytes, with revisions that only grow and a change log that is only appended to."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.core.errors import DuplicateArticleError, StaleEditError
from app.core.project import ClaimFilter, DeletedArticle, ProjectService
from app.core.records import ClaimStatus
from app.core.scales import LevelSpec
from app.models.tables import EDITABLE_TABLES, Attachment, ChangeLog
from tests.support.builders import ARTICLE, add_sample_article

MakeService = Callable[..., ProjectService]
# What a restore sets as any edit does: who wrote it last, when, and the new revision.
STAMPS = {"revision", "updated_at", "updated_by"}
PDF = b"%PDF-1.4 minutes of the council meeting\n" + bytes(range(256))


def _worked_on(service: ProjectService) -> tuple[str, str]:
    """An article a fact-checker worked on: verdicts, explanations, evidence, a file,
    a dismissed claim and one marked by hand. Returns (article id, attachment id)."""
    article = add_sample_article(service)
    first, second = service.claims(ClaimFilter(article_id=article.id))[:2]
    service.update_article(article.id, author="Lee Park", published="2024-03-05")
    service.set_rating(first.id, "Mostly false")
    service.update_claim(first.id, explanation="The budget was **$11.2 million**.")
    service.dismiss_claim(second.id)
    manual, _ = service.add_claim(article.id, 0, 11)
    service.set_rating(manual.id, "True")
    attached = service.store_attachment(PDF, "minutes.pdf", "application/pdf")
    service.add_evidence(
        first.id, url="https://example.org/minutes", stance="refutes", attachment_id=attached.id
    )
    service.add_evidence(first.id, note="Called the council office.")
    return article.id, attached.id


def _rows(service: ProjectService) -> dict[tuple[str, str], dict[str, Any]]:
    """Every editable row of the project, every column, keyed by (table, id)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    with service.db.session() as s:
        for model in EDITABLE_TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            for row in s.execute(select(table)).mappings():
                found[(table.name, str(row["id"]))] = dict(row)
    return found


def _log(service: ProjectService) -> list[tuple[Any, ...]]:
    with service.db.session() as s:
        return [
            (e.id, e.record_id, e.operation, e.field, e.record_revision, e.at)
            for e in s.execute(select(ChangeLog).order_by(ChangeLog.id)).scalars()
        ]


def test_a_deleted_article_comes_back_exactly(backend: MakeService) -> None:
    service = backend()
    article_id, attachment_id = _worked_on(service)
    keep = add_sample_article(service, ARTICLE.replace("sunny", "rainy"))
    before_rows, before_log = _rows(service), _log(service)
    shown_before = (
        service.article(article_id),
        service.article_text(article_id),
        service.claims(ClaimFilter(article_id=article_id), with_evidence=True),
    )

    deleted, changes = service.delete_article(article_id)

    assert isinstance(deleted, DeletedArticle) and deleted.title == shown_before[0].title
    assert deleted.rated == 2 and len(deleted.claims) == 3 and len(deleted.evidence) == 2
    assert [a["data"] for a in deleted.attachments] == [PDF]
    assert changes.articles == {article_id}
    assert changes.claims == {c.id for c in shown_before[2]}
    gone = {k for k in before_rows if k not in _rows(service)}
    assert ("attachment", attachment_id) in gone  # the file only it cited goes too
    assert [a.id for a in service.articles()] == [keep.id]

    service.restore_article(deleted)

    after_rows, after_log = _rows(service), _log(service)
    assert set(after_rows) == set(before_rows)
    for key, before in before_rows.items():
        after = after_rows[key]
        for name, value in before.items():
            if name not in STAMPS:
                assert after[name] == value, f"{key} {name}"
        if key in gone:
            assert after["revision"] > before["revision"], key  # only ever grows
            assert after["updated_by"] == service.author
    # What a fact-checker reads is as it was, verdicts, explanations and evidence included.
    info = service.article(article_id)
    assert (info.title, info.outlet, info.author, info.published, info.claim_counts) == (
        shown_before[0].title,
        shown_before[0].outlet,
        shown_before[0].author,
        shown_before[0].published,
        shown_before[0].claim_counts,
    )
    assert service.article_text(article_id) == shown_before[1]
    claims = service.claims(ClaimFilter(article_id=article_id), with_evidence=True)
    assert [
        (c.id, c.quote, c.rating_label, c.explanation, c.status, c.reviewer, c.origin)
        for c in claims
    ] == [
        (c.id, c.quote, c.rating_label, c.explanation, c.status, c.reviewer, c.origin)
        for c in shown_before[2]
    ]
    evidence = [(e.id, e.url, e.note, e.stance, e.attachment) for c in claims for e in c.evidence]
    assert evidence == [
        (e.id, e.url, e.note, e.stance, e.attachment) for c in shown_before[2] for e in c.evidence
    ]
    info_file, data = service.attachment_data(attachment_id)
    assert data == PDF and info_file.sha256 == hashlib.sha256(PDF).hexdigest()
    # The change log is only appended to: the deletion and the restore are both in it.
    assert set(before_log) <= set(after_log)
    new = [e for e in after_log if e not in set(before_log)]
    assert {e[2] for e in new} == {"delete", "insert"}
    assert {str(e[1]) for e in new if e[2] == "insert"} == {key[1] for key in gone}


def test_a_restored_project_signs_and_verifies(tmp_path: Path) -> None:
    from app.core.sharing.safeopen import open_for_sharing
    from app.core.sharing.signing import VerifyStatus, sign_project, verify_project

    path = tmp_path / "restored.factdesk"
    service = ProjectService.create_file(path, author="Ana")
    article_id, _ = _worked_on(service)
    deleted, _ = service.delete_article(article_id)
    service.restore_article(deleted)
    sign_project(service)
    service.close()
    reader = ProjectService.for_database(open_for_sharing(path, view_only=True), author="Reader")
    try:
        first = verify_project(reader, set())
        assert first.signature_intact, first.message
        result = verify_project(reader, {first.key_fingerprint: "Ana"})
    finally:
        reader.close()
    assert result.status is VerifyStatus.VALID, result.message


def test_a_file_cited_elsewhere_stays_when_the_article_goes(tmp_path: Path) -> None:
    service = ProjectService.create_file(tmp_path / "p.factdesk", author="Ana")
    article_id, attachment_id = _worked_on(service)
    other = add_sample_article(service, ARTICLE.replace("sunny", "windy"))
    claim = service.claims(ClaimFilter(article_id=other.id))[0]
    service.add_evidence(claim.id, url="https://example.org/m", attachment_id=attachment_id)
    deleted, _ = service.delete_article(article_id)
    assert deleted.attachments == ()
    assert service.attachment_data(attachment_id)[1] == PDF
    service.restore_article(deleted)
    claims = service.claims(ClaimFilter(article_id=article_id), with_evidence=True)
    assert [e.attachment.id for c in claims for e in c.evidence if e.attachment] == [attachment_id]
    service.close()


def test_a_redo_refuses_to_delete_a_colleagues_later_work(tmp_path: Path) -> None:
    service = ProjectService.create_file(tmp_path / "p.factdesk", author="Ana")
    article_id, _ = _worked_on(service)
    deleted, _ = service.delete_article(article_id)
    service.restore_article(deleted)
    seen = {str(row["id"]): revision for row, revision in _revisions(service, deleted)}
    colleague = ProjectService.open_file(tmp_path / "p.factdesk", author="Bob")
    try:
        claim = colleague.claims(ClaimFilter(article_id=article_id))[2]
        colleague.update_claim(claim.id, explanation="Bob checked the minutes.")
        with pytest.raises(StaleEditError, match="Bob"):
            service.delete_article(article_id, expected_revisions=seen)
        assert service.article(article_id).id == article_id  # nothing was deleted
        colleague.add_claim(article_id, 12, 30)
        seen[claim.id] = colleague.claim(claim.id).revision
        with pytest.raises(StaleEditError, match="Bob"):  # a claim added since
            service.delete_article(article_id, expected_revisions=seen)
    finally:
        colleague.close()
    service.close()


def _revisions(service: ProjectService, deleted: DeletedArticle) -> list[tuple[Any, int]]:
    rows = _rows(service)
    return [
        (r, rows[(table, str(r["id"]))]["revision"])
        for table, group in (
            ("article", (deleted.article,)),
            ("claim", deleted.claims),
            ("evidence", deleted.evidence),
        )
        for r in group
    ]


def test_a_verdict_whose_level_is_gone_comes_back_unrated(tmp_path: Path) -> None:
    service = ProjectService.create_file(tmp_path / "p.factdesk", author="Ana")
    article_id, _ = _worked_on(service)
    deleted, _ = service.delete_article(article_id)
    service.set_scale_levels([LevelSpec("Right", "#00aa00"), LevelSpec("Wrong", "#aa0000")])
    service.restore_article(deleted)
    claims = service.claims(ClaimFilter(article_id=article_id))
    assert [c.rating_label for c in claims] == [None, None, None]
    by_start = {c.quote[:10]: c for c in claims}
    assert by_start["The counci"].explanation == "The budget was **$11.2 million**."
    assert by_start["Unemployme"].status is ClaimStatus.DISMISSED
    service.close()


def test_putting_back_over_the_same_text_imported_again_is_refused(tmp_path: Path) -> None:
    service = ProjectService.create_file(tmp_path / "p.factdesk", author="Ana")
    article_id, _ = _worked_on(service)
    deleted, _ = service.delete_article(article_id)
    again = add_sample_article(service)
    with pytest.raises(DuplicateArticleError, match="imported again"):
        service.restore_article(deleted)
    assert [a.id for a in service.articles()] == [again.id]
    with service.db.session() as s:  # nothing half-restored
        assert s.execute(select(Attachment)).first() is None
    service.close()
