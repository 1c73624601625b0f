"""``factdesk library`` and ``factdesk match`` through real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import SAMPLE, assert_one_line_error, factdesk

RESULT_KEYS = {"id", "score", "claim", "rating", "publisher", "date", "url"}

CSV = (
    "id,claim,verdict,source,date,url\n"
    'nb-1,"The utility\'s boil-water notice covered about 42,000 homes in Eastgate.",'
    "Mostly true,Harbour Checks,2026-10-02,https://checks.example/nb-1\n"
    "nb-2,The moon landing was staged in a studio.,False,Other Checks,2019-07-20,"
    "https://checks.example/moon\n"
    "nb-3,,False,Broken,,\n"
)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    source = tmp_path / "reviews.csv"
    source.write_text(CSV, encoding="utf-8")
    path = tmp_path / "lib.sqlite3"
    result = factdesk("library", "import", str(source), "--library", str(path))
    assert result.returncode == 0, result.stderr
    assert "Imported 2 new reviews" in result.stdout and "row 4: no claim text" in result.stdout
    again = factdesk("library", "import", str(source), "--library", str(path), "--json")
    assert json.loads(again.stdout)["already_present"] == 2
    return path


def test_stats(library: Path) -> None:
    result = factdesk("library", "stats", "--library", str(library), "--json")
    data = json.loads(result.stdout)
    assert data["reviews"] == 2
    assert data["publishers"] == {"Harbour Checks": 1, "Other Checks": 1}


def test_match_lines_json_shape(library: Path, tmp_path: Path) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_text(
        "Around 42,000 Eastgate homes were told to boil their water.\n\nNothing like it.\n"
    )
    result = factdesk("match", "--lines", str(lines), "--library", str(library), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"matches"}
    first, second = data["matches"]
    assert set(first) == {"claim_id", "line", "text", "results"}
    assert (first["claim_id"], first["line"], second["line"]) == (None, 1, 3)
    best = first["results"][0]
    assert set(best) == RESULT_KEYS
    assert best["id"] == "nb-1" and best["rating"] == "Mostly true"
    assert best["url"] == "https://checks.example/nb-1" and isinstance(best["score"], float)
    scores = [r["score"] for r in first["results"]]
    assert scores == sorted(scores, reverse=True)


def test_match_project_finds_the_reworded_claim(library: Path, tmp_path: Path) -> None:
    project = tmp_path / "p.factdesk"
    assert factdesk("new", str(project)).returncode == 0
    imported = factdesk("import", str(SAMPLE), "--project", str(project), "--json")
    article_id = json.loads(imported.stdout)["article_id"]
    before = project.read_bytes()
    result = factdesk(
        "match",
        str(project),
        "--article",
        article_id,
        "--top",
        "1",
        "--library",
        str(library),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    matches = json.loads(result.stdout)["matches"]
    assert all(m["claim_id"] and m["line"] is None and len(m["results"]) <= 1 for m in matches)
    hits = [m for m in matches if m["results"] and m["results"][0]["id"] == "nb-1"]
    assert any("42,000" in m["text"] for m in hits)
    assert project.read_bytes() == before  # matching never writes to the project


@pytest.mark.parametrize(
    "args",
    [
        ("library", "import", "missing.json"),
        ("library",),
        ("match",),
        ("match", "--lines", "missing.txt", "--json"),
        ("match", "--lines", "x.txt", "p.factdesk"),
        ("match", "--top", "0", "--lines", "x.txt"),
        ("match", "nope.factdesk"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    assert_one_line_error(factdesk(*args, "--library", str(tmp_path / "l.sqlite3"), cwd=tmp_path))


def test_unreadable_collection_is_reported_and_left_unchanged(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    result = factdesk("library", "import", str(bad), "--library", str(tmp_path / "l.sqlite3"))
    assert "not valid JSON" in assert_one_line_error(result)
    assert bad.read_text() == "{oops"


def test_a_project_is_not_a_library(tmp_path: Path) -> None:
    project = tmp_path / "p.factdesk"
    assert factdesk("new", str(project)).returncode == 0
    before = project.read_bytes()
    result = factdesk("library", "stats", "--library", str(project))
    assert "not a library" in assert_one_line_error(result)
    assert project.read_bytes() == before


@pytest.mark.postgres
def test_library_and_match_on_a_server(postgres, tmp_path: Path) -> None:
    """On a team server the library lives in the desk's database (PostgreSQL full text)."""
    url = postgres.new_database()
    assert factdesk("new", "--db", url).returncode == 0
    imported = factdesk("import", str(SAMPLE), "--db", url, "--json")
    assert imported.returncode == 0, imported.stderr
    source = tmp_path / "reviews.csv"
    source.write_text(CSV, encoding="utf-8")
    first = factdesk("library", "import", str(source), "--db", url, "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["added"] == 2
    again = factdesk("library", "import", str(source), "--db", url, "--json")
    assert json.loads(again.stdout)["already_present"] == 2
    stats = json.loads(factdesk("library", "stats", "--db", url, "--json").stdout)
    assert stats["reviews"] == 2
    result = factdesk("match", "--db", url, "--top", "1", "--json")
    assert result.returncode == 0, result.stderr
    matches = json.loads(result.stdout)["matches"]
    assert any(
        m["results"] and m["results"][0]["id"] == "nb-1" and "42,000" in m["text"] for m in matches
    )
    both = factdesk("library", "stats", "--db", url, "--library", str(tmp_path / "l.sqlite3"))
    assert_one_line_error(both)
