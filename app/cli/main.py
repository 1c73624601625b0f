"""The ``factdesk`` command: the window with no arguments, headless subcommands otherwise.

Over :mod:`app.core` only. Every subcommand prints readable text, or JSON with
``--json`` in the shapes written in ``product.md`` (other tools rely on them), and on bad
input exits with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from app import APP_NAME, PROJECT_SUFFIX, __version__
from app.cli import keys, library, reports, server, sharing
from app.cli.support import CliError, quiet_platform_warnings
from app.cli.support import add_db as _add_db
from app.cli.support import emit as _emit
from app.cli.support import me as _me
from app.cli.support import open_service as _open_service
from app.core.errors import FactdeskError, ProjectExistsError, ValidationError
from app.core.records import ArticleInfo, ArticleMetadata, ClaimInfo, ClaimStatus
from app.core.wording import plural, quoted, sentence

log = logging.getLogger("factdesk.cli")

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


WINDOW_HELP = """\
the window:
  factdesk                          open the window (start page, recent projects)
  factdesk PROJECT                  open the window on a project file
  factdesk PROJECT ARTICLE ...      open it and import the articles into it
  factdesk ARTICLE ...              ask which project to import into (refused without
                                    a display: use 'factdesk import ARTICLE --project P')
  factdesk --screenshot OUT.png [PROJECT]
                                    render the window at 1280x800 to a PNG and exit
                                    (no display needed, never waits for a person)

Every COMMAND runs without a window; 'factdesk COMMAND --help' describes it. On bad
input a command prints one line on stderr and exits with status 2.
"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (the CLI contract)."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see '{self.prog} --help')")


# --- opening the project a subcommand works on ------------------------------------------


def _split_positionals(args: argparse.Namespace, names: Sequence[str]) -> None:
    """Commands whose PROJECT may be replaced by --db: assign the remaining positionals."""
    items = list(args.items)
    expected = len(names) if args.db else len(names) + 1
    if len(items) != expected:
        wanted = " ".join(n.upper() for n in names)
        raise CliError(f"expected {'' if args.db else 'PROJECT '}{wanted}")
    args.project = None if args.db else items.pop(0)
    for name, value in zip(names, items, strict=True):
        setattr(args, name, value)


# --- JSON shapes (product.md) ---------------------------------------------------------


def article_json(article: ArticleInfo, text: str) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "sha256": article.sha256,
        "text": text,
        "claims": article.claims,
    }


def claim_json(claim: ClaimInfo) -> dict[str, Any]:
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "wording": claim.wording,
        "claimant": claim.claimant,
        "kinds": [k.value for k in claim.kinds],
        "score": claim.score,
        "origin": claim.origin.value,
        "status": claim.status.value,
        "rating": claim.rating_label,
        "explanation": claim.explanation,
        "evidence": [
            {"url": e.url or "", "title": e.title, "stance": e.stance.value} for e in claim.evidence
        ],
    }


# --- subcommands ----------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from app.core.project import ProjectService

    if args.db:
        from app.core.server.connection import open_server_for_cli

        db = open_server_for_cli(args.db, create=True)
        who = _me()
        service = ProjectService.create_in_database(
            db,
            name=args.name or "Untitled project",
            scale=args.scale,
            author=who.name,
            author_id=who.id,
        )
        where = db.label
    else:
        if not args.project:
            raise CliError("name the project file to create (or give --db URL)")
        path = Path(args.project)
        if path.is_dir():
            # Never a project beside it under a made-up name (DIR.factdesk).
            raise ProjectExistsError(
                f"{path.name}: is an existing folder; name the project file to create, "
                f"e.g. {path / ('desk' + PROJECT_SUFFIX)}"
            )
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_name(path.name + PROJECT_SUFFIX) if not path.suffix else path
        who = _me()
        service = ProjectService.create_file(
            path, name=args.name, scale=args.scale, author=who.name, author_id=who.id
        )
        where = str(path)
    try:
        info = service.info()
    finally:
        service.close()
    levels = ", ".join(lv.label for lv in info.scale.levels) or "conclusions only"
    _emit(
        args,
        {"project_id": info.id, "name": info.name, "location": where, "scale": info.scale.name},
        f"Created project {quoted(info.name)} in {where}\n"
        f"Rating scale: {info.scale.name} ({levels})",
    )
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from app.core.ingest import import_article_file
    from app.core.validation import iso_date_or_none

    if not args.project and not args.db:
        raise CliError("the following arguments are required: --project (or --db URL)")
    metadata = ArticleMetadata(
        title=args.title,
        outlet=args.outlet,
        author=args.author,
        url=args.url,
        published=iso_date_or_none(args.date),
    )
    service = _open_service(args)
    try:
        result = import_article_file(service, Path(args.article), metadata=metadata)
    finally:
        service.close()
    article = result.article
    if not result.created:
        sys.stderr.write(
            "factdesk: This article is already in the project; nothing was imported.\n"
        )
    _emit(
        args,
        {"article_id": article.id, "title": article.title, "claims": article.claims},
        f"{'Imported' if result.created else 'Already there'}: {article.title}\n"
        f"Article id: {article.id}\nClaims: {article.claims}",
    )
    return EXIT_OK


