"""Settings: the reviewer's name is asked for and then recorded with every edit."""

from __future__ import annotations

import pytest

from app.core.settings import load_settings
from app.ui import theme
from app.ui.actions import ActionId


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    folder = tmp_path / "config"
    monkeypatch.setenv("FACTDESK_CONFIG_DIR", str(folder))
    monkeypatch.delenv("FACTDESK_REVIEWER", raising=False)
    return folder


def fill(dialog, name="Ana Souza", org="Desk Check", url="https://deskcheck.example/"):
    dialog.reviewer.setText(name)
    dialog.organisation.setText(org)
    dialog.organisation_url.setText(url)
    dialog.theme.setCurrentIndex(dialog.theme.findData(theme.DARK))
    dialog.text_size.setValue(14)


def test_first_run_asks_and_the_name_is_recorded_with_edits(window, config_dir, monkeypatch):
    from app.ui import application
    from app.ui.settings_dialog import SettingsDialog

    assert application.needs_reviewer_name()
    monkeypatch.setattr(SettingsDialog, "exec", lambda self: fill(self) or self.accept() or 1)
    assert window.settings_dialog(first_run=True)
    saved = load_settings()
    assert (saved.reviewer_name, saved.organisation) == ("Ana Souza", "Desk Check")
    assert saved.organisation_url == "https://deskcheck.example/"
    assert not application.needs_reviewer_name()
    assert window.text_size == 14
    assert window.actions_[ActionId.THEME_DARK].isChecked()
    claim_id = window.workspace.current_claim_id()
    window.edits.rate_by_number(1)
    assert window.service.claim(claim_id).reviewer == "Ana Souza"


def test_a_name_is_required_and_the_address_must_be_a_web_link(window, config_dir, errors):
    from app.core.settings import Settings
    from app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window, Settings(), theme.SYSTEM, 11)
    fill(dialog, name="  ")
    dialog.accept()
    assert dialog.result() == 0 and "your name" in errors[-1]
    fill(dialog, url="javascript:alert(1)")
    dialog.accept()
    assert dialog.result() == 0 and "web link" in errors[-1]
