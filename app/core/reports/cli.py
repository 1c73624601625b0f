"""``factdesk export``: a project's verdict report on standard output or in a file.

Registered through ``app.cli.EXTRA_COMMANDS``. Files are written atomically (a temporary
file in the same folder, then a rename), so an interrupted export never leaves half a
report, and the project file itself can never be the target.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.core.errors import ValidationError

FORMAT_CHOICES = ("markdown", "html", "claimreview")


def register(subparsers: Any) -> None:
    """Add the ``export`` subcommand to the ``factdesk`` parser."""
    from app.core.cli_support import add_db as _add_db

    p = subparsers.add_parser(
        "export",
        help="write a project's verdict report (Markdown, HTML or ClaimReview JSON-LD)",
        usage="factdesk export PROJECT --format markdown|html|claimreview [-o FILE] [options]",
    )
    p.add_argument("project", nargs="?", metavar="PROJECT")
    p.add_argument("--format", "-f", required=True, choices=FORMAT_CHOICES, dest="fmt")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--article", metavar="ID", help="only this article (default: every article)")
    p.add_argument("--only-done", action="store_true", help="only claims marked done")
    p.add_argument(
        "--no-unrated",
        dest="include_unrated",
        action="store_false",
        help="leave out unrated claims",
    )
    p.add_argument("--include-dismissed", action="store_true", help="include dismissed claims")
    p.add_argument("--organisation", metavar="NAME", help="ClaimReview author (default: settings)")
    p.add_argument(
        "--organisation-url", metavar="URL", help="where verdicts are published (default: settings)"
    )
    _add_db(p)
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from app.core.cli_support import open_service as _open_service
    from app.core.reports.export import export
    from app.core.reports.model import ReportOptions
    from app.core.settings import load_settings

    target = Path(args.output) if args.output else None
    if target is not None:
        _check_target(target, args.project)
    settings = load_settings()
    if args.organisation is not None:
        settings.organisation = args.organisation
    if args.organisation_url is not None:
        settings.organisation_url = args.organisation_url
    options = ReportOptions(
        article_id=args.article,
        only_done=args.only_done,
        include_unrated=args.include_unrated,
        include_dismissed=args.include_dismissed,
    )
    service = _open_service(args, read_only=not args.db)
    try:
        text = export(service, args.fmt, options, settings=settings)
    finally:
        service.close()
    if target is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomically(target, text)
    return 0


def _check_target(target: Path, project: str | None) -> None:
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; name the file to write.")
    if not target.parent.is_dir():
        raise ValidationError(f"the folder {target.parent} does not exist.")
    if project and target.exists():
        with contextlib.suppress(OSError):
            if target.resolve() == Path(project).resolve() or target.samefile(project):
                raise ValidationError("refusing to write the report over the project file.")


def write_atomically(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` in one step: all of it or, on failure, nothing."""
    data = text.encode("utf-8")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            # Keep the permissions of the file being replaced, else the usual 0644-ish.
            mode = target.stat().st_mode if target.exists() else 0o666 & ~_umask()
            os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ValidationError(f"cannot write {target}: {exc.strerror or exc}.") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
