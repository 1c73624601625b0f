"""Attachment file names: safe to show and safe to save anywhere.

Names come from files other people send, so a name must never lead a save outside the
folder the user chose (``../``, absolute paths, drive letters, device names) nor carry
control characters that would confuse a terminal or a dialog.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from app.core.errors import ValidationError
from app.core.wording import quoted

MAX_NAME_LENGTH = 200
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def safe_filename(name: str) -> str:
    """A plain file name (no folders) that every platform accepts."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # drop any folder part
    name = _UNSAFE.sub("_", name).strip().strip(".")
    stem = name.split(".", 1)[0].upper()
    if stem in _WINDOWS_RESERVED:
        name = "_" + name
    if len(name) > MAX_NAME_LENGTH:
        suffix = Path(name).suffix[:20]
        name = name[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return name or "attachment"


def save_path_in(folder: Path, name: str) -> Path:
    """Where to save an attachment called ``name`` inside ``folder``, never outside it."""
    folder = folder.resolve()
    target = (folder / safe_filename(name)).resolve()
    if target.parent != folder:
        raise ValidationError(f"refused to save {quoted(name)} outside {folder}.")
    stem, suffix, counter = target.stem, target.suffix, 1
    while target.exists():
        counter += 1
        target = folder / f"{stem} ({counter}){suffix}"
    return target
