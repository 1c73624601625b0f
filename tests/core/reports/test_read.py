"""The report reader gives the same values the project service gives."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, update

from app.core.errors import NotFoundError
from app.core.project import ClaimFilter, DetectedSentence, ProjectService
from app.core.records import ParagraphRole
from app.core.reports.model import ReportClaim, ReportEvidence, build_report
from app.core.reports.read import read_report_claims
from app.models.rawread import Converters
from app.models.tables import Evidence
from tests.core.reports.report_projects import make_sample_project
from tests.core.reports.test_markdown_report import _project as make_hostile_project


def _same(service: ProjectService, article_id: str | None, include_dismissed: bool) -> int:
    flt = ClaimFilter(article_id=article_id, include_dismissed=include_dismissed)
    expected = service.claims(flt, with_evidence=True)
    got = read_report_claims(
        service, service.scale(), article_id=article_id, include_dismissed=include_dismissed
    )
    assert got == [ReportClaim.from_info(c) for c in expected]
    for a, b in zip(got, expected, strict=True):
        # Equal datetimes can differ in their time zone: check it is the service's.
        assert a.updated_at.tzinfo == b.updated_at.tzinfo
        assert (a.reviewed_at and a.reviewed_at.tzinfo) == (b.reviewed_at and b.reviewed_at.tzinfo)
        assert all(type(e) is ReportEvidence for e in a.evidence)
    return sum(len(c.evidence) for c in got)


def _check_project(service: ProjectService) -> None:
    evidence = 0
    for dismissed in (False, True):
        evidence += _same(service, None, dismissed)
        for article in service.articles():
            _same(service, article.id, dismissed)
    assert evidence


def test_report_claims_match_service(sample: ProjectService) -> None:
    _check_project(sample)
    assert read_report_claims(sample, sample.scale(), include_dismissed=True)


def test_report_claims_match_service_hostile_and_attachments(tmp_path: Path) -> None:
    _check_project(make_hostile_project(tmp_path))
    service = make_sample_project(tmp_path / "c.factdesk", scale="conclusion-only")
    _check_project(service)
    with_file = [c for c in service.claims(with_evidence=True) if c.evidence]
    assert any(e.attachment is not None for c in with_file for e in c.evidence)
    # A second article: one article's report reads only that article's claims and evidence.
    text = "The second article says 12 percent of 300 pipes leak, more than last year."
    article, _ = service.add_article(
        text, detected=[DetectedSentence(0, len(text), 0.9, "Mayor", (), ParagraphRole.BODY)]
    )
    (claim,) = service.claims(ClaimFilter(article_id=article.id))
    service.add_evidence(claim.id, url="https://pipes.example/", title="Pipes", stance="supports")
    _check_project(service)
    only = read_report_claims(service, service.scale(), article_id=article.id)
    assert [c.id for c in only] == [claim.id] and len(only[0].evidence) == 1


def test_tied_positions_keep_the_service_order(sample: ProjectService) -> None:
    # Positions can tie (a merge of two projects, an edit made behind the app): the
    # service then orders by creation time, and so must the report.
    claim = next(c for c in sample.claims(with_evidence=True) if len(c.evidence) == 2)
    sample.add_evidence(claim.id, url="https://third.example/", title="Third", stance="context")
    table = Evidence.__table__  # type: ignore[attr-defined]
    with sample.db.engine.begin() as conn:
        conn.execute(
            update(table).where(table.c.claim_id == uuid.UUID(claim.id)).values(position=0)
        )
    (expected,) = [c for c in sample.claims(with_evidence=True) if c.id == claim.id]
    assert [e.title for e in expected.evidence][-1] == "Third"
    _check_project(sample)


def test_unknown_article_is_not_found(sample: ProjectService) -> None:
    with pytest.raises(NotFoundError):
        read_report_claims(sample, sample.scale(), article_id="nope")


def test_converters_match_sqlalchemy() -> None:
    engine = create_engine("sqlite://")
    conv = Converters(engine.dialect)
    u = uuid.uuid4()
    assert conv.uuid_text(u.hex) == str(u)
    assert conv.uuid_text(u) == str(u)
    assert conv.uuid_text(str(u).upper()) == str(u)  # unusual stored forms: via uuid.UUID
    assert conv.uuid_text(None) is None
    assert conv.uuid_value(u.hex) == u
    with pytest.raises(ValueError):
        conv.uuid_text("not-a-uuid")
    assert conv.utc("2024-03-12 10:11:12.000123") == datetime(2024, 3, 12, 10, 11, 12, 123, UTC)
    assert conv.utc("2024-03-12 10:11:12") == datetime(2024, 3, 12, 10, 11, 12, tzinfo=UTC)
    assert conv.utc(datetime(2024, 3, 12, 1, 2)) == datetime(2024, 3, 12, 1, 2, tzinfo=UTC)
    assert conv.day("2024-03-12") == date(2024, 3, 12)
    assert conv.day(date(2024, 3, 12)) == date(2024, 3, 12)
    assert conv.day(None) is None and conv.utc(None) is None


def test_collector_paused_during_a_build_and_restored(sample: ProjectService) -> None:
    import gc
    import threading

    from app.collector import cycle_collection_paused, without_cycle_collection

    seen: list[bool] = []

    @without_cycle_collection
    def inner(fail: bool) -> None:
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("boom")

    assert gc.isenabled()
    build_report(sample)
    inner(False)
    with pytest.raises(RuntimeError):
        inner(True)
    assert seen == [False, False] and gc.isenabled()
    with cycle_collection_paused():  # nested: only the outermost switches it back on
        inner(False)
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # a program that keeps it off keeps it off
    try:
        inner(False)
        assert not gc.isenabled()
    finally:
        gc.enable()
    # Overlapping builds on two threads (the preview and an export in the window).
    threads = [threading.Thread(target=build_report, args=(sample,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.isenabled()
