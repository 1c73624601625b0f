"""The bulk reader gives exactly the records the project service gives."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine

from app.core.project import ClaimFilter
from app.core.reports.read import report_claims
from app.models.rawread import Converters


def _same(service: object, flt: ClaimFilter) -> None:
    expected = service.claims(flt, with_evidence=True)  # type: ignore[attr-defined]
    got = report_claims(service, flt)
    assert got == expected
    for a, b in zip(got, expected, strict=True):
        assert a.reviewed_at == b.reviewed_at and type(a.created_at) is type(b.created_at)
        assert a.created_at.tzinfo == b.created_at.tzinfo
        for ea, eb in zip(a.evidence, b.evidence, strict=True):
            assert ea == eb and ea.updated_at.tzinfo == eb.updated_at.tzinfo


def test_report_claims_match_service(sample: object) -> None:
    for flt in (
        ClaimFilter(),
        ClaimFilter(include_dismissed=True),
    ):
        _same(sample, flt)
    articles = sample.articles()  # type: ignore[attr-defined]
    for article in articles:
        _same(sample, ClaimFilter(article_id=article.id, include_dismissed=True))
    assert report_claims(sample, ClaimFilter(include_dismissed=True))


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
