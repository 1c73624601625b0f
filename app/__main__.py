"""Composition root of the window: settings -> storage -> services -> QApplication -> window.

``python -m app`` and ``factdesk`` with no subcommand both land here. Heavy modules are
imported after the window is shown (see architecture.md on start-up time).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in ("--screenshot",) and not args[0].startswith("-"):
        pass  # a project or article path: handled by the window
    from app.ui.application import run_gui

    return run_gui(args)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        from app.cli import main as cli_main

        sys.exit(cli_main(sys.argv[1:]))
    sys.exit(main())
