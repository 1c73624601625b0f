"""Text offsets between Python and Qt, converted in this one place.

Python indexes a string by code point; Qt (QTextCursor, QTextBlock.position) by UTF-16
unit, where a character outside the Basic Multilingual Plane (most emoji, some symbols
and scripts) takes two units. Claims are stored with Python offsets, so every position
that crosses into or out of the article view goes through :class:`TextOffsets`.
"""

from __future__ import annotations

import bisect


class TextOffsets:
    """Converts offsets in one text. Cheap for the common text with no such characters."""

    def __init__(self, text: str) -> None:
        # Code-point offsets of the characters that take two UTF-16 units.
        self._wide = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # Where each of them ends in UTF-16 units.
        self._wide_ends = [i + n + 2 for n, i in enumerate(self._wide)]

    def to_qt(self, offset: int) -> int:
        """Python offset -> Qt position."""
        return offset + bisect.bisect_left(self._wide, offset)

    def to_python(self, position: int) -> int:
        """Qt position -> Python offset (a position inside a surrogate pair goes after it)."""
        return position - bisect.bisect_right(self._wide_ends, position)
