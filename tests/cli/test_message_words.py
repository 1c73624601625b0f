"""The command line's messages count and quote the way a person writes.

Found on a newcomer's walk through the command line: merging a colleague's copy said
"added 2 article, 11 claim, 1 evidence, 1 reviewer", and a project called Bob's desk was
announced with other quotes than any other project ("Created project "Bob's desk"" beside
"Created project 'Coastal desk'"), because messages quoted names with ``repr()``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support.cli_runner import run_factdesk

ARTICLE = (
    "Mayor Helen Ostrova said on Tuesday that the harbour expansion would create 4,000 "
    "permanent jobs by 2030. The project will cost 1.2 billion euros, according to the "
    "port authority. Unemployment in the harbour district stands at 14 percent, the "
    "statistics office reported last month.\n"
)


def ok(*args: str, cwd: Path) -> str:
    result: subprocess.CompletedProcess[str] = run_factdesk(*args, cwd=cwd)
    assert result.returncode == 0 and result.stderr == "", (args, result.stderr)
    return result.stdout


def test_a_merge_counts_what_it_added_in_words_that_agree(tmp_path: Path) -> None:
    ok("new", "desk.factdesk", "--name", "Coastal desk", cwd=tmp_path)
    shutil.copy(tmp_path / "desk.factdesk", tmp_path / "mine.factdesk")  # a colleague's copy
    (tmp_path / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "second.txt").write_text(ARTICLE.replace("Tuesday", "Friday"), encoding="utf-8")
    ok("import", "harbour.txt", "--project", "desk.factdesk", cwd=tmp_path)
    ok("import", "second.txt", "--project", "desk.factdesk", cwd=tmp_path)
    ok("rate", "desk.factdesk", "#1", "False", "--evidence", "https://example.org/a", cwd=tmp_path)

    said = ok("merge", "mine.factdesk", "desk.factdesk", cwd=tmp_path)

    assert "added 2 articles, 6 claims, 1 piece of evidence;" in said, said


def test_a_name_is_quoted_the_same_way_whatever_it_holds(tmp_path: Path) -> None:
    plain = ok("new", "a.factdesk", "--name", "Coastal desk", cwd=tmp_path)
    apostrophe = ok("new", "b.factdesk", "--name", "Bob's desk", cwd=tmp_path)

    assert plain.startswith("Created project 'Coastal desk' in")
    assert apostrophe.startswith("Created project 'Bob's desk' in")


def test_every_error_line_begins_as_a_sentence(tmp_path: Path) -> None:
    """One rule for the error line: 'factdesk: There is no claim #99', as 'factdesk: No
    project named …' already read; a file name or a quoted value at the start stays as
    typed."""
    ok("new", "desk.factdesk", cwd=tmp_path)
    (tmp_path / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    ok("import", "harbour.txt", "--project", "desk.factdesk", cwd=tmp_path)
    (tmp_path / "folder").mkdir()
    lines = {
        args: run_factdesk(*args, cwd=tmp_path).stderr
        for args in [
            ("status", "desk.factdesk", "#99", "done"),  # a core error, written lower case
            ("rate", "desk.factdesk", "#1", "Maybe"),
            ("new", "--scale", "seven-level", "other.factdesk"),
            ("new", "folder"),  # starts with the folder's name
            ("rate", "desk.factdesk", "01", "True"),  # starts with the quoted value
        ]
    }
    first_words = {
        args: err.removeprefix("factdesk: ").split(" ", 1)[0] for args, err in lines.items()
    }
    assert all(err.startswith("factdesk: ") and err.count("\n") == 1 for err in lines.values())
    assert first_words[("status", "desk.factdesk", "#99", "done")] == "There"
    assert first_words[("new", "--scale", "seven-level", "other.factdesk")] == "Unknown"
    assert first_words[("new", "folder")] == "folder:"
    assert first_words[("rate", "desk.factdesk", "#1", "Maybe")] == "'Maybe'"
    assert first_words[("rate", "desk.factdesk", "01", "True")] == "'01'"
