"""The ``factdesk`` command line: argument parsing and printing over :mod:`app.core`.

:mod:`app.cli.main` builds the parser and dispatches; each other module holds the
subcommands of one feature (reports, sharing, server). Nothing in :mod:`app.core` imports
this package.
"""

from app.cli.main import main, run

__all__ = ["main", "run"]
