"""The verdict panel: one claim's wording, claimant, rating, status, explanation, evidence.

The editor never writes anything itself: it emits ``edit_requested`` with the fields a
person changed and the window turns that into an undo command. Text fields commit when
typing pauses or focus leaves, so each pause is saved at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.records import (
    ClaimInfo,
    ClaimKind,
    ClaimStatus,
    EvidenceInfo,
    RatingScaleInfo,
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
    """Detail editor for the selected claim and its evidence.

    ``commit_timer`` saves typed text ``COMMIT_DELAY_MS`` after the last keystroke (so a
    burst of typing is one edit); its interval may be set on the instance.
    """

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
        self.claimant_role = PanelLineEdit()
        self.claimant_role.setObjectName("claimant_role_edit")
        self.claimant_role.setAccessibleName("Claimant's role")
        self.claimant_role.setPlaceholderText("Their role, as the article gives it")
        # The claim's kinds: a check box each, so they are seen and set at a glance.
        self.kinds: dict[ClaimKind, QCheckBox] = {}
        for kind in ClaimKind:
            box = QCheckBox(kind.value.capitalize())
            box.setObjectName(f"kind_{kind.value}")
            box.setAccessibleName(f"Kind: {kind.value}")
            box.toggled.connect(self._on_kind_toggled)
            self.kinds[kind] = box

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
        claimant_row = QHBoxLayout()
        claimant_row.addWidget(self.claimant, 3)
        role_label = QLabel("R&ole")
        role_label.setBuddy(self.claimant_role)
        claimant_row.addWidget(role_label)
        claimant_row.addWidget(self.claimant_role, 2)
        form.addRow("Clai&mant", claimant_row)
        kinds_row = QHBoxLayout()
        for box in self.kinds.values():
            kinds_row.addWidget(box)
        kinds_row.addStretch(1)
        form.addRow("Kinds", kinds_row)
        rating_row = QHBoxLayout()
        rating_row.addWidget(self.rating, 2)
        rating_row.addWidget(self.conclusion, 2)
        status_label = QLabel("S&tatus")
        status_label.setBuddy(self.status)
        rating_row.addWidget(status_label)
        rating_row.addWidget(self.status, 1)
        form.addRow("&Rating", rating_row)
        for label_widget in (form.labelForField(self.wording), form.labelForField(claimant_row)):
            if isinstance(label_widget, QLabel):
                label_widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        rating_label = form.labelForField(rating_row)
        if isinstance(rating_label, QLabel):
            rating_label.setBuddy(self.rating)
        claimant_label = form.labelForField(claimant_row)
        if isinstance(claimant_label, QLabel):
            claimant_label.setBuddy(self.claimant)

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

        self.commit_timer = QTimer(self)
        self.commit_timer.setSingleShot(True)
        self.commit_timer.setInterval(COMMIT_DELAY_MS)
        self.commit_timer.timeout.connect(self.commit_text)
        self.wording.textChanged.connect(self._on_text_changed)
        self.explanation.textChanged.connect(self._on_text_changed)
        self.explanation.textChanged.connect(self._on_explanation_textChanged)
        self.wording.focus_lost.connect(self.commit_text)
        self.explanation.focus_lost.connect(self.commit_text)
        self.claimant.editingFinished.connect(self.commit_text)
        self.claimant_role.editingFinished.connect(self.commit_text)
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
                self.claimant_role,
                *self.kinds.values(),
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
                self.claimant_role.setText("")
                for box in self.kinds.values():
                    box.setChecked(False)
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
                if not (same and self.claimant_role.hasFocus()):
                    self.claimant_role.setText(claim.claimant_role or "")
                for kind, box in self.kinds.items():
                    box.setChecked(kind in claim.kinds)
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
        self.commit_timer.stop()
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
        role = self.claimant_role.text().strip() or None
        if role != claim.claimant_role:
            fields["claimant_role"] = role
        if self.explanation.toPlainText() != claim.explanation:
            fields["explanation"] = self.explanation.toPlainText()
        for name, text in (
            ("explanation", "Edit explanation"),
            ("wording", "Edit wording"),
            ("claimant", "Edit claimant"),
            ("claimant_role", "Edit claimant's role"),
        ):
            if name in fields:
                self.edit_requested.emit(claim.id, {name: fields[name]}, text)

    def _on_kind_toggled(self, _checked: bool) -> None:
        if self.claim is None or self._loading:
            return
        kinds = [kind.value for kind, box in self.kinds.items() if box.isChecked()]
        if kinds != [k.value for k in self.claim.kinds]:
            self.edit_requested.emit(self.claim.id, {"kinds": kinds}, "Change kinds")

    def _on_text_changed(self) -> None:
        if not self._loading:
            self.commit_timer.start()

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
