"""The verdict panel: one claim's wording, claimant, rating, status, explanation, evidence.

The editor never writes anything itself: it emits ``edit_requested`` with the fields a
person changed and the window turns that into an undo command. Text fields commit when
typing pauses or focus leaves, so each pause is saved at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FactdeskError
from app.core.records import (
    AttachmentInfo,
    ClaimInfo,
    ClaimStatus,
    EvidenceInfo,
    RatingScaleInfo,
    Stance,
)
from app.ui.dialogs import show_error
from app.ui.markdown import MarkdownPreview
from app.ui.models import STATUS_TEXT, EvidenceTableModel
from app.ui.text_fields import PanelLineEdit, PanelTextEdit

COMMIT_DELAY_MS = 700


def colour_icon(colour: str | QColor, size: int = 14) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(colour))
    return QIcon(pix)


class ClaimEditor(QWidget):
    """Detail editor for the selected claim and its evidence."""

    edit_requested = Signal(str, dict, str)  # claim id, fields, undo text
    add_evidence_requested = Signal(str)
    edit_evidence_requested = Signal(str)  # evidence id
    remove_evidence_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("claim_editor")
        self.claim: ClaimInfo | None = None
        self.scale: RatingScaleInfo | None = None
        self._loading = False
        self.read_only = False

        self.heading = QLabel("No claim selected")
        self.heading.setObjectName("claim_heading")
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Selected claim")

        self.wording = PanelTextEdit()
        self.wording.setObjectName("wording_edit")
        self.wording.setAccessibleName("Claim wording")
        self.wording.setPlaceholderText("The claim, worded as it will be checked")
        self.wording.setTabChangesFocus(True)
        self.wording.setFixedHeight(64)

        self.claimant = PanelLineEdit()
        self.claimant.setObjectName("claimant_edit")
        self.claimant.setAccessibleName("Claimant")
        self.claimant.setPlaceholderText("Who made the claim")

        self.rating = QComboBox()
        self.rating.setObjectName("rating_combo")
        self.rating.setAccessibleName("Rating")
        self.conclusion = PanelLineEdit()  # for conclusion-only scales
        self.conclusion.setObjectName("conclusion_edit")
        self.conclusion.setAccessibleName("Conclusion")
        self.conclusion.setPlaceholderText("Short written conclusion")
        self.conclusion.hide()

        self.status = QComboBox()
        self.status.setObjectName("status_combo")
        self.status.setAccessibleName("Status")
        for status in ClaimStatus:
            self.status.addItem(STATUS_TEXT[status], status.value)

        self.explanation = PanelTextEdit()
        self.explanation.setObjectName("explanation_edit")
        self.explanation.setAccessibleName("Explanation (Markdown)")
        self.explanation.setPlaceholderText("Explanation in Markdown: what the evidence shows")
        self.explanation.setTabChangesFocus(True)
        self.preview = QTextBrowser()
        self.preview.setObjectName("explanation_preview")
        self.preview.setAccessibleName("Explanation preview")
        self.preview.setOpenLinks(False)  # links open in the system browser, on request
        self.preview.anchorClicked.connect(self._on_preview_anchorClicked)
        self.markdown_preview = MarkdownPreview(self.preview)

        self.evidence_model = EvidenceTableModel(self)
        self.evidence = QTableView()
        self.evidence.setObjectName("evidence_table")
        self.evidence.setAccessibleName("Evidence")
        self.evidence.setModel(self.evidence_model)
        self.evidence.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.evidence.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.evidence.verticalHeader().hide()
        self.evidence.verticalHeader().setDefaultSectionSize(24)
        self.evidence.setWordWrap(False)
        self.evidence.setTabKeyNavigation(False)  # Tab leaves the table (keyboard model)
        self.evidence.setAlternatingRowColors(True)
        self.evidence.horizontalHeader().setStretchLastSection(True)
        self.evidence.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 110), (2, 82), (3, 72), (4, 120), (5, 120)):
            self.evidence.setColumnWidth(col, width)
        self.evidence.doubleClicked.connect(self._on_evidence_doubleClicked)
        self.evidence.selectionModel().currentChanged.connect(self._on_evidence_currentChanged)

        self.add_button = QPushButton("Add…")
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove")
        self.open_button = QPushButton("Open Link")
        for button, name in (
            (self.add_button, "Add evidence"),
            (self.edit_button, "Edit evidence"),
            (self.remove_button, "Remove evidence"),
            (self.open_button, "Open evidence link in browser"),
        ):
            button.setAccessibleName(name)
            button.setObjectName(name.lower().replace(" ", "_") + "_button")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.open_button.clicked.connect(self._on_open_clicked)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Wording", self.wording)
        form.addRow("Clai&mant", self.claimant)
        rating_row = QHBoxLayout()
        rating_row.addWidget(self.rating, 2)
        rating_row.addWidget(self.conclusion, 2)
        status_label = QLabel("S&tatus")
        status_label.setBuddy(self.status)
        rating_row.addWidget(status_label)
        rating_row.addWidget(self.status, 1)
        form.addRow("&Rating", rating_row)
        for label_widget in (form.labelForField(self.wording), form.labelForField(self.claimant)):
            if isinstance(label_widget, QLabel):
                label_widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        rating_label = form.labelForField(rating_row)
        if isinstance(rating_label, QLabel):
            rating_label.setBuddy(self.rating)

        explain = QSplitter(Qt.Orientation.Horizontal)
        explain.setObjectName("explanation_splitter")
        explain.addWidget(self.explanation)
        explain.addWidget(self.preview)
        explain.setChildrenCollapsible(False)

        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button, self.open_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        explanation_label = QLabel("E&xplanation")
        explanation_label.setBuddy(self.explanation)
        evidence_label = QLabel("Evidence")
        for lbl in (explanation_label, evidence_label):
            lbl.setProperty("role", "section")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(explanation_label)
        layout.addWidget(explain, 3)
        layout.addWidget(evidence_label)
        layout.addWidget(self.evidence, 2)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COMMIT_DELAY_MS)
        self._timer.timeout.connect(self.commit_text)
        self.wording.textChanged.connect(self._on_text_changed)
        self.explanation.textChanged.connect(self._on_text_changed)
        self.explanation.textChanged.connect(self._on_explanation_textChanged)
        self.wording.focus_lost.connect(self.commit_text)
        self.explanation.focus_lost.connect(self.commit_text)
        self.claimant.editingFinished.connect(self.commit_text)
        self.conclusion.editingFinished.connect(self._on_conclusion_editingFinished)
        self.rating.activated.connect(self._on_rating_activated)
        self.status.activated.connect(self._on_status_activated)
        self.set_claim(None)

    # --- feeding -----------------------------------------------------------------

    def set_scale(self, scale: RatingScaleInfo | None) -> None:
        self.scale = scale
        self.rating.clear()
        self.rating.addItem("Unrated", None)
        conclusion_only = scale is not None and scale.conclusion_only
        self.rating.setVisible(not conclusion_only)
        self.conclusion.setVisible(conclusion_only)
        if scale is not None:
            for n, level in enumerate(scale.levels, start=1):
                key = f"  ({n})" if n <= 9 else ""
                self.rating.addItem(colour_icon(level.colour), level.label + key, level.id)
                self.rating.setItemData(
                    self.rating.count() - 1, level.description, Qt.ItemDataRole.ToolTipRole
                )
        self._show_rating()

    def set_claim(self, claim: ClaimInfo | None) -> None:
        """Show ``claim`` (or nothing). Pending typing for the previous claim is committed."""
        if self.claim is not None and (claim is None or claim.id != self.claim.id):
            self.commit_text()
        same = claim is not None and self.claim is not None and claim.id == self.claim.id
        self.claim = claim
        self._loading = True
        try:
            enabled = claim is not None
            for w in (
                self.wording,
                self.claimant,
                self.rating,
                self.conclusion,
                self.status,
                self.explanation,
                self.evidence,
                self.add_button,
            ):
                w.setEnabled(enabled and (not self.read_only or w is self.evidence))
            if claim is None:
                self.heading.setText("No claim selected")
                self.wording.setPlainText("")
                self.claimant.setText("")
                self.explanation.setPlainText("")
                self.markdown_preview.show("")
                self.evidence_model.set_evidence([])
            else:
                origin = "detected" if claim.origin.value == "detected" else "marked by hand"
                score = f" · score {claim.score:.2f}" if claim.score is not None else ""
                reviewer = f" · rated by {claim.reviewer}" if claim.reviewer else ""
                self.heading.setText(f"Claim, {origin}{score}{reviewer}")
                # Keep what the person is typing when the update is our own echo.
                typing_wording = same and self.wording.hasFocus()
                if not typing_wording and self.wording.toPlainText() != claim.wording:
                    self.wording.setPlainText(claim.wording)
                if not (same and self.claimant.hasFocus()):
                    self.claimant.setText(claim.claimant or "")
                typing_explanation = same and self.explanation.hasFocus()
                if not typing_explanation and self.explanation.toPlainText() != claim.explanation:
                    self.explanation.setPlainText(claim.explanation)  # previewed on change
                self.status.setCurrentIndex(max(0, self.status.findData(claim.status.value)))
                self._show_rating()
                self.evidence_model.set_evidence(claim.evidence)
            self._update_buttons()
        finally:
            self._loading = False

    def _show_rating(self) -> None:
        claim = self.claim
        if claim is None:
            self.rating.setCurrentIndex(0)
            self.conclusion.setText("")
            return
        self.rating.setCurrentIndex(max(0, self.rating.findData(claim.rating_id)))
        if self.scale is not None and self.scale.conclusion_only:
            self.conclusion.setText(claim.rating_label or "")

    def _update_buttons(self) -> None:
        has = self.evidence.currentIndex().isValid() and self.claim is not None
        writable = not self.read_only
        self.edit_button.setEnabled(has and writable)
        self.remove_button.setEnabled(has and writable)
        ev = self.current_evidence()
        self.open_button.setEnabled(bool(ev and (ev.url or ev.archive_url)))

    def current_evidence(self) -> EvidenceInfo | None:
        index = self.evidence.currentIndex()
        if not index.isValid():
            return None
        return self.evidence_model.evidence_at(index.row())

    # --- committing ----------------------------------------------------------------

    def commit_text(self) -> None:
        """Send typed text that differs from the stored claim."""
        self._timer.stop()
        claim = self.claim
        if claim is None or self._loading or self.read_only:
            return
        fields: dict[str, Any] = {}
        wording = self.wording.toPlainText().strip()
        if wording and wording != claim.wording:
            fields["wording"] = wording
        claimant = self.claimant.text().strip() or None
        if claimant != claim.claimant:
            fields["claimant"] = claimant
        if self.explanation.toPlainText() != claim.explanation:
            fields["explanation"] = self.explanation.toPlainText()
        for name, text in (
            ("explanation", "Edit explanation"),
            ("wording", "Edit wording"),
            ("claimant", "Edit claimant"),
        ):
            if name in fields:
                self.edit_requested.emit(claim.id, {name: fields[name]}, text)

    def _on_text_changed(self) -> None:
        if not self._loading:
            self._timer.start()

    def _on_explanation_textChanged(self) -> None:
        self.markdown_preview.show(self.explanation.toPlainText())

    def _on_rating_activated(self, index: int) -> None:
        if self.claim is None or self._loading:
            return
        level_id = self.rating.itemData(index)
        if level_id != self.claim.rating_id:
            self.edit_requested.emit(
                self.claim.id, {"rating_id": level_id, "conclusion": None}, "Set rating"
            )

    def _on_conclusion_editingFinished(self) -> None:
        if self.claim is None or self._loading:
            return
        text = self.conclusion.text().strip() or None
        if text != self.claim.rating_label:
            self.edit_requested.emit(
                self.claim.id, {"conclusion": text, "rating_id": None}, "Set conclusion"
            )

    def _on_status_activated(self, index: int) -> None:
        if self.claim is None or self._loading:
            return
        status = self.status.itemData(index)
        if status != self.claim.status.value:
            self.edit_requested.emit(self.claim.id, {"status": status}, "Change status")

    def _on_preview_anchorClicked(self, url: QUrl) -> None:
        open_web_link(self, url.toString())

    # --- evidence --------------------------------------------------------------------

    def _on_evidence_currentChanged(self, *_args: Any) -> None:
        self._update_buttons()

    def _on_evidence_doubleClicked(self, _index: QModelIndex) -> None:
        self._on_edit_clicked()

    def _on_add_clicked(self) -> None:
        if self.claim is not None:
            self.add_evidence_requested.emit(self.claim.id)

    def _on_edit_clicked(self) -> None:
        ev = self.current_evidence()
        if ev is not None and not self.read_only:
            self.edit_evidence_requested.emit(ev.id)

    def _on_remove_clicked(self) -> None:
        ev = self.current_evidence()
        if ev is not None:
            self.remove_evidence_requested.emit(ev.id)

    def _on_open_clicked(self) -> None:
        ev = self.current_evidence()
        if ev is not None:
            open_web_link(self, ev.url or ev.archive_url or "")


def open_web_link(parent: QWidget, link: str) -> bool:
    """Open an http(s) link in the system browser; anything else is refused."""
    url = QUrl(link)
    if url.scheme().lower() not in ("http", "https") or not url.host():
        show_error(parent, f"Only web links (http, https) open: {link[:200]}")
        return False
    return QDesktopServices.openUrl(url)


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
        self.accessed = QDateEdit()
        self.accessed.setCalendarPopup(True)
        self.accessed.setDisplayFormat("yyyy-MM-dd")
        day = evidence.accessed if evidence and evidence.accessed else date.today()
        self.accessed.setDate(QDate(day.year, day.month, day.day))
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
        self.attach_button = QPushButton("Attach File…")
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
            show_error(self, exc.message)
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
            show_error(self, exc.message)
            return
        self._show_attachment()

    def fields(self) -> dict[str, Any]:
        d = self.accessed.date()
        return {
            "url": self.url.text().strip() or None,
            "title": self.title_edit.text(),
            "publisher": self.publisher.text(),
            "accessed": date(d.year(), d.month(), d.day()),
            "archive_url": self.archive.text().strip() or None,
            "stance": self.stance.currentData(),
            "note": self.note.toPlainText(),
            "attachment_id": self.attachment.id if self.attachment else None,
        }

    def accept(self) -> None:
        try:
            self._submit(self.fields())
        except FactdeskError as exc:
            # The service refuses non-web links and the like: say so and stay open.
            show_error(self, exc.message)
            return
        super().accept()
