"""Guard against PySide6 6.12 on CPython 3.11 corrupting None's refcount (architecture.md).

The broken combination aborts the process ("deallocating None") after a few thousand calls
of void methods; ten thousand calls here fail loudly instead of crashing users later.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QPlainTextEdit


def test_ten_thousand_void_calls_keep_none_alive(qtbot):
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    before = sys.getrefcount(None)
    for i in range(10_000):
        edit.setPlainText("x" if i % 2 else "")
        edit.update()
    # None is immortal on 3.12+; on 3.11 its count must not have drained.
    assert sys.getrefcount(None) >= min(before, 1000)
