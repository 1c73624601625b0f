"""Sign Project, the signature badge and its details, and Merge Project in the window."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import keyring
from keyring.backends import fail
from PySide6.QtCore import Qt

from app.core.project import ProjectService
from app.core.sharing.signing import VerifyStatus
from app.core.sharing.trust import untrust_key
from app.ui.actions import ActionId
from app.ui.merge_dialog import MergeDialog
from app.ui.sharing_dialogs import VERIFY_DELAY_MS

# The signature check starts a moment after opening (VERIFY_DELAY_MS, so that the project
# is painted first); these tests, which open projects again and again, start it sooner.
TEST_VERIFY_DELAY_MS = 10


def _verified(window, qtbot):
    window.sharing.verify_timer.setInterval(TEST_VERIFY_DELAY_MS)  # a waiting one restarts
    badge = window.sharing.badge
    qtbot.waitUntil(lambda: badge.result is not None, timeout=5000)
    return badge.result


def _reopen(window, qtbot, project: Path):
    window.close_project()
    assert window.open_project(str(project))
    return _verified(window, qtbot)


def test_unsigned_then_sign_shows_valid(window, qtbot):
    assert window.sharing.verify_timer.interval() == VERIFY_DELAY_MS  # the window's own
    badge = window.sharing.badge
    assert _verified(window, qtbot).status is VerifyStatus.UNSIGNED
    assert badge.isVisible() and badge.text() == "Unsigned"
    assert window.actions_[ActionId.SIGN_PROJECT].isEnabled()
    window.actions_[ActionId.SIGN_PROJECT].trigger()
    assert badge.result.status is VerifyStatus.VALID
    assert badge.text() == "Signature: Valid"
    assert badge.accessibleName() == "Signature state: Valid"
    dialog = window.sharing.show_details()
    assert dialog.signer.text().startswith("Tester")
    assert dialog.fingerprint.text().replace(" ", "") == badge.result.key_fingerprint
    assert dialog.signed_at.text().endswith("UTC")
    assert dialog.trust_button.isHidden()
    dialog.close()


def test_signing_without_keyring_says_so(window, qtbot, errors):
    _verified(window, qtbot)
    keyring.set_keyring(fail.Keyring())  # the autouse fixture puts the old one back
    assert not window.sharing.sign()
    assert errors and "keyring" in errors[-1]
    assert window.sharing.badge.result.status is VerifyStatus.UNSIGNED
    window.edits.rate_by_number(2)  # everything else keeps working
    assert not errors[1:]


def test_file_changed_behind_the_apps_back_names_the_claim(window, qtbot, project):
    _verified(window, qtbot)
    assert window.sharing.sign()
    window.close_project()
    with sqlite3.connect(project) as conn:
        conn.execute(
            "UPDATE claim SET wording='Bills fell by half' WHERE rowid=(SELECT min(rowid) "
            "FROM claim)"
        )
    conn.close()
    result = _reopen(window, qtbot, project)
    assert result.status is VerifyStatus.CHANGED
    badge = window.sharing.badge
    assert badge.text() == "Signature: Changed since signing"
    qtbot.mouseClick(badge, Qt.MouseButton.LeftButton)
    dialog = window.sharing.details
    assert dialog is not None and dialog.isVisible()
    items = [dialog.changed.item(i).text() for i in range(dialog.changed.count())]
    assert items == ["Claim: Bills fell by half (modified)"]
    assert dialog.trust_button.isHidden()
    dialog.close()


def test_untrusted_key_is_trusted_in_one_click(window, qtbot, project):
    _verified(window, qtbot)
    assert window.sharing.sign()
    fingerprint = window.sharing.badge.result.key_fingerprint
    assert untrust_key(fingerprint)  # as if a colleague had signed it
    result = _reopen(window, qtbot, project)
    badge = window.sharing.badge
    assert result.status is VerifyStatus.UNTRUSTED
    assert badge.text() == "Signature: Signed by an untrusted key"
    dialog = window.sharing.show_details()
    assert not dialog.trust_button.isHidden()
    assert dialog.fingerprint.text().replace(" ", "") == fingerprint
    qtbot.mouseClick(dialog.trust_button, Qt.MouseButton.LeftButton)
    assert badge.result.status is VerifyStatus.VALID
    assert dialog.verify_result.status is VerifyStatus.VALID
    assert dialog.trust_button.isHidden()
    dialog.close()


def _two_copies(window, project: Path, tmp_path: Path) -> tuple[Path, str]:
    """Their copy edits a claim's explanation and claimant; mine edits the explanation."""
    window.close_project()
    theirs = tmp_path / "theirs.factdesk"
    shutil.copy(project, theirs)
    other = ProjectService.open_file(theirs, author="Bob")
    claim = other.claims()[1]
    other.update_claim(claim.id, explanation="Bob's reasoning", claimant="Minister")
    other.close()
    assert window.open_project(str(project))
    window.service.update_claim(claim.id, explanation="My reasoning")
    return theirs, claim.id


