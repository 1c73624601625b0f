"""The Export dialog and the Report Preview dock (app.ui.report_dialog)."""

from __future__ import annotations

import json

import pytest

from app.ui import commands
from app.ui.report_dialog import PREVIEW_DELAY_MS, ExportDialog, open_export_dialog, open_link


def rate_first(window, n: int = 1):
    """Rate the first claim with level ``n``; returns (claim id, level label)."""
    ws = window.workspace
    claim = ws.claims_model.claims()[0]
    ws.select_claim(claim.id)
    window.edits.rate_by_number(n)
    return claim.id, window.scale.levels[n - 1].label


def export_with(qtbot, dialog: ExportDialog, fmt: str, path) -> str:
    dialog.set_format(fmt)
    dialog.path_edit.setText(str(path))
    with qtbot.waitSignal(dialog.exported, timeout=10000) as blocker:
        dialog.start_export()
    assert blocker.args == [str(path)]
    return path.read_text(encoding="utf-8")


def test_export_action_opens_the_dialog(window, qtbot):
    dialog = open_export_dialog(window)
    assert isinstance(dialog, ExportDialog)
    assert dialog.isVisible()
    assert dialog.scope_article.isEnabled()  # an article is shown
    assert dialog.path_edit.text().endswith("test-report.md")
    dialog.set_format("html")
    assert dialog.path_edit.text().endswith("test-report.html")
    dialog.reject()


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_export_markdown_and_html(window, qtbot, tmp_path, fmt):
    _claim_id, label = rate_first(window)
    dialog = ExportDialog(window, window.service, window.article_id, window.project_path)
    qtbot.addWidget(dialog)
    dialog.scope_article.setChecked(True)
    dialog.only_done.setChecked(False)
    dialog.include_unrated.setChecked(False)
    target = tmp_path / f"out.{fmt}"
    text = export_with(qtbot, dialog, fmt, target)
    assert label in text
    assert "Water bills" in text
    assert "The council said bills rose by 40 percent in 2023." in text
    # Unrated claims were left out.
    assert "The mayor will visit the plant on Friday." not in text
    if fmt == "html":
        assert text.lstrip().lower().startswith("<!doctype html")
        assert "<script" not in text.lower()
    else:
        assert text.startswith("#")
    # Written atomically: no temporary file left behind.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


def test_export_leads_with_verdicts_numbered_as_in_the_window(window, qtbot, tmp_path):
    ws = window.workspace
    third = ws.claims_model.claims()[2]
    ws.select_claim(third.id)
    window.edits.rate_by_number(2)
    dialog = ExportDialog(window, window.service, window.article_id, window.project_path)
    qtbot.addWidget(dialog)
    assert not dialog.include_unrated.isChecked()  # by default: the rated claims only
    dialog.scope_article.setChecked(True)
    text = export_with(qtbot, dialog, "markdown", tmp_path / "out.md")
    row = ws.claims_model.row_of(third.id)
    number = ws.claims_model.data(ws.claims_model.index(row, ws.claims_model.POSITION))
    assert number == "3"
    assert text.count("#### Claim ") == 1 and "#### Claim 3 — " in text


def test_export_claimreview_saves_the_organisation(window, qtbot, tmp_path):
    from app.core.settings import load_settings

    rate_first(window)
    dialog = ExportDialog(window, window.service, window.article_id, window.project_path)
    qtbot.addWidget(dialog)
    dialog.set_format("claimreview")
    assert dialog.claimreview_box.isEnabled()
    dialog.organisation.setText("Gazette Checks")
    dialog.organisation_url.setText("https://checks.example/verdicts")
    text = export_with(qtbot, dialog, "claimreview", tmp_path / "out.jsonld")
    doc = json.loads(text)
    reviews = doc["@graph"]
    assert len(reviews) == 1  # one ClaimReview per rated claim
    assert reviews[0]["@type"] == "ClaimReview"
    assert reviews[0]["author"]["name"] == "Gazette Checks"
    assert reviews[0]["url"].startswith("https://checks.example/verdicts")
    saved = load_settings()
    assert (saved.organisation, saved.organisation_url) == (
        "Gazette Checks",
        "https://checks.example/verdicts",
    )
    again = ExportDialog(window, window.service, window.article_id, window.project_path)
    qtbot.addWidget(again)
    assert again.organisation.text() == "Gazette Checks"  # prefilled from the settings


