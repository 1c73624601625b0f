"""Entry point of the frozen program: the same ``factdesk`` command as the installed one.

No arguments (or a path) opens the window; a subcommand such as ``self-test`` runs headless.
"""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
