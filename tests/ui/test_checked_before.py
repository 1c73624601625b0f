"""The "Checked before" panel: background matching, reuse (undoable), "not the same"."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtGui import QUndoStack

from app.core.matching import LibraryStore, ReviewItem
from app.core.matching.rank import Match
from app.core.project import ProjectService
from app.ui.checked_before import START_DELAY_MS

REWORDED = ReviewItem(
    claim="Water bills in the city went up 40% in 2023, the council says.",
    id="gz-1",
    title="Did water bills really rise 40 percent?",
    rating="False",
    publisher="Gazette Checks",
    date="2024-02-01",
    url="https://checks.example/gz-1",
)
OTHER = ReviewItem(
    claim="The new treatment plant caused the rise in water bills.",
    id="gz-2",
    rating="Half true",
    publisher="Gazette Checks",
    date="2024-02-03",
    url="https://checks.example/gz-2",
)
UNRELATED = ReviewItem(claim="Lemon juice cures the common cold.", id="gz-3", rating="False")


@pytest.fixture
def library() -> LibraryStore:
    """The user's library (the default file, in the test's own data folder)."""
    store = LibraryStore.open_file()
    store.add_items([REWORDED, OTHER, UNRELATED])
    yield store
    store.close()


# Matching starts a moment after an article is shown (START_DELAY_MS, a person's pace);
# these tests start it sooner.
TEST_START_DELAY_MS = 20


def wait_for_matches(window, qtbot) -> None:
    controller = window.checked_before
    controller.timer.setInterval(TEST_START_DELAY_MS)  # a waiting start restarts with it
    qtbot.waitUntil(
        lambda: not controller.busy() and bool(controller.results),
        timeout=20000,
    )


def claim_with(window, phrase: str):
    return next(c for c in window.workspace.claims_model.claims() if phrase in c.quote)


def test_matches_show_in_the_panel_and_mark_the_article(library, window, qtbot) -> None:
    assert window.checked_before.timer.interval() == START_DELAY_MS  # the window's own
    wait_for_matches(window, qtbot)
    claim = claim_with(window, "bills rose by 40 percent in 2023")
    window.workspace.select_claim(claim.id)
    panel = window.checked_before.widget
    assert panel.list.count() >= 1
    first = panel.list.item(0).text()
    assert first.startswith("likely the same claim")
    assert "False · Gazette Checks · 2024-02-01" in first
    assert "checks.example/gz-1" in panel.detail.toHtml()
    assert claim.quote in panel.detail.toPlainText()  # side by side with this claim
    assert claim.id in window.checked_before.likely_claims()
    marks = window.checked_before.marks
    assert marks.positions(), "the article view marks the claim with a likely match"
    window.workspace.view.verticalScrollBar().setValue(40)  # scrolling keeps it in place
    assert marks.isVisible() and marks.geometry() == window.workspace.view.viewport().rect()
    rain = claim_with(window, "Rain was light")
    assert rain.id not in window.checked_before.likely_claims()


def test_reuse_verdict_adds_evidence_and_rating_then_undo(library, window, qtbot) -> None:
    wait_for_matches(window, qtbot)
    claim = claim_with(window, "bills rose by 40 percent in 2023")
    window.workspace.select_claim(claim.id)
    panel = window.checked_before.widget
    panel.list.setCurrentRow(0)
    panel.reuse_button.click()
    after = window.service.claim(claim.id)
    assert after.rating_label == "False"
    (evidence,) = after.evidence
    assert evidence.url == "https://checks.example/gz-1"
    assert evidence.publisher == "Gazette Checks"
    assert "2024-02-01" in evidence.note and "False" in evidence.note
    assert window.workspace.editor.claim.rating_label == "False"  # the panel shows it
    window.undo_stack.undo()
    undone = window.service.claim(claim.id)
    assert undone.rating_label is None and undone.evidence == ()
    window.undo_stack.redo()
    assert window.service.claim(claim.id).rating_label == "False"


def test_not_the_same_claim_is_never_proposed_again(library, window, qtbot, project) -> None:
    wait_for_matches(window, qtbot)
    claim = claim_with(window, "bills rose by 40 percent in 2023")
    window.workspace.select_claim(claim.id)
    panel = window.checked_before.widget
    ids = [m.item.id for m in panel.matches]
    assert "gz-1" in ids
    panel.list.setCurrentRow(ids.index("gz-1"))
    panel.not_same_button.click()
    assert "gz-1" not in [m.item.id for m in panel.matches]
    # Remembered in the library: matching the article again leaves it out.
    window.close_project()
    assert window.open_project(str(project))
    wait_for_matches(window, qtbot)
    window.workspace.select_claim(claim.id)
    assert "gz-1" not in [m.item.id for m in window.checked_before.widget.matches]
    assert library.dismissed([claim.id]) == {claim.id: {"gz-1"}}


def test_a_long_article_is_matched_off_the_gui_thread(
    library, qtbot, qsettings, tmp_path, errors, helpers, monkeypatch
) -> None:
    from app.core.matching import service as matching_service
    from app.ui.main_window import MainWindow

    text = "Long article\n\n" + " ".join(
        f"Water bills rose by {n} percent in district {n} last year." for n in range(80)
    )
    path = tmp_path / "long.factdesk"
    svc = ProjectService.create_file(path, author="Tester")
    helpers["add_article"](svc, text, title="Long")
    svc.close()
    threads: list[threading.Thread] = []
    original = matching_service.ProjectMatcher.match_claims

    def spy(self, claims, **kwargs):
        threads.append(threading.current_thread())
        return original(self, claims, **kwargs)

    monkeypatch.setattr(matching_service.ProjectMatcher, "match_claims", spy)
    win = MainWindow(qsettings, "Tester")
    qtbot.addWidget(win)
    win.show()
    assert win.open_project(str(path))
    assert not win.checked_before.results  # the window is back before matching ends
    wait_for_matches(win, qtbot)
    assert threads and threads[0] is not threading.main_thread()
    assert len(win.checked_before.results) == 80
    win.close_project()


def test_reuse_command_on_a_bare_stack(library, service) -> None:
    claim = next(c for c in service.claims() if "40 percent in 2023" in c.quote)
    from app.ui.checked_before import ReuseVerdictCommand
    from app.ui.commands import push

    stack = QUndoStack()
    push(stack, ReuseVerdictCommand(service, claim, Match(OTHER, 0.4)))
    rated = service.claim(claim.id)
    assert rated.rating_label == "Half true" and len(rated.evidence) == 1
    stack.undo()
    assert service.claim(claim.id).rating_label is None
    assert service.claim(claim.id).evidence == ()


def test_an_unknown_rating_adds_evidence_without_changing_the_rating(service) -> None:
    claim = next(c for c in service.claims() if "40 percent in 2023" in c.quote)
    from app.ui.checked_before import ReuseVerdictCommand
    from app.ui.commands import push

    odd = ReviewItem(claim="x", id="o", rating="Four Pinocchios", url="https://c.example/o")
    stack = QUndoStack()
    push(stack, ReuseVerdictCommand(service, claim, Match(odd, 0.9)))
    after = service.claim(claim.id)
    assert after.rating_label is None and after.evidence[0].url == "https://c.example/o"


def test_fact_checks_imported_from_the_window_are_matched(window, qtbot, tmp_path) -> None:
    """File > Import Fact-Checks: a ClaimReview file, on a worker; the article is re-matched."""
    import json

    feed = tmp_path / "gazette-checks.json"
    feed.write_text(
        json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "claimReviewed": "Water bills in the city went up 40% in 2023, the council says.",
                "url": "https://checks.example/gz-9",
                "datePublished": "2024-02-01",
                "author": {"@type": "Organization", "name": "Gazette Checks"},
                "reviewRating": {"@type": "Rating", "alternateName": "False"},
            }
        ),
        encoding="utf-8",
    )
    task = window.checked_before.import_files([feed])
    qtbot.waitUntil(lambda: task not in window.tasks, timeout=20000)
    assert "1 new" in window.statusBar().currentMessage()
    wait_for_matches(window, qtbot)
    claim = claim_with(window, "bills rose by 40 percent in 2023")
    assert claim.id in window.checked_before.likely_claims()
    again = window.checked_before.import_files([feed])  # the same file again adds nothing
    qtbot.waitUntil(lambda: again not in window.tasks, timeout=20000)
    assert "0 new, 1 already" in window.statusBar().currentMessage()
