"""The merge dialog tells what a merge will do before it is made, and merging keeps the
window responsive (issue 16, point 8 and the merge part of point 6).

Before: the dialog showed internal field names ("rating id"), cut values to one line,
named nobody and no time, never showed the incoming file's signature and did not list
what merged by itself; merging ran on the GUI thread.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from app.core.known_files import remember_clean_close
from app.core.project import ProjectService
from app.core.sharing.merge.preview import preview_merge
from app.core.sharing.signing import sign_project
from app.core.sharing.trust import trust_key
from app.ui.merge_dialog import MergeDialog, local_time
from tests.support.isolation import settings_of_its_own

LONG = (
    "The utility's own annual report shows bills rose 38 percent, not 40; the council "
    "rounded up. The treatment plant opened in March, so only nine months of its costs "
    "are in the 2023 figure, which the council's statement leaves out entirely."
)


def _copies(
    project: Path, tmp_path: Path, *, sign: str | None = None, name: str = "bob.factdesk"
) -> tuple[Path, list]:
    """Bob's copy: a long explanation and a rating on claim 2 (I rate it too), evidence
    and a rating on claim 3 (mine untouched). ``sign``: Bob signs, and I trust his key
    under that name."""
    theirs = tmp_path / name
    shutil.copy(project, theirs)
    bob = ProjectService.open_file(theirs, author="Bob")
    claims = bob.claims()
    bob.update_claim(claims[1].id, explanation=LONG)
    bob.set_rating(claims[1].id, "Mostly true")
    bob.set_rating(claims[2].id, "False")
    bob.add_evidence(claims[2].id, url="https://example.org/r", title="Plant annual report")
    if sign is not None:
        info = sign_project(bob, trust_own_key=False)
        trust_key(info.key_fingerprint, sign)
    bob.close()
    return theirs, claims


def _preview(project: Path, theirs: Path, claims: list):
    """The merge preview of ``theirs`` into ``project``, where I rated claim 2 "True"."""
    mine = ProjectService.open_file(project, author="Ann")
    mine.set_rating(claims[1].id, "True")
    try:
        return preview_merge(mine, theirs)
    finally:
        mine.close()


def _dialog(qtbot, project: Path, theirs: Path, claims: list, *, shown: bool = False):
    """The merge dialog for ``theirs`` into ``project``, where I rated claim 2 "True"."""
    dialog = MergeDialog(None, _preview(project, theirs, claims), str(project))
    qtbot.addWidget(dialog)
    if shown:
        dialog.show()
        qtbot.waitExposed(dialog)
    return dialog


def _texts(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel)]


def test_signer_is_shown_first_under_the_name_trusted(qtbot, project, tmp_path):
    theirs, claims = _copies(project, tmp_path, sign="Bob Okafor")
    dialog = _dialog(qtbot, project, theirs, claims)
    layout = dialog.layout()
    assert layout.itemAt(0).widget().objectName() == "merge_signature"  # before anything
    state = dialog.signature_headline.text()
    assert state == "Signed by Bob Okafor (the file calls the signer Bob)"
    assert "Unchanged since it was signed" in dialog.signature_detail.text()


def test_the_claimed_name_is_not_repeated_when_it_is_the_trusted_one(qtbot, project, tmp_path):
    theirs, claims = _copies(project, tmp_path, sign="Bob")
    dialog = _dialog(qtbot, project, theirs, claims)
    assert dialog.signature_headline.text() == "Signed by Bob"


def test_unsigned_removed_and_changed_signatures_are_said(qtbot, project, tmp_path):
    theirs, claims = _copies(project, tmp_path)
    assert _dialog(qtbot, project, theirs, claims).signature_headline.text() == "Not signed"

    theirs, claims = _copies(project, tmp_path, sign="Bob", name="signed.factdesk")
    with sqlite3.connect(theirs) as conn:
        conn.execute(
            "UPDATE claim SET wording='Bills fell by half' WHERE rowid=(SELECT min(rowid) "
            "FROM claim)"
        )
    conn.close()
    dialog = _dialog(qtbot, project, theirs, claims)
    assert dialog.signature_headline.text() == "Changed after signing: signed by Bob"
    assert "Bills fell by half" in dialog.signature_detail.text()
    assert not dialog.merge_button.isDefault()  # Enter does not merge it

    with sqlite3.connect(theirs) as conn:
        conn.execute("DELETE FROM signature")
    conn.close()
    dialog = _dialog(qtbot, project, theirs, claims)
    assert dialog.signature_headline.text() == "Signature removed"
    assert "Bob" in dialog.signature_detail.text()


def test_conflicts_side_by_side_in_full_with_plain_names_and_who_when(qtbot, project, tmp_path):
    theirs, claims = _copies(project, tmp_path, sign="Bob")
    dialog = _dialog(qtbot, project, theirs, claims)
    (card,) = dialog.cards
    assert card.title.text() == (
        "Claim #2 'Officials blamed the new treatment plant for the rise.' — Verdict"
    )
    mine_values = _texts(card.findChild(QWidget, "conflict_mine_values"))
    theirs_values = _texts(card.findChild(QWidget, "conflict_theirs_values"))
    # Rating moved the claim to "In review" on both sides.
    assert mine_values == ["Status:", "In review", "Rating:", "True", "Explanation:", "(empty)"]
    assert theirs_values == [
        "Status:", "In review", "Rating:", "Mostly true", "Explanation:", LONG,
    ]  # fmt: skip
    assert not any("rating id" in t.lower() or "rating_id" in t for t in _texts(dialog))
    explanation = next(lb for lb in card.findChildren(QLabel) if lb.text() == LONG)
    assert explanation.wordWrap()  # wrapped, not cut to one line
    mine_who = card.findChild(QLabel, "conflict_mine_who").text()
    theirs_who = card.findChild(QLabel, "conflict_theirs_who").text()
    assert mine_who.startswith("Mine: changed by Ann, ")
    assert theirs_who.startswith("Theirs: changed by Bob, ")
    # In the reader's local time, as "3 Dec 2026, 14:05".
    assert card.conflict.theirs_edit is not None
    assert theirs_who.endswith(local_time(card.conflict.theirs_edit.at))


def test_the_automatic_changes_are_listed_in_plain_words(qtbot, project, tmp_path):
    theirs, claims = _copies(project, tmp_path, sign="Bob")
    dialog = _dialog(qtbot, project, theirs, claims)
    items = dialog.change_lines()
    third = "claim #3 'The mayor will visit the plant on Friday.'"
    assert f"Added: Evidence 'Plant annual report' on {third}" in items
    assert f"C{third[1:]}: Rating Unrated → False (rated by Bob)" in items
    assert f"C{third[1:]}: Status New → In review" in items  # rating it moved it
    added = sum(t.startswith("Added: ") for t in items)  # the evidence, and Bob as a reviewer
    assert added == 2 and "Added: Reviewer 'Bob'" in items
    assert dialog.changes_label.text() == "Merged automatically: 2 added, 2 changed."


@pytest.fixture(scope="module")
def big_built(tmp_path_factory: pytest.TempPathFactory, built_project: Path, helpers) -> Path:
    """Bob's copy of the module's project with a 2,000-claim article: reading and merging
    it takes a while. Built once per module; each test merges its own copy (_big_copy)."""
    folder = tmp_path_factory.mktemp("big")
    theirs = folder / "big.factdesk"
    with settings_of_its_own(folder):
        shutil.copy(built_project, theirs)
        bob = ProjectService.open_file(theirs, author="Bob")
        text = "Big report\n\n" + "\n\n".join(
            f"Claim number {i} says bills rose by {i} percent in {2000 + i % 20}."
            for i in range(2000)
        )
        helpers["add_article"](bob, text + "\n", title="Big report")
        bob.close()
    return theirs


def _big_copy(big_built: Path, tmp_path: Path) -> Path:
    """This test's own copy of Bob's big file (no test sees another's merge)."""
    theirs = tmp_path / "big.factdesk"
    shutil.copy(big_built, theirs)
    remember_clean_close(theirs)  # as when the test built it: closed cleanly here
    return theirs


def test_a_large_merge_runs_in_the_runner_and_the_window_stays_responsive(
    window, qtbot, project, tmp_path, big_built, errors
):
    theirs = _big_copy(big_built, tmp_path)
    ticks: list[bool] = []  # per timer tick: was the file being read and compared?
    reading: list = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(any(t in window.operations.tasks for t in reading)))
    timer.start()
    flow = window.sharing.merging
    flow.ask = lambda preview: {}
    with qtbot.waitSignal(flow.finished, timeout=60000) as blocker:
        task = window.sharing.merge_file(str(theirs))
        assert task in window.operations.tasks  # on the runner, not the GUI thread
        reading.append(task)
        # One merge at a time.
        assert not window.sharing.merge_action.isEnabled()
        assert window.sharing.merge_file(str(theirs)) is None
    timer.stop()
    assert blocker.args[0] is not None
    assert ticks.count(True) >= 5  # the event loop ran while the merge was being made
    assert len(window.service.claims()) > 2000
    assert window.undo_stack.count() == 1
    assert window.sharing.merge_action.isEnabled()


