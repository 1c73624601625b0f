"""``factdesk sign``, ``verify`` and ``merge``: the sharing subcommands.

Registered by :func:`app.cli.main.build_parser`. Errors are typed
:class:`~app.core.errors.FactdeskError` subclasses, which the command line prints as one
line on stderr with their exit status (2 for an unreadable project).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.support import emit as _emit
from app.cli.support import me as _me
from app.core.errors import ProjectReadOnlyError
from app.core.wording import plural

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def open_shared_project(path: str, *, view_only: bool) -> Any:
    """A project file opened the way sharing commands need it (also by ``keys``)."""
    from app.core.project import ProjectService
    from app.core.sharing.safeopen import open_for_sharing

    db = open_for_sharing(Path(path), view_only=view_only)
    if not view_only and db.read_only_reason is not None:
        db.close()
        raise ProjectReadOnlyError(f"{Path(path).name}: cannot be changed: {db.read_only_reason}.")
    who = _me()
    return ProjectService.for_database(db, author=who.name, author_id=who.id)


def cmd_sign(args: argparse.Namespace) -> int:
    from app.core.sharing.signing import format_fingerprint, sign_project

    service = open_shared_project(args.project, view_only=False)
    try:
        info = sign_project(service)
    finally:
        service.close()
    _emit(
        args,
        {
            "signer": info.signer_name,
            "fingerprint": info.key_fingerprint,
            "signed_at": info.signed_at.isoformat(),
            "content_sha256": info.content_sha256,
            "records": info.records,
        },
        f"Signed {Path(args.project).name} as {info.signer_name} ({info.records} records).\n"
        f"Key fingerprint: {format_fingerprint(info.key_fingerprint)}",
    )
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from app.core.sharing.signing import format_fingerprint, verify_project

    service = open_shared_project(args.project, view_only=True)
    try:
        result = verify_project(service)
    finally:
        service.close()
    lines = [f"{result.status.value.upper()}: {result.message}"]
    if result.key_fingerprint:
        lines.append(f"Signer: {result.signer_name}")
        lines.append(f"Key fingerprint: {format_fingerprint(result.key_fingerprint)}")
    for c in result.changed:
        lines.append(f"  {c.change:<8} {c.kind_label} {c.id}  {c.label}")
    _emit(args, result.to_json(), "\n".join(lines))
    return result.status.exit_status


def cmd_merge(args: argparse.Namespace) -> int:
    from app.core.sharing.merge import apply_merge, conflicts_text, plan_merge

    service = open_shared_project(args.project, view_only=False)
    try:
        plan = plan_merge(service, Path(args.other))
        if plan.conflicts and args.prefer is None:
            _emit(
                args,
                {
                    "merged": False,
                    "conflicts": [c.to_json() for c in plan.conflicts],
                    "warnings": plan.warnings,
                },
                "\n".join(
                    [
                        f"{plural(len(plan.conflicts), 'conflicting change')}; nothing was merged. "
                        "Run again with --prefer mine or --prefer theirs:",
                        *("  " + line for line in conflicts_text(plan.conflicts)),
                    ]
                ),
            )
            return EXIT_FAILED
        result = apply_merge(service, plan, prefer=args.prefer)
    finally:
        service.close()
    inserted = _counts(result.inserted)
    deleted = _counts(result.deleted)
    lines = [
        f"Merged {result.source_name} into {Path(args.project).name}: "
        f"{plural(result.updated_fields, 'field')} updated; added {inserted}; removed {deleted}.",
    ]
    if result.conflicts:
        lines.append(f"{plural(len(result.conflicts), 'conflict')} decided as {args.prefer}:")
        lines.extend("  " + line for line in conflicts_text(result.conflicts))
    lines.extend(f"Note: {w}" for w in result.warnings)
    _emit(args, {"merged": True, **result.to_json()}, "\n".join(lines))
    return EXIT_OK


def _counts(by_kind: dict[str, int]) -> str:
    """ "2 articles, 11 claims, 1 piece of evidence", in the order records nest."""
    from app.core.sharing.canonical import KIND_COUNTED, counted

    order = list(KIND_COUNTED)
    kinds = sorted((k for k, n in by_kind.items() if n), key=order.index)
    return ", ".join(counted(k, by_kind[k]) for k in kinds) or "nothing"


def register(subparsers: Any) -> None:
    """Add ``sign``, ``verify`` and ``merge`` to the ``factdesk`` command."""
    p = subparsers.add_parser("sign", help="sign a project with your key (kept in the keyring)")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sign)

    p = subparsers.add_parser(
        "verify",
        help="check a project's signature (exit 0 valid, 1 changed or untrusted, "
        "2 unsigned or unreadable)",
    )
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_verify)

    p = subparsers.add_parser("merge", help="merge another copy of a project into PROJECT")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("other", metavar="OTHER")
    p.add_argument(
        "--prefer",
        choices=("mine", "theirs"),
        help="how to decide conflicting changes (without it, conflicts are listed and "
        "nothing is merged)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_merge)
