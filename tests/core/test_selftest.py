"""``factdesk self-test``: every step passes on a source checkout, in-process and as a
command, and it leaves the caller's settings and keyring as it found them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import keyring

from app.core import selftest
from app.core.selftest import STEPS, StepFailed, run_self_test

REPO = Path(__file__).resolve().parents[2]


def test_every_step_passes_in_process(tmp_path: Path) -> None:
    before_keyring = keyring.get_keyring()
    before_config = os.environ.get("FACTDESK_CONFIG_DIR")
    out = io.StringIO()

    assert run_self_test(out, folder=tmp_path), out.getvalue()

    lines = out.getvalue().splitlines()
    step_lines = [line for line in lines if line.startswith(("OK", "FAILED"))]
    assert len(step_lines) == len(STEPS)
    assert all(line.startswith("OK") for line in step_lines)
    assert lines[-1].startswith("Self-test passed")
    # Set only for the self-test, then put back.
    assert keyring.get_keyring() is before_keyring
    assert os.environ.get("FACTDESK_CONFIG_DIR") == before_config


def test_a_failing_step_is_reported_and_its_dependants_skipped(tmp_path: Path, monkeypatch) -> None:
    def broken(t: selftest.SelfTest) -> str:
        raise StepFailed("made to fail")

    steps = [(name, broken if name == "sign" else action, needs) for name, action, needs in STEPS]
    monkeypatch.setattr(selftest, "STEPS", steps)
    out = io.StringIO()

    assert not run_self_test(out, folder=tmp_path)

    text = out.getvalue()
    assert "FAILED sign: made to fail" in text
    assert "FAILED verify signed project: not run (sign failed)" in text
    assert "OK     export ClaimReview" in text
    assert text.splitlines()[-1].startswith("Self-test FAILED: 4 of")


def test_command_exits_zero_and_prints_each_step(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    result = subprocess.run(
        [sys.executable, "-m", "app", "self-test"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("\nOK ") == len(STEPS)
    assert "FAILED" not in result.stdout
    assert "Traceback" not in result.stderr
