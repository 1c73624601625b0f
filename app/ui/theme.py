"""Light and dark palettes: follow the system unless the user picks one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

SYSTEM, LIGHT, DARK = "system", "light", "dark"
DEFAULT_TEXT_PT = 11.0  # the article text size, in points, until the person changes it

_LIGHT = {
    QPalette.ColorRole.Window: "#f3f3f1",
    QPalette.ColorRole.WindowText: "#1f2328",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f6f7f9",
    QPalette.ColorRole.Text: "#1f2328",
    QPalette.ColorRole.Button: "#ecebe8",
    QPalette.ColorRole.ButtonText: "#1f2328",
    QPalette.ColorRole.Highlight: "#2f6fb2",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#fffdf2",
    QPalette.ColorRole.ToolTipText: "#1f2328",
    QPalette.ColorRole.PlaceholderText: "#7b8088",
    QPalette.ColorRole.Link: "#1f5fa8",
    QPalette.ColorRole.Mid: "#c9c8c4",
}
_DARK = {
    QPalette.ColorRole.Window: "#202226",
    QPalette.ColorRole.WindowText: "#e6e6e3",
    QPalette.ColorRole.Base: "#17181b",
    QPalette.ColorRole.AlternateBase: "#1e2024",
    QPalette.ColorRole.Text: "#e6e6e3",
    QPalette.ColorRole.Button: "#2b2d32",
    QPalette.ColorRole.ButtonText: "#e6e6e3",
    QPalette.ColorRole.Highlight: "#3d7bc4",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2b2d32",
    QPalette.ColorRole.ToolTipText: "#e6e6e3",
    QPalette.ColorRole.PlaceholderText: "#8a8f98",
    QPalette.ColorRole.Link: "#7fb0ea",
    QPalette.ColorRole.Mid: "#3a3d43",
}


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def resolve(choice: str) -> str:
    if choice in (LIGHT, DARK):
        return choice
    return DARK if system_is_dark() else LIGHT


def apply_theme(app: QApplication, choice: str) -> str:
    """Set the palette for ``choice``; returns the theme actually used (light or dark)."""
    used = resolve(choice)
    palette = QPalette()
    for role, colour in (_DARK if used == DARK else _LIGHT).items():
        palette.setColor(role, QColor(colour))
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    disabled = QColor("#8a8f98" if used == DARK else "#9a9da3")
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)
    sheet = _style(used)
    if app.styleSheet() != sheet:  # setting it again re-styles every widget of the app
        app.setStyleSheet(sheet)
    return used


def _style(used: str) -> str:
    line = "#3a3d43" if used == DARK else "#d6d5d1"
    muted = "#9aa0a8" if used == DARK else "#5f6670"
    banner = "#5a4a12" if used == DARK else "#fff4cc"
    # A keyboard user must see where the focus is: a 2 px ring in the highlight colour
    # on every field and list (the platform style's dotted line is barely visible).
    focus = "#7fb0ea" if used == DARK else "#2f6fb2"
    return f"""
QTableView:focus, QPlainTextEdit:focus, QLineEdit:focus, QComboBox:focus,
QTextBrowser:focus, QListView:focus, QDateEdit:focus, QDoubleSpinBox:focus,
QKeySequenceEdit:focus {{ border: 2px solid {focus}; }}
QPushButton:focus {{ outline: none; border: 2px solid {focus}; padding: 3px 10px; }}
QLabel[role="section"] {{ font-weight: 600; color: {muted}; margin-top: 6px; }}
QLabel#claim_heading {{ color: {muted}; }}
QLabel#read_only_banner {{ background: {banner}; padding: 6px 10px; }}
QPlainTextEdit#article_view {{ border: none; }}
QTableView {{ gridline-color: {line}; }}
QSplitter::handle {{ background: {line}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}
"""
