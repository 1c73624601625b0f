"""Crash-harness driver: runs one ``factdesk`` command through :func:`app.cli.main`.

Run as ``python command_driver.py rate PROJECT CLAIM ...`` (any command line). It prints:

- ``READY`` once the modules are imported, just before the command starts (the harness
  times its kill from here, so kills land in the command's own work);
- ``COMMIT`` each time a transaction is about to commit (SQLAlchemy's ``commit`` event,
  fired before the database commits): a kill before the first ``COMMIT`` line must leave
  nothing of the command in the file;
- ``EXIT <status>`` when the command has returned.
"""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stdout

# The command's own output is thrown away (redirected below); the harness's lines go to
# the real standard output, also while the command runs.
OUT = sys.stdout


def say(line: str) -> None:
    OUT.write(line + "\n")
    OUT.flush()


def main() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Connection, Engine

    import app.core.analysis
    import app.core.ingest
    import app.core.project
    import app.core.sharing.merge  # noqa: F401 - the imports are not what is being tested
    from app.cli import main as cli_main

    def _on_commit(_conn: Connection) -> None:
        say("COMMIT")

    event.listen(Engine, "commit", _on_commit)
    say("READY")
    with redirect_stdout(io.StringIO()):
        status = cli_main(sys.argv[1:])
    say(f"EXIT {status}")


if __name__ == "__main__":
    main()
