"""The core and the models never import Qt (architecture.md: imports point ui -> core -> models)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import app.core
import app.models

REPO = Path(__file__).resolve().parent.parent


def _modules(package: object) -> list[str]:
    path = package.__path__  # type: ignore[attr-defined]
    prefix = package.__name__ + "."  # type: ignore[attr-defined]
    return sorted(m.name for m in pkgutil.walk_packages(path, prefix))


def test_core_models_and_cli_load_without_pyside6() -> None:
    modules = ["app", "app.cli", *_modules(app.core), *_modules(app.models)]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Qt was imported: {result.stdout.strip()}"
    assert len(modules) > 10
