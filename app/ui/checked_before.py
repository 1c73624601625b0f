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

The panel and the marks are in :mod:`app.ui.checked_before_views`; this module feeds
them (matching through the window's operation runner) and holds the reuse command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from app.core.errors import FactdeskError
from app.core.records import Changes, ClaimInfo, ClaimStatus
from app.ui import dialogs
from app.ui.checked_before_views import CheckedBeforeWidget, MatchMarks
from app.ui.commands import Notify, OnError, ServiceCommand, rating_fields, values_to_restore
from app.ui.workers import Cancelled, Task

if TYPE_CHECKING:  # the matching modules load SQLAlchemy: imported when first used
    from app.core.matching.rank import Match
    from app.core.matching.service import ClaimMatches

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
        self.old_rating = values_to_restore(before, self.new_rating) if self.new_rating else None
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


class CheckedBeforeController(QObject):
    """Feeds the panel: matching runs through the window's operation runner, one job per
    article on a pool of its own; reuse goes on the undo stack through the window's
    ``run_command``.

    ``timer`` starts the matching ``START_DELAY_MS`` after an article is shown; its
    interval may be set on the instance (``timer.setInterval``), e.g. to a test's pace.
    """

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
        self._pending: list[ClaimInfo] = []
        self._pending_service: Any = None
        self.timer = QTimer(self)
        self.timer.setObjectName("checked_before_timer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(START_DELAY_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
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
                # A server not answering is a typed error the search's caller shows.
                self._library = LibraryStore.on_server(db)
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
            self.timer.stop()
            self.widget.show_message("Select a claim to see earlier verdicts of similar claims.")
            return
        self.widget.show_message("Looking for earlier verdicts…")
        self.timer.start()

    def busy(self) -> bool:
        """Matching is about to start or running for the article shown."""
        task = self.task  # a job cancelled with its project is no longer running
        return self.timer.isActive() or any(t is task for t in self.window.tasks)

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

        task = self.window.operations.run(
            "Looking for earlier verdicts",
            job,
            lambda found: self._on_task_done(task, found),
            on_failed=lambda text: self._on_task_failed(task, text),
            quiet=True,
            pool=self.pool,
        )
        self.task = task

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
    right.addWidget(controller.widget)  # sized with the others by Workspace.restore_layout
    return controller
