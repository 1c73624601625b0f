"""Signing, verifying and merging shared project files in the window.

:class:`SharingController` owns the status-bar signature badge and runs File > Sign
Project and File > Merge Project. The work itself is in :mod:`app.core.sharing`; this
module only asks, shows and refreshes. Verifying on open runs on a worker thread; the
merge is one :class:`MergeCommand` on the window's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QGuiApplication, QUndoCommand
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, PROJECT_SUFFIX
from app.core.errors import FactdeskError, SecretStoreError
from app.ui import dialogs
from app.ui.workers import Task, start

VERIFY_DELAY_MS = 100  # after opening, before the signature check starts

if TYPE_CHECKING:
    # Only for annotations: the signing module loads cryptography and keyring, and merge
    # loads SQLAlchemy, which the window does not need until a project is open.
    from app.core.sharing.merge import Side
    from app.core.sharing.signing import VerifyResult

# Keyed by VerifyStatus values (a StrEnum), so the table needs no import of signing.
BADGE_TEXT = {
    "valid": "Signature: Valid",
    "changed": "Signature: Changed since signing",
    "untrusted": "Signature: Signed by an untrusted key",
    "unsigned": "Unsigned",
}

Index = QModelIndex | QPersistentModelIndex


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@contextmanager
def _busy() -> Iterator[None]:
    """A wait cursor while a merge is planned or written (a few seconds at most)."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


# --- the signature badge and its details ----------------------------------------------------


