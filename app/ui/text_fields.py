"""Text fields of the verdict panel that fit the window's keyboard model.

A text field normally swallows Ctrl+Z for its own typing history, even when that history
is empty, and the window's undo then never runs while the field has focus. These fields
keep their own undo while they have something to undo and pass the key to the window
once they have not (Edit ▸ Undo works whatever has focus).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit


def _leave_to_window(event: QEvent, can_undo: bool, can_redo: bool) -> bool:
    """Whether a shortcut-override key press belongs to the window's undo stack."""
    if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
        return False
    if event.matches(QKeySequence.StandardKey.Undo):
        return not can_undo
    if event.matches(QKeySequence.StandardKey.Redo):
        return not can_redo
    return False


class PanelTextEdit(QPlainTextEdit):
    """Multi-line panel field: reports focus loss (to commit at once), shares undo."""

    focus_lost = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()

    def event(self, event: QEvent) -> bool:
        document = self.document()
        if _leave_to_window(event, document.isUndoAvailable(), document.isRedoAvailable()):
            event.ignore()
            return False
        return super().event(event)

    def append_here(self) -> None:
        """Focus the field with the cursor after its text, to add to it (Ctrl+J)."""
        self.setFocus()
        self.moveCursor(self.textCursor().MoveOperation.End)


class PanelLineEdit(QLineEdit):
    """One-line panel field that shares undo with the window the same way."""

    def event(self, event: QEvent) -> bool:
        if _leave_to_window(event, self.isUndoAvailable(), self.isRedoAvailable()):
            event.ignore()
            return False
        return super().event(event)
