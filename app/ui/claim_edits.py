"""Editing claims, their evidence and the article's details, and moving between claims.

Every edit becomes an undo command on the window's stack (:mod:`app.ui.commands`) and
lands on the claim the list, the article and the panel show. Every move ends with the
keyboard focus on the claims list, where the single-key shortcuts act (the keyboard model
in the README).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.core.errors import FactdeskError
from app.core.records import ClaimFilter, ClaimStatus
from app.core.wording import plural
from app.ui import article_commands, commands, dialogs
from app.ui.actions import ActionId
from app.ui.evidence_dialog import EvidenceDialog


class ClaimEdits:
    """The window's claim, evidence and article edits (``window.edits``)."""

    def __init__(self, window: Any) -> None:
        self.window = window

    def edit_requested(self, claim_id: str, fields: dict, text: str) -> None:
        service = self.window.service
        claim = self.window.workspace.claims_model.claim(claim_id) or service.claim(claim_id)
        if set(fields) == {"claimant"} and claim.claimant:
            # A correction of a name is remembered for that name in the project: every
            # claim naming them the same way is corrected with it, in one undo step (and
            # later imports use it, from the change log).
            same = [c for c in service.claimants_named(claim.claimant) if c.id != claim.id]
            if same:
                command = commands.CorrectClaimantCommand(
                    service, [claim, *same], fields["claimant"]
                )
                self.window.run_command(command)
                return
        self.window.run_command(commands.EditClaimCommand(service, claim, fields, text))

    def rate_current(self, label: str | None) -> None:
        claim = self.window.workspace.current_claim()
        if claim is None or self.window.service is None:
            return
        try:
            fields = commands.rating_fields(self.window.service, label)
        except FactdeskError as exc:
            self.window.handle_error(exc)
            return
        # A new claim moves to "in review" in the service, as for every other way of rating.
        self.window.run_command(
            commands.EditClaimCommand(self.window.service, claim, fields, "Set rating")
        )

    def rate_by_number(self, n: int) -> None:
        if self.window.scale is not None and 1 <= n <= len(self.window.scale.levels):
            self.rate_current(self.window.scale.levels[n - 1].label)

    def set_status(self, status: ClaimStatus) -> None:
        claim = self.window.workspace.current_claim()
        if claim is None or claim.status == status:
            return
        self.window.run_command(
            commands.EditClaimCommand(
                self.window.service,
                claim,
                {"status": status.value},
                commands.set_status_text(status),
            )
        )
        if (
            status == ClaimStatus.DISMISSED
            and not self.window.actions_[ActionId.SHOW_DISMISSED].isChecked()
        ):
            self.window.workspace.step_claim(0)

    def mark_selection(self) -> None:
        span = self.window.workspace.view.selected_range()
        if span is None or self.window.article_id is None:
            return
        command = commands.AddClaimCommand(self.window.service, self.window.article_id, *span)
        if self.window.run_command(command) and command.claim_id:
            # The selection became the claim: let it go, so the claim's own highlight
            # shows and Ctrl+M is not offered again for the same words.
            view = self.window.workspace.view
            cursor = view.textCursor()
            cursor.clearSelection()
            view.setTextCursor(cursor)
            self.window.workspace.select_claim(command.claim_id, scroll_text=False)

    def merge_with_next(self) -> None:
        claims = self.window.workspace.claims_model.claims()
        current = self.window.workspace.current_claim()
        if current is None:
            return
        later = [c for c in claims if c.start > current.start and c.id != current.id]
        if not later:
            dialogs.show_error(self.window, "There is no later claim to merge with.")
            return
        self.window.run_command(commands.MergeClaimsCommand(self.window.service, current, later[0]))
        self.window.workspace.select_claim(current.id, scroll_text=False)

    def split_at_cursor(self) -> None:
        current = self.window.workspace.current_claim()
        if current is None:
            return
        at = self.window.workspace.view.cursor_offset()
        if not current.start < at < current.end:
            dialogs.show_error(
                self.window,
                "Put the text cursor inside the selected claim, where it should be split.",
            )
            return
        self.window.run_command(commands.SplitClaimCommand(self.window.service, current, at))

    def jump_to_explanation(self) -> None:
        self.window.workspace.editor.explanation.append_here()

    def back_to_list(self) -> None:
        """Esc: leave whatever field has focus (committing its text) for the claims list."""
        self.window.workspace.editor.commit_text()
        self.window.workspace.claims.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def go_to_claim(self, delta: int) -> None:
        # From a text field too: focus returns to the list, so that a rating key pressed
        # next rates the claim instead of being typed into its explanation.
        self.back_to_list()
        self.window.workspace.step_claim(delta)

    def go_to_next_unrated(self) -> None:
        self.back_to_list()
        if not self.window.workspace.step_to_unrated():
            self.window.statusBar().showMessage(
                "Every listed claim after this one has a verdict.", 5000
            )

    def done_and_next(self) -> None:
        claim = self.window.workspace.current_claim()
        if claim is None:
            return
        self.back_to_list()
        if claim.status != ClaimStatus.DONE:
            self.set_status(ClaimStatus.DONE)
        self.window.workspace.keep_current(claim.id)
        self.window.workspace.step_claim(1)

    def find(self) -> None:
        self.window.workspace.filter_text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.window.workspace.filter_text.selectAll()

    def add_evidence_to_current(self) -> None:
        claim_id = self.window.workspace.current_claim_id()
        if claim_id:
            self.add_evidence_dialog(claim_id)

    def evidence_dialog(self, claim_id: str, evidence_id: str | None = None) -> EvidenceDialog:
        before = self.window.service.evidence(evidence_id) if evidence_id else None

        def submit(fields: dict) -> None:
            if before is None:
                command: commands.ServiceCommand = commands.AddEvidenceCommand(
                    self.window.service, claim_id, fields
                )
            else:
                changed = {
                    k: v for k, v in fields.items() if v != commands._EVIDENCE_READERS[k](before)
                }
                if not changed:
                    return
                command = commands.EditEvidenceCommand(self.window.service, before, changed)
            command.notify = self.window.apply_changes
            command.on_error = self.window.handle_error
            commands.push(self.window.undo_stack, command)  # errors reach the dialog, which stays

        return EvidenceDialog(
            self.window,
            submit,
            self.window.service.attach_file,
            before,
            self.window.service.attachment_data,
        )

    def add_evidence_dialog(self, claim_id: str) -> None:
        self.evidence_dialog(claim_id).exec()

    def edit_evidence_dialog(self, evidence_id: str) -> None:
        claim_id = self.window.workspace.current_claim_id()
        if claim_id:
            self.evidence_dialog(claim_id, evidence_id).exec()

    def remove_evidence(self, evidence_id: str) -> None:
        self.window.run_command(commands.RemoveEvidenceCommand(self.window.service, evidence_id))

    def article_dialog(self) -> Any:
        """Edit the shown article's details; saved as one undoable edit."""
        from app.ui.article_dialog import ArticleDialog

        if self.window.service is None or self.window.article_id is None:
            return None
        before = self.window.service.article(self.window.article_id)

        def submit(fields: dict[str, Any]) -> None:
            command = article_commands.EditArticleCommand(self.window.service, before, fields)
            command.notify = self.window.apply_changes
            command.on_error = self.window.handle_error
            commands.push(self.window.undo_stack, command)  # errors reach the dialog, which stays

        dialog = ArticleDialog(self.window, before, submit)
        dialog.open()
        return dialog

    def delete_article(self) -> None:
        """Delete the shown article, once the person has seen what goes with it."""
        window = self.window
        if window.service is None or window.article_id is None:
            return
        article = window.service.article(window.article_id)
        claims = window.service.claims(ClaimFilter(article_id=article.id), with_evidence=True)
        if not dialogs.ask(window, deletion_question(article.title, claims), yes="Delete"):
            return
        command = article_commands.DeleteArticleCommand(
            window.service, article, window.workspace.current_claim_id()
        )
        if window.run_command(command):
            window.statusBar().showMessage(
                f"Deleted article “{article.title}”; Edit › Undo (Ctrl+Z) brings it back.", 8000
            )


def deletion_question(title: str, claims: list[Any]) -> str:
    """What deleting an article takes with it, in numbers a fact-checker can weigh."""
    if not claims:
        return f"Delete the article “{title}”? It has no claims."
    rated = sum(1 for c in claims if c.rating_label)
    explained = sum(1 for c in claims if c.explanation.strip())
    evidence = sum(len(c.evidence) for c in claims)
    parts = [plural(len(claims), "claim"), plural(rated, "verdict")]
    if explained:
        parts.append(plural(explained, "explanation"))
    if evidence:
        parts.append(plural(evidence, "evidence item"))
    listed = ", ".join(parts[:-1]) + " and " + parts[-1]
    return (
        f"Delete the article “{title}” with its {listed}?\n\n"
        "Edit › Undo (Ctrl+Z) brings it all back."
    )
