"""The window's first look at a project gives exactly the records the service gives."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.core.peek import ProjectPeek
from app.core.project import DetectedSentence, ProjectService
from app.core.records import (
    ArticleMetadata,
    ClaimFilter,
    ClaimKind,
    ClaimStatus,
    Paragraph,
    ParagraphRole,
)

TEXT = (
    "Council doubles water charges\n\n"
    "Bills rose by 40 percent in 2023, the council said. "
    '"Prices will double by 2030," said Jane Smith. '
    "The plant cost 12 million euros.\n\n"
    "Photo: City archive"
)


def _spans(text: str, *sentences: str) -> list[tuple[int, int]]:
    return [(text.index(s), text.index(s) + len(s)) for s in sentences]


def _build(path: Path, scale: str) -> ProjectService:
    service = ProjectService.create_file(path, author="Ana", scale=scale, name="Water")
    spans = _spans(
        TEXT,
        "Bills rose by 40 percent in 2023, the council said.",
        '"Prices will double by 2030," said Jane Smith.',
        "The plant cost 12 million euros.",
    )
    detected = [
        DetectedSentence(s, e, 0.8, "the council", (ClaimKind.STATISTIC,), ParagraphRole.BODY)
        for s, e in spans
    ]
    paragraphs = [
        Paragraph(0, 29, ParagraphRole.HEADLINE),
        Paragraph(31, TEXT.index("Photo:") - 2),
        Paragraph(TEXT.index("Photo:"), len(TEXT), ParagraphRole.CREDIT),
    ]
    article, _ = service.add_article(
        TEXT,
        metadata=ArticleMetadata(
            title="Water charges", outlet="The Gazette", published=date(2024, 3, 1)
        ),
        paragraphs=paragraphs,
        detected=detected,
    )
    service.add_article("A second article. It has 3 claims.", metadata=ArticleMetadata(title="2"))
    first, _second, third = service.claims(ClaimFilter(article_id=article.id))
    scale_info = service.scale()
    verdict = scale_info.levels[0].label if scale_info.levels else "Misleading: the rise was 4%"
    service.set_rating(first.id, verdict)
    service.update_claim(first.id, explanation="The *budget* says otherwise.")
    service.add_evidence(first.id, url="https://example.org/budget", title="Budget 2023")
    service.dismiss_claim(third.id)
    return service


@pytest.mark.parametrize("scale", ["five-level", "conclusion-only"])
def test_the_first_look_gives_the_services_records(tmp_path: Path, scale: str) -> None:
    path = tmp_path / "water.factdesk"
    service = _build(path, scale)
    expected_info = service.info()
    expected_articles = service.articles()
    expected = {
        a.id: (service.article_text(a.id), service.claims(ClaimFilter(article_id=a.id)))
        for a in expected_articles
    }
    service.close()

    peek = ProjectPeek.open(path)
    assert peek is not None
    try:
        assert peek.info() == expected_info
        assert peek.articles() == expected_articles
        for article in expected_articles:
            text, claims = expected[article.id]
            assert peek.article(article.id) == article
            assert peek.article_text(article.id) == text
            assert peek.claims(ClaimFilter(article_id=article.id)) == claims
        statuses = {c.status for _t, cs in expected.values() for c in cs}
        assert ClaimStatus.DISMISSED in statuses
    finally:
        peek.close()


def test_the_first_look_lists_only_one_articles_unfiltered_claims(tmp_path: Path) -> None:
    path = tmp_path / "water.factdesk"
    _build(path, "five-level").close()
    peek = ProjectPeek.open(path)
    assert peek is not None
    article = peek.articles()[0]
    with pytest.raises(ValueError):
        peek.claims(ClaimFilter(article_id=article.id, status=ClaimStatus.NEW))
    with pytest.raises(ValueError):
        peek.claims(ClaimFilter())
    peek.close()


def test_no_first_look_where_only_the_full_open_can_judge(tmp_path: Path) -> None:
    """Anything but a current, cleanly closed project is left to the full open."""
    garbage = tmp_path / "garbage.factdesk"
    garbage.write_bytes(b"\x00" * 4096)
    assert ProjectPeek.open(garbage) is None
    assert ProjectPeek.open(tmp_path / "missing.factdesk") is None

    other_app = tmp_path / "other.factdesk"
    conn = sqlite3.connect(other_app)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert ProjectPeek.open(other_app) is None

    newer = tmp_path / "newer.factdesk"
    _build(newer, "five-level").close()
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = newer.read_bytes()
    assert ProjectPeek.open(newer) is None
    assert newer.read_bytes() == before


def test_no_first_look_while_a_write_ahead_log_holds_changes(tmp_path: Path) -> None:
    """A file whose last session did not close cleanly goes through the full open's checks."""
    path = tmp_path / "water.factdesk"
    service = _build(path, "five-level")  # open: its recent writes sit in the WAL
    try:
        assert Path(f"{path}-wal").stat().st_size > 0
        assert ProjectPeek.open(path) is None
    finally:
        service.close()
    peek = ProjectPeek.open(path)
    assert peek is not None
    peek.close()
