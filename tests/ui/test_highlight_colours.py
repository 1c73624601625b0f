"""Highlights a fact-checker can read all day: contrast, distinct verdicts, clear states."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat

from app.core.records import ClaimStatus
from app.core.scales import preset
from app.ui import colours
from app.ui.article_view import ClaimHighlighter, Span

THEMES = {"light": ("#ffffff", "#1f2328"), "dark": ("#17181b", "#e6e6e3")}
SCALES = ("five-level", "meta-style")


@pytest.fixture
def highlighter(qapp):
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    hl = ClaimHighlighter(document)
    yield hl
    del document


def tints(hl: ClaimHighlighter, scale: str, selected: bool) -> list[QColor]:
    out = []
    for level in preset(scale).levels:
        span = Span(0, 1, "x", level.colour, ClaimStatus.DONE)
        background = hl.background_for(span, selected)
        assert background is not None
        out.append(background)
    return out


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("scale", SCALES)
def test_text_on_every_tint_has_wcag_aa_contrast(highlighter, scale, theme):
    base, text = THEMES[theme]
    highlighter.set_palette(QColor(base), theme == "dark", QColor(text))
    for selected in (False, True):
        for tint in tints(highlighter, scale, selected):
            assert colours.contrast(tint, text) >= 4.5, (scale, theme, tint.name())
    unrated = highlighter.background_for(Span(0, 1, "x", None, ClaimStatus.NEW), True)
    assert unrated is not None and colours.contrast(unrated, text) >= 4.5


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("scale", SCALES)
def test_verdict_tints_stay_apart_also_with_colour_blindness(highlighter, scale, theme):
    base, text = THEMES[theme]
    highlighter.set_palette(QColor(base), theme == "dark", QColor(text))
    shown = tints(highlighter, scale, selected=False)
    for vision in (None, *colours.CVD_MATRICES):
        seen = shown if vision is None else [colours.simulate(t, vision) for t in shown]
        closest = min(colours.distance(a, b) for a, b in itertools.combinations(seen, 2))
        assert closest >= 10, (scale, theme, vision, round(closest, 1))
        page = QColor(base) if vision is None else colours.simulate(base, vision)
        assert min(colours.distance(t, page) for t in seen) >= 10  # a tint is visible


def look(hl: ClaimHighlighter, span: Span) -> tuple[object, ...]:
    fmt: QTextCharFormat = hl.format_for(span)
    painted = fmt.background().style() != Qt.BrushStyle.NoBrush
    background = fmt.background().color().name() if painted else None
    return background, fmt.underlineStyle(), fmt.foreground().color().name()


def test_each_state_of_a_claim_looks_different(highlighter):
    colour = preset("five-level").levels[4].colour
    states = {
        "new, strong": Span(0, 1, "a", None, ClaimStatus.NEW),
        "new, weak": Span(0, 1, "b", None, ClaimStatus.NEW, weak=True),
        "in review": Span(0, 1, "c", colour, ClaimStatus.IN_REVIEW),
        "done": Span(0, 1, "d", colour, ClaimStatus.DONE),
        "dismissed": Span(0, 1, "e", None, ClaimStatus.DISMISSED),
    }
    looks = {name: look(highlighter, span) for name, span in states.items()}
    assert len(set(looks.values())) == len(looks), looks
    # Unrated claims are not tinted: the tint means a verdict.
    assert looks["new, strong"][0] is None
    assert looks["done"][0] is not None
