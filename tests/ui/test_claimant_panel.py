"""The claim's kinds and the claimant's role in the panel; corrected names remembered."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.core import ingest
from app.core.importers import read_article
from app.core.project import ProjectService
from app.core.records import ClaimKind


def test_role_and_kinds_are_shown_and_edited_undoably(window, qtbot) -> None:
    ws = window.workspace
    claim_id = ws.current_claim_id()
    editor = ws.editor
    assert editor.kinds[ClaimKind.STATISTIC].isChecked()  # as detected
    editor.claimant_role.setFocus()
    qtbot.keyClicks(editor.claimant_role, "the utility's director")
    qtbot.keyClick(editor.claimant_role, Qt.Key.Key_Return)
    assert window.service.claim(claim_id).claimant_role == "the utility's director"
    editor.kinds[ClaimKind.PREDICTION].click()
    kinds = window.service.claim(claim_id).kinds
    assert set(kinds) == {ClaimKind.STATISTIC, ClaimKind.PREDICTION}
    window.undo_stack.undo()
    assert window.service.claim(claim_id).kinds == (ClaimKind.STATISTIC,)
    assert not editor.kinds[ClaimKind.PREDICTION].isChecked()


def test_a_corrected_claimant_is_corrected_everywhere_and_undone_at_once(window, qtbot) -> None:
    ws = window.workspace
    claims = ws.claims_model.claims()
    for claim in claims[:3]:
        window.service.update_claim(claim.id, claimant="Smith")
    window.reload()
    ws.select_claim(claims[0].id)
    ws.editor.claimant.setFocus()
    ws.editor.claimant.selectAll()
    qtbot.keyClicks(ws.editor.claimant, "Jane Smith")
    qtbot.keyClick(ws.editor.claimant, Qt.Key.Key_Return)
    named = [window.service.claim(c.id).claimant for c in claims[:3]]
    assert named == ["Jane Smith"] * 3
    window.undo_stack.undo()
    assert [window.service.claim(c.id).claimant for c in claims[:3]] == ["Smith"] * 3


def test_later_imports_use_the_corrected_name(tmp_path: Path) -> None:
    path = tmp_path / "desk.factdesk"
    service = ProjectService.create_file(path, author="Tester")
    try:
        first = tmp_path / "first.txt"
        first.write_text(
            "Council row\n\n"
            '"Bills will double by 2030," said Jane Smith, the utility\'s director.\n',
            encoding="utf-8",
        )
        ingest.store_imported(service, read_article(first))
        detected = next(c for c in service.claims() if c.claimant)
        assert detected.claimant == "Jane Smith"
        service.update_claim(detected.id, claimant="Jane Smith-Okafor")
        second = tmp_path / "second.txt"
        second.write_text(
            "Plant repairs\n\n"
            '"The plant will cost £40m to repair," said Jane Smith on Tuesday.\n',
            encoding="utf-8",
        )
        result = ingest.store_imported(service, read_article(second))
        from app.core.records import ClaimFilter

        named = [c.claimant for c in service.claims(ClaimFilter(article_id=result.article.id))]
        assert "Jane Smith-Okafor" in named and "Jane Smith" not in named
    finally:
        service.close()
