"""``factdesk keys``: your signing key and the colleagues' keys you trust.

What the window's sharing dialogs do, from the command line, so that ``verify`` of a
colleague's file can pass there too:

- ``factdesk keys`` lists your key's fingerprint and the keys you trust;
- ``factdesk keys export [-o FILE]`` writes your public key file to send to colleagues
  (made on first use; the private key never leaves the keyring);
- ``factdesk keys trust SOURCE`` trusts a colleague's key from their key file, from a
  project file they signed, or from the fingerprint they read out to you (``--name``);
- ``factdesk keys untrust SOURCE`` takes that trust back.

Registered by :func:`app.cli.main.build_parser`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.support import CliError
from app.cli.support import emit as _emit
from app.cli.support import me as _identity
from app.core.errors import ValidationError
from app.core.wording import plural, quoted

EXIT_OK = 0


def register(subparsers: Any) -> None:
    """Add ``keys`` (with list, export, trust and untrust) to the ``factdesk`` command."""
    p = subparsers.add_parser(
        "keys",
        help="your signing key and the colleagues' keys you trust (list, export, trust, untrust)",
        usage="factdesk keys [list|export|trust|untrust] ...",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_keys_list)
    actions = p.add_subparsers(dest="keys_command", metavar="ACTION", prog="factdesk keys")

    a = actions.add_parser("list", help="your key's fingerprint and the keys you trust")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_keys_list)

    a = actions.add_parser("export", help="write your public key file for colleagues")
    a.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    a.set_defaults(func=cmd_keys_export)

    source_help = (
        "a key file ('factdesk keys export'), a project file the colleague signed, "
        "or the key's fingerprint (spaces allowed)"
    )
    a = actions.add_parser(
        "trust",
        help="trust a colleague's key",
        usage="factdesk keys trust FILE|FINGERPRINT [--name NAME]",
    )
    a.add_argument("source", nargs="+", metavar="SOURCE", help=source_help)
    a.add_argument("--name", help="whose key it is (needed with a bare fingerprint)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_keys_trust)

    a = actions.add_parser(
        "untrust",
        help="stop trusting a key",
        usage="factdesk keys untrust FILE|FINGERPRINT",
    )
    a.add_argument("source", nargs="+", metavar="SOURCE", help=source_help)
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_keys_untrust)


def cmd_keys_list(args: argparse.Namespace) -> int:
    from app.core.errors import SecretStoreError
    from app.core.sharing.signing import format_fingerprint, my_fingerprint, signing_key
    from app.core.sharing.trust import trusted_keys

    identity = _identity()  # your key is kept under your stable reviewer id
    me, my_id = identity.name, identity.id
    try:
        signing_key(me, person_id=my_id, create=False)
        unusable = False
    except SecretStoreError:
        unusable = True
    mine = None if unusable else my_fingerprint(me, my_id)
    keys = trusted_keys()
    if mine:
        lines = [f"Your key ({me}): {format_fingerprint(mine)}"]
    elif unusable:
        lines = [f"Your key ({me}): the keyring is not usable here, so you cannot sign."]
    else:
        lines = [f"Your key ({me}): none yet; it is made when you first sign or export it."]
    lines.append(f"You trust {plural(len(keys), 'key')}" + (":" if keys else "."))
    lines += [f"  {k.name or '(no name)'}: {format_fingerprint(k.fingerprint)}" for k in keys]
    data = {
        "me": {"name": me, "fingerprint": mine},
        "trusted": [
            {"name": k.name, "fingerprint": k.fingerprint, "added_at": k.added_at} for k in keys
        ],
    }
    _emit(args, data, "\n".join(lines))
    return EXIT_OK


def cmd_keys_export(args: argparse.Namespace) -> int:
    from app.core.reports.export import write_atomically
    from app.core.sharing.signing import format_fingerprint, my_fingerprint, signing_key
    from app.core.sharing.trust import key_file_text

    identity = _identity()  # your key is kept under your stable reviewer id
    me, my_id = identity.name, identity.id
    signing_key(me, person_id=my_id)  # made and kept in the keyring on first use
    fingerprint = my_fingerprint(me, my_id)
    assert fingerprint is not None  # signing_key raised if the keyring kept nothing
    text = key_file_text(me, fingerprint)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output)
    write_atomically(target, text)
    sys.stdout.write(
        f"Wrote your public key ({me}) to {target}.\n"
        f"Fingerprint: {format_fingerprint(fingerprint)}\n"
        "Send the file to colleagues; they run 'factdesk keys trust "
        f"{target.name}' after checking the fingerprint with you.\n"
    )
    return EXIT_OK


def _key_from(source: list[str], name: str | None) -> tuple[str, str]:
    """(fingerprint, name) from a key file, a signed project file or a fingerprint."""
    from app.core.sharing.trust import normalise_fingerprint, read_key_file

    joined = " ".join(source)
    path = Path(joined)
    if len(source) == 1 and path.is_file():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CliError(f"{path.name}: cannot be read ({exc.strerror})") from exc
        key = read_key_file(data)
        if key is not None:
            return key.fingerprint, name or key.name
        return _signer_of(path, name)
    try:
        fingerprint = normalise_fingerprint(joined)
    except ValidationError:
        if len(source) == 1 and not path.exists() and (path.suffix or "/" in joined):
            raise CliError(f"{path.name}: no such file") from None
        raise CliError(
            f"{quoted(joined[:80])} is neither a key file, a signed project file nor a key "
            "fingerprint (64 hexadecimal characters)"
        ) from None
    return fingerprint, name or ""


def _signer_of(path: Path, name: str | None) -> tuple[str, str]:
    from app.cli.sharing import open_shared_project
    from app.core.sharing.signing import verify_project

    service = open_shared_project(str(path), view_only=True)
    try:
        result = verify_project(service)
    finally:
        service.close()
    if not result.key_fingerprint:
        raise CliError(f"{path.name}: the project is not signed; there is no key to trust")
    if not result.signature_intact:
        raise CliError(
            f"{path.name}: the signature does not check against its key; nothing was trusted"
        )
    return result.key_fingerprint, name or result.signer_name or ""


def cmd_keys_trust(args: argparse.Namespace) -> int:
    from app.core.sharing.signing import format_fingerprint
    from app.core.sharing.trust import trust_key

    fingerprint, name = _key_from(args.source, args.name)
    if not name.strip():
        raise CliError("give --name NAME: whose key this is")
    entry = trust_key(fingerprint, name)
    _emit(
        args,
        {"trusted": {"name": entry.name, "fingerprint": entry.fingerprint}},
        f"Trusted {entry.name}'s key: {format_fingerprint(entry.fingerprint)}\n"
        "Check this fingerprint with them (in person or by phone) if you have not.",
    )
    return EXIT_OK


def cmd_keys_untrust(args: argparse.Namespace) -> int:
    from app.core.sharing.signing import format_fingerprint
    from app.core.sharing.trust import untrust_key

    fingerprint, _name = _key_from(args.source, "-")
    if not untrust_key(fingerprint):
        raise CliError(f"you do not trust the key {format_fingerprint(fingerprint)}")
    _emit(
        args,
        {"untrusted": fingerprint},
        f"No longer trusted: {format_fingerprint(fingerprint)}",
    )
    return EXIT_OK