def merge(window, qtbot, path: Path, ask):
    """Merge through the window's flow, answering the dialog with ``ask(preview)``."""
    flow = window.sharing.merging
    flow.ask = ask
    with qtbot.waitSignal(flow.finished, timeout=30000) as blocker:
        assert window.sharing.merge_file(str(path)) is not None
    return blocker.args[0]


def test_merge_conflicts_chosen_in_the_dialog_then_undone(window, qtbot, project, tmp_path, errors):
    _verified(window, qtbot)
    theirs, claim_id = _two_copies(window, project, tmp_path)
    seen = {}

    def ask(preview):
        dialog = MergeDialog(window, preview)
        qtbot.addWidget(dialog)
        (card,) = dialog.cards
        seen["title"] = card.title.text()
        dialog.all_theirs.click()
        assert set(dialog.resolution().values()) == {"theirs"}
        dialog.all_mine.click()
        assert set(dialog.resolution().values()) == {"mine"}
        card.theirs.click()  # per conflict: taking theirs leaves mine
        assert not card.mine.isChecked()
        return dialog.resolution()

    command = merge(window, qtbot, theirs, ask)
    assert command is not None
    # Named as the list names it: its number there and its text.
    model = window.workspace.claims_model
    number = model.data(model.index(model.row_of(claim_id), model.POSITION))
    name = f"Claim #{number} 'Officials blamed the new treatment plant for the rise.'"
    assert seen["title"] == f"{name} — Verdict"
    merged = window.service.claim(claim_id)
    assert (merged.explanation, merged.claimant) == ("Bob's reasoning", "Minister")
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText().startswith("Merge")
    shown = window.workspace.claims_model.claim(claim_id)
    assert shown is not None and shown.claimant == "Minister"  # the views were refreshed
    # What merged and how the conflict was decided is said afterwards.
    said = errors[-1]
    assert said.startswith("Merged theirs.factdesk:")
    assert f"{name} — Verdict: took theirs (Bob's)" in said
    assert "Merged automatically:" in said and ": Claimant " in said and "→ Minister" in said

    window.undo_stack.undo()
    back = window.service.claim(claim_id)
    assert back.explanation == "My reasoning" and back.claimant != "Minister"
    assert window.workspace.claims_model.claim(claim_id).claimant != "Minister"

    window.undo_stack.redo()
    again = window.service.claim(claim_id)
    assert (again.explanation, again.claimant) == ("Bob's reasoning", "Minister")


def test_merge_cancelled_changes_nothing(window, qtbot, project, tmp_path):
    _verified(window, qtbot)
    theirs, claim_id = _two_copies(window, project, tmp_path)
    assert merge(window, qtbot, theirs, lambda preview: None) is None
    assert window.service.claim(claim_id).explanation == "My reasoning"
    assert window.undo_stack.count() == 0
    assert "Merge cancelled" in window.statusBar().currentMessage()


def test_merging_a_broken_file_is_an_error(window, qtbot, tmp_path, errors):
    _verified(window, qtbot)
    bad = tmp_path / "bad.factdesk"
    bad.write_bytes(b"not a project at all" * 100)
    before = bad.read_bytes()
    assert merge(window, qtbot, bad, lambda preview: {}) is None
    assert errors and "bad.factdesk" in errors[-1]
    assert bad.read_bytes() == before


def test_read_only_project_cannot_be_signed_or_merged_into(window, qtbot, project):
    _verified(window, qtbot)
    window.close_project()
    project.chmod(0o444)
    try:
        assert window.open_project(str(project))
        assert window.read_only
        assert not window.actions_[ActionId.SIGN_PROJECT].isEnabled()
        assert not window.actions_[ActionId.MERGE_PROJECT].isEnabled()
        assert _verified(window, qtbot).status is VerifyStatus.UNSIGNED
    finally:
        window.close_project()
        project.chmod(0o644)
    assert not window.sharing.badge.isVisible()


def test_title_and_open_recent_name_the_trusted_signer(window, qtbot, project, tmp_path):
    """Two copies called the same, one signed by a key I trust: the title and File › Open
    Recent say who signed it, under the name I trusted the key under."""
    _verified(window, qtbot)
    assert window.sharing.sign()  # my own key is trusted under my name, "Tester"
    assert "signed by Tester" in window.windowTitle()
    other = tmp_path / "inbox" / Path(project).name
    other.parent.mkdir()
    ProjectService.create_file(other, author="Ben").close()
    assert window.open_project(str(other))
    assert _verified(window, qtbot).status is VerifyStatus.UNSIGNED
    assert "signed by" not in window.windowTitle()
    window.on_recent_menu_about_to_show()
    texts = [a.text() for a in window.recent_menu.actions()]
    signed = [t for t in texts if "signed by Tester" in t]
    assert len(texts) == 2 and len(signed) == 1 and "inbox" not in signed[0]
    # Changed behind the app's back: the title no longer vouches for the signer.
    window.close_project()
    with sqlite3.connect(project) as conn:
        conn.execute(
            "UPDATE claim SET wording='Bills fell' WHERE rowid=(SELECT min(rowid) FROM claim)"
        )
    conn.close()
    assert _reopen(window, qtbot, project).status is VerifyStatus.CHANGED
    assert "signed by" not in window.windowTitle()
