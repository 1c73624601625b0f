"""``factdesk export``: a project's verdict report on standard output or in a file.

Registered by :func:`app.cli.main.build_parser`. Files are written by
:func:`app.core.reports.export.write_atomically`, so an interrupted export never leaves
half a report, and the project file itself can never be the target.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

# The formats 'export --format' takes, and each one's name in a message.
REPORT_NAMES = {"markdown": "Markdown", "html": "HTML", "claimreview": "ClaimReview JSON-LD"}
FORMAT_CHOICES = tuple(REPORT_NAMES)


def register(subparsers: Any) -> None:
    """Add the ``export`` subcommand to the ``factdesk`` parser."""
    from app.cli.support import add_db as _add_db

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
        "--include-unrated",
        dest="include_unrated",
        action="store_true",
        help="also list claims not rated yet (by default the report has the rated ones)",
    )
    # The old opt-out, now the default; still accepted so scripts keep working.
    p.add_argument(
        "--no-unrated", dest="include_unrated", action="store_false", help=argparse.SUPPRESS
    )
    p.set_defaults(include_unrated=False)
    p.add_argument("--include-dismissed", action="store_true", help="include dismissed claims")
    p.add_argument("--organisation", metavar="NAME", help="ClaimReview author (default: settings)")
    p.add_argument(
        "--organisation-url", metavar="URL", help="where verdicts are published (default: settings)"
    )
    _add_db(p)
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from app.cli.support import open_service as _open_service
    from app.core.reports.export import check_report_target, export, write_atomically
    from app.core.reports.model import ReportOptions
    from app.core.settings import load_settings

    target = Path(args.output) if args.output else None
    if target is not None:
        check_report_target(target, args.project)
    settings = load_settings()
    if args.organisation is not None:
        settings.organisation = args.organisation
    if args.organisation_url is not None:
        settings.organisation_url = args.organisation_url
    if args.fmt == "claimreview":
        check_claimreview_settings(settings.organisation, settings.organisation_url)
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
        # As every command that writes a file says what it wrote (the report itself goes
        # to stdout only when no -o is given).
        print(f"Wrote the {REPORT_NAMES[args.fmt]} report to {target}.")
    return 0


def check_claimreview_settings(organisation: str, organisation_url: str) -> None:
    """Name every setting ClaimReview still needs at once, each with the flag that sets it."""
    from app.cli.support import CliError
    from app.core.validation import is_web_url

    missing = []
    if not organisation.strip():
        missing.append("your organisation's name (--organisation NAME)")
    if not is_web_url(organisation_url.strip()):
        missing.append(
            "the http(s) address where your verdicts are published (--organisation-url URL)"
        )
    if missing:
        raise CliError(
            "ClaimReview needs " + " and ".join(missing) + "; or set them in the window's Settings"
        )
