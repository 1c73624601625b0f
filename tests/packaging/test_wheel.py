"""The wheel is a complete program: every resource inside, found once installed.

Built offline from a copy of the sources (so nothing is written into the checkout) with
the environment's setuptools, installed without dependencies into a folder of its own,
and run from there with this environment's libraries. The full check (a fresh virtual
environment, dependencies from PyPI, every importer) is ``packaging/check_wheel.sh``,
run by ``.ci/run``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("app", "resources"):
        shutil.copytree(REPO / folder, src / folder, ignore=ignore)
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(out),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=src,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (built,) = out.glob("factdesk-*.whl")
    return built


def test_wheel_carries_every_resource(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    resources = [p for p in (REPO / "resources").rglob("*") if p.is_file()]
    assert resources
    missing = [
        str(p.relative_to(REPO))
        for p in resources
        if "app/resources/" + p.relative_to(REPO / "resources").as_posix() not in names
    ]
    assert missing == []
    assert not any(n.startswith(("tests/", "bench/", "scripts/")) for n in names)


def test_installed_wheel_creates_a_project_and_imports_an_article(
    wheel: Path, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    work = tmp_path / "work"
    work.mkdir()
    # The installed copy first; the libraries of this environment after it. The working
    # folder is not the checkout, so `app` can only come from the wheel.
    env = dict(
        os.environ, PYTHONPATH=str(target), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring"
    )

    def factdesk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import app, app.core.paths as p; print(app.__file__); print(p.resources_dir())",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert where[0].startswith(str(target)) and where[1].startswith(str(target)), where
    created = factdesk("new", "p.factdesk")
    assert created.returncode == 0, created.stderr
    assert "True, Mostly true, Half true, Mostly false, False" in created.stdout
    sample = target / "app" / "resources" / "samples" / "northbridge-water.txt"
    imported = factdesk("import", str(sample), "--project", "p.factdesk")
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr == ""
