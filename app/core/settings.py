"""Settings shared by the window and the command line (who the reviewer is, defaults).

Kept as a small JSON file in the platform's configuration folder; the window keeps its
own layout preferences in QSettings. Never holds a secret: passwords and keys live in
the operating system's keyring (:mod:`app.core.secrets`).

**Who am I.** :func:`who_am_i` is the one answer the window and the command line use:
the reviewer's display name and their stable reviewer id. The id is a random UUID made
once, the first time anyone asks, and kept beside the name; renaming yourself keeps it,
and saving the settings never drops it. The change log, the server's change feed and
merge tell people apart by this id, so two colleagues both called "Ana" stay two people.
It is not a secret (it says nothing but "the same person as before").
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from app.core.paths import user_config_dir

SETTINGS_FILE = "settings.json"


@dataclass
class Settings:
    reviewer_name: str = ""
    reviewer_id: str = ""  # made once by who_am_i(); "" in a copy means "keep the saved one"
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
    """Write atomically: a crash mid-write never leaves a half-written settings file.

    A copy without a reviewer id (a dialog that edits only the name) keeps the saved id:
    saving the settings never makes the person someone else.
    """
    with _settings_lock():
        if not settings.reviewer_id:
            settings = replace(settings, reviewer_id=load_settings().reviewer_id)
        _write(settings)


def _write(settings: Settings) -> None:
    path = settings_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


@contextlib.contextmanager
def _settings_lock() -> Iterator[None]:
    """One writer of the settings at a time (the window and a command may start together).

    An advisory lock on a file beside the settings; where the platform has no ``flock``
    (Windows) writes are still atomic, only not serialised.
    """
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path.with_suffix(".lock"), "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is making changes: the name people see and the id Factdesk goes by."""

    name: str
    id: uuid.UUID


def who_am_i() -> Identity:
    """The reviewer using this account: display name (see :func:`reviewer_name`) and
    stable reviewer id, made and saved on first use.

    When the settings cannot be saved (a read-only home folder, or a settings file that
    is not Factdesk's JSON, which is then left as it is) the id is derived from this
    account on this machine, so it still stays the same from one run to the next.
    """
    settings = load_settings()
    known = _parse_id(settings.reviewer_id)
    if known is None:
        known = _create_id()
    return Identity(reviewer_name(settings), known)


def _create_id() -> uuid.UUID:
    try:
        with _settings_lock():
            settings = load_settings()  # again, under the lock: another process may have won
            known = _parse_id(settings.reviewer_id)
            if known is None and not _readable(settings_path()):
                raise OSError("the settings file is not Factdesk's: never overwritten here")
            if known is None:
                known = uuid.uuid4()
                _write(replace(settings, reviewer_id=str(known)))
            return known
    except OSError:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"factdesk-reviewer:{_account_key()}")


def _readable(path: Path) -> bool:
    """No settings file yet, or one holding a JSON object (what load_settings reads)."""
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False


def _parse_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text)) if text else None
    except ValueError:
        return None


def _account_key() -> str:
    import platform

    getuid = getattr(os, "getuid", None)
    uid = str(getuid()) if getuid is not None else ""
    return f"{platform.node()}/{uid}/{_login_name()}"


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
