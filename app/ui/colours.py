"""Colour arithmetic for highlights: pure functions, no widgets.

Rating colours in a scale are saturated (they are also used for badges in reports), so
the article view paints a tint of them behind the text, blended over the page colour,
to keep the words readable in both light and dark themes.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

NEUTRAL_LIGHT = "#8fa6c4"  # unrated claims: a calm blue-grey, not a verdict colour
NEUTRAL_DARK = "#6b85a8"
TINT = 0.28  # share of the level colour in a claim's background
TINT_SELECTED = 0.6  # the selected claim stands out from its neighbours
TINT_DISMISSED = 0.0


def blend(colour: QColor | str, base: QColor | str, share: float) -> QColor:
    """``share`` of ``colour`` over ``base`` (an opaque result so screenshots can find it)."""
    top, bottom = QColor(colour), QColor(base)
    return QColor(
        round(top.red() * share + bottom.red() * (1 - share)),
        round(top.green() * share + bottom.green() * (1 - share)),
        round(top.blue() * share + bottom.blue() * (1 - share)),
    )


def is_dark(colour: QColor) -> bool:
    return colour.lightnessF() < 0.5


def readable_text_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background`` (for rating chips)."""
    luminance = 0.299 * background.redF() + 0.587 * background.greenF() + 0.114 * background.blueF()
    return QColor("#000000") if luminance > 0.55 else QColor("#ffffff")