def cmd_articles(args: argparse.Namespace) -> int:
    service = _open_service(args, read_only=not args.db)
    try:
        articles = service.articles()
        texts = {a.id: service.article_text(a.id).text for a in articles} if args.json else {}
    finally:
        service.close()
    lines = [plural(len(articles), "article")]
    for a in articles:
        meta = " · ".join(
            x for x in (a.outlet, a.author, a.published.isoformat() if a.published else None) if x
        )
        lines.append(
            f"{a.id}  {a.title}"
            + (f"  ({meta})" if meta else "")
            + f"  [{plural(a.claims, 'claim')}]"
        )
    _emit(
        args,
        {"articles": [article_json(a, texts.get(a.id, "")) for a in articles]},
        "\n".join(lines),
    )
    return EXIT_OK


def cmd_claims(args: argparse.Namespace) -> int:
    from app.core.claim_refs import claim_numbers
    from app.core.project import ClaimFilter

    service = _open_service(args, read_only=not args.db)
    try:
        claims = service.claims(ClaimFilter(article_id=args.article), with_evidence=True)
        numbers = claim_numbers(service)
    finally:
        service.close()
    lines = [plural(len(claims), "claim")]
    for c in claims:
        verdict = c.rating_label or "unrated"
        who = f" — {c.claimant}" if c.claimant else ""
        number = f"#{numbers.get(c.id, 0)}"
        lines.append(
            f"{number:>5} {c.id}  {STATUS_WORDS[c.status]:<9} {verdict:<14} "
            f"{_excerpt(c.wording, 90)}{who}"
        )
    listed = [{"number": numbers.get(c.id, 0), **claim_json(c)} for c in claims]
    _emit(args, {"claims": listed}, "\n".join(lines))
    return EXIT_OK


# What people type and read for each status ("in review", "in-review" and "in_review").
STATUS_WORDS = {
    ClaimStatus.NEW: "new",
    ClaimStatus.IN_REVIEW: "in review",
    ClaimStatus.DONE: "done",
    ClaimStatus.DISMISSED: "dismissed",
}


def parse_status(word: str) -> ClaimStatus:
    key = "_".join(word.lower().replace("-", " ").split())
    try:
        return ClaimStatus(key)
    except ValueError:
        choices = ", ".join(STATUS_WORDS.values())
        raise CliError(f"unknown status {quoted(word)}; choose one of: {choices}") from None


def cmd_status(args: argparse.Namespace) -> int:
    from app.core.claim_refs import resolve_claim

    _split_positionals(args, ("claim_id", "status"))
    status = parse_status(args.status)
    service = _open_service(args)
    try:
        claim = resolve_claim(service, args.claim_id)
        claim, _ = service.update_claim(claim.id, status=status)
    finally:
        service.close()
    _emit(
        args,
        {"claim": claim_json(claim)},
        f"{quoted(_excerpt(claim.wording, 70))}: {STATUS_WORDS[claim.status]}",
    )
    return EXIT_OK


