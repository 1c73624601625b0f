"""Opening and saving out a file attached to evidence.

The bytes come from the project and are checked against the SHA-256 recorded when the
file was attached, so a fact-checker never opens or passes on a file that is not the one
cited. Opening writes a private temporary copy for the system's viewer; saving writes
the copy atomically where the person chooses (the reports' atomic write).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.records import AttachmentInfo
from app.ui import dialogs


def verified(parent: QWidget | None, info: AttachmentInfo, data: bytes) -> bool:
    """Whether ``data`` is the file that was attached; says so when it is not."""
    if hashlib.sha256(data).hexdigest() == info.sha256:
        return True
    dialogs.show_error(
        parent,
        f"{info.filename}: the stored file does not match the SHA-256 recorded when it was "
        "attached; it was changed inside the project and is not opened.",
    )
    return False


def safe_name(filename: str) -> str:
    """A file name from a project, reduced to its last part (no folders, no hidden dot)."""
    name = Path(filename.replace("\\", "/")).name.strip().lstrip(".")
    return name or "attachment"


def open_attachment(parent: QWidget | None, info: AttachmentInfo, data: bytes) -> bool:
    if not verified(parent, info, data):
        return False
    folder = Path(tempfile.mkdtemp(prefix="factdesk-attachment-"))
    path = folder / safe_name(info.filename)
    path.write_bytes(data)
    path.chmod(0o400)  # a viewer may read it; nothing should edit the cited copy
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def save_attachment_as(parent: QWidget | None, info: AttachmentInfo, data: bytes) -> Path | None:
    if not verified(parent, info, data):
        return None
    target, _ = QFileDialog.getSaveFileName(
        parent, "Save Attached File As", safe_name(info.filename)
    )
    if not target:
        return None
    from app.core.errors import FactdeskError
    from app.core.reports.export import write_atomically

    try:
        write_atomically(Path(target), data)
    except FactdeskError as exc:
        dialogs.show_error(parent, exc.message)
        return None
    return Path(target)
