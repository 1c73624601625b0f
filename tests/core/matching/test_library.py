"""The library of known verdicts on a real SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import ValidationError
from app.core.matching import LibraryStore, Matcher, ReviewItem
from app.core.matching.store import default_library_path
from app.core.project import ProjectService


def review(n: int, claim: str | None = None) -> dict[str, Any]:
    return {
        "@type": "ClaimReview",
        "url": f"https://checks.example/{n}",
        "claimReviewed": claim or f"Claim number {n} about the harbour budget of {n} euros.",
        "author": {"name": "Example Checks"},
        "datePublished": "2024-01-02",
        "reviewRating": {"alternateName": "False"},
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def library(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LibraryStore]:
    if request.param == "sqlite":
        store = LibraryStore.open_file(tmp_path / "library.sqlite3")
    else:
        server = request.getfixturevalue("postgres")
        url = server.new_database()
        ProjectService.create_in_database(
            __import__("app.models.database", fromlist=["open_server"]).open_server(
                url, create=True
            ),
            name="Desk",
            author="A",
        ).close()
        store = LibraryStore.open_server(url)
    yield store
    store.close()


def test_import_is_idempotent_and_skips_bad_items(library: LibraryStore, tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([review(1), review(2), {"@type": "ClaimReview"}, review(3)]))
    first = library.import_files([path])
    assert (first.added, first.already_present, len(first.skipped)) == (3, 0, 1)
    assert first.skipped[0].reason == "no claim text" and first.skipped[0].source == "feed.json"
    second = library.import_files([path])
    assert (second.added, second.already_present) == (0, 3)
    assert library.count() == 3
    assert library.stats().publishers == {"Example Checks": 3}


def test_a_bad_file_does_not_stop_the_others(library: LibraryStore, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[{")
    good = tmp_path / "good.json"
    good.write_text(json.dumps([review(7)]))
    report = library.import_files([bad, good])
    assert report.added == 1
    assert [s.position for s in report.skipped] == ["whole file"]


def test_progress_and_cancel_keep_what_was_done(library: LibraryStore) -> None:
    from app.core.matching.store import BATCH

    seen: list[int] = []
    entries = (
        (f"item {i}", ReviewItem(claim=f"claim {i} text", id=f"r{i}")) for i in range(3 * BATCH)
    )
    report = library.add_entries(
        entries, progress=lambda done, total: seen.append(done), cancelled=lambda: len(seen) >= 1
    )
    assert report.cancelled and seen == [BATCH]
    assert library.count() == BATCH  # the committed batch stays; importing again completes


def test_search_finds_a_reworded_claim_first(library: LibraryStore) -> None:
    library.add_items(
        [
            ReviewItem(claim="The harbour bridge cost 40 million euros, twice its budget.", id="b"),
            ReviewItem(claim="Unemployment fell to 3.1 percent last year.", id="u"),
            ReviewItem(claim="Crime doubled in the city since 2010.", id="c"),
        ]
    )
    (best, *_) = Matcher([library]).match("Crime in the city has doubled since 2010")
    assert best.item.id == "c"
    assert best.label == "likely the same claim"
    typo = Matcher([library]).match("Unemplyment fell to 3.1 percnt last year")
    assert typo[0].item.id == "u"


def test_dismissed_pairs_are_remembered(library: LibraryStore) -> None:
    library.dismiss("claim-1", "item-a")
    library.dismiss("claim-1", "item-a")  # twice is once
    assert library.dismissed(["claim-1", "claim-2"]) == {"claim-1": {"item-a"}}
    library.undismiss("claim-1", "item-a")
    assert library.dismissed(["claim-1"]) == {}


def test_default_library_lives_in_the_platform_data_folder() -> None:
    path = default_library_path()
    assert path.name == "library.sqlite3" and "xdg-data" in str(path)


def test_a_project_file_is_never_taken_for_a_library(tmp_path: Path) -> None:
    project = tmp_path / "p.factdesk"
    ProjectService.create_file(project, author="A").close()
    before = project.read_bytes()
    with pytest.raises(ValidationError, match="not a library"):
        LibraryStore.open_file(project)
    assert project.read_bytes() == before
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = other.read_bytes()
    with pytest.raises(ValidationError, match="not a library"):
        LibraryStore.open_file(other)
    assert other.read_bytes() == before


def test_fts5_tables_only_in_the_library_file(tmp_path: Path) -> None:
    store = LibraryStore.open_file(tmp_path / "lib.sqlite3")
    store.add_items([ReviewItem(claim="x y z", id="1")])
    store.close()
    with sqlite3.connect(tmp_path / "lib.sqlite3") as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
    assert "library_review_fts" in names


def test_rated_claims_of_another_project_become_library_items(tmp_path: Path) -> None:
    project = tmp_path / "earlier.factdesk"
    service = ProjectService.create_file(project, name="Earlier desk work", author="A")
    text = "Crime doubled in the city since 2010. The mayor will visit on Friday."
    article, _ = service.add_article(text)
    rated, _ = service.add_claim(article.id, 0, 37)
    service.add_claim(article.id, 38, len(text))  # unrated: not a verdict
    service.set_rating(rated.id, "Mostly false")
    service.close()
    before = project.read_bytes()
    library = LibraryStore.open_file(tmp_path / "lib.sqlite3")
    report = library.import_files([project])
    assert (report.added, report.skipped) == (1, [])
    (match, *_) = Matcher([library]).match("Since 2010 crime in the city has doubled")
    assert match.item.id == rated.id and match.item.rating == "Mostly false"
    assert match.item.publisher == "Earlier desk work"
    library.close()
    assert project.read_bytes() == before


def test_factdesk_library_chooses_the_library_and_leaves_the_default_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A demonstration library (``make run``'s sample reviews) never lands in the user's own."""
    own = default_library_path()
    demo = tmp_path / "demo-library.sqlite3"
    monkeypatch.setenv("FACTDESK_LIBRARY", str(demo))
    assert default_library_path() == demo
    library = LibraryStore.open_file(None)
    try:
        assert str(demo) in str(library.location)
    finally:
        library.close()
    assert demo.exists() and not own.exists()
