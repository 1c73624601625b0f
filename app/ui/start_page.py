"""What the window shows with no project open: new, open, and recent projects."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.ui.path_labels import home_relative


class StartPage(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    open_path = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_page")
        title = QLabel(f"<h1>{APP_NAME}</h1>")
        blurb = QLabel(
            "Open a project to check its articles, or start a new one.\n"
            "You can also drop a project or an article file on this window."
        )
        blurb.setWordWrap(True)
        self.new_button = QPushButton("New Project…")
        self.new_button.setObjectName("start_new_button")
        self.new_button.setAccessibleName("Create a new project")
        self.open_button = QPushButton("Open Project…")
        self.open_button.setObjectName("start_open_button")
        self.open_button.setAccessibleName("Open a project file")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        recent_label = QLabel("Recent projects")
        recent_label.setProperty("role", "section")
        self.recent = QListWidget()
        self.recent.setObjectName("recent_list")
        self.recent.setAccessibleName("Recent projects")
        self.recent.itemActivated.connect(self._on_recent_itemActivated)
        recent_label.setBuddy(self.recent)

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(blurb)
        column.addSpacing(12)
        column.addLayout(buttons)
        column.addSpacing(18)
        column.addWidget(recent_label)
        column.addWidget(self.recent, 1)
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(640)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 3)
        outer.addStretch(1)
        outer.setAlignment(holder, Qt.AlignmentFlag.AlignTop)
        outer.setContentsMargins(24, 48, 24, 24)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(f"{Path(path).stem}   —   {home_relative(Path(path).parent)}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        if paths:
            self.recent.setCurrentRow(0)

    def _on_recent_itemActivated(self, item: QListWidgetItem) -> None:
        self.open_path.emit(str(item.data(Qt.ItemDataRole.UserRole)))
