"""The Export dialog and the Report Preview dock (app.ui.report_dialog)."""

from __future__ import annotations

import json

import pytest

from app.ui.report_dialog import ExportDialog, open_export_dialog


def rate_first(window, n: int = 1):
    """Rate the first claim with level ``n``; returns (claim id, level label)."""
    ws = window.workspace
    claim = ws.claims_model.claims()[0]
    ws.select_claim(claim.id)
    window.rate_by_number(n)
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
