"""``factdesk library import|stats`` and ``factdesk match``: the library of known verdicts
and the matches of claims against it ("checked before?").

Registered by :func:`app.cli.main.build_parser`. The JSON of ``match --json`` is the shape
written in issue 19 (other tools are built on it)::

    {"matches": [{"claim_id": str|null, "line": int|null, "text": str,
                  "results": [{"id": str, "score": float, "claim": str, "rating": str|null,
                               "publisher": str|null, "date": str|null, "url": str|null}]}]}
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.core.wording import plural, sentence

DEFAULT_TOP = 5


def register(subparsers: Any) -> None:
    """Add the ``library`` and ``match`` subcommands to the ``factdesk`` parser."""
    from app.cli.support import add_db

    p = subparsers.add_parser("library", help="the library of verdicts already published")
    actions = p.add_subparsers(dest="library_command", metavar="ACTION", parser_class=type(p))
    q = actions.add_parser(
        "import",
        help="add ClaimReview collections (JSON-LD, Data Commons feed, web page, CSV) "
        "or the rated claims of Factdesk projects",
    )
    q.add_argument("files", nargs="+", metavar="FILE")
    _add_library(q)
    q.add_argument("--json", action="store_true")
    add_db(q)
    q.set_defaults(func=cmd_library_import)
    q = actions.add_parser("stats", help="how many verdicts the library holds, by publisher")
    _add_library(q)
    q.add_argument("--json", action="store_true")
    add_db(q)
    q.set_defaults(func=cmd_library_stats)
    p.set_defaults(func=_library_usage, library_parser=p)

    p = subparsers.add_parser(
        "match",
        help="the closest verdicts already published for every claim of a project",
        usage="factdesk match PROJECT [--article ID] [--top K] [--library PATH] [--json]\n"
        "       factdesk match --lines FILE [--top K] [--library PATH] [--json]",
    )
    p.add_argument("project", nargs="?", metavar="PROJECT")
    p.add_argument("--article", metavar="ID", help="only this article's claims")
    p.add_argument("--lines", metavar="FILE", help="each non-empty line of FILE is a statement")
    p.add_argument("--top", type=int, default=DEFAULT_TOP, metavar="K", help="matches per claim")
    _add_library(p)
    p.add_argument("--json", action="store_true")
    add_db(p)
    p.set_defaults(func=cmd_match)


def _add_library(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--library",
        metavar="PATH",
        help="the library file (default: library.sqlite3 in the platform's data folder)",
    )


def _library_usage(args: argparse.Namespace) -> int:
    from app.cli.support import CliError

    raise CliError("name an action: 'factdesk library import FILE...' or 'factdesk library stats'")


def open_library(args: argparse.Namespace) -> Any:
    """The library named by ``--library``, the desk's on the ``--db`` server, or the
    default file."""
    from app.cli.support import CliError
    from app.core.matching import LibraryStore

    if args.db and args.library:
        raise CliError("give either --library PATH or --db URL, not both")
    if args.db:
        return LibraryStore.open_server(args.db)
    return LibraryStore.open_file(Path(args.library) if args.library else None)


# --- library import / stats -----------------------------------------------------------


def cmd_library_import(args: argparse.Namespace) -> int:
    from app.cli.support import CliError, emit
    from app.core.matching.readers import SUPPORTED_SUFFIXES

    paths = [Path(f) for f in args.files]
    for path in paths:  # refuse bad names before importing anything
        if not path.is_file():
            raise CliError(f"{path}: no such file")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise CliError(
                f"{path.name}: not a collection this command reads "
                f"({', '.join(SUPPORTED_SUFFIXES)})"
            )
    if args.library and any(p.resolve() == Path(args.library).resolve() for p in paths):
        raise CliError("the library file cannot import itself")
    show_progress = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show_progress and not total:
            sys.stderr.write(f"\r{done} reviews read…")
            sys.stderr.flush()

    library = open_library(args)
    try:
        report = library.import_files(paths, progress=progress)
        total = library.count()
        location = library.location
    finally:
        library.close()
    if show_progress:
        sys.stderr.write("\r")
    whole_files = [s for s in report.skipped if s.position == "whole file"]
    items = [s for s in report.skipped if s.position != "whole file"]
    lines = [
        f"Imported {plural(report.added, 'new review')} into {location}"
        f" ({report.already_present} already there, {len(items)} skipped; "
        f"{total} in the library)."
    ]
    lines += [f"  skipped {s.source}, {s.position}: {s.reason}" for s in items[:20]]
    if len(items) > 20:
        lines.append(f"  … and {len(items) - 20} more skipped")
    emit(
        args,
        {
            "added": report.added,
            "already_present": report.already_present,
            "skipped": [
                {"file": s.source, "position": s.position, "reason": s.reason}
                for s in report.skipped
            ],
            "total": total,
        },
        "\n".join(lines),
    )
    if whole_files:
        sys.stderr.write("factdesk: " + sentence("; ".join(s.reason for s in whole_files)) + "\n")
        return 2
    return 0


def cmd_library_stats(args: argparse.Namespace) -> int:
    from app.cli.support import emit

    library = open_library(args)
    try:
        stats = library.stats()
    finally:
        library.close()
    lines = [f"{plural(stats.reviews, 'review')} in {stats.location}"]
    if stats.oldest:
        lines.append(f"Dated from {stats.oldest} to {stats.newest}")
    for name, count in sorted(stats.publishers.items(), key=lambda p: -p[1])[:15]:
        lines.append(f"  {count:>8}  {name}")
    emit(
        args,
        {
            "reviews": stats.reviews,
            "location": stats.location,
            "publishers": stats.publishers,
            "sources": stats.origins,
            "oldest": stats.oldest,
            "newest": stats.newest,
        },
        "\n".join(lines),
    )
    return 0


# --- match ---------------------------------------------------------------------------------


def matches_json(found: Any) -> dict[str, Any]:
    return {
        "matches": [
            {
                "claim_id": m.claim_id,
                "line": m.line,
                "text": m.text,
                "results": [
                    {
                        "id": r.item.public_id(),
                        "score": round(r.score, 4),
                        "claim": r.item.claim,
                        "rating": r.item.rating,
                        "publisher": r.item.publisher,
                        "date": r.item.date,
                        "url": r.item.url,
                    }
                    for r in m.results
                ],
            }
            for m in found
        ]
    }


def cmd_match(args: argparse.Namespace) -> int:
    from app.cli.support import CliError, emit, open_service
    from app.core.matching.service import ProjectMatcher, match_lines, project_claims

    if args.top < 1:
        raise CliError("--top must be at least 1")
    if args.lines and (args.project or args.article):
        raise CliError("give either PROJECT (with --article) or --lines FILE, not both")
    if args.lines:
        from app.core.textfile import read_text_file

        text = read_text_file(Path(args.lines))
        library = open_library(args)
        try:
            found = match_lines(library, text.splitlines(), top=args.top)
        finally:
            library.close()
    else:
        if not args.project and not args.db:
            raise CliError("name a project file (or give --db URL, or --lines FILE)")
        service = open_service(args, read_only=not args.db)
        try:
            if args.article:
                service.article(args.article)  # an unknown id is a one-line error
            library = open_library(args)
            try:
                matcher = ProjectMatcher.for_service(service, library)
                try:
                    found = matcher.match_claims(
                        project_claims(service, args.article), top=args.top
                    )
                finally:
                    matcher.close()
            finally:
                library.close()
        finally:
            service.close()
    lines = []
    for m in found:
        where = f"line {m.line}" if m.line is not None else m.claim_id
        lines.append(f"{where}: {_excerpt(m.text, 90)}")
        if not m.results:
            lines.append("    (nothing similar in the library)")
        for r in m.results:
            label = f" — {r.label}" if r.label else ""
            facts = ", ".join(
                x for x in (r.item.rating, r.item.publisher, r.item.date, r.item.url) if x
            )
            lines.append(f"    {r.score:.2f} {_excerpt(r.item.claim, 80)} [{facts}]{label}")
    emit(args, matches_json(found), "\n".join(lines) or "No statements to match.")
    return 0


def _excerpt(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
