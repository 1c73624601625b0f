"""The window's side of issue 18: claim numbers shared with the command line, and an
article opened with no project named is never imported silently into the last one."""

from __future__ import annotations

from pathlib import Path

from app.core.claim_refs import claim_numbers
from app.core.project import ProjectService
from app.ui.application import open_paths

SECOND = (
    "Bus fares rise again\n\n"
    "Bus fares rose by 15 percent in January, the board said. "
    "Ridership fell to 2.1 million journeys last year.\n"
)


def test_claim_list_numbers_match_the_command_line_across_articles(window, helpers):
    helpers["add_article"](window.service, SECOND, title="Bus fares")
    window.reload()
    numbers = claim_numbers(window.service)
    for article in window.service.articles():
        window.show_article(article.id)
        model = window.workspace.claims_model
        shown = {
            model.claim_at(row).id: int(model.data(model.index(row, model.POSITION)))
            for row in range(model.rowCount())
        }
        assert shown == {claim_id: numbers[claim_id] for claim_id in shown}
    assert max(numbers.values()) == len(numbers)


def test_article_without_project_asks_before_importing_into_the_last_one(
    qtbot, qsettings, tmp_path: Path, errors, helpers
):
    from app.ui.main_window import MainWindow

    last = tmp_path / "last.factdesk"
    ProjectService.create_file(last, author="Tester").close()
    before = last.read_bytes()
    article = tmp_path / "article.txt"
    article.write_text(helpers["ARTICLE"], encoding="utf-8")
    win = MainWindow(qsettings, "Tester")
    qtbot.addWidget(win)
    qsettings.setValue("recent/projects", [str(last)])
    open_paths(win, [str(article)])  # the errors fixture answers "no" to the question
    assert any("Import article.txt into last.factdesk" in text for text in errors)
    assert win.service is None
    assert last.read_bytes() == before
