"""File > Merge Project: reading a colleague's file, asking, merging, all off the GUI thread.

Two operations on the window's runner (:mod:`app.ui.operations`), so the window stays
responsive on a large file: first the file's signature is checked and the merge planned
(cancellable, nothing written); the merge dialog (:mod:`app.ui.merge_dialog`) then shows
the signature, the conflicts and the automatic changes; only once Merge is pressed is the
plan written, in one transaction (not cancellable once begun: it completes or writes
nothing). The merge is then one :class:`MergeCommand` on the window's undo stack, and
what it did is said.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QDialog, QFileDialog

from app import PROJECT_SUFFIX
from app.core.errors import FactdeskError
from app.ui import dialogs
from app.ui.merge_dialog import (
    MergeDialog,
    merge_counts_text,
    merge_result_text,
    signature_state,
)
from app.ui.workers import Task

if TYPE_CHECKING:
    from app.core.sharing.merge import Side
    from app.core.sharing.merge.preview import MergePreview


class MergeCommand(QUndoCommand):
    """One merge on the undo stack: undo puts the project back with :func:`undo_merge`
    (forward edits), redo applies the edits that undo returned. Pushed after the merge
    was written (on a worker), so its first redo does nothing."""

    def __init__(
        self,
        service: Any,
        result: Any,
        refresh: Callable[[], None],
        on_error: Callable[[FactdeskError], None],
    ) -> None:
        super().__init__(f"Merge {result.source_name}")
        self.service = service
        self.result = result
        self.refresh = refresh
        self.on_error = on_error
        self.redo_edits: Any = None
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        from app.core.sharing.merge import undo_merge

        try:
            # Redo is the undo's own inverse: forward edits again, not a new merge (the
            # undo is in the history, so a new plan would keep it).
            self.result = replace(self.result, undo=undo_merge(self.service, self.redo_edits))
        except FactdeskError as exc:
            self.setObsolete(True)
            self.on_error(exc)
            return
        self.refresh()

    def undo(self) -> None:
        from app.core.sharing.merge import undo_merge

        try:
            self.redo_edits = undo_merge(self.service, self.result.undo)
        except FactdeskError as exc:
            self.setObsolete(True)
            self.on_error(exc)
            return
        self.refresh()


def refresh_views(window: Any) -> None:
    """Re-read articles, the shown article and its claims, keeping the undo stack."""
    service = window.service
    if service is None:
        return
    ws = window.workspace
    keep = ws.current_claim_id()
    window.scale = service.scale()
    ws.set_scale(window.scale)
    ws.editor.set_scale(window.scale)
    articles = service.articles()
    ws.articles_model.set_articles(articles)
    ids = [a.id for a in articles]
    if window.article_id in ids:
        window.show_article(window.article_id, articles)
    elif ids:
        window.show_article(ids[0], articles)
    else:
        window.article_id = None
        ws.claims_model.set_claims([])
        ws.view.clear_article()
        ws.editor.set_claim(None)
    if keep and ws.claims_model.row_of(keep) >= 0:
        ws.select_claim(keep)
    window._update_counts()
    window.update_actions()


def go_to_first_conflict(window: Any, result: Any) -> None:
    """Show the first claim (in article order) that had a conflict: its article, its row
    and its panel, so the person sees how what they decided came out."""
    from app.core.errors import NotFoundError

    claims = sorted(
        (c for c in result.conflicts if c.kind == "claim"),
        key=lambda c: (c.number is None, c.number or 0),
    )
    for conflict in claims:
        try:
            claim = window.service.claim(conflict.record_id)
        except NotFoundError:  # deleted on the side that was kept
            continue
        if claim.article_id != window.article_id:
            window.show_article(claim.article_id)
        window.workspace.select_claim(claim.id)
        window.workspace.view.flash_claim(claim.id)
        return


class MergeFlow(QObject):
    """Merging files into the window's project; ``finished`` says how each attempt ended
    (the :class:`MergeCommand` pushed, or None: cancelled, failed or nothing to merge)."""

    started = Signal()
    finished = Signal(object)

    def __init__(self, window: Any, after_merge: Callable[[], None]) -> None:
        super().__init__(window)
        self.setObjectName("merge_flow")
        self.window = window
        self.after_merge = after_merge
        self.dialog: MergeDialog | None = None
        self.last_result: Any = None
        self.running = False  # one merge at a time
        self.finished.connect(self._on_finished)

    def _on_finished(self, _command: object) -> None:
        self.running = False

    def choose_file(self) -> Task | None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            "Merge Project",
            "",
            f"Factdesk projects (*{PROJECT_SUFFIX});;All files (*)",
        )
        return self.merge_file(path) if path else None

    def ask(self, preview: MergePreview) -> dict[tuple[str, str], Side] | None:
        """Show the merge dialog; the decisions, or None when cancelled (tests replace
        this)."""
        dialog = MergeDialog(self.window, preview, getattr(self.window, "project_path", None))
        self.dialog = dialog
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.resolution()
        finally:
            self.dialog = None
            dialog.deleteLater()

    def merge_file(self, path: str) -> Task | None:
        """Check and plan on a worker; the rest follows when that is done."""
        w = self.window
        service = w.service
        if service is None or self.running:
            return None
        w.workspace.editor.commit_text()
        name = Path(path).name
        self.running = True
        self.started.emit()

        def job(check: Callable[[], None], report: Callable[[str], None]) -> Any:
            # Imported on the worker: merging loads cryptography and SQLAlchemy's ORM.
            from app.core.sharing.merge.preview import preview_merge

            return preview_merge(service, path, check, report)

        return w.operations.run(
            f"Reading {name}…",
            job,
            lambda preview: self._on_previewed(service, preview),
            on_failed=lambda message: self._fail(f"{name} could not be merged: {message}"),
            on_cancelled=lambda: self._cancelled(),
        )

    def _on_previewed(self, service: Any, preview: MergePreview) -> None:
        w = self.window
        if w.service is not service:
            self.finished.emit(None)  # the project was closed meanwhile
            return
        plan = preview.plan
        if not plan.changes and not plan.conflicts:
            headline, _detail, _icon = signature_state(preview.signature)
            dialogs.show_info(
                w, f"{preview.source_name} holds nothing new: nothing to merge.\n\n{headline}."
            )
            self.finished.emit(None)
            return
        resolve = self.ask(preview)
        if resolve is None or w.service is not service:
            self._cancelled()
            return

        def job(_check: Any, report: Callable[[str], None]) -> Any:
            from app.core.sharing.merge import apply_merge

            report(f"Merging {preview.source_name}…")
            return apply_merge(service, plan, resolve=resolve)

        w.operations.run(
            f"Merging {preview.source_name}…",
            job,
            lambda result: self._on_merged(service, result, preview),
            on_failed=lambda message: self._fail(f"The merge was not made: {message}"),
            cancellable=False,  # one transaction: it completes or writes nothing
        )

    def _on_merged(self, service: Any, result: Any, preview: MergePreview) -> None:
        w = self.window
        self.last_result = result
        if w.service is not service:
            self.finished.emit(None)  # closed meanwhile: the file holds the merge
            return
        if not result.written:
            dialogs.show_info(w, f"Merged {result.source_name}: nothing needed to change.")
            self.finished.emit(None)
            return
        command = MergeCommand(service, result, self.after_merge, w.handle_error)
        self.after_merge()
        w.undo_stack.push(command)
        go_to_first_conflict(w, result)
        w.statusBar().showMessage(f"{merge_counts_text(result)} Undo puts it all back.", 10000)
        dialogs.show_info(w, merge_result_text(result, preview.changes))
        self.finished.emit(command)

    def _fail(self, message: str) -> None:
        if shiboken6.isValid(self.window):
            dialogs.show_error(self.window, message)
        self.finished.emit(None)

    def _cancelled(self) -> None:
        if shiboken6.isValid(self.window):
            self.window.statusBar().showMessage(
                "Merge cancelled; the project was not changed.", 5000
            )
        self.finished.emit(None)
