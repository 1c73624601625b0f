"""Every command's help and usage errors name the command the way it is typed.

Found on a newcomer's walk through the command line: `factdesk merge --help` began with
the whole top-level usage ("factdesk [PROJECT] [ARTICLE ...] | --screenshot OUT.png
[PROJECT] | COMMAND ... merge"), and a missing argument pointed at
"see 'factdesk keys [list|export|trust|untrust] ... trust --help'", a command nobody can type.
"""

from __future__ import annotations

import pytest

from app.cli.main import build_parser
from tests.support.cli_runner import run_factdesk

COMMANDS = sorted(build_parser().commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_starts_with_the_words_a_user_types(command: str) -> None:
    result = run_factdesk(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: factdesk {command}"), result.stdout[:120]


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("merge", "only-one.factdesk"), "see 'factdesk merge --help'"),
        (("keys", "trust"), "see 'factdesk keys trust --help'"),
        (("library", "import"), "see 'factdesk library import --help'"),
    ],
)
def test_a_missing_argument_points_at_the_commands_own_help(
    args: tuple[str, ...], hint: str
) -> None:
    result = run_factdesk(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and hint in result.stderr, result.stderr
