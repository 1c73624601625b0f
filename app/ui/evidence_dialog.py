"""Adding or editing one evidence item: link, title, publisher, dates, stance, file.

The dialog gathers the fields; ``submit`` (the window's undoable edit) saves them, and a
refusal from the service (a link that is not a web address, say) keeps it open with the
service's message.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.core.errors import FactdeskError
from app.core.records import AttachmentInfo, EvidenceInfo, Stance
from app.core.wording import quoted
from app.ui import dialogs

FOCUS_ROOM = 2 * (10 + 2) + 8  # the focused button's padding and ring, both sides, and air


class EvidenceDialog(QDialog):
    """Add or edit one evidence item. ``submit(fields)`` saves; a refusal keeps it open."""

    def __init__(
        self,
        parent: QWidget | None,
        submit: Any,
        attach: Any,
        evidence: EvidenceInfo | None = None,
        read_attachment: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_dialog")
        self.setWindowTitle("Edit Evidence" if evidence else "Add Evidence")
        self._submit = submit
        self._attach = attach
        self._read_attachment = read_attachment  # attachment id -> (info, bytes)
        self.attachment: AttachmentInfo | None = evidence.attachment if evidence else None
        self.url = QLineEdit(evidence.url or "" if evidence else "")
        self.url.setPlaceholderText("https://…")
        self.title_edit = QLineEdit(evidence.title if evidence else "")
        self.publisher = QLineEdit(evidence.publisher if evidence else "")
        # A plain text field for the date, not a QDateEdit: there Tab walks year, month
        # and day before it leaves, and typing over a section is fiddly. Here the date is
        # typed or pasted whole as YYYY-MM-DD (as the list shows it), Tab leaves at once,
        # and a date that does not exist is refused with a message when saving.
        day = evidence.accessed if evidence else date.today()
        self.accessed = QLineEdit(day.isoformat() if day else "")
        self.accessed.setPlaceholderText("YYYY-MM-DD")
        self.accessed.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,4}(-\d{0,2}(-\d{0,2})?)?"))
        )
        self.accessed.setToolTip("The day you read the source, as YYYY-MM-DD; empty: not noted")
        self.archive = QLineEdit(evidence.archive_url or "" if evidence else "")
        self.archive.setPlaceholderText("https://web.archive.org/…")
        self.stance = QComboBox()
        for stance in Stance:
            self.stance.addItem(stance.value.capitalize(), stance.value)
        # New evidence starts as context: saying it supports or refutes is a decision.
        shown_stance = evidence.stance if evidence else Stance.CONTEXT
        self.stance.setCurrentIndex(self.stance.findData(shown_stance.value))
        self.note = QPlainTextEdit(evidence.note if evidence else "")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(80)
        self.attachment_label = QLabel()
        self.attachment_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.attachment_label.setWordWrap(True)
        self.attach_button = QPushButton("Attach &File…")
        self.attach_button.clicked.connect(self._on_attach_clicked)
        self.open_file_button = QPushButton("Open")
        self.save_file_button = QPushButton("Save As…")
        self.remove_file_button = QPushButton("Remove File")
        for button, name in (
            (self.open_file_button, "Open the attached file"),
            (self.save_file_button, "Save the attached file as"),
            (self.remove_file_button, "Remove the attached file from this evidence"),
        ):
            button.setAccessibleName(name)
        self.open_file_button.setObjectName("open_attachment_button")
        self.save_file_button.setObjectName("save_attachment_button")
        self.remove_file_button.setObjectName("remove_attachment_button")
        self.open_file_button.clicked.connect(self._on_open_file_clicked)
        self.save_file_button.clicked.connect(self._on_save_file_clicked)
        self.remove_file_button.clicked.connect(self._on_remove_file_clicked)
        names = {
            self.url: "Link",
            self.title_edit: "Title",
            self.publisher: "Publisher",
            self.accessed: "Date accessed",
            self.archive: "Archived copy link",
            self.stance: "Stance",
            self.note: "Note",
            self.attachment_label: "Attached file",
            self.attach_button: "Attach a file",
        }
        form = QFormLayout(self)
        for widget, name in names.items():
            widget.setAccessibleName(name)
            widget.setObjectName(name.lower().replace(" ", "_"))
            if widget is not self.attach_button:
                form.addRow(name, widget)
        file_buttons = QHBoxLayout()
        for button in (
            self.attach_button,
            self.open_file_button,
            self.save_file_button,
            self.remove_file_button,
        ):
            file_buttons.addWidget(button)
        file_buttons.addStretch(1)
        form.addRow("", file_buttons)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        # Return saves, wherever the focus is but on another button: the file buttons
        # are pressed with Space or their mnemonic, never by a Return meant for OK.
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        for button in (
            self.attach_button,
            self.open_file_button,
            self.save_file_button,
            self.remove_file_button,
        ):
            button.setAutoDefault(False)
            # Room for the focus ring's padding (theme.py), so the focused label is whole.
            text = button.text().replace("&", "")
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(text) + FOCUS_ROOM)
        self._show_attachment()
        self.resize(520, self.sizeHint().height())

    def _show_attachment(self) -> None:
        a = self.attachment
        self.attachment_label.setText(
            f"{a.filename} ({a.size:,} bytes)\nSHA-256 {a.sha256}" if a else "No file attached"
        )
        stored = a is not None and self._read_attachment is not None
        self.open_file_button.setEnabled(stored)
        self.save_file_button.setEnabled(stored)
        self.remove_file_button.setEnabled(a is not None)

    def _attachment_bytes(self) -> tuple[AttachmentInfo, bytes] | None:
        if self.attachment is None or self._read_attachment is None:
            return None
        try:
            info, data = self._read_attachment(self.attachment.id)
        except FactdeskError as exc:
            dialogs.show_error(self, exc.message)
            return None
        return info, data

    def _on_open_file_clicked(self) -> None:
        from app.ui.attachments import open_attachment

        found = self._attachment_bytes()
        if found is not None:
            open_attachment(self, *found)

    def _on_save_file_clicked(self) -> None:
        from app.ui.attachments import save_attachment_as

        found = self._attachment_bytes()
        if found is not None:
            save_attachment_as(self, *found)

    def _on_remove_file_clicked(self) -> None:
        # Takes effect (undoably) when the dialog is accepted; the file stays in the
        # project for the undo and for any other evidence citing it.
        self.attachment = None
        self._show_attachment()

    def _on_attach_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Attach a File")
        if path:
            self.attach_path(path)

    def attach_path(self, path: str) -> None:
        try:
            self.attachment = self._attach(path)
        except FactdeskError as exc:
            dialogs.show_error(self, exc.message)
            return
        self._show_attachment()
        # The file's name and checksum take lines the dialog was not sized for.
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
        # The file is in: Return now means "save", not "pick another file".
        self.ok_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def accessed_date(self) -> date | None:
        """The typed date; raises ValueError with a message when it is not a real day."""
        text = self.accessed.text().strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"The date accessed {quoted(text)} is not a date: type it as YYYY-MM-DD."
            ) from None

    def fields(self) -> dict[str, Any]:
        return {
            "url": self.url.text().strip() or None,
            "title": self.title_edit.text(),
            "publisher": self.publisher.text(),
            "accessed": self.accessed_date(),
            "archive_url": self.archive.text().strip() or None,
            "stance": self.stance.currentData(),
            "note": self.note.toPlainText(),
            "attachment_id": self.attachment.id if self.attachment else None,
        }

    def accept(self) -> None:
        try:
            fields = self.fields()
        except ValueError as exc:
            dialogs.show_error(self, str(exc))
            self.accessed.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        try:
            self._submit(fields)
        except FactdeskError as exc:
            # The service refuses non-web links and the like: say so and stay open.
            dialogs.show_error(self, exc.message)
            return
        super().accept()
