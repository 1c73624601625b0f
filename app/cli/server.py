"""``factdesk upload`` and ``download``: move a project between a file and a server.

Registered by :func:`app.cli.main.build_parser`. The server URL never holds a
password: it comes from the keyring or libpq (``PGPASSWORD``, ``~/.pgpass``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.core.errors import ProjectExistsError

EXIT_OK = 0


def cmd_upload(args: argparse.Namespace) -> int:
    from app.core.server.connection import open_server_for_cli
    from app.core.server.transfer import upload_project_file

    db = open_server_for_cli(args.db, create=True)
    try:
        project_id = upload_project_file(Path(args.file), db)
    finally:
        db.close()
    sys.stdout.write(f"{project_id}\n")
    return EXIT_OK


def cmd_download(args: argparse.Namespace) -> int:
    from app.core.server.connection import open_server_for_cli
    from app.core.server.transfer import save_server_project_as_file

    out = Path(args.out)
    if out.exists():
        raise ProjectExistsError(f"{out.name}: a file of that name already exists.")
    db = open_server_for_cli(args.db)
    try:
        rows = save_server_project_as_file(db, args.project_id, out)
    finally:
        db.close()
    sys.stdout.write(f"{out} ({rows} records)\n")
    return EXIT_OK


def register(subparsers: Any) -> None:
    """Add ``upload`` and ``download`` to the ``factdesk`` command."""
    db_help = "the server database (postgresql+psycopg://user@host:port/db), no password"
    p = subparsers.add_parser("upload", help="copy a project file into a server database")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--db", metavar="URL", required=True, help=db_help)
    p.set_defaults(func=cmd_upload)
    p = subparsers.add_parser("download", help="save a server project as a project file")
    p.add_argument("out", metavar="OUT.factdesk")
    p.add_argument("--db", metavar="URL", required=True, help=db_help)
    p.add_argument("--project-id", required=True, help="the project's id (upload prints it)")
    p.set_defaults(func=cmd_download)
