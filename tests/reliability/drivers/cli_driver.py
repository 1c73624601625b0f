"""Crash-harness driver: edits a project through the command line's own code paths.

Run as ``python cli_driver.py PROJECT --mode cli|service --seed N``. Before each edit it
prints ``BEGIN <claim_id> <field> <value>`` and, only after the call has returned (the
edit is committed), ``ACK <claim_id> <field> <value>``. It edits until it is killed.

- ``cli`` mode runs ``factdesk rate PROJECT CLAIM RATING --explanation ... --claimant ...``
  through :func:`app.cli.main`: open, validate, write, close, as the command does.
- ``service`` mode keeps one :class:`ProjectService` open and fires single-field edits
  as fast as it can, so kills land inside transactions far more often.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from contextlib import redirect_stdout

RATINGS = ["True", "Mostly true", "Half true", "Mostly false", "False"]


def say(*parts: str) -> None:
    sys.stdout.write(" ".join(parts) + "\n")
    sys.stdout.flush()


def value(rng: random.Random, seed: int, n: int, field: str) -> str:
    if field == "rating":
        return rng.choice(RATINGS)
    # Unique per edit, one line, some non-ASCII so encodings are exercised too.
    return f"{field[:3]}-{seed}-{n}-{'x' * rng.randrange(0, 400)}-✓"


def run_cli(project: str, claims: list[str], seed: int) -> None:
    from app.cli import main

    rng = random.Random(seed)
    n = 0
    while True:
        n += 1
        claim = rng.choice(claims)
        rating = value(rng, seed, n, "rating")
        explanation = value(rng, seed, n, "explanation")
        claimant = value(rng, seed, n, "claimant")[:140] + "-✓"
        edits = (("rating", rating), ("explanation", explanation), ("claimant", claimant))
        for field, text in edits:
            say("BEGIN", claim, field, text)
        argv = [
            "rate",
            project,
            claim,
            rating,
            "--explanation",
            explanation,
            "--claimant",
            claimant,
        ]
        with redirect_stdout(io.StringIO()):
            status = main(argv)
        if status != 0:
            say("ERROR", f"exit {status}")
            sys.exit(3)
        for field, text in edits:
            say("ACK", claim, field, text)


def run_service(project: str, claims: list[str], seed: int) -> None:
    from app.core.project import ProjectService

    rng = random.Random(seed)
    service = ProjectService.open_file(project, author="Crash Driver")
    n = 0
    while True:
        n += 1
        claim = rng.choice(claims)
        field = rng.choice(["rating", "explanation", "claimant"])
        text = value(rng, seed, n, field)
        if field == "claimant":
            text = text[:140] + "-✓"
        say("BEGIN", claim, field, text)
        if field == "rating":
            service.set_rating(claim, text)
        else:
            service.update_claim(claim, **{field: text})
        say("ACK", claim, field, text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--mode", choices=["cli", "service"], default="cli")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--claims", required=True, help="comma-separated claim ids")
    args = parser.parse_args()
    claims = args.claims.split(",")
    import app.cli  # the imports are not what is being tested
    import app.core.project  # noqa: F401

    say("READY")
    if args.mode == "cli":
        run_cli(args.project, claims, args.seed)
    else:
        run_service(args.project, claims, args.seed)


if __name__ == "__main__":
    main()
