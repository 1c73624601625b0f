"""The merge dialog: what merging a colleague's file will do, before anything is written.

From the top: the incoming file's signature and signer (the name you trusted the key
under; the name the file claims beside it only when they differ), then each conflict
side by side in full (plain field names, who changed each side and when, in local time)
with a choice of mine or theirs, then every change that merges by itself, in plain
words. Nothing is merged until Merge is pressed.

Every value shown comes from someone else's file: it is set as plain text, never as
rich text, so a crafted value cannot style or link anything here.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.ui.path_labels import distinct_labels, home_relative
from app.ui.signature_badge import cap, signer_text

if TYPE_CHECKING:
    from app.core.sharing.merge import Conflict, Side
    from app.core.sharing.merge.conflicts import Edit
    from app.core.sharing.merge.preview import MergePreview
    from app.core.sharing.signing import VerifyResult


CARDS_PER_PAGE = 50
RESULT_ENTRIES = 10  # automatic changes named in the message after a merge


def local_time(at: datetime) -> str:
    """A UTC time as the reader's clock shows it: "3 Dec 2026, 14:05"."""
    here = at.astimezone()
    return f"{here.day} {here:%b %Y, %H:%M}"


def changed_by(edit: Edit | None, side: str) -> str:
    if edit is None:
        return f"{side}: no change-log entry records this value"
    return f"{side}: changed by {edit.author}, {local_time(edit.at)}"


def signature_state(result: VerifyResult) -> tuple[str, str, QStyle.StandardPixmap]:
    """(headline, detail, icon) for an incoming file's signature, signer first."""
    status = str(result.status)
    pixmap = QStyle.StandardPixmap
    signed = f" on {local_time(result.signed_at)}" if result.signed_at else ""
    if status == "valid":
        return (
            f"Signed by {signer_text(result)}",
            f"Unchanged since it was signed{signed}.",
            pixmap.SP_DialogApplyButton,
        )
    if status == "untrusted":
        return (
            f"Signed by an unknown key: the file calls the signer {result.signer_name}",
            f"Unchanged since it was signed{signed}, but the key is not in your trusted "
            "list: check its fingerprint with the sender before you rely on the name.",
            pixmap.SP_MessageBoxWarning,
        )
    if status == "changed":
        who = result.trusted_name or result.signer_name or "the signer"
        if not result.signature_intact:
            return (
                "The signature does not match",
                f"The file names {who} as the signer, but the signature record itself "
                "was altered: nothing in this file can be relied on.",
                pixmap.SP_MessageBoxCritical,
            )
        listed = ", ".join(f"{c.kind_label} '{c.label}'" for c in result.changed[:3])
        more = f" and {len(result.changed) - 3} more" if len(result.changed) > 3 else ""
        return (
            f"Changed after signing: signed by {signer_text(result)}",
            f"Signed{signed}, then changed: {listed}{more}.",
            pixmap.SP_MessageBoxCritical,
        )
    if result.signature_removed:
        return ("Signature removed", cap(result.message), pixmap.SP_MessageBoxCritical)
    return (
        "Not signed",
        "Nobody vouches for this file: who changed what is as the file says.",
        pixmap.SP_MessageBoxWarning,
    )