class SignatureBadge(QToolButton):
    """Shows the project's signature state; a click opens the details."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status_signature")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.result: VerifyResult | None = None
        self.set_checking()

    def set_checking(self) -> None:
        self.result = None
        self.setText("Signature: checking…")
        self.setAccessibleName("Signature state: checking")
        self.setToolTip("Checking the project's signature…")

    def set_failed(self, message: str) -> None:
        self.result = None
        self.setText("Signature: could not be checked")
        self.setAccessibleName("Signature state: could not be checked")
        self.setToolTip(message)

    def set_result(self, result: VerifyResult) -> None:
        self.result = result
        text = BADGE_TEXT[result.status]
        self.setText(text)
        self.setAccessibleName(f"Signature state: {text.removeprefix('Signature: ')}")
        self.setToolTip(f"{result.message}\nClick for details.")


class SignatureDetailsDialog(QDialog):
    """Signer, fingerprint, date and the records changed since signing; for an untrusted
    key, one button to trust it."""

    def __init__(
        self, parent: QWidget | None, result: VerifyResult, trust: Callable[[], VerifyResult]
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signature_details")
        self.setWindowTitle(f"Signature — {APP_NAME}")
        self._trust = trust
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("signature_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        form = QFormLayout()
        self.signer = QLabel()
        self.fingerprint = QLabel()
        self.signed_at = QLabel()
        for label in (self.signer, self.fingerprint, self.signed_at):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setAccessibleName("Key fingerprint")
        form.addRow("Signed by:", self.signer)
        form.addRow("Key fingerprint:", self.fingerprint)
        form.addRow("Signed on:", self.signed_at)
        layout.addLayout(form)
        self.changed_label = QLabel("Changed since signing:")
        layout.addWidget(self.changed_label)
        self.changed = QListWidget()
        self.changed.setObjectName("signature_changed")
        self.changed.setAccessibleName("Records changed since signing")
        layout.addWidget(self.changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.trust_button = QPushButton("Trust this colleague")
        self.trust_button.setObjectName("trust_button")
        self.trust_button.setToolTip(
            "Add this key to your trusted colleagues: check the fingerprint with them first"
        )
        buttons.addButton(self.trust_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.trust_button.clicked.connect(self._on_trust_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 380)
        self.set_result(result)

    def set_result(self, result: VerifyResult) -> None:
        from app.core.sharing.signing import VerifyStatus, format_fingerprint

        self.verify_result = result
        self.summary.setText(f"<b>{BADGE_TEXT[result.status]}</b><br>{result.message}")
        # The name you trusted the key under first; the name the file claims only beside it.
        signer = result.trusted_name or result.signer_name or "—"
        if result.trusted_name and result.trusted_name != result.signer_name:
            signer += f" (the file calls the signer {result.signer_name})"
        self.signer.setText(signer)
        self.fingerprint.setText(
            format_fingerprint(result.key_fingerprint) if result.key_fingerprint else "—"
        )
        self.signed_at.setText(
            f"{result.signed_at:%Y-%m-%d %H:%M} UTC" if result.signed_at else "—"
        )
        self.changed.clear()
        for c in result.changed:
            self.changed.addItem(f"{_cap(c.kind_label)}: {c.label} ({c.change})")
        self.changed_label.setVisible(bool(result.changed))
        self.changed.setVisible(bool(result.changed))
        self.trust_button.setVisible(result.status is VerifyStatus.UNTRUSTED)

    def _on_trust_clicked(self) -> None:
        self.set_result(self._trust())


# --- merge conflicts ---------------------------------------------------------------------------


class ConflictsModel(QAbstractTableModel):
    """One row per conflicting field: record, field, mine, theirs. The Mine and Theirs
    cells are checkable and behave as a pair of radio buttons."""

    HEADERS = ("Record", "Field", "Mine", "Theirs")
    MINE, THEIRS = 2, 3

    def __init__(self, conflicts: list[Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.conflicts = list(conflicts)
        self.sides: list[Side] = ["mine"] * len(self.conflicts)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.conflicts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.conflicts[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return f"{_cap(c.kind_label)}: {c.label}"
            if col == 1:
                return "whole record" if c.field == "(record)" else c.field.replace("_", " ")
            if col == self.MINE:
                return c.mine_display
            if col == self.THEIRS:
                return c.theirs_display
        if role == Qt.ItemDataRole.CheckStateRole and col in (self.MINE, self.THEIRS):
            want = "mine" if col == self.MINE else "theirs"
            chosen = self.sides[index.row()] == want
            return Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (self.MINE, self.THEIRS):
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() not in (self.MINE, self.THEIRS):
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        side: Side = "mine" if index.column() == self.MINE else "theirs"
        if not checked:  # unchecking one side picks the other
            side = "theirs" if side == "mine" else "mine"
        self.set_side(index.row(), side)
        return True

    def set_side(self, row: int, side: Side) -> None:
        if side not in ("mine", "theirs"):
            raise ValueError(side)
        self.sides[row] = side
        self.dataChanged.emit(self.index(row, self.MINE), self.index(row, self.THEIRS))

    def set_all(self, side: Side) -> None:
        for row in range(len(self.sides)):
            self.set_side(row, side)

    def resolution(self) -> dict[tuple[str, str], Side]:
        return {c.key: side for c, side in zip(self.conflicts, self.sides, strict=True)}


class MergeConflictsDialog(QDialog):
    """Side by side: choose mine or theirs for each conflicting field."""

    def __init__(self, parent: QWidget | None, plan: Any) -> None:
        super().__init__(parent)
        self.setObjectName("merge_conflicts")
        self.setWindowTitle(f"Merge {plan.source_name} — {APP_NAME}")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{len(plan.conflicts)} field(s) were changed differently in this project and in "
            f"{plan.source_name}. Choose which version to keep for each; "
            f"{plan.changes} other change(s) are merged automatically."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = ConflictsModel(plan.conflicts, self)
        self.table = QTableView()
        self.table.setObjectName("merge_conflicts_table")
        self.table.setAccessibleName("Conflicting changes")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.all_mine = QPushButton("Keep All &Mine")
        self.all_mine.setObjectName("merge_all_mine")
        self.all_theirs = QPushButton("Take All &Theirs")
        self.all_theirs.setObjectName("merge_all_theirs")
        self.all_mine.clicked.connect(lambda: self.model.set_all("mine"))
        self.all_theirs.clicked.connect(lambda: self.model.set_all("theirs"))
        row.addWidget(self.all_mine)
        row.addWidget(self.all_theirs)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 480)

    def resolution(self) -> dict[tuple[str, str], Side]:
        return self.model.resolution()


class MergeCommand(QUndoCommand):
    """One merge on the undo stack: undo puts the project back with :func:`undo_merge`
    (forward edits), redo applies the edits that undo returned."""

    def __init__(
        self,
        service: Any,
        plan: Any,
        path: str,
        resolve: dict[tuple[str, str], Side],
        refresh: Callable[[], None],
        on_error: Callable[[FactdeskError], None],
    ) -> None:
        super().__init__(f"Merge {plan.source_name}")
        self.service = service
        self.plan = plan
        self.path = path
        self.resolve = dict(resolve)
        self.refresh = refresh
        self.on_error = on_error
        self.result: Any = None
        self.redo_edits: Any = None
        self._first = True

    def perform(self) -> Any:
        """The first merge, before the command is pushed; errors propagate."""
        from app.core.sharing.merge import apply_merge

        self.result = apply_merge(self.service, self.plan, resolve=self.resolve)
        self.refresh()
        return self.result

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        from dataclasses import replace

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


# --- the controller --------------------------------------------------------------------------


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


class SharingController(QObject):
    """Sign and Merge actions plus the signature badge, for one :class:`MainWindow`."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        from app.ui.actions import ActionId

        self.window = window
        self.badge = SignatureBadge()
        self.badge.setVisible(False)
        self.badge.clicked.connect(self.show_details)
        window.statusBar().addPermanentWidget(self.badge)
        self.details: SignatureDetailsDialog | None = None
        self.sign_action = window.actions_[ActionId.SIGN_PROJECT]
        self.merge_action = window.actions_[ActionId.MERGE_PROJECT]
        self.sign_action.triggered.connect(lambda _c=False: self.sign())
        self.merge_action.triggered.connect(lambda _c=False: self.merge_dialog())
        self.update_actions()

    # state

    def _writable(self) -> bool:
        w = self.window
        return w.service is not None and not getattr(w, "read_only", False)

    def update_actions(self) -> None:
        self.sign_action.setEnabled(self._writable())
        self.merge_action.setEnabled(self._writable())

    def project_opened(self) -> None:
        self.update_actions()
        self.badge.setVisible(True)
        self.badge.set_checking()
        # Once the project is on screen: the check's imports (cryptography, keyring) and
        # reads would otherwise hold the interpreter while the project is first painted.
        service = self.window.service
        QTimer.singleShot(
            VERIFY_DELAY_MS, self, lambda: self.window.service is service and self.verify_async()
        )

    def project_closed(self) -> None:
        self.update_actions()
        self.badge.setVisible(False)
        self.badge.set_checking()
        if self.details is not None:
            self.details.close()
            self.details = None

    # verifying

    def verify_async(self) -> Task | None:
        """Verify on a worker thread; the badge says "checking" meanwhile."""
        service = self.window.service
        if service is None:
            return None
        self.badge.set_checking()

        def job(_check: Any, _report: Any) -> Any:
            # Imported on the worker: signing brings cryptography and keyring, which
            # showing the project does not need (every open starts this check).
            from app.core.sharing.signing import verify_project

            return verify_project(service)

        task = Task(job)
        tasks = self.window.tasks

        def finish() -> None:
            if task in tasks:
                tasks.remove(task)

        def done(result: Any) -> None:
            finish()
            if self.window.service is service:
                self._show_result(result)

        def failed(message: str) -> None:
            finish()
            if self.window.service is service:
                self.badge.set_failed(message)

        task.signals.done.connect(done)
        task.signals.failed.connect(failed)
        task.signals.cancelled.connect(finish)
        tasks.append(task)
        start(task)
        return task

    def verify(self) -> VerifyResult | None:
        """Verify now, on the GUI thread (after signing, trusting or merging)."""
        from app.core.sharing.signing import verify_project

        if self.window.service is None:
            return None
        try:
            result = verify_project(self.window.service)
        except FactdeskError as exc:
            self.badge.set_failed(exc.message)
            return None
        self._show_result(result)
        return result

    def _show_result(self, result: VerifyResult) -> None:
        self.badge.set_result(result)
        if self.details is not None:
            self.details.set_result(result)

    def show_details(self) -> SignatureDetailsDialog | None:
        result = self.badge.result
        if result is None:
            result = self.verify()
            if result is None:
                return None
        if self.details is None:
            self.details = SignatureDetailsDialog(self.window, result, self.trust_signer)
            self.details.finished.connect(self._on_details_finished)
        else:
            self.details.set_result(result)
        self.details.show()
        self.details.raise_()
        return self.details

    def _on_details_finished(self, _code: int) -> None:
        if self.details is not None:
            self.details.deleteLater()
            self.details = None

    def trust_signer(self) -> VerifyResult:
        from app.core.sharing.trust import trust_key

        result = self.badge.result
        if result is not None and result.key_fingerprint:
            trust_key(result.key_fingerprint, result.signer_name or "colleague")
        return self.verify() or result  # type: ignore[return-value]

    # signing

    def sign(self) -> bool:
        from app.core.sharing.signing import sign_project

        service = self.window.service
        if service is None:
            return False
        try:
            info = sign_project(service)
        except SecretStoreError as exc:
            dialogs.show_error(
                self.window,
                f"The project was not signed: {exc.message}\n\n"
                "Signing needs your system's keyring (where your private key is kept). "
                "Everything else keeps working without it.",
            )
            return False
        except FactdeskError as exc:
            dialogs.show_error(self.window, f"The project was not signed: {exc.message}")
            return False
        from app.core.sharing.signing import format_fingerprint

        self.verify()
        self.window.statusBar().showMessage(
            f"Signed as {info.signer_name} ({info.records} records); "
            f"key {format_fingerprint(info.key_fingerprint)[:19]}…",
            8000,
        )
        return True

    # merging

    def merge_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            "Merge Project",
            "",
            f"Factdesk projects (*{PROJECT_SUFFIX});;All files (*)",
        )
        if path:
            self.merge_file(path)

    def ask_conflicts(self, plan: Any) -> dict[tuple[str, str], Side] | None:
        """Show the conflicts side by side; None when cancelled (tests replace this)."""
        dialog = MergeConflictsDialog(self.window, plan)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.resolution()
        finally:
            dialog.deleteLater()

    def merge_file(self, path: str) -> MergeCommand | None:
        from app.core.sharing.merge import plan_merge

        w = self.window
        if w.service is None:
            return None
        w.workspace.editor.commit_text()
        try:
            with _busy():
                plan = plan_merge(w.service, Path(path))
        except FactdeskError as exc:
            dialogs.show_error(w, f"{Path(path).name} could not be merged: {exc.message}")
            return None
        if not plan.changes and not plan.conflicts:
            dialogs.show_info(w, f"{plan.source_name} holds nothing new: nothing to merge.")
            return None
        resolve: dict[tuple[str, str], Side] = {}
        if plan.conflicts:
            chosen = self.ask_conflicts(plan)
            if chosen is None:
                w.statusBar().showMessage("Merge cancelled; the project was not changed.", 5000)
                return None
            resolve = chosen
        command = MergeCommand(w.service, plan, path, resolve, self._after_merge, w.handle_error)
        try:
            with _busy():
                result = command.perform()
        except FactdeskError as exc:
            w.handle_error(exc)
            return None
        w.undo_stack.push(command)
        inserted = sum(result.inserted.values())
        deleted = sum(result.deleted.values())
        w.statusBar().showMessage(
            f"Merged {result.source_name}: {result.updated_fields} field(s) updated, "
            f"{inserted} record(s) added, {deleted} removed. Undo puts it all back.",
            8000,
        )
        if result.warnings:
            dialogs.show_info(
                w, f"Merged {result.source_name}. Please note:\n\n" + "\n".join(result.warnings)
            )
        return command

    def _after_merge(self) -> None:
        refresh_views(self.window)
        self.verify()
