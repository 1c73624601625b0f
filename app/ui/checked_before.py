"""The "Checked before" part of the claim panel: earlier verdicts that match the claim.

For every claim of the article shown, the closest verdicts in the library of known
verdicts (and among the project's own rated claims) are computed off the GUI thread, all
claims of the article in one background job, so an article of many claims never freezes
the window. The panel lists the top matches of the selected claim with their rating,
publisher, date, link and label ("likely the same claim" / "related"); selecting one shows
the earlier claim and its verdict beside this one. "Reuse verdict" adds the earlier check
as evidence and gives the claim its rating, as one undoable step; "Not the same claim" is
remembered in the library so that pair is never proposed again. The article view gets a
mark in its right margin beside each claim that has a likely match.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QThreadPool, QTimer, QUrl, Signal
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

from app.core.errors import FactdeskError
from app.core.records import Changes, ClaimInfo, ClaimStatus
from app.ui import dialogs
from app.ui.commands import Notify, OnError, ServiceCommand, claim_values, rating_fields
from app.ui.workers import Cancelled, Task

if TYPE_CHECKING:  # the matching modules load SQLAlchemy: imported when first used
    from app.core.matching.rank import Match
    from app.core.matching.service import ClaimMatches

MARK_COLOUR = "#2b7bb9"
# Matching starts a moment after an article is shown, once the window has painted and
# the other work of opening a project (signature check) has had its turn.
START_DELAY_MS = 250


class ReuseVerdictCommand(ServiceCommand):
    """Add an earlier check as evidence and give the claim its rating (one undo step)."""

    def __init__(
        self,
        service: Any,
        before: ClaimInfo,
        match: Match,
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        from app.core.matching.service import evidence_from, proposed_rating

        item = match.item
        super().__init__(
            service, f"Reuse verdict of {item.publisher or 'an earlier check'}", notify, on_error
        )
        self.claim_id = before.id
        reused = evidence_from(item)
        self.fields = {
            "url": reused.url,
            "title": reused.title,
            "publisher": reused.publisher,
            "note": reused.note,
            "stance": "context",
        }
        label = proposed_rating(service.scale(), item.rating)
        self.new_rating = rating_fields(service, label) if label else None
        self.old_rating = claim_values(before, list(self.new_rating)) if self.new_rating else None
        self.evidence: Any = None

    def _do(self) -> Changes:
        if self.evidence is None:
            self.evidence, changes = self.service.add_evidence(self.claim_id, **self.fields)
        else:
            changes = self.service.reinsert_evidence(self.evidence)
        if self.new_rating is not None:
            _info, more = self.service.update_claim(self.claim_id, **self.new_rating)
            changes = changes | more
        return changes  # type: ignore[no-any-return]

    def _undo(self) -> Changes:
        self.evidence, changes = self.service.remove_evidence(self.evidence.id)
        if self.old_rating is not None:
            _info, more = self.service.update_claim(self.claim_id, **self.old_rating)
            changes = changes | more
        return changes  # type: ignore[no-any-return]


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
                f"{len(self.matches)} earlier verdict(s) of similar claims"
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


class CheckedBeforeController(QObject):
    """Feeds the panel: matching runs in a worker, per article; reuse goes on the undo
    stack through the window's ``run_command``."""

    matched = Signal()  # the current article's matches are in

    def __init__(self, window: Any, library_path: str | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.library_path = library_path
        self.widget = CheckedBeforeWidget()
        self.marks = MatchMarks(window.workspace.view)
        self.results: dict[str, ClaimMatches] = {}
        self.task: Task | None = None
        # Its own one-thread pool: matching never holds up the window's other background
        # work (imports, signature checks) queued on the shared pool.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._running: set[Task] = set()
        self._pending: list[ClaimInfo] = []
        self._pending_service: Any = None
        self._timer = QTimer(self)
        self._timer.setObjectName("checked_before_timer")
        self._timer.setSingleShot(True)
        self._timer.setInterval(START_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._library: Any = None
        self._where: str | None = None
        self.widget.reuse_requested.connect(self._on_widget_reuse_requested)
        self.widget.not_same_requested.connect(self._on_widget_not_same_requested)
        self.widget.link_requested.connect(self._on_widget_link_requested)
        window.workspace.claim_selected.connect(self._on_workspace_claim_selected)

    def library(self) -> Any:
        """The library of known verdicts: the server's for a server project, else the
        file in the platform's data folder (or the one named)."""
        from app.core.matching import LibraryStore

        db = getattr(self.window.service, "db", None)
        on_server = db is not None and db.kind == "postgresql"
        where = db.label if on_server else "file"
        if self._library is None or self._where != where:
            # The previous library is left to the garbage collector: a worker may still
            # be reading it.
            if on_server:
                self._library = LibraryStore(db.engine, "postgresql", db.label)
            else:
                self._library = LibraryStore.open_file(self.library_path)
            self._where = where
        return self._library

    # --- importing collections of published verdicts ------------------------------------

    def import_dialog(self) -> Task | None:
        """File > Import Fact-Checks: ClaimReview JSON-LD, Data Commons feeds, pages, CSV."""
        from PySide6.QtWidgets import QFileDialog

        paths, _ = QFileDialog.getOpenFileNames(
            self.window,
            "Import Fact-Checks",
            "",
            "Fact-checks (*.json *.jsonld *.html *.htm *.csv *.factdesk);;All files (*)",
        )
        return self.import_files([Path(p) for p in paths]) if paths else None

    def import_files(self, paths: list[Path]) -> Task:
        """Add collections to the library on a worker, with progress and cancel; each batch
        is committed on its own, so cancelling keeps what was added."""
        library = self.library()

        def job(check: Any, report: Any) -> Any:
            def progress(done: int, _total: int) -> None:
                report(f"Importing fact-checks… {done:,} read")

            def cancelled() -> bool:
                try:
                    check()
                except Cancelled:
                    return True
                return False

            return library.import_files(paths, progress=progress, cancelled=cancelled)

        def done(result: Any) -> None:
            skipped = f", {len(result.skipped):,} skipped" if result.skipped else ""
            stopped = " (cancelled: what was read is kept)" if result.cancelled else ""
            self.window.statusBar().showMessage(
                f"Fact-checks imported: {result.added:,} new, {result.already_present:,} "
                f"already in the library{skipped}{stopped}.",
                10000,
            )
            claims = self.window.workspace.claims_model.claims()
            if claims:
                self.article_shown(claims)  # matched again with what was added

        return self.window.operations.run(
            "Importing fact-checks…",
            job,
            done,
            on_failed=lambda message: dialogs.show_error(self.window, message),
        )

    # --- matching in the background ------------------------------------------------------

    def article_shown(self, claims: list[ClaimInfo]) -> None:
        """Match every claim of the article just shown, soon and off the GUI thread."""
        if self.task is not None:
            self.task.cancel()
            self.task = None
        self.results = {}
        self.marks.set_claims(set())
        self._pending = [c for c in claims if c.status != ClaimStatus.DISMISSED]
        self._pending_service = self.window.service
        if self.window.service is None or not self._pending:
            self._timer.stop()
            self.widget.show_message("Select a claim to see earlier verdicts of similar claims.")
            return
        self.widget.show_message("Looking for earlier verdicts…")
        self._timer.start()

    def busy(self) -> bool:
        """Matching is about to start or running for the article shown."""
        return self.task is not None or self._timer.isActive()

    def _on_timer_timeout(self) -> None:
        service = self.window.service
        wanted = self._pending
        if service is None or service is not self._pending_service or not wanted:
            return  # the project was closed or changed meanwhile
        self._start(service, wanted)

    def _start(self, service: Any, wanted: list[ClaimInfo]) -> None:
        self.widget.show_message("Looking for earlier verdicts…")
        from app.core.matching.service import ProjectMatcher, project_verdicts

        try:
            library = self.library()
            # Read here, on the GUI thread: the worker never touches the project, so
            # closing it while matching runs is safe.
            own, own_articles = project_verdicts(service)
            dates = {a.id: a.published for a in service.articles()}
        except FactdeskError as exc:
            self.widget.show_message(f"Earlier verdicts cannot be searched: {exc}")
            return

        def job(check: Any, report: Any) -> list[ClaimMatches]:
            matcher = ProjectMatcher(library, own, own_articles, dates)
            try:
                return matcher.match_claims(wanted, check=check)
            finally:
                matcher.close()

        task = Task(job)
        task.signals.done.connect(lambda found, t=task: self._on_task_done(t, found))
        task.signals.failed.connect(lambda text, t=task: self._on_task_failed(t, text))
        # Kept until it reports back: a runnable collected while it runs would crash.
        self._running.add(task)
        for signal in (task.signals.done, task.signals.failed, task.signals.cancelled):
            signal.connect(lambda *_a, t=task: self._running.discard(t))
        self.task = task
        self.pool.start(task)

    def _on_task_done(self, task: Task, found: list[ClaimMatches]) -> None:
        if task is not self.task:
            return  # an older article's job
        self.task = None
        self.results = {m.claim_id: m for m in found if m.claim_id}
        self._refresh_marks()
        self._show(self.window.workspace.current_claim_id())
        self.matched.emit()

    def _on_task_failed(self, task: Task, text: str) -> None:
        if task is self.task:
            self.task = None
            self.widget.show_message(f"Earlier verdicts could not be searched: {text}")

    def likely_claims(self) -> set[str]:
        return {claim_id for claim_id, m in self.results.items() if m.likely}

    def _refresh_marks(self) -> None:
        self.marks.set_claims(self.likely_claims())

    def _show(self, claim_id: str | None) -> None:
        self.widget.read_only = bool(getattr(self.window, "read_only", False))
        if claim_id is None:
            self.widget.show_message("Select a claim to see earlier verdicts of similar claims.")
        elif self.busy():
            self.widget.show_message("Looking for earlier verdicts…")
        elif claim_id in self.results:
            found = self.results[claim_id]
            # Only matches worth a look: "likely the same claim" or "related".
            self.widget.show_matches(found.text, [m for m in found.results if m.label])
        else:
            self.widget.show_message("This claim has not been matched yet.")

    # --- slots ---------------------------------------------------------------------------

    def _on_workspace_claim_selected(self, claim_id: Any) -> None:
        self._show(claim_id)

    def _on_widget_reuse_requested(self, match: Match) -> None:
        claim_id = self.window.workspace.current_claim_id()
        if claim_id is None or self.window.service is None:
            return
        try:
            before = self.window.service.claim(claim_id)
            command = ReuseVerdictCommand(self.window.service, before, match)
        except FactdeskError as exc:
            self.window.handle_error(exc)
            return
        self.window.run_command(command)

    def _on_widget_not_same_requested(self, match: Match) -> None:
        claim_id = self.window.workspace.current_claim_id()
        if claim_id is None or claim_id not in self.results:
            return
        item_id = match.item.public_id()
        try:
            self.library().dismiss(claim_id, item_id)
        except FactdeskError as exc:
            self.window.handle_error(exc)
            return
        from app.core.matching.service import ClaimMatches

        found = self.results[claim_id]
        kept = tuple(m for m in found.results if m.item.public_id() != item_id)
        self.results[claim_id] = ClaimMatches(found.claim_id, found.line, found.text, kept)
        self._refresh_marks()
        self._show(claim_id)

    def _on_widget_link_requested(self, link: str) -> None:
        from app.ui.claim_editor import open_web_link

        open_web_link(self.widget, link)


def install(window: Any) -> CheckedBeforeController:
    """Add the panel under the claim editor and return its controller."""
    controller = CheckedBeforeController(window)
    right = window.workspace.right
    right.addWidget(controller.widget)
    right.setSizes([250, 300, 190])
    return controller
