"""Every job the window can finish, finished from the command line (issue 18, point 4).

Two people, Ana and Ben, each with their own settings folder and keyring (a file per
person, so that a key made by one command is there for the next), run ``factdesk``
commands in this process (:func:`tests.support.cli_runner.run_factdesk`), each with the
environment and working folder their own process would have.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.core.sample_files import write_format_samples
from tests.conftest import REPO
from tests.support.cli_runner import run_factdesk


class Person:
    def __init__(self, name: str, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        # What this person's shell adds to the environment.
        self.env = {
            "FACTDESK_CONFIG_DIR": str(folder / "config"),
            "FACTDESK_REVIEWER": name,
            "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
            "FACTDESK_TEST_KEYRING": str(folder / "keyring.json"),
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_factdesk(*args, cwd=self.folder, env=self.env)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert result.stderr == "", (args, result.stderr)
        return result.stdout


def error_line(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert result.returncode == status, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def ana(tmp_path: Path) -> Person:
    return Person("Ana Ruiz", tmp_path / "ana")


@pytest.fixture
def ben(tmp_path: Path) -> Person:
    return Person("Ben Okoro", tmp_path / "ben")


@pytest.fixture(scope="module")
def built_desk(tmp_path_factory: pytest.TempPathFactory) -> Person:
    """Ana's project with a saved web page and a Word file imported, made once per module
    by her commands; each test gets its own copy of it and of her settings (``desk``)."""
    folder = tmp_path_factory.mktemp("built")
    articles = write_format_samples(folder / "articles")
    ana = Person("Ana Ruiz", folder / "ana")
    with pytest.MonkeyPatch.context() as env:  # the per-test runtime folder is not made yet
        env.setenv("FACTDESK_RUNTIME_DIR", str(folder / "run"))
        ana.ok("new", "desk.factdesk")
        ana.ok("import", str(articles["html"]), "--project", "desk.factdesk")
        ana.ok("import", str(articles["docx"]), "--project", "desk.factdesk")
    return ana


@pytest.fixture
def desk(ana: Person, built_desk: Person) -> Path:
    """This test's copy of Ana's project, and of her settings: she is the one who made it."""
    shutil.copytree(built_desk.folder / "config", ana.folder / "config")
    shutil.copyfile(built_desk.folder / "desk.factdesk", ana.folder / "desk.factdesk")
    return ana.folder / "desk.factdesk"


def claims(person: Person, project: str) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads(person.ok("claims", project, "--json"))["claims"]
    return data


def test_claims_are_named_by_number_in_article_order_or_a_unique_prefix(
    ana: Person, desk: Path
) -> None:
    listed = claims(ana, "desk.factdesk")
    assert len(listed) >= 4
    text = ana.ok("claims", "desk.factdesk")
    for number, claim in enumerate(listed, start=1):
        assert f"#{number} {claim['id']}" in text
    # #N across both articles, in import order.
    last = len(listed)
    ana.ok("rate", "desk.factdesk", f"#{last}", "false")
    assert claims(ana, "desk.factdesk")[-1]["rating"] == "False"
    # UUIDv7 ids made together share their start: a short prefix is ambiguous, and
    # the error says so instead of picking one.
    line = error_line(ana.run("status", "desk.factdesk", str(listed[0]["id"])[:8], "done"))
    assert "claims' ids" in line and "#NUMBER" in line
    unique = str(listed[1]["id"])[:-4]
    ana.ok("status", "desk.factdesk", unique, "done")
    assert claims(ana, "desk.factdesk")[1]["status"] == "done"
    line = error_line(ana.run("status", "desk.factdesk", f"#{last + 1}", "done"))
    assert f"#1 to #{last}" in line
    line = error_line(ana.run("status", "desk.factdesk", "#1", "finished"))
    assert "new, in review, done, dismissed" in line


def test_status_and_rate_status_make_export_only_done_useful(ana: Person, desk: Path) -> None:
    ana.ok("rate", "desk.factdesk", "#1", "mostly true", "--status", "done")
    ana.ok("rate", "desk.factdesk", "#2", "false")
    ana.ok("status", "desk.factdesk", "#3", "in review")
    listed = claims(ana, "desk.factdesk")
    # Rating without --status moves a new claim to "in review", as in the window.
    assert [c["status"] for c in listed[:3]] == ["done", "in_review", "in_review"]
    report = ana.ok("export", "desk.factdesk", "--format", "markdown", "--only-done")
    assert str(listed[0]["wording"])[:40] in report
    assert str(listed[1]["wording"])[:40] not in report


def test_claimreview_names_every_missing_setting_with_its_flag(ana: Person, desk: Path) -> None:
    ana.ok("rate", "desk.factdesk", "#1", "false")
    line = error_line(ana.run("export", "desk.factdesk", "--format", "claimreview"))
    assert "--organisation NAME" in line and "--organisation-url URL" in line
    line = error_line(
        ana.run("export", "desk.factdesk", "--format", "claimreview", "--organisation", "Desk")
    )
    assert "--organisation-url URL" in line and "--organisation NAME" not in line
    out = ana.ok(
        "export", "desk.factdesk", "--format", "claimreview",
        "--organisation", "Desk", "--organisation-url", "https://desk.example/checks",
    )  # fmt: skip
    assert "ClaimReview" in out


def test_keys_list_and_export(ana: Person) -> None:
    assert "none yet" in ana.ok("keys")
    ana.ok("keys", "export", "-o", "ana.key")
    key = json.loads((ana.folder / "ana.key").read_text(encoding="utf-8"))
    assert key["name"] == "Ana Ruiz" and len(key["fingerprint"]) == 64
    listing = json.loads(ana.ok("keys", "--json"))
    assert listing["me"]["fingerprint"] == key["fingerprint"]
    assert json.loads(ana.ok("keys", "export"))["fingerprint"] == key["fingerprint"]


def test_a_colleague_trusts_verifies_merges_and_exports(
    ana: Person, ben: Person, desk: Path
) -> None:
    # Ana rates and marks done three claims, exports, signs and sends the file.
    for number, rating in (("#1", "true"), ("#2", "mostly false"), ("#3", "false")):
        ana.ok("rate", "desk.factdesk", number, rating, "--explanation", "Checked.")
        ana.ok("status", "desk.factdesk", number, "done")
    assert "Checked." in ana.ok("export", "desk.factdesk", "--format", "markdown")
    ana.ok("keys", "export", "-o", "ana.key")
    ana.ok("sign", "desk.factdesk")
    sent = ben.folder / "from-ana.factdesk"
    sent.write_bytes(desk.read_bytes())
    (ben.folder / "ana.key").write_bytes((ana.folder / "ana.key").read_bytes())

    # Ben cannot trust what he has not been given; untrusted until he trusts the key.
    result = ben.run("verify", "from-ana.factdesk")
    assert result.returncode == 1 and result.stdout.startswith("UNTRUSTED")
    ben.ok("keys", "trust", "ana.key")
    assert "Ana Ruiz" in ben.ok("keys")
    assert ben.ok("verify", "from-ana.factdesk").startswith("VALID")

    # Untrusting and trusting again from the signed file itself, or the fingerprint.
    fingerprint = json.loads((ben.folder / "ana.key").read_text())["fingerprint"]
    ben.ok("keys", "untrust", fingerprint)
    assert ben.run("verify", "from-ana.factdesk").returncode == 1
    ben.ok("keys", "trust", "from-ana.factdesk")
    assert ben.ok("verify", "from-ana.factdesk").startswith("VALID")
    ben.ok("keys", "untrust", "ana.key")
    grouped = [fingerprint[i : i + 4] for i in range(0, 64, 4)]
    error_line(ben.run("keys", "trust", *grouped))  # whose key? --name is needed
    ben.ok("keys", "trust", *grouped, "--name", "Ana")
    assert ben.ok("verify", "from-ana.factdesk").startswith("VALID")

    # Ben's own copy, merged with Ana's work, and exported.
    ben.ok("new", "ben.factdesk")
    (ben.folder / "mine.factdesk").write_bytes(sent.read_bytes())
    merged = ben.ok("merge", "mine.factdesk", "from-ana.factdesk")
    assert merged.startswith("Merged")
    report = ben.ok("export", "mine.factdesk", "--format", "markdown", "--only-done")
    assert report.count("Checked.") == 3


def test_without_a_keyring_keys_say_so_and_trust_still_works(ben: Person) -> None:
    ben.env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    assert "keyring is not usable" in ben.ok("keys")
    assert "keyring" in error_line(ben.run("keys", "export"))
    ben.ok("keys", "trust", "ab" * 32, "--name", "Ana")  # trust needs no secret
    assert "Ana" in ben.ok("keys")


def test_trust_refuses_what_is_not_a_key(ben: Person, tmp_path: Path) -> None:
    unsigned = "plain.factdesk"
    ben.ok("new", unsigned)
    assert "not signed" in error_line(ben.run("keys", "trust", unsigned))
    assert "no such file" in error_line(ben.run("keys", "trust", "missing.key"))
    assert "fingerprint" in error_line(ben.run("keys", "trust", "abc123", "--name", "X"))
    assert "do not trust" in error_line(ben.run("keys", "untrust", "ab" * 32))
    assert not (REPO / "missing.key").exists()
