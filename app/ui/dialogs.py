"""Small dialogs: messages, About, and the Keyboard Shortcuts editor.

Message boxes go through :func:`show_error`/:func:`ask` so tests can replace them (a
modal box would block an offscreen test run).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.core.wording import sentence


def show_error(parent: QWidget | None, text: str) -> None:
    QMessageBox.warning(parent, APP_NAME, sentence(text))


def show_info(parent: QWidget | None, text: str) -> None:
    QMessageBox.information(parent, APP_NAME, text)


def ask(parent: QWidget | None, text: str, yes: str = "OK") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, text, parent=parent)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is ok


def show_about(parent: QWidget | None) -> None:
    from app.core.analysis import MODEL_CREDIT

    QMessageBox.about(
        parent,
        f"About {APP_NAME}",
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>An offline desk for fact-checking articles: find the claims, rate them, "
        "keep the evidence.</p>"
        "<p>Built with Qt for Python (PySide6, LGPL), SQLModel and SQLAlchemy (MIT), "
        "markdown-it-py (MIT), syntok (MIT), trafilatura (Apache-2.0), python-docx (MIT), "
        "pypdf (BSD), cryptography (Apache-2.0/BSD).</p>"
        f"<p>{MODEL_CREDIT}: Arslan, Hassan, Li and Tremayne, “A Benchmark Dataset of "
        "Check-worthy Factual Claims”, ICWSM 2020; data released under the Creative "
        "Commons Attribution 4.0 licence "
        "(<a href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>).</p>",
    )


KEYBOARD_GUIDE = (
    "<p><b>Working from the keyboard.</b> The claims list is home: there <b>J</b>/<b>K</b> "
    "(or Ctrl+Down/Up) move between claims, <b>N</b> goes to the next unrated claim, "
    "<b>1</b>, <b>2</b>, … give the scale's verdicts (one key per level), <b>0</b> clears it, "
    "<b>A</b> accepts a detected claim, <b>Ctrl+D</b> dismisses it and "
    "<b>Ctrl+Return</b> marks it done and moves on. <b>Ctrl+J</b> writes the explanation "
    "(the cursor goes after what is there), <b>Tab</b> moves from field to field and out "
    "of tables, and <b>Esc</b> returns to the claims list from any field. <b>Ctrl+Z</b> "
    "undoes typing in a field, then the last change to the project, which is shown and "
    "named in the status bar.</p>"
)


class ShortcutsDialog(QDialog):
    """Lists every action with its keys; a cell can be edited to change them."""

    def __init__(self, parent: QWidget | None, registry: object) -> None:
        super().__init__(parent)
        from app.ui.actions import ActionRegistry

        assert isinstance(registry, ActionRegistry)
        self.registry = registry
        self.setWindowTitle("Keyboard Shortcuts")
        self.setObjectName("shortcuts_dialog")
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("shortcuts_table")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Action", "Shortcut"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self._ids = []
        for aid, action in registry.items():
            if not action.isVisible():
                continue  # rating keys beyond the scale's levels do nothing
            row = self.table.rowCount()
            self.table.insertRow(row)
            name = QTableWidgetItem(action.text().replace("&", "").rstrip("…"))
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name.setToolTip(action.toolTip())
            keys = "; ".join(
                k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
            )
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(keys))
            self._ids.append(aid)
        self.editor = QKeySequenceEdit(self)
        self.editor.setObjectName("shortcut_edit")
        self.editor.setAccessibleName("New shortcut for the selected action")
        self.editor.editingFinished.connect(self._on_editor_editingFinished)
        reset = QPushButton("Restore Default")
        reset.setAccessibleName("Restore the default shortcut")
        reset.clicked.connect(self._on_reset_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(reset, QDialogButtonBox.ButtonRole.ResetRole)
        self.search = QLineEdit(self)
        self.search.setObjectName("shortcut_search")
        self.search.setAccessibleName("Search the shortcuts")
        self.search.setPlaceholderText("Search actions and keys…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_textChanged)
        guide = QLabel(KEYBOARD_GUIDE, self)
        guide.setObjectName("keyboard_guide")
        guide.setWordWrap(True)
        guide.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(guide)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        self.table.cellChanged.connect(self._on_table_cellChanged)
        self.resize(560, 620)

    def _on_search_textChanged(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.table.rowCount()):
            shown = " ".join(self.table.item(row, c).text() for c in (0, 1)).casefold()
            self.table.setRowHidden(row, bool(needle) and needle not in shown)

    def set_keys(self, row: int, keys: str | None) -> None:
        aid = self._ids[row]
        self.registry.set_shortcut(aid, keys)
        shown = "; ".join(k.toString() for k in self.registry[aid].shortcuts())
        self.table.blockSignals(True)
        self.table.item(row, 1).setText(shown)
        self.table.blockSignals(False)

    def _on_table_cellChanged(self, row: int, column: int) -> None:
        if column == 1:
            text = self.table.item(row, 1).text()
            parts = [QKeySequence(p.strip()).toString() for p in text.split(";") if p.strip()]
            self.set_keys(row, ";".join(parts))

    def _on_editor_editingFinished(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.set_keys(row, self.editor.keySequence().toString())

    def _on_reset_clicked(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.set_keys(row, None)
