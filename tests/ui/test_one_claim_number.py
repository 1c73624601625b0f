"""One claim, one number: the window's list, the report preview, the Markdown and HTML
reports, ``factdesk claims``, ``#N`` on the command line and a merge conflict all give a
claim of the second article the same number (issue 18 points 4 and 5, issue 16).

Before: the reports numbered each article's claims from 1, so the claim the window
listed as 7 was "Claim 2" in the report and its preview, while ``#7`` on the command line
and the merge named it 7.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.core.claim_refs import claim_numbers
from app.core.project import ProjectService
from app.core.records import ClaimFilter
from app.core.reports import ReportOptions, build_report, render_html, render_markdown
from app.core.sharing.merge.preview import preview_merge
from tests.support.cli_runner import run_factdesk


@pytest.fixture
def project(tmp_path: Path, helpers) -> Path:
    """Two articles; the window opens this project (it replaces conftest's one-article one)."""
    path = tmp_path / "two.factdesk"
    service = ProjectService.create_file(path, author="Tester")
    helpers["add_article"](service)
    text = helpers["ARTICLE"].replace("Water", "Gas").replace("council", "minister")
    helpers["add_article"](service, text, title="Gas bills")
    service.close()
    return path


def shown_number(window, claim_id: str) -> str:
    model = window.workspace.claims_model
    return model.data(model.index(model.row_of(claim_id), model.POSITION))


def test_a_claim_of_the_second_article_has_one_number_everywhere(window, qtbot, project, tmp_path):
    service = window.service
    first, second = service.articles()
    first_claims = service.claims(ClaimFilter(article_id=first.id))
    target = service.claims(ClaimFilter(article_id=second.id))[1]
    number = len(first_claims) + 2  # counted after every claim of the first article
    assert claim_numbers(service)[target.id] == number

    # The window's list, on the second article.
    window.show_article(second.id)
    ws = window.workspace
    assert shown_number(window, target.id) == str(number)

    # Rate it in the window, and the first article's first claim: the report of rated
    # claims shows #1 and #number, with the gap the unrated claims leave.
    ws.select_claim(target.id)
    window.edits.rate_by_number(2)
    label = window.scale.levels[1].label
    service.set_rating(first_claims[0].id, window.scale.levels[0].label)

    # The report preview (this article's report, rendered as the window renders it).
    from app.ui.actions import ActionId

    dock = window.report_preview
    dock.timer.setInterval(10)  # a test's pace (its default is checked in test_report_dialog)
    window.actions_[ActionId.REPORT_PREVIEW].trigger()
    qtbot.waitUntil(dock.isVisible)
    qtbot.waitUntil(lambda: f"Claim {number} {label}" in dock.browser.toPlainText(), timeout=5000)
    assert "Claim 2 " not in dock.browser.toPlainText()

    # Markdown and HTML, for the whole project and for the second article alone.
    for options in (ReportOptions(), ReportOptions(article_id=second.id)):
        data = build_report(service, options)
        md = render_markdown(data)
        assert f"#### Claim {number} — {label}" in md
        assert "#### Claim 2 " not in md
        html = render_html(data)
        assert f'<span class="claim-number">Claim {number}</span>' in html
    whole = render_markdown(build_report(service))
    assert "#### Claim 1 — " in whole and whole.count("#### Claim ") == 2
    window.close_project()

    # The command line lists it with that number and `#number` names it.
    env = {"FACTDESK_CONFIG_DIR": str(tmp_path / "config"), "FACTDESK_REVIEWER": "Ana"}
    listed = run_factdesk("claims", str(project), "--article", second.id, cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    assert f"#{number} {target.id}" in listed.stdout
    as_json = run_factdesk("claims", str(project), "--json", cwd=tmp_path, env=env)
    numbered = {c["id"]: c["number"] for c in json.loads(as_json.stdout)["claims"]}
    assert numbered[target.id] == number
    rated = run_factdesk(
        "rate", str(project), f"#{number}", "false", "--explanation", "From the command line.",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert rated.returncode == 0, rated.stderr
    exported = run_factdesk("export", str(project), "-f", "markdown", cwd=tmp_path, env=env)
    assert f"#### Claim {number} — False" in exported.stdout

    # A merge conflict names it by the same number.
    theirs = tmp_path / "theirs.factdesk"
    shutil.copy(project, theirs)
    bob = ProjectService.open_file(theirs, author="Bob")
    bob.update_claim(target.id, claimant="Bob's pick")
    bob.close()
    mine = ProjectService.open_file(project, author="Ann")
    try:
        mine.update_claim(target.id, claimant="Ann's pick")
        (conflict,) = preview_merge(mine, theirs).plan.conflicts
        assert conflict.number == number
        assert conflict.label.startswith(f"#{number} in 'Gas bills'")
    finally:
        mine.close()


def test_claims_marked_on_the_same_words_get_the_same_numbers_everywhere(window) -> None:
    """Two claims on the same words: the list, the command line's numbers and a merge's
    numbering all put them in the same order (by id), not in whatever order each reads."""
    from app.core.claim_refs import number_claims
    from app.core.sharing.canonical import read_snapshot
    from app.core.sharing.merge.conflicts import ClaimNames

    service = window.service
    first, _second = service.articles()
    shared = service.claims(ClaimFilter(article_id=first.id))[1]
    # Marked after it, with ids that sort before and after it: the later mark sorts first.
    late = "ffffffff-ffff-4fff-bfff-ffffffffffff"
    early = "00000000-0000-4000-8000-000000000001"
    for claim_id in (late, early):
        service.add_claim(first.id, shared.start, shared.end, claim_id=claim_id)
    numbers = claim_numbers(service)
    trio = sorted((early, shared.id, late))
    assert [numbers[i] for i in trio] == [2, 3, 4]

    window.reload()
    assert [shown_number(window, i) for i in trio] == ["2", "3", "4"]

    with service.db.snapshot() as conn:
        snapshot = read_snapshot(conn, service.project_id)
    names = ClaimNames(snapshot)
    assert {str(i): n for i, n in names.numbers.items()} == numbers
    spans = [(c.id, c.article_id, c.start, c.end) for c in service.claims()]
    assert number_claims(reversed(spans)) == numbers
