"""Saving an attached file out of a project, never outside the folder the user chose.

Attachments are stored inside the project, content-addressed by SHA-256 and deduplicated
(one row per distinct content). Each file is limited to
:data:`app.core.project.MAX_ATTACHMENT_BYTES` (100 MB): larger files are refused when
attached, and a shared project carrying a larger one is refused when merged.
Names come from other people's files, so they are sanitised by
:func:`app.core.attachments.save_path_in` before anything is written.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.attachments import save_path_in
from app.core.errors import CorruptProjectError, ValidationError
from app.core.wording import quoted

if TYPE_CHECKING:
    from app.core.project import ProjectService


def save_attachment(service: ProjectService, attachment_id: str, folder: Path | str) -> Path:
    """Write an attachment into ``folder`` under its sanitised name; return where.

    The bytes are checked against the recorded SHA-256 first, and the file is created
    exclusively (never overwriting, never following a planted symlink).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(f"{folder}: no such folder.")
    info, data = service.attachment_data(attachment_id)
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise CorruptProjectError(
            f"the attached file {quoted(info.filename)} does not match its recorded SHA-256."
        )
    target = save_path_in(folder, info.filename)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o644)
    except OSError as exc:
        raise ValidationError(f"{target.name}: cannot be saved ({exc.strerror}).") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return target
