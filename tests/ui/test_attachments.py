"""Evidence files: open, save out and remove them; never pass on a changed file."""

from __future__ import annotations

import sqlite3

from app.core.records import Stance


def add_evidence_with_file(window, tmp_path):
    claim = window.workspace.current_claim()
    source = tmp_path / "minutes.pdf"
    source.write_bytes(b"%PDF-1.4 council minutes, 12 March\n")
    dialog = window.edits.evidence_dialog(claim.id)
    dialog.url.setText("https://example.org/minutes")
    dialog.attach_path(str(source))
    dialog.accept()
    evidence = window.service.claim(claim.id).evidence[0]
    return claim, evidence, source


def test_new_evidence_starts_as_context(window):
    dialog = window.edits.evidence_dialog(window.workspace.current_claim_id())
    assert dialog.stance.currentData() == Stance.CONTEXT.value


def test_save_as_writes_the_attached_bytes(window, tmp_path, monkeypatch):
    _claim, evidence, source = add_evidence_with_file(window, tmp_path)
    target = tmp_path / "out" / "copy.pdf"
    target.parent.mkdir()
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog = window.edits.evidence_dialog(_claim.id, evidence.id)
    assert dialog.save_file_button.isEnabled()
    dialog.save_file_button.click()
    assert target.read_bytes() == source.read_bytes()


def test_a_changed_file_is_neither_opened_nor_saved(window, tmp_path, monkeypatch, errors):
    claim, evidence, _source = add_evidence_with_file(window, tmp_path)
    with sqlite3.connect(window.project_path) as conn:
        conn.execute("UPDATE attachment SET data = ?", (b"%PDF-1.4 doctored minutes\n",))
    opened: list[object] = []
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog = window.edits.evidence_dialog(claim.id, evidence.id)
    dialog.open_file_button.click()
    assert opened == []
    assert errors and "does not match the SHA-256" in errors[-1]


def test_remove_file_is_undoable(window, tmp_path):
    claim, evidence, _source = add_evidence_with_file(window, tmp_path)
    assert evidence.attachment is not None
    dialog = window.edits.evidence_dialog(claim.id, evidence.id)
    dialog.remove_file_button.click()
    dialog.accept()
    assert window.service.evidence(evidence.id).attachment is None
    window.undo_stack.undo()
    assert window.service.evidence(evidence.id).attachment is not None
