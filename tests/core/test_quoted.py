"""quoted(): one quoting style in messages, and no way for quoted text to break a line or
drive the terminal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.wording import quoted


def test_names_keep_their_own_quotes_and_apostrophes() -> None:
    assert quoted("Coastal desk") == "'Coastal desk'"
    assert quoted("Bob's desk") == "'Bob's desk'"
    assert quoted('The "harbour" plan') == "'The \"harbour\" plan'"
    assert quoted("Câmara de Lisboa — 2026") == "'Câmara de Lisboa — 2026'"


def test_line_breaks_escapes_and_bidi_overrides_are_shown_not_acted_on() -> None:
    assert quoted("two\nlines") == "'two\\nlines'"
    assert quoted("\x1b[2Jcleared") == "'\\x1b[2Jcleared'"
    assert quoted("abc\u202edef") == "'abc\\u202edef'"


@given(st.text())
def test_any_text_quotes_to_one_printable_line(text: str) -> None:
    shown = quoted(text)
    assert shown.isprintable()
    assert shown.startswith("'") and shown.endswith("'")
