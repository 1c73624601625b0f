"""Colour arithmetic for highlights: pure functions, no widgets.

A claim's verdict shows as a tint of its level's colour behind the text. Two promises
are kept here and checked by tests for every preset scale, in both themes:

* text stays readable: at least 4.5:1 contrast with the tint (WCAG 2 level AA), because
  :func:`readable_tint` weakens a tint until it is;
* verdicts stay apart at a glance, also for the most common colour-vision deficiencies:
  :func:`distance` (CIE76 ΔE in CIELAB) between tints, after :func:`simulate` with the
  Machado, Oliveira and Fernandes (2009) matrices at full severity.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

NEUTRAL_LIGHT = "#4a6788"  # unrated claims' underline: a calm slate blue, not a verdict
NEUTRAL_DARK = "#8fa9c8"
TINT = 0.45  # share of the level colour in a rated claim's background
TINT_SELECTED = 0.7  # the selected claim stands out (weakened if text would suffer)
MIN_TEXT_CONTRAST = 4.5  # WCAG 2, level AA, normal text

# Linear-RGB matrices of Machado et al. (2009), severity 1.0.
CVD_MATRICES: dict[str, tuple[tuple[float, float, float], ...]] = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def blend(colour: QColor | str, base: QColor | str, share: float) -> QColor:
    """``share`` of ``colour`` over ``base`` (an opaque result so screenshots can find it)."""
    top, bottom = QColor(colour), QColor(base)
    return QColor(
        round(top.red() * share + bottom.red() * (1 - share)),
        round(top.green() * share + bottom.green() * (1 - share)),
        round(top.blue() * share + bottom.blue() * (1 - share)),
    )


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _encoded(channel: float) -> float:
    channel = min(1.0, max(0.0, channel))
    return 12.92 * channel if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def _linear_rgb(colour: QColor | str) -> tuple[float, float, float]:
    c = QColor(colour)
    return _linear(c.redF()), _linear(c.greenF()), _linear(c.blueF())


def luminance(colour: QColor | str) -> float:
    """WCAG 2 relative luminance."""
    r, g, b = _linear_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor | str, b: QColor | str) -> float:
    """WCAG 2 contrast ratio, from 1 (none) to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_tint(
    colour: QColor | str, base: QColor | str, text: QColor | str, share: float
) -> QColor:
    """The strongest tint up to ``share`` on which ``text`` keeps 4.5:1 contrast."""
    while share > 0.05:
        tint = blend(colour, base, share)
        if contrast(tint, text) >= MIN_TEXT_CONTRAST:
            return tint
        share -= 0.05
    return QColor(base)


def simulate(colour: QColor | str, deficiency: str) -> QColor:
    """How ``colour`` looks with a colour-vision deficiency (see CVD_MATRICES)."""
    rgb = _linear_rgb(colour)
    rows = CVD_MATRICES[deficiency]
    out = [_encoded(sum(m * v for m, v in zip(row, rgb, strict=True))) for row in rows]
    return QColor.fromRgbF(*out)


def _lab(colour: QColor | str) -> tuple[float, float, float]:
    r, g, b = _linear_rgb(colour)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def distance(a: QColor | str, b: QColor | str) -> float:
    """CIE76 ΔE: about 2.3 is just noticeable; above 10 colours read as different."""
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b), strict=True)) ** 0.5
