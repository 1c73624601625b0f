"""What every ``factdesk`` subcommand shares: usage errors, the reviewer's name, opening
the project a command works on (file or ``--db`` server) and printing text or JSON.

Kept in the core (Qt-free) so that subcommands living beside their features
(reports, sharing, server) use it without importing :mod:`app.cli` back.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.core.errors import FactdeskError
from app.core.wording import sentence


class CliError(FactdeskError):
    """Bad command-line usage. Written like every other error: a sentence, capitalised."""

    def __init__(self, message: str) -> None:
        super().__init__(sentence(message))


def me() -> Any:
    """Who runs this command: the reviewer's name and stable id, as the window has them
    (:func:`app.core.settings.who_am_i`)."""
    from app.core.settings import who_am_i

    return who_am_i()


def author() -> str:
    """The reviewer's display name (what keys and messages show)."""
    from app.core.settings import reviewer_name

    return reviewer_name()


def open_service(args: argparse.Namespace, *, read_only: bool = False) -> Any:
    """The project named by ``args.project``, or the one on the ``--db`` server."""
    from app.core.project import ProjectService

    who = me()
    if args.db:
        from app.core.server.connection import open_server_for_cli

        db = open_server_for_cli(args.db)
        return ProjectService.for_database(
            db,
            author=who.name,
            author_id=who.id,
            project_id=getattr(args, "project_id", None),
        )
    if not args.project:
        raise CliError("name a project file (or give --db URL)")
    return ProjectService.open_file(
        Path(args.project), author=who.name, author_id=who.id, read_only=read_only
    )


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    """JSON with ``--json``, the readable text otherwise."""
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=None) + "\n")
    else:
        sys.stdout.write(text + ("\n" if text and not text.endswith("\n") else ""))


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="work on a PostgreSQL database (postgresql+psycopg://user@host:port/db) "
        "instead of a project file",
    )
    parser.add_argument("--project-id", help=argparse.SUPPRESS)


def quiet_platform_warnings() -> None:
    """Keep stderr for the one-line messages the command line promises.

    platformdirs warns when ``$XDG_RUNTIME_DIR`` is unset (root shells, containers, ssh)
    and then uses its documented fallback, which is fine for Factdesk's lock files.
    Log records (importers log a failed parse with its traceback for bug reports) go to
    ``factdesk.log`` in the user's log folder instead of stderr.
    """
    import logging
    import warnings

    import platformdirs

    category = getattr(platformdirs, "RuntimeDirWarning", None)
    if category is not None:  # platformdirs 4.14+; older versions do not warn
        warnings.filterwarnings("ignore", category=category)
    root = logging.getLogger()
    if root.handlers:
        return
    handler: logging.Handler
    try:
        from logging.handlers import RotatingFileHandler

        from app.core.paths import user_log_dir

        folder = user_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            folder / "factdesk.log", maxBytes=1_000_000, backupCount=2, delay=True
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    except OSError:
        handler = logging.NullHandler()
    handler.setLevel(logging.WARNING)
    root.addHandler(handler)
