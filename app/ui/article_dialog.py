"""Editing an article's details: title, outlet, author, address, publication date.

The importer fills these from the file where it says so; this is where a fact-checker
corrects or completes them. The dialog only gathers the changed fields: the window turns
them into an undoable edit, and the service checks them (a web address, a real date).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from app.core.errors import FactdeskError
from app.core.records import ArticleInfo
from app.ui import dialogs

FIELDS = (
    ("title", "&Title"),
    ("outlet", "&Outlet"),
    ("author", "&Author (byline)"),
    ("url", "&Web address"),
    ("published", "&Published (YYYY-MM-DD)"),
)


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value or "")


class ArticleDialog(QDialog):
    """``submit(changed_fields)`` saves; a refusal (bad date, bad link) keeps it open."""

    def __init__(self, parent: QWidget | None, article: ArticleInfo, submit: Any) -> None:
        super().__init__(parent)
        self.setObjectName("article_dialog")
        self.setWindowTitle("Article Details")
        self.article = article
        self._submit = submit
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout(self)
        for name, label in FIELDS:
            edit = QLineEdit(_shown(getattr(article, name)))
            edit.setObjectName(f"article_{name}")
            edit.setAccessibleName(label.replace("&", ""))
            self.edits[name] = edit
            form.addRow(label, edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def changed(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for name, edit in self.edits.items():
            text = edit.text().strip()
            if text != _shown(getattr(self.article, name)):
                out[name] = text or None
        return out

    def accept(self) -> None:
        changed = self.changed()
        if changed:
            try:
                self._submit(changed)
            except FactdeskError as exc:
                dialogs.show_error(self, exc.message)
                return
        super().accept()
