"""The views of "Checked before": the panel of earlier verdicts and the article's marks.

:class:`CheckedBeforeWidget` lists the earlier verdicts that match the selected claim
(rating, publisher, date, link, "likely the same claim" / "related") and shows the two
claims side by side; :class:`MatchMarks` puts a dot in the article view's right margin
beside each claim with a likely match. Both only show what
:class:`~app.ui.checked_before.CheckedBeforeController` gives them and say what the
person asked for through signals.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.wording import plural

if TYPE_CHECKING:  # the matching modules load SQLAlchemy: imported when first used
    from app.core.matching.rank import Match

MARK_COLOUR = "#2b7bb9"
MIN_LIST_HEIGHT = 40


class CheckedBeforeWidget(QWidget):
    """The list of earlier verdicts for one claim, and the two claims side by side."""

    reuse_requested = Signal(object)  # Match
    not_same_requested = Signal(object)  # Match
    link_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checked_before")
        self.claim_text = ""
        self.matches: list[Match] = []
        title = QLabel("Checked before")
        title.setProperty("role", "section")
        self.status = QLabel()
        self.status.setObjectName("checked_before_status")
        self.status.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("checked_before_list")
        self.list.setAccessibleName("Earlier verdicts of similar claims")
        self.list.setWordWrap(True)
        self.detail = QTextBrowser()
        self.detail.setObjectName("checked_before_detail")
        self.detail.setAccessibleName("This claim beside the earlier one")
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._on_detail_anchorClicked)
        self.reuse_button = QPushButton("&Reuse verdict")
        self.reuse_button.setObjectName("reuse_verdict_button")
        self.reuse_button.setAccessibleName("Reuse verdict")
        self.reuse_button.setToolTip("Add the earlier check as evidence and use its rating")
        self.not_same_button = QPushButton("Not the same claim")
        self.not_same_button.setObjectName("not_same_button")
        self.not_same_button.setAccessibleName("Not the same claim")
        self.not_same_button.setToolTip("Never propose this earlier check for this claim again")
        self.reuse_button.clicked.connect(self._on_reuse_clicked)
        self.not_same_button.clicked.connect(self._on_not_same_clicked)
        self.list.currentRowChanged.connect(self._on_list_currentRowChanged)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reuse_button)
        buttons.addWidget(self.not_same_button)
        buttons.addStretch(1)
        # Small minimums: the pane shares the column with the claims list and the panel,
        # and its lists scroll; their default minimums squeezed the claims list.
        for view in (self.list, self.detail):
            view.setMinimumHeight(MIN_LIST_HEIGHT)
        lists = QHBoxLayout()
        lists.addWidget(self.list, 1)
        lists.addWidget(self.detail, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 8)
        layout.addWidget(title)
        layout.addWidget(self.status)
        layout.addLayout(lists, 1)
        layout.addLayout(buttons)
        self.read_only = False
        self.show_message("Select a claim to see earlier verdicts of similar claims.")

    # --- feeding -------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.matches = []
        self.list.clear()
        self.detail.clear()
        self.status.setText(text)
        self._update_buttons()

    def show_matches(self, claim_text: str, matches: list[Match]) -> None:
        self.claim_text = claim_text
        self.matches = list(matches)
        self.list.clear()
        self.detail.clear()
        for match in self.matches:
            item = match.item
            facts = " · ".join(x for x in (item.rating, item.publisher, item.date) if x)
            label = match.label or "weak match"
            entry = QListWidgetItem(f"{label} ({match.score:.0%}) — {facts}\n{item.claim}")
            entry.setToolTip(item.url or "no link")
            self.list.addItem(entry)
        from app.core.matching.rank import LIKELY

        likely = sum(m.score >= LIKELY for m in self.matches)
        if not self.matches:
            self.status.setText("Nothing similar in the library.")
        else:
            self.status.setText(
                f"{plural(len(self.matches), 'earlier verdict')} of similar claims"
                + (f", {likely} likely the same claim." if likely else ".")
            )
            self.list.setCurrentRow(0)
        self._update_buttons()

    def current_match(self) -> Match | None:
        row = self.list.currentRow()
        return self.matches[row] if 0 <= row < len(self.matches) else None

    def _update_buttons(self) -> None:
        has = self.current_match() is not None
        self.reuse_button.setEnabled(has and not self.read_only)
        self.not_same_button.setEnabled(has)

    # --- slots ---------------------------------------------------------------------------

    def _on_list_currentRowChanged(self, _row: int) -> None:
        self._update_buttons()
        match = self.current_match()
        if match is None:
            self.detail.clear()
            return
        item = match.item
        link = (
            f'<a href="{html.escape(item.url, quote=True)}">{html.escape(item.url)}</a>'
            if item.url
            else "no link"
        )
        verdict = " · ".join(
            html.escape(x) for x in (item.rating or "no rating", item.publisher, item.date) if x
        )
        self.detail.setHtml(
            "<table width='100%' cellspacing='4'><tr>"
            f"<td width='50%' valign='top'><b>This claim</b><br>{html.escape(self.claim_text)}</td>"
            f"<td width='50%' valign='top'><b>Checked before</b> ({html.escape(match.label or '')})"
            f"<br>{html.escape(item.claim)}<br><br><b>{verdict}</b><br>{link}</td>"
            "</tr></table>"
        )

    def _on_reuse_clicked(self) -> None:
        match = self.current_match()
        if match is not None:
            self.reuse_requested.emit(match)

    def _on_not_same_clicked(self) -> None:
        match = self.current_match()
        if match is not None:
            self.not_same_requested.emit(match)

    def _on_detail_anchorClicked(self, url: QUrl) -> None:
        self.link_requested.emit(url.toString())


class MatchMarks(QWidget):
    """A dot in the article view's right margin beside each claim with a likely match.

    A transparent overlay on the view's viewport, so the view's own painting and text
    formats stay untouched.
    """

    def __init__(self, view: Any) -> None:
        super().__init__(view.viewport())
        self.setObjectName("checked_before_marks")
        self.view = view
        self.claim_ids: set[str] = set()
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setGeometry(view.viewport().rect())
        view.viewport().installEventFilter(self)
        view.verticalScrollBar().valueChanged.connect(self._on_scrollbar_valueChanged)

    def _on_scrollbar_valueChanged(self, _value: int) -> None:
        # Scrolling moves the viewport's children with its pixels: put the overlay back.
        self.setGeometry(self.view.viewport().rect())
        self.update()

    def set_claims(self, claim_ids: set[str]) -> None:
        self.claim_ids = set(claim_ids)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.view.viewport().rect())
        return False

    def positions(self) -> list[int]:
        """The vertical positions (viewport pixels) of the marks now visible."""
        found = []
        highlighter = self.view.highlighter
        last = self.view.document().characterCount() - 1
        for claim_id in self.claim_ids:
            span = highlighter.span_for(claim_id)
            if span is None or span.start > last:
                continue
            cursor = QTextCursor(self.view.document())
            cursor.setPosition(span.start)
            top = self.view.cursorRect(cursor).top()
            if 0 <= top <= self.height():
                found.append(top)
        return sorted(found)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.claim_ids:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(MARK_COLOUR))
        painter.setPen(Qt.PenStyle.NoPen)
        for top in self.positions():
            painter.drawEllipse(QRect(self.width() - 14, top + 4, 9, 9))
        painter.end()
