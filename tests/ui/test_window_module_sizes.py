"""Issue 16: the window is split into small modules; none of them grows past 500 lines."""

from __future__ import annotations

from pathlib import Path

import app.ui

LIMIT = 500


def test_no_window_module_exceeds_500_lines() -> None:
    folder = Path(app.ui.__file__).parent
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in folder.glob("*.py")}
    assert sizes["main_window.py"] <= LIMIT
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}
