"""The key to the article's highlights, shown above the text.

Colour means the verdict (one tint per level of the project's scale); the line under a
claim means how far its check has gone. Both are spelt out here so nobody has to guess.
"""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from app.core.records import RatingScaleInfo
from app.ui import colours


class HighlightLegend(QLabel):
    """One line: the verdict tints of the scale, then what the underlines mean."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("highlight_legend")
        self.setAccessibleName("Highlight legend")
        self.setWordWrap(True)
        self.setContentsMargins(24, 0, 24, 4)

    def show_scale(self, scale: RatingScaleInfo | None, base: QColor, text: QColor) -> None:
        chips = []
        for level in scale.levels if scale is not None else ():
            tint = colours.readable_tint(level.colour, base, text, colours.TINT).name()
            chips.append(
                f"<span style='background:{tint}; color:{text.name()}'>"
                f"&nbsp;{escape(level.label)}&nbsp;</span>"
            )
        lines = (
            "Underline: to check · dotted: weak detection · wavy: in review · "
            "no line: done · grey: dismissed"
        )
        self.setText(" ".join(chips) + ("&nbsp;&nbsp;&nbsp;" if chips else "") + lines)
        self.setAccessibleDescription(
            "Verdict colours: "
            + ", ".join(level.label for level in (scale.levels if scale else ()))
            + ". "
            + lines
        )
