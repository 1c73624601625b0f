"""Highlights and hand-marked claims land on the right characters in any Unicode text.

Python counts code points, Qt counts UTF-16 units: an emoji before a claim shifted every
highlight after it by one unit per emoji.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor

from app.core.project import ProjectService
from app.ui.text_offsets import TextOffsets

TEXT = (
    "Flood warning 🌊🌊 issued\n"
    "\n"
    "Residents 👩‍👩‍👧 were told at 6pm. The river rose by 2.4 metres in 24 hours. "
    "𝐁𝐨𝐥𝐝 lettering said 300 homes were at risk.\n"
)


@pytest.fixture
def emoji_project(tmp_path: Path, helpers) -> Path:
    path = tmp_path / "emoji.factdesk"
    service = ProjectService.create_file(path, author="Tester")
    helpers["add_article"](service, TEXT, "Flood")
    service.close()
    return path


@pytest.fixture
def emoji_window(qtbot, qsettings, emoji_project, errors):
    from app.ui.main_window import MainWindow

    win = MainWindow(qsettings, "Tester")
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    assert win.open_project(str(emoji_project))
    yield win
    win.close_project()


def background_at(view, position: int) -> str | None:
    block = view.document().findBlock(position)
    offset = position - block.position()
    for fr in block.layout().formats():
        if fr.start <= offset < fr.start + fr.length and fr.format.background().style() != 0:
            return fr.format.background().color().name()
    return None


def test_offsets_convert_both_ways_around_wide_characters() -> None:
    offsets = TextOffsets(TEXT)
    for i in range(len(TEXT) + 1):
        qt = len(TEXT[:i].encode("utf-16-le")) // 2
        assert offsets.to_qt(i) == qt
        assert offsets.to_python(qt) == i


def test_highlights_cover_exactly_the_claims_after_emoji(emoji_window) -> None:
    view = emoji_window.workspace.view
    document_text = view.document().toPlainText()
    for claim in emoji_window.workspace.claims_model.claims():
        qt_start = view.offsets.to_qt(claim.start)
        qt_end = view.offsets.to_qt(claim.end)
        # What Qt shows in the highlighted range is the claim's own quote.
        cursor = QTextCursor(view.document())
        cursor.setPosition(qt_start)
        cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == claim.quote
        assert background_at(view, qt_start) is not None
        assert background_at(view, qt_end - 1) is not None
    assert "🌊" in document_text


def test_marking_by_hand_after_emoji_takes_the_selected_words(emoji_window) -> None:
    ws = emoji_window.workspace
    view = ws.view
    words = "300 homes"
    start = TEXT.index(words)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(start))
    cursor.setPosition(view.offsets.to_qt(start + len(words)), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert cursor.selectedText() == words
    emoji_window.edits.mark_selection()
    claim = emoji_window.service.claim(ws.current_claim_id())
    assert claim.quote == words
    assert (claim.start, claim.end) == (start, start + len(words))
