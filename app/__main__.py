"""``python -m app``: the same entry point as the ``factdesk`` command.

With no arguments, or a path, it opens the window; with a subcommand it runs headless
(:mod:`app.cli`). The window's composition root is :func:`app.ui.application.run_gui`.
"""

from __future__ import annotations

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
