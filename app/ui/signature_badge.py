"""The status bar's signature badge and the signature's details.

:class:`SignatureBadge` shows whether the open project's signature is valid, changed,
untrusted or missing; :class:`SignatureDetailsDialog` shows the signer (the name you
trusted the key under first), the key's fingerprint, when it was signed and what changed
since, with one button to trust an unknown colleague's key. The merge dialog tells an
incoming file's signature with :func:`signer_text`, the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME

if TYPE_CHECKING:
    # Only for annotations: the signing module loads cryptography and keyring.
    from app.core.sharing.signing import VerifyResult

# Keyed by VerifyStatus values (a StrEnum), so the table needs no import of signing.
BADGE_TEXT = {
    "valid": "Signature: Valid",
    "changed": "Signature: Changed since signing",
    "untrusted": "Signature: Signed by an untrusted key",
    "unsigned": "Unsigned",
}


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def signer_text(result: VerifyResult) -> str:
    """The name you trusted the key under first; the name the file claims only beside it
    (a file can claim any name), or alone when you trusted no name for the key."""
    signer = result.trusted_name or result.signer_name or "—"
    if result.trusted_name and result.trusted_name != result.signer_name:
        signer += f" (the file calls the signer {result.signer_name})"
    return signer


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
        self.signer.setText(signer_text(result))
        self.fingerprint.setText(
            format_fingerprint(result.key_fingerprint) if result.key_fingerprint else "—"
        )
        self.signed_at.setText(
            f"{result.signed_at:%Y-%m-%d %H:%M} UTC" if result.signed_at else "—"
        )
        self.changed.clear()
        for c in result.changed:
            self.changed.addItem(f"{cap(c.kind_label)}: {c.label} ({c.change})")
        self.changed_label.setVisible(bool(result.changed))
        self.changed.setVisible(bool(result.changed))
        self.trust_button.setVisible(result.status is VerifyStatus.UNTRUSTED)

    def _on_trust_clicked(self) -> None:
        self.set_result(self._trust())
