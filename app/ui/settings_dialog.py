"""Settings: who you are, your organisation, and how the window looks.

The reviewer's name goes into the change log and signatures, and the organisation and
its publishing address into ClaimReview exports, so they are asked once on first run
rather than silently taken from the login name. They are saved in the settings shared
with the command line (:mod:`app.core.settings`); the look (theme, text size) in the
window's own settings.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.core.settings import Settings
from app.core.validation import is_web_url
from app.ui import dialogs, theme

THEMES = ((theme.SYSTEM, "Follow the system"), (theme.LIGHT, "Light"), (theme.DARK, "Dark"))


class SettingsDialog(QDialog):
    """Edits a copy of the settings; :meth:`values` gives what the person chose."""

    def __init__(
        self,
        parent: QWidget | None,
        settings: Settings,
        theme_choice: str,
        text_size: float,
        *,
        first_run: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle("Welcome to Factdesk" if first_run else "Settings")
        self.reviewer = QLineEdit(settings.reviewer_name)
        self.reviewer.setPlaceholderText("Your name as colleagues and readers should see it")
        self.organisation = QLineEdit(settings.organisation)
        self.organisation.setPlaceholderText("The fact-checking organisation you publish for")
        self.organisation_url = QLineEdit(settings.organisation_url)
        self.organisation_url.setPlaceholderText("https://… where your verdicts are published")
        self.theme = QComboBox()
        for key, label in THEMES:
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(theme_choice)))
        self.text_size = QDoubleSpinBox()
        self.text_size.setRange(7, 32)
        self.text_size.setDecimals(0)
        self.text_size.setSuffix(" pt")
        self.text_size.setValue(text_size)
        form = QFormLayout(self)
        if first_run:
            intro = QLabel(
                "Your name is recorded with every change you make and with your signature. "
                "The organisation is the publisher named in ClaimReview exports. "
                "You can change these later in Settings."
            )
            intro.setWordWrap(True)
            form.addRow(intro)
        for label, widget, name in (
            ("&Your name", self.reviewer, "reviewer_name"),
            ("&Organisation", self.organisation, "organisation"),
            ("Publishing &address", self.organisation_url, "organisation_url"),
            ("&Theme", self.theme, "theme"),
            ("Article &text size", self.text_size, "text_size"),
        ):
            widget.setObjectName(f"settings_{name}")
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(label, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._base = settings
        self.resize(520, self.sizeHint().height())

    def accept(self) -> None:
        if not self.reviewer.text().strip():
            dialogs.show_error(self, "Please give your name: it is recorded with your changes.")
            return
        url = self.organisation_url.text().strip()
        if url and not is_web_url(url):
            dialogs.show_error(self, "The publishing address must be a web link (https://…).")
            return
        super().accept()

    def values(self) -> tuple[Settings, str, float]:
        """(the shared settings, the theme, the text size) as chosen."""
        chosen = Settings(
            reviewer_name=" ".join(self.reviewer.text().split()),
            organisation=" ".join(self.organisation.text().split()),
            organisation_url=self.organisation_url.text().strip(),
            recent_projects=list(self._base.recent_projects),
            server_urls=list(self._base.server_urls),
        )
        return chosen, str(self.theme.currentData()), float(self.text_size.value())
