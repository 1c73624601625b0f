"""View settings a fact-checker sets once and expects to stay put."""

from __future__ import annotations

from app.ui import theme


def test_switching_theme_keeps_the_text_size(window):
    window.set_text_size(16)
    for choice in (theme.DARK, theme.LIGHT, theme.DARK):
        window.apply_theme(choice, store=True)
        view = window.workspace.view
        assert view.font().pointSizeF() == 16
        assert view.document().defaultFont().pointSizeF() == 16
