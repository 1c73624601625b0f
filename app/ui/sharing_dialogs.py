"""Signing and verifying in the window, and the entry to merging.

:class:`SharingController` owns the status-bar signature badge
(:mod:`app.ui.signature_badge`) and runs File > Sign Project and File > Merge Project.
The work itself is in :mod:`app.core.sharing`; this module only asks, shows and
refreshes. Verifying on open runs through the window's operation runner; merging is
:class:`~app.ui.merge_flow.MergeFlow` (off the GUI thread, one undo step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from app.core.errors import FactdeskError, SecretStoreError
from app.ui import dialogs
from app.ui.merge_flow import MergeFlow, refresh_views
from app.ui.signature_badge import SignatureBadge, SignatureDetailsDialog
from app.ui.workers import Task

VERIFY_DELAY_MS = 100  # after opening, before the signature check starts

if TYPE_CHECKING:
    # Only for annotations: the signing module loads cryptography and keyring, which
    # the window does not need until a project is open.
    from app.core.sharing.signing import VerifyResult


class SharingController(QObject):
    """Sign and Merge actions plus the signature badge, for one :class:`MainWindow`.

    ``verify_timer`` starts the signature check ``VERIFY_DELAY_MS`` after a project
    opens; its interval may be set on the instance (``verify_timer.setInterval``).
    """

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
        self.merging = MergeFlow(window, self._after_merge)
        self.merging.started.connect(self.update_actions)
        self.merging.finished.connect(lambda _command: self.update_actions())
        self.merge_action.triggered.connect(lambda _c=False: self.merging.choose_file())
        self.verify_timer = QTimer(self)
        self.verify_timer.setObjectName("signature_check_timer")
        self.verify_timer.setSingleShot(True)
        self.verify_timer.setInterval(VERIFY_DELAY_MS)
        self.verify_timer.timeout.connect(self._on_verify_timer_timeout)
        self._verify_service: Any = None  # the project the waiting check is for
        self._verify_task: Task | None = None
        self.update_actions()

    # state

    def _writable(self) -> bool:
        w = self.window
        return w.service is not None and not getattr(w, "read_only", False)

    def update_actions(self) -> None:
        self.sign_action.setEnabled(self._writable())
        self.merge_action.setEnabled(self._writable() and not self.merging.running)

    def project_opened(self) -> None:
        self.update_actions()
        self.badge.setVisible(True)
        self.badge.set_checking()
        # Once the project is on screen: the check's imports (cryptography, keyring) and
        # reads would otherwise hold the interpreter while the project is first painted.
        self._verify_service = self.window.service
        self.verify_timer.start()

    def _on_verify_timer_timeout(self) -> None:
        service, self._verify_service = self._verify_service, None
        if service is not None and self.window.service is service:
            self.verify_async()

    def busy(self) -> bool:
        """The signature check of the open project is about to start or running."""
        task = self._verify_task
        return self.verify_timer.isActive() or any(t is task for t in self.window.tasks)

    def project_closed(self) -> None:
        self.verify_timer.stop()
        self._verify_service = None
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

        def done(result: Any) -> None:
            if self.window.service is service:
                self._show_result(result)

        def failed(message: str) -> None:
            if self.window.service is service:
                self.badge.set_failed(message)

        self._verify_task = self.window.operations.run(
            "Checking the signature", job, done, on_failed=failed, quiet=True
        )
        return self._verify_task

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
        from app.core.sharing.signing import VerifyStatus

        self.badge.set_result(result)
        valid = result.status is VerifyStatus.VALID
        self.window.projects.note_signer(result.trusted_name if valid else None)
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

    def merge_file(self, path: str) -> Task | None:
        """Merge the project file at ``path`` (see :class:`MergeFlow`)."""
        return self.merging.merge_file(path)

    def _after_merge(self) -> None:
        refresh_views(self.window)
        # On the runner: verifying reads the whole project, which a merge can make large.
        self.verify_async()
