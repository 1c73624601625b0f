"""The claim panel's explanation preview: rendered as the reports render explanations."""

from __future__ import annotations

import threading

import pytest


@pytest.fixture
def editor(window):
    window.workspace.select_claim(window.workspace.claims_model.claims()[0].id)
    return window.workspace.editor


def _shown(qtbot, editor, words: str) -> str:
    """The preview's HTML once its text shows ``words``."""
    qtbot.waitUntil(lambda: words in editor.preview.toPlainText(), timeout=5000)
    return editor.preview.toHtml()


def test_preview_never_renders_images(qtbot, editor):
    editor.explanation.setPlainText("See ![pixel](https://tracker.example/p.gif) and **this**.")
    html = _shown(qtbot, editor, "this.")
    assert "<img" not in html
    # The image's text and address stay visible as a plain web link, as in the report.
    assert "https://tracker.example/p.gif" in html


def test_preview_renders_off_the_gui_thread_and_keeps_user_html_inert(qtbot, editor, monkeypatch):
    import app.core.reports.explanations as explanations

    threads = []
    real = explanations.explanation_html

    def recording(text):
        threads.append(threading.current_thread())
        return real(text)

    monkeypatch.setattr(explanations, "explanation_html", recording)
    editor.explanation.setPlainText("<img src=x onerror=alert(1)> <b>bold</b> *it*")
    html = _shown(qtbot, editor, "<b>bold</b>")
    assert threads and threading.main_thread() not in threads
    assert "<img" not in html.replace("&lt;img", "")
    assert "<b>" in editor.preview.toPlainText()  # shown as text, not markup


def test_preview_is_cached_by_content_and_the_newest_text_wins(qtbot, editor):
    from app.core.reports.explanations import _html

    text = "A **cached** explanation with a [link](https://ok.example/)."
    editor.explanation.setPlainText(text)
    _shown(qtbot, editor, "cached")
    before = _html.cache_info()
    editor.explanation.setPlainText("Something else entirely.")
    editor.explanation.setPlainText(text)
    _shown(qtbot, editor, "cached")
    # Every rendering asked for has come back: the stale "Something else" must not
    # have replaced it.
    tasks = editor.window().operations.tasks
    qtbot.waitUntil(lambda: not tasks, timeout=5000)
    assert "Something else" not in editor.preview.toPlainText()
    assert _html.cache_info().hits > before.hits
