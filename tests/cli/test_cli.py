"""The command line: output shapes, exit codes, untouched inputs.

The commands run in this process through :func:`tests.support.cli_runner.run_factdesk`
(what a ``factdesk`` process would print and return, without starting one);
``test_errors_from_a_fresh_process_are_one_line`` runs real processes for the promise
that is about the process: one line on stderr and no traceback from a fresh start.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env
from tests.support.cli_runner import run_factdesk

SAMPLE = REPO / "resources" / "samples" / "northbridge-water.txt"


def factdesk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``factdesk ARGS``, run in this process."""
    return run_factdesk(*args, cwd=cwd)


def factdesk_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``factdesk ARGS`` in a real, fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=180,
        env=cli_env(),
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert result.returncode == status, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "p.factdesk"
    assert factdesk("new", str(path)).returncode == 0
    result = factdesk(
        "import",
        str(SAMPLE),
        "--project",
        str(path),
        "--json",
        "--outlet",
        "Northbridge Courier",
        "--date",
        "2026-11-24",
        "--url",
        "https://example.org/courier/water",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"article_id", "title", "claims"}
    assert data["claims"] >= 10
    return path


def test_articles_json_shape(project: Path) -> None:
    result = factdesk("articles", str(project), "--json")
    assert result.returncode == 0, result.stderr
    (article,) = json.loads(result.stdout)["articles"]
    assert set(article) == {
        "id",
        "title",
        "outlet",
        "author",
        "url",
        "published",
        "sha256",
        "text",
        "claims",
    }
    assert article["title"].startswith("Northbridge boil-water notice")
    assert article["outlet"] == "Northbridge Courier" and article["published"] == "2026-11-24"
    assert article["sha256"] == hashlib.sha256(article["text"].encode()).hexdigest()


def test_claims_json_shape_in_article_order(project: Path) -> None:
    result = factdesk("claims", str(project), "--json")
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)["claims"]
    assert claims and [c["start"] for c in claims] == sorted(c["start"] for c in claims)
    keys = {
        "number",  # as the window and the reports number the claim
        "id",
        "article_id",
        "start",
        "end",
        "quote",
        "wording",
        "claimant",
        "kinds",
        "score",
        "origin",
        "status",
        "rating",
        "explanation",
        "evidence",
    }
    assert all(set(c) == keys for c in claims)
    assert [c["number"] for c in claims] == list(range(1, len(claims) + 1))
    assert all(c["origin"] == "detected" and c["status"] == "new" for c in claims)


def test_rate_with_explanation_and_evidence(project: Path) -> None:
    claims = json.loads(factdesk("claims", str(project), "--json").stdout)["claims"]
    target = claims[0]["id"]
    result = factdesk(
        "rate",
        str(project),
        target,
        "mostly TRUE",
        "--explanation",
        "Rounded from 41,600.",
        "--evidence",
        "https://example.org/notice",
        "--evidence-title",
        "Notice",
    )
    assert result.returncode == 0, result.stderr
    after = {
        c["id"]: c for c in json.loads(factdesk("claims", str(project), "--json").stdout)["claims"]
    }[target]
    assert after["rating"] == "Mostly true" and after["explanation"] == "Rounded from 41,600."
    assert after["evidence"] == [
        {"url": "https://example.org/notice", "title": "Notice", "stance": "context"}
    ]


def test_importing_the_same_article_twice_adds_nothing(project: Path) -> None:
    before = json.loads(factdesk("claims", str(project), "--json").stdout)["claims"]
    result = factdesk("import", str(SAMPLE), "--project", str(project), "--json")
    assert result.returncode == 0
    assert "already in the project" in result.stderr
    assert json.loads(factdesk("claims", str(project), "--json").stdout)["claims"] == before


@pytest.mark.parametrize(
    "args",
    [
        ("rate", "{p}", "00000000-0000-4000-8000-000000000000", "True"),
        ("rate", "{p}", "not-an-id", "True"),
        ("rate", "{p}", "{claim}", "Pants on fire"),
        ("rate", "{p}", "{claim}", "True", "--evidence", "javascript:alert(1)"),
        ("rate", "{p}"),
        ("claims", "{p}", "--article", "nope"),
        ("import", "/nonexistent/article.txt", "--project", "{p}"),
        ("new", "{p}"),
        ("new", "{p}2", "--scale", "stars"),
        ("frobnicate",),
    ],
)
def test_bad_input_exits_2_with_one_line_and_leaves_the_project_unchanged(
    project: Path, args: tuple[str, ...]
) -> None:
    claim = json.loads(factdesk("claims", str(project), "--json").stdout)["claims"][1]["id"]
    before = project.read_bytes()
    argv = [a.format(p=project, claim=claim) for a in args]
    if argv[0] == "frobnicate":
        argv = ["claims", "--frobnicate"]
    assert_one_line_error(factdesk(*argv))
    assert project.read_bytes() == before


def test_errors_from_a_fresh_process_are_one_line(project: Path, tmp_path: Path) -> None:
    # The in-process runs above check every refusal; here each kind of error (usage,
    # an unknown claim, a damaged project, a missing article) once from a new process,
    # where nothing the test process set up can hide a warning or a traceback.
    garbage = tmp_path / "garbage.factdesk"
    garbage.write_bytes(b"not a project at all\n" * 20)
    before = project.read_bytes()
    for argv in (
        ("claims", "--frobnicate"),
        ("rate", str(project), "not-an-id", "True"),
        ("claims", str(garbage)),
        ("import", "/nonexistent/article.txt", "--project", str(project)),
    ):
        assert_one_line_error(factdesk_process(*argv))
    assert project.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a project at all\n" * 20,
        bytes(range(256)) * 64,
        b"SQLite format 3\x00" + b"\x00" * 40,
    ],
)
def test_garbage_project_file_exits_2_and_is_unchanged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "garbage.factdesk"
    path.write_bytes(content)
    for command in (
        ("claims", str(path)),
        ("articles", str(path), "--json"),
        ("import", str(SAMPLE), "--project", str(path)),
    ):
        line = assert_one_line_error(factdesk(*command))
        assert "garbage.factdesk" in line
        assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["garbage.factdesk"]


def test_new_with_scales(tmp_path: Path) -> None:
    result = factdesk("new", str(tmp_path / "meta.factdesk"), "--scale", "meta-style", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["scale"] == "Meta-style labels"


def test_detect_json_covers_every_sentence_with_exact_offsets() -> None:
    result = factdesk("detect", str(SAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    sentences = json.loads(result.stdout)["sentences"]
    text = SAMPLE.read_text(encoding="utf-8")
    assert len(sentences) >= 30
    for s in sentences:
        assert text[s["start"] : s["end"]] == s["text"]
        assert set(s) == {
            "start",
            "end",
            "text",
            "score",
            "checkworthy",
            "claimant",
            "claimant_role",
            "kinds",
            "role",
        }
    credits = [s for s in sentences if s["role"] == "credit"]
    assert credits and not any(s["checkworthy"] for s in credits)


def test_detect_lines_mode(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("Unemployment fell to 3.9% in May.\n\nI love this city\nThanks.\n")
    result = factdesk("detect", str(path), "--lines", "--json")
    assert result.returncode == 0, result.stderr
    sentences = json.loads(result.stdout)["sentences"]
    assert [s["text"] for s in sentences] == [
        "Unemployment fell to 3.9% in May.",
        "I love this city",
        "Thanks.",
    ]


def test_help_and_version() -> None:
    assert factdesk("--version").stdout.startswith("Factdesk ")
    assert "import" in factdesk("--help").stdout