def test_closing_the_window_during_a_merge_never_raises(
    window, qtbot, project, tmp_path, big_built, errors
):
    theirs = _big_copy(big_built, tmp_path)
    flow = window.sharing.merging
    flow.ask = lambda preview: {}
    assert window.sharing.merge_file(str(theirs)) is not None
    qtbot.wait(50)
    # pytest-qt fails the test on any exception raised in a slot, up to the merge's
    # last one: every way a merge ends (done, cancelled, failed) says it is finished.
    with qtbot.waitSignal(flow.finished, timeout=60000) as blocker:
        window.close()
    assert blocker.args[0] is None  # nothing merged into a closed project
    assert window.service is None
    assert not errors


def test_closing_the_window_while_the_merge_is_written_never_raises(
    window, qtbot, project, tmp_path, big_built, errors
):
    theirs = _big_copy(big_built, tmp_path)
    flow = window.sharing.merging

    def ask(_preview):
        QTimer.singleShot(20, window.close)  # while the merge is being written
        return {}

    flow.ask = ask
    with qtbot.waitSignal(flow.finished, timeout=60000) as blocker:
        window.sharing.merge_file(str(theirs))
    assert blocker.args[0] is None and window.service is None
    assert not errors
    # The merge was one transaction: it completed before the project was closed.
    reopened = ProjectService.open_file(project, author="Ann")
    try:
        assert len(reopened.claims()) > 2000
    finally:
        reopened.close()