def test_export_error_is_shown(window, qtbot, tmp_path, errors):
    rate_first(window)
    dialog = ExportDialog(window, window.service, window.article_id, window.project_path)
    qtbot.addWidget(dialog)
    dialog.set_format("claimreview")
    dialog.organisation.setText("")
    dialog.organisation_url.setText("")
    dialog.path_edit.setText(str(tmp_path / "out.jsonld"))
    dialog.start_export()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10000)
    assert any("organisation" in e for e in errors)
    assert not (tmp_path / "out.jsonld").exists()
    # Refuses to overwrite the project file.
    errors.clear()
    dialog.set_format("markdown")
    dialog.path_edit.setText(window.project_path)
    dialog.start_export()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10000)
    assert any("project file" in e for e in errors)


# --- preview -----------------------------------------------------------------------------


# The preview's refresh delay in these tests: a person's pause (PREVIEW_DELAY_MS) is not
# needed to see that each change is shown and that a burst of changes builds one report.
TEST_PREVIEW_DELAY_MS = 50


def show_preview(window, qtbot):
    from app.ui.actions import ActionId

    window.report_preview.timer.setInterval(TEST_PREVIEW_DELAY_MS)
    action = window.actions_[ActionId.REPORT_PREVIEW]
    action.trigger()
    dock = window.report_preview
    qtbot.waitUntil(dock.isVisible)
    assert action.isChecked()
    return dock


def test_preview_shows_verdict_and_refreshes(window, qtbot):
    dock = show_preview(window, qtbot)
    assert not dock.browser.openLinks()
    qtbot.waitUntil(lambda: "Water bills" in dock.browser.toPlainText(), timeout=3000)
    assert "(0 rated)" in dock.browser.toPlainText()

    def shows(text):
        return text in dock.browser.toPlainText()

    _claim_id, label = rate_first(window, 1)
    qtbot.waitUntil(lambda: shows(f"Claim 1 {label}"), timeout=3000)
    _, other = rate_first(window, 5)
    assert other != label
    qtbot.waitUntil(lambda: shows(f"Claim 1 {other}"), timeout=3000)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: shows(f"Claim 1 {label}"), timeout=3000)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: shows("(0 rated)"), timeout=3000)


def test_preview_debounces(window, qtbot):
    assert window.report_preview.timer.interval() == PREVIEW_DELAY_MS  # a person's pause
    dock = show_preview(window, qtbot)
    qtbot.waitUntil(lambda: not dock.timer.isActive(), timeout=3000)
    before = dock.refreshes
    for n in (1, 2, 3, 4):
        rate_first(window, n)
    qtbot.waitUntil(lambda: dock.refreshes > before, timeout=3000)
    qtbot.wait(4 * TEST_PREVIEW_DELAY_MS)  # time for any further refresh to start
    assert dock.refreshes == before + 1


def test_preview_hostile_explanation_is_text(window, qtbot):
    dock = show_preview(window, qtbot)
    claim_id, _label = rate_first(window)
    claim = window.service.claim(claim_id)
    hostile = '<b id="bold">bold</b><script>alert(1)</script><a href="javascript:x()">go</a>'
    window.run_command(
        commands.EditClaimCommand(window.service, claim, {"explanation": hostile}, "Explain")
    )
    qtbot.waitUntil(lambda: "<script>" in dock.browser.toPlainText(), timeout=3000)
    plain = dock.browser.toPlainText()
    assert "alert(1)" in plain and '<b id="bold">' in plain
    html = dock.browser.toHtml()
    assert 'href="javascript' not in html
    assert "<script" not in html


def test_preview_links_never_open_inside(window, qtbot, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    assert open_link(QUrl("https://example.org/a"))
    assert not open_link(QUrl("javascript:alert(1)"))
    assert not open_link(QUrl("file:///etc/passwd"))
    assert [u.toString() for u in opened] == ["https://example.org/a"]


def test_preview_follows_the_article(window, qtbot, helpers):
    dock = show_preview(window, qtbot)
    text = helpers["ARTICLE"].replace("Water", "Gas")
    second = helpers["add_article"](window.service, text, title="Second piece")
    window.workspace.articles_model.set_articles(window.service.articles())
    window.show_article(second)
    window.workspace.article_chosen.emit(second)
    qtbot.waitUntil(lambda: "Second piece" in dock.browser.toPlainText(), timeout=3000)
    assert dock.article_id == second


def test_preview_is_built_off_the_gui_thread(window, qtbot, monkeypatch):
    import threading

    import app.core.reports as reports

    threads = []
    real = reports.build_report

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "build_report", recording)
    dock = show_preview(window, qtbot)
    qtbot.waitUntil(lambda: "Water bills" in dock.browser.toPlainText(), timeout=3000)
    assert threads and threading.main_thread() not in threads
