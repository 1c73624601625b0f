"""Who am I: one display name and one stable reviewer id, for the window and the CLI.

The id is made once, kept with the settings, survives a change of name and every save
of the settings; the command line records it with each edit, and a project keeps one
Reviewer row per person whatever they call themselves.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from app.core.settings import Settings, load_settings, save_settings, settings_path, who_am_i
from tests.conftest import REPO
from tests.support.cli_runner import run_factdesk

SAMPLE = REPO / "resources" / "samples" / "northbridge-water.txt"


@pytest.fixture
def ana(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A person called Ana, with her own settings folder and no name override."""
    config = tmp_path / "ana-config"
    monkeypatch.setenv("FACTDESK_CONFIG_DIR", str(config))
    monkeypatch.delenv("FACTDESK_REVIEWER", raising=False)
    save_settings(Settings(reviewer_name="Ana"))
    return config


def test_the_reviewer_id_is_made_once_and_kept_beside_the_name(ana: Path) -> None:
    first = who_am_i()
    assert first.name == "Ana"
    saved = json.loads(settings_path().read_text(encoding="utf-8"))
    assert saved["reviewer_name"] == "Ana" and uuid.UUID(saved["reviewer_id"]) == first.id
    assert who_am_i() == first


def test_renaming_yourself_in_settings_keeps_your_id(ana: Path) -> None:
    before = who_am_i()
    # The settings dialog hands back a copy with the fields it edits (no id).
    chosen = Settings(reviewer_name="Ana Silva", organisation="Desk")
    save_settings(chosen)
    after = who_am_i()
    assert after.name == "Ana Silva" and after.id == before.id
    assert load_settings().organisation == "Desk"


def test_two_people_with_one_name_get_two_ids(ana: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = who_am_i()
    monkeypatch.setenv("FACTDESK_CONFIG_DIR", str(ana.parent / "other-ana"))
    save_settings(Settings(reviewer_name="Ana"))
    there = who_am_i()
    assert here.name == there.name == "Ana" and here.id != there.id


def test_an_unwritable_settings_folder_still_gives_one_id_per_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the settings folder should be", encoding="utf-8")
    monkeypatch.setenv("FACTDESK_CONFIG_DIR", str(blocker / "config"))
    assert who_am_i().id == who_am_i().id


def _factdesk(*args: str, config: Path) -> subprocess.CompletedProcess[str]:
    # In this process, each command seeing what a fresh one would (tests/support/cli_runner):
    # the promise is about what the commands record, not about starting a process.
    return run_factdesk(
        *args, env={"FACTDESK_CONFIG_DIR": str(config)}, unset=("FACTDESK_REVIEWER",)
    )


def test_commands_write_as_one_person_across_a_change_of_name(ana: Path, tmp_path: Path) -> None:
    project = tmp_path / "desk.factdesk"
    assert _factdesk("new", str(project), config=ana).returncode == 0
    imported = _factdesk("import", str(SAMPLE), "--project", str(project), "--json", config=ana)
    assert imported.returncode == 0, imported.stderr
    claims = json.loads(_factdesk("claims", str(project), "--json", config=ana).stdout)["claims"]
    rated = _factdesk("rate", str(project), claims[0]["id"], "False", config=ana)
    assert rated.returncode == 0, rated.stderr
    save_settings(Settings(reviewer_name="Ana Silva"))  # she corrects her name
    rated = _factdesk("rate", str(project), claims[1]["id"], "True", config=ana)
    assert rated.returncode == 0, rated.stderr

    with sqlite3.connect(project) as conn:
        reviewers = conn.execute("SELECT id, display_name FROM reviewer").fetchall()
        ratings = conn.execute(
            "SELECT author, author_id FROM changelog WHERE field = 'rating_id' ORDER BY at"
        ).fetchall()
        renamed = conn.execute(
            "SELECT old_value, new_value, author_id FROM changelog"
            " WHERE table_name = 'reviewer' AND field = 'display_name'"
        ).fetchall()
    conn.close()
    assert len(reviewers) == 1 and reviewers[0][1] == "Ana Silva"
    row_id = reviewers[0][0]
    assert [a for a, _ in ratings] == ["Ana", "Ana Silva"]
    assert {i for _, i in ratings} == {row_id}  # one person before and after the rename
    # The rename went through the write path like any edit: logged, by her.
    assert [(json.loads(o), json.loads(n), i) for o, n, i in renamed] == [
        ("Ana", "Ana Silva", row_id)
    ]
    claim = json.loads(_factdesk("claims", str(project), "--json", config=ana).stdout)
    assert claim["claims"][0]["rating"] == "False"


def test_renaming_yourself_leaves_projects_you_only_looked_at_unchanged(tmp_path: Path) -> None:
    from app.core.project import ProjectService

    path = tmp_path / "colleague.factdesk"
    ProjectService.create_file(path, author="Bo", author_id=uuid.uuid4()).close()
    before = path.read_bytes()
    service = ProjectService.open_file(path, author="Ana", author_id=uuid.uuid4())
    try:
        service.rename_author("Ana Silva")
        assert [r.display_name for r in _reviewers(service)] == ["Bo"]
    finally:
        service.close()
    assert path.read_bytes() == before


def _reviewers(service: object) -> list[object]:
    from sqlalchemy import select

    from app.models.tables import Reviewer

    with service.db.session() as s:  # type: ignore[attr-defined]
        return list(s.execute(select(Reviewer)).scalars())


def test_a_damaged_settings_file_is_never_overwritten_to_store_the_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    damaged = config / "settings.json"
    damaged.write_bytes(b'{"reviewer_name": "Ana", "organisation": "De')
    monkeypatch.setenv("FACTDESK_CONFIG_DIR", str(config))
    assert who_am_i().id == who_am_i().id  # still one id from run to run
    assert damaged.read_bytes() == b'{"reviewer_name": "Ana", "organisation": "De'