def test_cancelling_while_the_file_is_read_merges_nothing(
    window, qtbot, project, tmp_path, big_built, errors
):
    theirs = _big_copy(big_built, tmp_path)
    before = len(window.service.claims())
    flow = window.sharing.merging
    asked: list[object] = []
    flow.ask = asked.append
    with qtbot.waitSignal(flow.finished, timeout=60000) as blocker:
        task = window.sharing.merge_file(str(theirs))
        task.cancel()  # what the progress dialog's Cancel does
    assert blocker.args[0] is None and not asked
    assert "Merge cancelled" in window.statusBar().currentMessage()
    assert len(window.service.claims()) == before and window.undo_stack.count() == 0


def test_hundreds_of_conflicts_are_shown_a_page_at_a_time_and_all_decided(qtbot, project, tmp_path):
    from dataclasses import replace

    from app.ui.merge_dialog import CARDS_PER_PAGE

    theirs, claims = _copies(project, tmp_path, sign="Bob")
    preview = _preview(project, theirs, claims)
    (one,) = preview.plan.conflicts
    many = [replace(one, record_id=f"{one.record_id}-{i}") for i in range(120)]
    preview = replace(preview, plan=replace(preview.plan, conflicts=many))
    dialog = MergeDialog(None, preview)
    qtbot.addWidget(dialog)
    assert len(dialog.cards) == CARDS_PER_PAGE and not dialog.more.isHidden()
    dialog.all_theirs.click()
    decided = dialog.resolution()
    assert len(decided) == 120 and set(decided.values()) == {"theirs"}
    dialog.more.click()
    dialog.more.click()
    assert len(dialog.cards) == 120 and dialog.more.isHidden()
    assert all(card.side() == "theirs" for card in dialog.cards)


def test_the_real_dialog_asks_then_merges_what_was_chosen(window, qtbot, project, tmp_path):
    window.close_project()
    theirs, claims = _copies(project, tmp_path, sign="Bob")
    assert window.open_project(str(project))
    window.service.set_rating(claims[1].id, "True")
    flow = window.sharing.merging
    seen: dict[str, str] = {}

    def answer() -> None:
        dialog = flow.dialog
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, answer)
            return
        seen["signer"] = dialog.signature_headline.text()
        dialog.all_theirs.click()
        dialog.merge_button.click()

    QTimer.singleShot(20, answer)
    with qtbot.waitSignal(flow.finished, timeout=30000) as blocker:
        window.sharing.merge_file(str(theirs))
    assert blocker.args[0] is not None
    assert seen["signer"] == "Signed by Bob"
    merged = window.service.claim(claims[1].id)
    assert merged.rating_label == "Mostly true" and merged.explanation == LONG
    assert flow.dialog is None  # closed and let go