def _plain(text: str, *, bold: bool = False, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
    if name:
        label.setObjectName(name)
    return label


class ConflictCard(QFrame):
    """One conflict: what it is, then mine and theirs side by side, each chosen by a
    radio button; fields that differ are in bold."""

    def __init__(self, conflict: Conflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setObjectName("merge_conflict")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        what = cap(conflict.kind_label) + " " + conflict.label
        self.title = _plain(f"{what} — {conflict.field_label}", bold=True, name="conflict_title")
        self.setAccessibleName(f"Conflict: {what}, {conflict.field_label}")
        # No mnemonics here: every card has the pair (the All buttons have them).
        self.mine = QRadioButton("Keep mine")
        self.theirs = QRadioButton("Take theirs")
        self.mine.setObjectName("conflict_mine")
        self.theirs.setObjectName("conflict_theirs")
        self.group = QButtonGroup(self)
        self.group.addButton(self.mine)
        self.group.addButton(self.theirs)
        self.mine.setChecked(True)
        grid = QGridLayout(self)
        grid.addWidget(self.title, 0, 0, 1, 2)
        for column, (button, edit, side) in enumerate(
            (
                (self.mine, conflict.mine_edit, "Mine"),
                (self.theirs, conflict.theirs_edit, "Theirs"),
            )
        ):
            grid.addWidget(button, 1, column)
            who = _plain(changed_by(edit, side), name=f"conflict_{side.lower()}_who")
            grid.addWidget(who, 2, column)
            grid.addWidget(self._values(side.lower()), 3, column, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def _values(self, side: str) -> QWidget:
        box = QWidget()
        box.setObjectName(f"conflict_{side}_values")
        form = QFormLayout(box)
        form.setContentsMargins(18, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        c = self.conflict
        if not c.parts:  # a whole record: deleted on one side, changed on the other
            text = c.mine_display if side == "mine" else c.theirs_display
            form.addRow(_plain(cap(text)))
            return box
        for part in c.parts:
            value = part.mine if side == "mine" else part.theirs
            form.addRow(_plain(f"{part.label}:"), _plain(value, bold=part.differs))
        return box

    def side(self) -> Side:
        return "theirs" if self.theirs.isChecked() else "mine"

    def set_side(self, side: Side) -> None:
        (self.theirs if side == "theirs" else self.mine).setChecked(True)


class MergeDialog(QDialog):
    """Signature, conflicts side by side, the automatic changes; Merge or Cancel."""

    def __init__(
        self, parent: QWidget | None, preview: MergePreview, open_path: str | None = None
    ) -> None:
        # Here, not at the top: merging loads SQLAlchemy, which opening the window
        # does not need.
        from app.core.sharing.merge.preview import changes_by_action

        super().__init__(parent)
        self.preview = preview
        plan = preview.plan
        self.setObjectName("merge_dialog")
        # Colleagues' copies usually bear the open project's own file name: the folders
        # tell them apart, in the title and in full under the signature.
        paths = [preview.path] + ([open_path] if open_path else [])
        incoming = distinct_labels(paths)[preview.path]
        self.setWindowTitle(f"Merge {incoming} — {APP_NAME}")
        layout = QVBoxLayout(self)
        self.source_label = _plain(
            f"Incoming file: {home_relative(Path(preview.path))}"
            + (
                f"\nOpen project: {home_relative(Path(open_path))}"
                if open_path and Path(open_path).name == Path(preview.path).name
                else ""
            ),
            name="merge_source",
        )
        signature = self._signature_box(preview.signature)
        grid = signature.layout()
        assert isinstance(grid, QGridLayout)
        grid.addWidget(self.source_label, 3, 1)  # the signature stays first (issue 16)
        layout.addWidget(signature)

        self.cards: list[ConflictCard] = []
        self._waiting: list[Conflict] = []  # not shown yet
        self._all_side: Side = "mine"
        if plan.conflicts:
            count = len(plan.conflicts)
            intro = _plain(
                f"{count} change{'s' if count != 1 else ''} made differently here and in "
                f"{preview.source_name}: choose which version to keep.",
                name="merge_conflicts_intro",
            )
            layout.addWidget(intro)
            holder = QWidget()
            column = QVBoxLayout(holder)
            # Claims in article order, as the list shows them; other records after.
            self._waiting = sorted(plan.conflicts, key=lambda c: (c.number is None, c.number or 0))
            self._column = column
            self.more = QPushButton()
            self.more.setObjectName("merge_more_conflicts")
            self.more.clicked.connect(self.show_more)
            column.addWidget(self.more)
            column.addStretch(1)
            self.show_more()
            scroll = QScrollArea()
            scroll.setObjectName("merge_conflicts")
            scroll.setAccessibleName("Conflicting changes")
            scroll.setWidgetResizable(True)
            scroll.setWidget(holder)
            layout.addWidget(scroll, 4)
            row = QHBoxLayout()
            self.all_mine = QPushButton("Keep &All Mine")
            self.all_mine.setObjectName("merge_all_mine")
            self.all_theirs = QPushButton("Take All &Theirs")
            self.all_theirs.setObjectName("merge_all_theirs")
            self.all_mine.clicked.connect(lambda: self.set_all("mine"))
            self.all_theirs.clicked.connect(lambda: self.set_all("theirs"))
            for button in (self.all_mine, self.all_theirs, self.more):
                button.setAutoDefault(False)  # Return is for Merge (or Cancel), never these
            row.addWidget(self.all_mine)
            row.addWidget(self.all_theirs)
            row.addStretch(1)
            layout.addLayout(row)

        changes = preview.changes
        counts = changes_by_action(changes)
        summary = ", ".join(f"{n:,} {action}" for action, n in counts.items() if n)
        self.changes_label = _plain(
            f"Merged automatically: {summary}."
            if changes
            else "Nothing else changes: no other edits to merge.",
            bold=True,
            name="merge_changes_label",
        )
        layout.addWidget(self.changes_label)
        # Plain text, one entry a line: wraps to the width, copies as it reads, and stays
        # quick with thousands of entries (a new article's every claim).
        self.changes = QPlainTextEdit()
        self.changes.setObjectName("merge_changes")
        self.changes.setAccessibleName("Changes merged automatically")
        self.changes.setReadOnly(True)
        self.changes.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.changes.setPlainText("\n".join(f"• {change.text}" for change in changes))
        self.changes.setVisible(bool(changes))
        layout.addWidget(self.changes, 1)
        for warning in plan.warnings:
            layout.addWidget(_plain(f"Please note: {warning}", name="merge_warning"))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.merge_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText("&Merge")
        self.merge_button.setObjectName("merge_button")
        if str(preview.signature.status) == "valid":
            self.merge_button.setDefault(True)  # a trusted, unchanged file: Return merges
        else:
            # Enter does not merge a file nobody trusted vouches for: a click does.
            self.merge_button.setAutoDefault(False)
            self.merge_button.setDefault(False)
            cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
            cancel.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(960, 720 if plan.conflicts else 480)

    def _signature_box(self, result: VerifyResult) -> QGroupBox:
        from app.core.sharing.signing import format_fingerprint

        headline, detail, pixmap = signature_state(result)
        box = QGroupBox("Signature of the incoming file")
        box.setObjectName("merge_signature")
        grid = QGridLayout(box)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(pixmap).pixmap(32, 32))
        grid.addWidget(icon, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        self.signature_headline = _plain(headline, bold=True, name="merge_signature_state")
        self.signature_detail = _plain(detail, name="merge_signature_detail")
        grid.addWidget(self.signature_headline, 0, 1)
        grid.addWidget(self.signature_detail, 1, 1)
        if result.key_fingerprint:
            key = _plain(
                f"Key fingerprint: {format_fingerprint(result.key_fingerprint)}",
                name="merge_signature_fingerprint",
            )
            grid.addWidget(key, 2, 1)
        grid.setColumnStretch(1, 1)
        box.setAccessibleName(f"Signature: {headline}. {detail}")
        return box

    def change_lines(self) -> list[str]:
        """The automatic changes as listed, one entry each."""
        text = self.changes.toPlainText()
        return [line.removeprefix("• ") for line in text.split("\n")] if text else []

    def show_more(self) -> None:
        """Show the next page of conflicts (a card each costs a few milliseconds, and a
        merge can bring hundreds); those not shown yet follow Keep/Take All."""
        page, self._waiting = self._waiting[:CARDS_PER_PAGE], self._waiting[CARDS_PER_PAGE:]
        for conflict in page:
            card = ConflictCard(conflict)
            card.set_side(self._all_side)
            self.cards.append(card)
            self._column.insertWidget(self._column.indexOf(self.more), card)
        self.more.setText(f"Show {min(len(self._waiting), CARDS_PER_PAGE)} More Conflicts")
        self.more.setVisible(bool(self._waiting))

    def set_all(self, side: Side) -> None:
        self._all_side = side
        for card in self.cards:
            card.set_side(side)

    def resolution(self) -> dict[tuple[str, str], Side]:
        decided = {c.key: self._all_side for c in self._waiting}
        decided.update({card.conflict.key: card.side() for card in self.cards})
        return decided


def merge_counts_text(result: Any) -> str:
    """ "Merged bob.factdesk: 2 records added, 1 changed, 0 removed." """
    from app.core.wording import plural

    added = sum(result.inserted.values())
    removed = sum(result.deleted.values())
    changed = max(len(result.changed_ids) - added - removed, 0)
    return (
        f"Merged {result.source_name}: {plural(added, 'record')} added, {changed} changed, "
        f"{removed} removed."
    )


def merge_result_text(result: Any, changes: tuple[Any, ...] = ()) -> str:
    """What a merge did, in words: the counts, what merged by itself (the first few
    entries of ``changes``), then how each conflict was decided."""
    lines = [merge_counts_text(result)]
    if changes:
        lines += ["", "Merged automatically:"]
        lines += [f"• {change.text}" for change in changes[:RESULT_ENTRIES]]
        if len(changes) > RESULT_ENTRIES:
            lines.append(f"• and {len(changes) - RESULT_ENTRIES:,} more")
    if result.conflicts:
        lines += ["", "Conflicts, as you decided:"]
        for c in sorted(result.conflicts, key=lambda c: (c.number is None, c.number or 0)):
            side = result.resolved.get(c.key, "mine")
            theirs = f"took theirs ({c.theirs_edit.author}'s)" if c.theirs_edit else "took theirs"
            how = theirs if side == "theirs" else "kept yours"
            lines.append(f"• {cap(c.kind_label)} {c.label} — {c.field_label}: {how}")
    for warning in result.warnings:
        lines += ["", f"Please note: {warning}"]
    lines += ["", "Edit ▸ Undo puts it all back in one step."]
    return "\n".join(lines)