def cmd_rate(args: argparse.Namespace) -> int:
    _split_positionals(args, ("claim_id", "rating"))
    if args.evidence_title and len(args.evidence_title) > len(args.evidence or []):
        raise CliError("--evidence-title must follow an --evidence URL")
    status = parse_status(args.status) if args.status is not None else None
    service = _open_service(args)
    try:
        from app.core.claim_refs import resolve_claim

        # An unknown or ambiguous claim fails before anything is written.
        claim = resolve_claim(service, args.claim_id)
        fields: dict[str, Any] = {}
        if args.explanation is not None:
            fields["explanation"] = args.explanation
        if args.claimant is not None:
            fields["claimant"] = args.claimant
        # Validate the evidence links before writing anything.
        from app.core.validation import web_url_or_none

        for url in args.evidence or []:
            web_url_or_none(url, "evidence link")
        # One command, one transaction: the verdict, its explanation and its evidence are
        # saved together, or (a refusal, a crash) none of them is.
        with service.transaction():
            # A new claim moves to "in review" as in the window, unless --status says.
            claim, _ = service.set_rating(claim.id, args.rating, status=status)
            if fields:
                claim, _ = service.update_claim(claim.id, **fields)
            titles = list(args.evidence_title or [])
            for index, url in enumerate(args.evidence or []):
                title = titles[index] if index < len(titles) else ""
                service.add_evidence(claim.id, url=url, title=title)
        claim = service.claim(claim.id)
    finally:
        service.close()
    _emit(
        args,
        {"claim": claim_json(claim)},
        f"Rated {quoted(_excerpt(claim.wording, 70))}: {claim.rating_label}"
        f" ({STATUS_WORDS[claim.status]})",
    )
    return EXIT_OK


def cmd_detect(args: argparse.Namespace) -> int:
    from app.core.analysis import analyse
    from app.core.textfile import read_article_for_detection

    text, paragraphs = read_article_for_detection(Path(args.article))
    sentences = analyse(text, None if args.lines else paragraphs, lines=args.lines)
    data = {
        "sentences": [
            {
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "score": round(s.score, 4),
                "checkworthy": s.checkworthy,
                "claimant": s.claimant,
                "claimant_role": s.claimant_role,
                "kinds": [k.value for k in s.kinds],
                "role": s.role.value,
            }
            for s in sentences
        ]
    }
    lines = []
    for s in sentences:
        mark = "*" if s.checkworthy else " "
        extra = ", ".join(
            x
            for x in (s.claimant and f"claimant: {s.claimant}", ", ".join(k.value for k in s.kinds))
            if x
        )
        lines.append(
            f"{mark} {s.score:.2f} {s.role.value:<10} {_excerpt(s.text, 100)}"
            + (f"  [{extra}]" if extra else "")
        )
    checkworthy = sum(s.checkworthy for s in sentences)
    lines.append(f"{checkworthy} of {len(sentences)} sentences are worth checking (*).")
    _emit(args, data, "\n".join(lines))
    return EXIT_OK


def cmd_self_test(args: argparse.Namespace) -> int:
    from app.core.selftest import run_self_test

    return EXIT_OK if run_self_test(sys.stdout) else EXIT_FAILED


