"""A newcomer's first commands (issue 18): quiet, exact, never waiting for a person.

What is about the process runs the real ``factdesk`` command in a subprocess, as a
person would: stderr free of warnings from a fresh start, the window's arguments and the
screenshot, a missing component at import, the session's isolated home. The other
commands run in this process (:func:`tests.support.cli_runner.run_factdesk`), which
returns what the process would have printed and returned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.sample_files import write_format_samples
from tests.conftest import REPO, cli_env
from tests.support.cli_runner import run_factdesk

SAMPLE = REPO / "resources" / "samples" / "northbridge-water.txt"


def factdesk(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or cli_env(),
        check=False,
    )


def factdesk_here(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, headless: bool = False
) -> subprocess.CompletedProcess[str]:
    """``factdesk ARGS`` in this process; ``env`` is what cli_env(**env) would add."""
    return run_factdesk(*args, cwd=cwd, env=env, unset=HEADLESS_UNSET if headless else ())


def one_line_error(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert result.returncode == status, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("factdesk: ")
    return lines[0]


# A container or ssh session: no display, no XDG_RUNTIME_DIR.
HEADLESS_UNSET = ("DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "QT_QPA_PLATFORM")


def headless_env(**extra: str) -> dict[str, str]:
    """A container or ssh session: no display, no XDG_RUNTIME_DIR."""
    env = cli_env(**extra)
    for name in HEADLESS_UNSET:
        env.pop(name, None)
    return env


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    return write_format_samples(tmp_path / "articles")


def test_no_runtime_dir_warning_on_stderr(tmp_path: Path) -> None:
    # Signing takes the editing lock, kept in the runtime folder: platformdirs warned
    # "XDG_RUNTIME_DIR is not set, falling back to ..." on every such command.
    # platformdirs' fallback then lies in the temporary folder: this test's own.
    env = headless_env(FACTDESK_CONFIG_DIR=str(tmp_path / "cfg"), TMPDIR=str(tmp_path))
    env.pop("FACTDESK_RUNTIME_DIR", None)
    project = tmp_path / "p.factdesk"
    for command in (("new", str(project)), ("sign", str(project)), ("verify", str(project))):
        result = factdesk(*command, env=env)
        assert result.returncode == 0, result.stderr
        assert result.stderr == "", command


def test_unknown_word_is_a_usage_error_not_the_window(tmp_path: Path) -> None:
    line = one_line_error(factdesk("librar", cwd=tmp_path))
    assert "'librar' is neither a command nor an existing file" in line
    assert "factdesk --help" in line
    one_line_error(factdesk("--bogus", cwd=tmp_path))
    one_line_error(factdesk(str(tmp_path / "missing.factdesk")))


def test_article_without_project_is_refused_headless_with_a_hint(
    tmp_path: Path, samples: dict[str, Path]
) -> None:
    config = {"FACTDESK_CONFIG_DIR": str(tmp_path / "cfg")}
    env = headless_env(**config)
    last = tmp_path / "last.factdesk"
    assert factdesk_here("new", str(last), env=config, headless=True).returncode == 0
    before = last.read_bytes()
    line = one_line_error(factdesk(str(samples["text"]), env=env))
    assert "factdesk import ARTICLE --project PROJECT" in line
    assert last.read_bytes() == before


def test_window_without_display_says_so(tmp_path: Path) -> None:
    line = one_line_error(factdesk(env=headless_env(FACTDESK_CONFIG_DIR=str(tmp_path))))
    assert "no display" in line.lower() and "--screenshot" in line


@pytest.mark.parametrize("case", ["missing", "not-a-project", "article", "bad-folder"])
def test_screenshot_problems_are_one_line_errors_never_a_dialog(
    tmp_path: Path, case: str, samples: dict[str, Path]
) -> None:
    out = tmp_path / "shot.png"
    wrong = tmp_path / "wrong.factdesk"
    wrong.write_bytes(samples["pdf"].read_bytes())
    target = {
        "missing": [str(out), str(tmp_path / "nothere.factdesk")],
        "not-a-project": [str(out), str(wrong)],
        "article": [str(out), str(samples["text"])],
        "bad-folder": [str(tmp_path / "no" / "shot.png"), str(wrong)],
    }[case]
    env = headless_env(FACTDESK_CONFIG_DIR=str(tmp_path / "cfg"))
    one_line_error(factdesk("--screenshot", *target, env=env, timeout=60))
    assert not out.exists()
    assert wrong.read_bytes() == samples["pdf"].read_bytes()


def test_screenshot_without_display_is_quiet(tmp_path: Path) -> None:
    config = {"FACTDESK_CONFIG_DIR": str(tmp_path / "cfg")}
    env = headless_env(**config)
    project = tmp_path / "p.factdesk"
    assert factdesk_here("new", str(project), env=config, headless=True).returncode == 0
    result = factdesk("--screenshot", str(tmp_path / "w.png"), str(project), env=env)
    assert result.returncode == 0 and result.stderr == ""
    assert (tmp_path / "w.png").stat().st_size > 1000


def test_new_refuses_an_existing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    folder.mkdir()
    line = one_line_error(factdesk_here("new", str(folder)))
    assert "folder" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk"]
    assert list(folder.iterdir()) == []


def test_counts_are_plural_words_not_parentheses(tmp_path: Path, samples: dict[str, Path]) -> None:
    project = tmp_path / "p.factdesk"
    assert factdesk_here("new", str(project)).returncode == 0
    imported = factdesk_here("import", str(samples["text"]), "--project", str(project))
    assert imported.returncode == 0
    listing = factdesk_here("articles", str(project)).stdout
    # the headline ("... hours cut") reports a change, so it is a claim beside the sentence
    assert listing.startswith("1 article\n") and "[2 claims]" in listing
    assert "(s)" not in listing + factdesk_here("claims", str(project)).stdout


def test_help_mentions_the_window_and_screenshot() -> None:
    text = factdesk_here("--help").stdout
    assert "window" in text and "--screenshot OUT.png" in text


def test_binary_content_in_a_txt_file_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "p.factdesk"
    assert factdesk_here("new", str(project)).returncode == 0
    before = project.read_bytes()
    # Text with NUL bytes in it decodes as UTF-8, so it used to be imported.
    binary = tmp_path / "notes.txt"
    binary.write_bytes(b"\x00" * 10 + b"Bus fares rose by 15 percent last year. " * 40)
    line = one_line_error(factdesk_here("import", str(binary), "--project", str(project)))
    assert "binary data" in line
    one_line_error(factdesk_here("detect", str(binary)))
    assert project.read_bytes() == before


def test_missing_component_is_named_not_called_damage(
    tmp_path: Path, samples: dict[str, Path]
) -> None:
    project = tmp_path / "p.factdesk"
    assert factdesk_here("new", str(project)).returncode == 0
    # As in an environment where pip left lxml without its HTML cleaner.
    code = (
        "import sys; sys.modules['lxml_html_clean'] = None; "
        "from app.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    for article in (samples["html"], samples["markdown"]):
        result = subprocess.run(
            [sys.executable, "-c", code, "import", str(article), "--project", str(project)],
            capture_output=True,
            text=True,
            timeout=120,
            env=cli_env(),
            check=False,
        )
        line = one_line_error(result, status=1)
        assert "Factdesk is missing a component: lxml_html_clean; reinstall" in line
        assert "damaged" not in line
    result = subprocess.run(
        [sys.executable, "-c", code, "self-test"],
        capture_output=True,
        text=True,
        timeout=300,
        env=cli_env(),
        check=False,
    )
    assert result.returncode == 1
    assert "FAILED libraries installed: Factdesk is missing a component: lxml_html_clean" in (
        result.stdout
    )


def test_detect_reads_every_format_import_reads(samples: dict[str, Path]) -> None:
    for kind, path in samples.items():
        result = factdesk_here("detect", str(path), "--json")
        assert result.returncode == 0, (kind, result.stderr)
        sentences = json.loads(result.stdout)["sentences"]
        texts = " ".join(s["text"] for s in sentences)
        assert sentences, kind
        assert "<" not in texts and "**" not in texts, (kind, texts[:200])
    html = factdesk_here("detect", str(samples["html"]), "--json").stdout
    html = json.loads(html)["sentences"]
    assert any("first increase since 2019" in s["text"] for s in html)
    assert not any("Subscribe" in s["text"] for s in html)


def test_detect_keeps_plain_text_offsets(tmp_path: Path) -> None:
    path = tmp_path / "spaced.txt"
    text = "Bus  fares rose by 15 percent.\r\n\r\n\r\nRidership   fell to 2.1 million.\n"
    path.write_bytes(text.encode())
    sentences = json.loads(factdesk_here("detect", str(path), "--json").stdout)["sentences"]
    decoded = text.replace("\r\n", "\n")
    assert all(decoded[s["start"] : s["end"]] == s["text"] for s in sentences)


def test_session_home_is_isolated() -> None:
    # tests/conftest.py points HOME and the XDG folders at a scratch folder for the
    # session; subprocesses inherit it, so nothing reaches the real ~/.config.
    home = Path(os.environ["HOME"])
    assert home.parent.name.startswith("factdesk-tests-")
    code = "import app.core.paths as p; print(p.user_config_dir())"
    where = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), check=True
    ).stdout.strip()
    # The session's scratch folder (under pytest-xdist: the controller's, which holds
    # pytest's per-test folders and every worker's).
    assert any(p.name.startswith("factdesk-tests-") for p in Path(where).parents), where
