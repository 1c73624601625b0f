"""``factdesk export``: stdout, files written atomically, options, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from tests.core.reports.report_projects import make_sample_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "sample.factdesk"
    make_sample_project(path).close()
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_markdown_to_stdout(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "export", str(project), "--format", "markdown")
    assert code == 0 and err == ""
    # Titled after the one article; only the rated claims, numbered as in the window.
    assert out.startswith("# Verdict report: Northbridge boil-water notice")
    assert out.count("#### Claim ") == 3


def test_options(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def claims(*options: str) -> int:
        _, out, _ = _run(capsys, "export", str(project), "-f", "markdown", *options)
        return out.count("#### Claim ")

    assert claims("--include-unrated") == 5  # dismissed left out by default
    assert claims("--include-unrated", "--include-dismissed") == 6
    assert claims("--include-dismissed") == 4  # asked for, it is listed
    assert claims("--only-done") == 3
    assert claims("--no-unrated") == 3  # the old opt-out, now the default


def test_article_option(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, listing, _ = _run(capsys, "articles", str(project), "--json")
    article_id = json.loads(listing)["articles"][0]["id"]
    code, out, _ = _run(capsys, "export", str(project), "-f", "html", "--article", article_id)
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    code, out, err = _run(capsys, "export", str(project), "-f", "html", "--article", "nope")
    assert code == 2 and out == "" and err.count("\n") == 1 and "No article" in err


def test_file_output_is_atomic_and_complete(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    code, out, err = _run(capsys, "export", str(project), "-f", "html", "-o", str(target))
    assert code == 0 and out == f"Wrote the HTML report to {target}.\n" and err == ""
    assert target.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert not list(tmp_path.glob(".report.html.*"))  # no temporary file left behind


def test_claimreview(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "export", str(project), "-f", "claimreview")
    assert code == 2 and out == "" and err.startswith("factdesk: ClaimReview needs")
    assert err.count("\n") == 1
    code, out, _ = _run(
        capsys,
        "export",
        str(project),
        "-f",
        "claimreview",
        "--organisation",
        "Desk",
        "--organisation-url",
        "https://desk.example/",
    )
    assert code == 0 and len(json.loads(out)["@graph"]) == 3


def test_bad_input_is_one_line_and_changes_nothing(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = project.read_bytes()
    cases = [
        ("export", str(project), "-f", "pdf"),
        ("export", str(project)),
        ("export", str(tmp_path / "missing.factdesk"), "-f", "markdown"),
        ("export", str(project), "-f", "markdown", "-o", str(project)),
        ("export", str(project), "-f", "markdown", "-o", str(tmp_path / "no" / "dir.md")),
        ("export", str(project), "-f", "markdown", "-o", str(tmp_path)),
    ]
    for argv in cases:
        code, out, err = _run(capsys, *argv)
        assert code == 2, argv
        assert out == "" and err.startswith("factdesk: ") and err.count("\n") == 1, (argv, err)
        assert "Traceback" not in err
    assert project.read_bytes() == before
    not_a_project = tmp_path / "notes.txt"
    not_a_project.write_text("hello")
    code, _, err = _run(capsys, "export", str(not_a_project), "-f", "markdown")
    assert code == 2 and not_a_project.read_text() == "hello"
