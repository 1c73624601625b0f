"""The Connect to Server dialog: where a team's PostgreSQL database is, and who you are.

The fields build a URL without a password (remembered in the settings); the password,
if typed, goes only to the operating system's keyring through :mod:`app.core.secrets`.
Left empty, libpq's own ways apply (``PGPASSWORD``, ``~/.pgpass``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FactdeskError
from app.core.server.connection import (
    TLS_MODES,
    build_server_url,
    check_connection,
    remember_server_url,
    split_server_url,
    store_server_password,
)

_TLS_LABELS = {
    "prefer": "Prefer (encrypt if the server offers it)",
    "require": "Require (always encrypt)",
    "verify-ca": "Verify CA (encrypt, check the certificate's issuer)",
    "verify-full": "Verify full (encrypt, check issuer and host name)",
    "disable": "Disable (never encrypt)",
}


class ServerDialog(QDialog):
    """Connection settings with a Test Connection button. ``url()`` after ``exec()``."""

    def __init__(self, parent: QWidget | None = None, remembered: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("server_dialog")
        self.setWindowTitle("Connect to Server")
        self.recent = QComboBox()
        self.recent.setObjectName("server_recent")
        self.recent.addItem("New connection", "")
        for url in remembered or []:
            self.recent.addItem(url, url)
        self.host = QLineEdit("localhost")
        self.host.setObjectName("server_host")
        self.port = QSpinBox()
        self.port.setObjectName("server_port")
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit()
        self.database.setObjectName("server_database")
        self.user = QLineEdit()
        self.user.setObjectName("server_user")
        self.tls = QComboBox()
        self.tls.setObjectName("server_tls")
        for mode in TLS_MODES:
            self.tls.addItem(_TLS_LABELS[mode], mode)
        self.password = QLineEdit()
        self.password.setObjectName("server_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("empty: keyring, PGPASSWORD or ~/.pgpass")
        self.keep_password = QCheckBox("Keep the password in the system keyring")
        self.keep_password.setObjectName("server_keep_password")
        self.keep_password.setChecked(True)
        self.test_button = QPushButton("&Test Connection")
        self.test_button.setObjectName("server_test")
        self.result = QLabel()
        self.result.setObjectName("server_test_result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("&Recent:", self.recent)
        form.addRow("&Host:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("T&LS:", self.tls)
        form.addRow("Pass&word:", self.password)
        form.addRow("", self.keep_password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Connect")
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.recent.currentIndexChanged.connect(self._on_recent_currentIndexChanged)
        if remembered:
            self.recent.setCurrentIndex(1)

    def _on_recent_currentIndexChanged(self, index: int) -> None:
        url = str(self.recent.itemData(index) or "")
        if not url:
            return
        try:
            fields = split_server_url(url)
        except FactdeskError:
            return
        self.host.setText(fields.host)
        self.port.setValue(fields.port)
        self.database.setText(fields.database)
        self.user.setText(fields.user)
        self.tls.setCurrentIndex(max(0, self.tls.findData(fields.tls_mode)))

    def url(self) -> str:
        """The URL of the fields (no password); raises ValidationError when incomplete."""
        return build_server_url(
            self.host.text(),
            self.port.value(),
            self.database.text(),
            self.user.text(),
            str(self.tls.currentData()),
        )

    def typed_password(self) -> str | None:
        return self.password.text() or None

    def test_connection(self) -> bool:
        """Try the settings once; say what happened in the dialog."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            message = check_connection(self.url(), self.typed_password())
        except FactdeskError as exc:
            self.result.setText(f"Connection failed: {exc.message}")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.result.setText(f"Connected: {message}.")
        return True

    def _on_test_button_clicked(self) -> None:
        self.test_connection()

    def accept(self) -> None:
        try:
            url = self.url()
            if self.keep_password.isChecked() and self.typed_password():
                store_server_password(url, self.password.text())
            remember_server_url(url)
        except FactdeskError as exc:
            self.result.setText(exc.message)
            return
        super().accept()
