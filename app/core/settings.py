"""Settings shared by the window and the command line (who the reviewer is, defaults).

Kept as a small JSON file in the platform's configuration folder; the window keeps its
own layout preferences in QSettings. Never holds a secret: passwords and keys live in
the operating system's keyring (:mod:`app.core.secrets`).
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from app.core.paths import user_config_dir

SETTINGS_FILE = "settings.json"


@dataclass
class Settings:
    reviewer_name: str = ""
    organisation: str = ""  # the fact-checking organisation (ClaimReview author)
    organisation_url: str = ""  # where verdicts are published (ClaimReview url)
    recent_projects: list[str] = field(default_factory=list)
    server_urls: list[str] = field(default_factory=list)


def settings_path() -> Path:
    override = os.environ.get("FACTDESK_CONFIG_DIR")
    return (Path(override) if override else user_config_dir()) / SETTINGS_FILE


def load_settings() -> Settings:
    path = settings_path()
    data: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            data = loaded
    known = {k: v for k, v in data.items() if k in Settings.__dataclass_fields__}
    try:
        return Settings(**known)
    except TypeError:
        return Settings()


def save_settings(settings: Settings) -> None:
    """Write atomically: a crash mid-write never leaves a half-written settings file."""
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def reviewer_name(settings: Settings | None = None) -> str:
    """Who is making changes: $FACTDESK_REVIEWER, the settings, the account's full name
    (what reports show as "Reviewed by"), or, without one, the login name."""
    from_env = os.environ.get("FACTDESK_REVIEWER", "").strip()
    if from_env:
        return from_env
    settings = settings or load_settings()
    if settings.reviewer_name.strip():
        return settings.reviewer_name.strip()
    return _account_full_name() or _login_name()


def _account_full_name() -> str:
    """The full name the system keeps for this account (first field of its comment)."""
    try:
        import pwd  # Unix only
    except ImportError:
        return ""
    try:
        comment = pwd.getpwuid(os.getuid()).pw_gecos
    except (KeyError, OSError):
        return ""
    return " ".join(comment.split(",")[0].split())


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "Unknown reviewer"