def _excerpt(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- parser ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factdesk",
        usage="factdesk [PROJECT] [ARTICLE ...] | --screenshot OUT.png [PROJECT] | COMMAND ...",
        description=f"{APP_NAME} {__version__}: "
        "find, check and report the statements in news articles.",
        epilog=WINDOW_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    # prog: each command's usage line reads "factdesk new ...", not the whole top-level usage.
    sub = parser.add_subparsers(
        dest="command", parser_class=_Parser, metavar="COMMAND", prog="factdesk"
    )
    # The live name -> parser mapping: commands registered below (by any feature module)
    # are what main() dispatches on; every other word goes to the window's checks.
    parser.commands = sub.choices  # type: ignore[attr-defined]

    p = sub.add_parser("new", help="create a project")
    p.add_argument("project", nargs="?", metavar="PROJECT")
    p.add_argument(
        "--scale",
        default="five-level",
        help="rating scale: five-level (default), meta-style, conclusion-only",
    )
    p.add_argument("--name", help="project name (default: the file name)")
    p.add_argument("--json", action="store_true")
    _add_db(p)
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("import", help="import an article into a project")
    p.add_argument("article", metavar="ARTICLE")
    p.add_argument("--project", metavar="PROJECT")
    for name in ("title", "outlet", "author", "url"):
        p.add_argument(f"--{name}")
    p.add_argument("--date", help="publication date, YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    _add_db(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("articles", help="list a project's articles")
    p.add_argument("project", nargs="?", metavar="PROJECT")
    p.add_argument("--json", action="store_true")
    _add_db(p)
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser("claims", help="list a project's claims in article order")
    p.add_argument("project", nargs="?", metavar="PROJECT")
    p.add_argument("--article", metavar="ID")
    p.add_argument("--json", action="store_true")
    _add_db(p)
    p.set_defaults(func=cmd_claims)

    p = sub.add_parser(
        "rate",
        help="give a claim a verdict",
        usage="factdesk rate PROJECT CLAIM RATING [options]",
        description="CLAIM is the claim's #NUMBER as 'factdesk claims' and the window show "
        "it (#12), its id, or a unique start of its id.",
    )
    p.add_argument("items", nargs="*", metavar="PROJECT CLAIM RATING")
    p.add_argument("--status", help="also set the claim's status: new, in review, done, dismissed")
    p.add_argument("--explanation")
    p.add_argument("--claimant")
    p.add_argument("--evidence", action="append", metavar="URL")
    p.add_argument("--evidence-title", action="append", metavar="T")
    p.add_argument("--json", action="store_true")
    _add_db(p)
    p.set_defaults(func=cmd_rate)

    p = sub.add_parser(
        "status",
        help="set a claim's status (new, in review, done, dismissed)",
        usage="factdesk status PROJECT CLAIM STATUS [--json]",
        description="CLAIM is the claim's #NUMBER (#12), its id, or a unique start of its id.",
    )
    p.add_argument("items", nargs="*", metavar="PROJECT CLAIM STATUS")
    p.add_argument("--json", action="store_true")
    _add_db(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("detect", help="list an article's sentences worth checking")
    p.add_argument("article", metavar="ARTICLE")
    p.add_argument("--lines", action="store_true", help="each non-empty line is one sentence")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_detect)

    p = sub.add_parser(
        "self-test", help="run the whole pipeline on a temporary project and report each step"
    )
    p.set_defaults(func=cmd_self_test)

    for feature in (reports, sharing, keys, server, library):
        feature.register(sub)
    return parser


def registered_commands(parser: argparse.ArgumentParser) -> dict[str, Any]:
    """The subcommands ``parser`` knows, whichever module registered them."""
    commands: dict[str, Any] = getattr(parser, "commands", {})
    return commands


def run(argv: Sequence[str], parser: argparse.ArgumentParser | None = None) -> int:
    parser = parser or build_parser()
    args = parser.parse_args(list(argv))
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    result: int = args.func(args)
    return result


def _launch_window(argv: list[str]) -> int:
    # Imported here: the window's modules (Qt) are not loaded for a headless command.
    from app.ui.application import run_gui

    status: int = run_gui(argv)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    quiet_platform_warnings()
    try:
        parser = build_parser()
        commands = registered_commands(parser)
        if argv and (argv[0] in commands or argv[0] in ("-h", "--help", "--version")):
            return run(argv, parser)
        from app.cli.window import has_display, parse_window_arguments

        request = parse_window_arguments(argv, commands)
        if request.screenshot is not None and not has_display():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"  # unattended: no screen needed
        return _launch_window(argv)
    except FactdeskError as exc:
        sys.stderr.write(f"factdesk: {sentence(str(exc))}\n")
        return exc.exit_status
    except KeyboardInterrupt:
        sys.stderr.write("factdesk: Interrupted.\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # last resort: the contract is one line, never a traceback
        log.exception("unexpected error")
        sys.stderr.write(
            f"factdesk: Unexpected error: {type(exc).__name__}: "
            f"{' '.join(str(exc).split())[:300]}\n"
        )
        return EXIT_FAILED


__all__ = ["ValidationError", "main", "run"]
