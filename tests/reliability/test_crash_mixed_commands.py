"""A kill -9 campaign against mixed commands: each is saved whole or not at all.

One project; in a loop, a real ``factdesk`` process (``drivers/command_driver.py``, which
runs :func:`app.cli.main`) runs one of:

- ``rate`` with a verdict, an explanation and two evidence links (one command);
- ``merge`` of a colleague's copy in which several claims were rated, explained and
  given another claimant;
- ``import`` of an article with many claims;

and is killed with SIGKILL after a random delay, drawn over that command's duration as
measured by one run without a kill. Every fourth command starts from the file put into
rollback-journal mode (``PRAGMA journal_mode=DELETE``, as a colleague's tool may leave
it), so kills also land in saves through a rollback journal and in the first save, after
which Factdesk moves the file to WAL.

After each kill the file must open and pass Factdesk's full validation and SQLite's
``integrity_check``; the project must be exactly as before the command or exactly as the
whole command makes it (a verdict with its explanation and evidence; all of a merge's
changes; an article with all its claims); and the change log must agree with the rows
(each row's revision is the one its latest log entry records, see
:func:`log_disagreements`).

FACTDESK_STRESS_KILLS sets the number of commands killed (``make stress``); the default
keeps ``make test`` within about ten seconds. Each command is a real process forked from
multiprocessing's fork server, which has imported what the driver imports before READY
(see :mod:`tests.support.preforked`), so no time goes to starting Python and importing.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app.core.project import ProjectService
from app.models.tables import EDITABLE_TABLES
from tests.conftest import cli_env
from tests.reliability.test_crash_safety import integrity, make_project
from tests.reliability.test_failed_commands_keep_the_file import set_rollback_journal
from tests.support import preforked

DRIVER = Path(__file__).resolve().parent / "drivers" / "command_driver.py"
KILLS = int(os.environ.get("FACTDESK_STRESS_KILLS", "3"))
KINDS = ("rate", "merge", "import")
RATINGS = ["True", "Mostly true", "Half true", "Mostly false", "False"]
TOWNS = ["Arlen", "Bexley", "Corran", "Dunmore", "Elsby", "Fenwick", "Garth", "Holm"]
HARNESS = "Crash Harness"

Claims = dict[str, tuple[Any, ...]]


@dataclass(frozen=True)
class State:
    """What a person sees of the project: articles and, per claim, everything editable."""

    articles: dict[str, str]
    claims: Claims


def read_state(path: Path) -> State:
    """Open the file as Factdesk does (full validation of every value), then read it."""
    service = ProjectService.open_file(path, author=HARNESS, read_only=True, quick_check=True)
    try:
        articles = {a.id: a.title for a in service.articles()}
        claims = {
            c.id: (
                c.article_id,
                c.rating_label,
                c.explanation,
                c.claimant,
                c.status.value,
                tuple(sorted((e.url or "", e.title) for e in c.evidence)),
            )
            for c in service.claims(with_evidence=True)
        }
        return State(articles, claims)
    finally:
        service.close()


def log_disagreements(path: Path) -> list[str]:
    """Rows whose revision is not the one their latest change-log entry records.

    "Latest" by time: a merge also copies the colleague's entries, with the revisions the
    rows had in the colleague's copy and the times they were made there, before the
    entries of the merge's own edits. The merge's summary entry changes no row and
    records no revision.
    """
    problems = []
    conn = sqlite3.connect(path)
    try:
        for model in EDITABLE_TABLES:
            table = model.__tablename__  # type: ignore[attr-defined]
            rows = conn.execute(
                f"SELECT t.id, t.revision, (SELECT c.record_revision FROM changelog c "
                f"WHERE c.record_id = t.id AND c.record_revision IS NOT NULL "
                f"ORDER BY c.at DESC, c.id DESC LIMIT 1) FROM {table} t"
            ).fetchall()
            problems += [
                f"{table} {row_id}: revision {revision}, log says {logged}"
                for row_id, revision, logged in rows
                if revision != logged
            ]
    finally:
        conn.close()
    return problems


def settle(path: Path) -> None:
    """Open for editing and close, as Factdesk does: the file at rest, with no WAL beside."""
    ProjectService.open_file(path, author=HARNESS, quick_check=True).close()


# --- the three commands: what each is run with, and what it must leave --------------


@dataclass
class Command:
    kind: str
    argv: list[str]
    whole: Any  # the State the whole command leaves, or for an import its claim count


def rate_command(project: Path, before: State, rng: random.Random, n: int) -> Command:
    claim_id = rng.choice(sorted(before.claims))
    rating = rng.choice(RATINGS)
    explanation = f"Explanation {n}: the audit, p. {rng.randrange(1, 400)} ✓"
    links = [(f"https://evidence.example/{n}/{k}", f"Source {n}.{k}") for k in range(2)]
    article_id, _r, _e, claimant, status, evidence = before.claims[claim_id]
    if status == "new":
        status = "in_review"  # a rated new claim is being reviewed, however it is rated
    claims = dict(before.claims)
    claims[claim_id] = (
        article_id, rating, explanation, claimant, status, tuple(sorted((*evidence, *links))),
    )  # fmt: skip
    argv = ["rate", str(project), claim_id, rating, "--explanation", explanation]
    for url, title in links:
        argv += ["--evidence", url, "--evidence-title", title]
    return Command("rate", argv, State(before.articles, claims))


def merge_command(
    project: Path, before: State, rng: random.Random, n: int, folder: Path
) -> Command:
    """A colleague's copy of the project as it is now, with several claims changed."""
    settle(project)
    theirs = folder / f"colleague-{n}.factdesk"
    shutil.copy2(project, theirs)
    colleague = ProjectService.open_file(theirs, author="Colleague", quick_check=False)
    try:
        for claim_id in rng.sample(sorted(before.claims), 4):
            with colleague.transaction():
                colleague.set_rating(claim_id, rng.choice(RATINGS))
                colleague.update_claim(
                    claim_id,
                    explanation=f"Colleague's explanation {n} for {claim_id[-6:]}",
                    claimant=f"Source {n}",
                )
    finally:
        colleague.close()
    return Command(
        "merge", ["merge", str(project), str(theirs), "--prefer", "theirs"], read_state(theirs)
    )


def article_text(rng: random.Random, sentences: int = 60) -> str:
    lines = [f"Regional figures, edition {rng.randrange(10**9)}", ""]
    body = []
    for _ in range(sentences):
        town, year = rng.choice(TOWNS), rng.randrange(1990, 2024)
        body.append(
            rng.choice(
                [
                    f"Unemployment in {town} fell by {rng.randrange(2, 40)} percent in {year}.",
                    f"The council of {town} spent {rng.randrange(2, 900)} million on roads.",
                    f"Crime in {town} doubled since {year}, the police said.",
                    f"House prices in {town} rose {rng.randrange(2, 60)}% over {year}.",
                ]
            )
        )
    for i in range(0, len(body), 5):
        lines += [" ".join(body[i : i + 5]), ""]
    return "\n".join(lines)


class ClaimCounter:
    """How many claims importing a text makes: the same import, in a scratch project."""

    def __init__(self, folder: Path) -> None:
        self.service = ProjectService.create_file(folder / "reference.factdesk", author=HARNESS)

    def count(self, article: Path) -> int:
        from app.core.ingest import import_article_file

        result = import_article_file(self.service, article)
        assert result.created and result.detected > 0
        return result.detected

    def close(self) -> None:
        self.service.close()


def import_command(
    project: Path, rng: random.Random, n: int, folder: Path, counter: ClaimCounter
) -> Command:
    article = folder / f"article-{n}.txt"
    article.write_text(article_text(rng), encoding="utf-8")
    argv = ["import", str(article), "--project", str(project), "--title", f"Import {n}"]
    return Command("import", argv, counter.count(article))


def outcome(command: Command, before: State, after: State) -> str:
    """``applied``, ``not applied``, or what is half-applied."""
    if after == before:
        return "not applied"
    if command.kind != "import":
        if after == command.whole:
            return "applied"
        changed = sorted(k for k in after.claims if after.claims[k] != before.claims.get(k))
        return f"half-applied: {command.kind} changed only {changed} of its claims"
    new = set(after.articles) - set(before.articles)
    old_claims = {k: v for k, v in after.claims.items() if v[0] in before.articles}
    counts = Counter(v[0] for k, v in after.claims.items() if k not in before.claims)
    if old_claims != before.claims or {a: after.articles[a] for a in before.articles} != (
        before.articles
    ):
        return "half-applied: the import changed what was there before"
    if len(new) == 1:
        (article_id,) = new
        title = command.argv[-1]  # --title
        if after.articles[article_id] == title and counts == Counter({article_id: command.whole}):
            return "applied"
    return f"half-applied: import left articles {sorted(new)} with claims {dict(counts)}"


# --- running and killing ------------------------------------------------------------


BEFORE_COMMIT = "before its edit's commit"
IN_COMMIT = "from its edit's commit to its return"
AFTER_RETURN = "after it returned"


@dataclass
class Run:
    lines: list[str] = field(default_factory=list)
    stderr: str = ""
    ready_at: float = 0.0
    ended_at: float = 0.0
    killed: bool = False

    def phase(self, commits: int) -> str:
        """Where the command was when it died. ``commits``: how many COMMIT lines a whole
        run prints; the last is the edit's (before it, only the schema check's scratch
        database in memory commits), so a run with fewer cannot have saved anything."""
        if any(line.startswith("EXIT") for line in self.lines):
            return AFTER_RETURN
        if self.lines.count("COMMIT") >= commits:
            return IN_COMMIT
        return BEFORE_COMMIT

    @property
    def status(self) -> int | None:
        exits = [int(line.split()[1]) for line in self.lines if line.startswith("EXIT")]
        return exits[0] if exits else None


def run_command(argv: list[str], delay: float | None, timeout: float = 300.0) -> Run:
    """Run the driver; SIGKILL it ``delay`` seconds after READY (None: let it finish)."""
    child = preforked.start([str(DRIVER), *argv], cli_env())
    process = child.process
    run = Run()
    ready = threading.Event()

    def reader() -> None:
        for line in child.stdout:
            run.lines.append(line.rstrip("\n"))
            if line.startswith("READY"):
                run.ready_at = time.perf_counter()
                ready.set()
        ready.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        assert ready.wait(timeout), "the driver never became ready"
        if delay is None:
            process.join(timeout)
            assert process.exitcode is not None, f"the command ran past {timeout} s"
        else:
            time.sleep(delay)
            if process.is_alive():
                process.kill()  # SIGKILL
                run.killed = True
            process.join(30)
            assert process.exitcode is not None, "the driver outlived its SIGKILL by 30 s"
        run.ended_at = time.perf_counter()
    finally:
        if process.is_alive():
            process.kill()
            process.join()
    thread.join(10)
    child.stdout.close()
    run.stderr = child.stderr.read()
    child.stderr.close()
    return run


@dataclass
class Tally:
    kills: int = 0
    by_phase: Counter[str] = field(default_factory=Counter)
    by_outcome: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    rollback_starts: int = 0
    failures: list[str] = field(default_factory=list)

    def report(self) -> str:
        return (
            f"{self.kills} kills ({dict(self.by_kind)}); "
            f"phases {dict(self.by_phase)}; outcomes {dict(self.by_outcome)}; "
            f"{self.rollback_starts} started in rollback-journal mode; "
            f"{len(self.failures)} failures"
        )


def check_after(
    project: Path, command: Command, before: State, run: Run, phase: str, tally: Tally
) -> State:
    """The checks after one command; returns the state the next command starts from."""
    label = f"{command.kind} ({phase})"
    try:
        after = read_state(project)  # first: Factdesk itself, as the user would
    except Exception as exc:  # a refusal to open is the failure being looked for
        tally.failures.append(f"{label}: the project does not open: {exc}")
        raise AssertionError("\n".join(tally.failures)) from exc
    problems = []
    check = integrity(project)
    if check != "ok":
        problems.append(f"integrity_check: {check}")
    problems += log_disagreements(project)[:5]
    result = outcome(command, before, after)
    tally.by_outcome[result if not result.startswith("half") else "half-applied"] += 1
    if result.startswith("half"):
        problems.append(result)
    if phase == BEFORE_COMMIT and result != "not applied":
        problems.append(f"saved without a commit: {result}")
    if run.status is not None and run.status != 0:
        problems.append(f"the command failed (exit {run.status}): {run.stderr[-600:]}")
    if run.status == 0 and result != "applied":
        problems.append(f"the command returned 0 but is {result}")
    tally.failures += [f"{label}: {p}" for p in problems]
    return after


def campaign(tmp_path: Path, kills: int, seed: int) -> Tally:
    project = tmp_path / "desk.factdesk"
    make_project(project)
    rng = random.Random(seed)
    counter = ClaimCounter(tmp_path)
    tally = Tally()
    durations: dict[str, float] = {}
    commits: dict[str, int] = {}  # COMMIT lines of a whole run of each command
    state = read_state(project)
    try:
        for n in range(kills + len(KINDS)):
            kind = KINDS[n % len(KINDS)]
            if n % 4 == 3:
                set_rollback_journal(project)
                tally.rollback_starts += 1
            if kind == "rate":
                command = rate_command(project, state, rng, n)
            elif kind == "merge":
                command = merge_command(project, state, rng, n, tmp_path)
            else:
                command = import_command(project, rng, n, tmp_path, counter)
            measuring = kind not in durations
            # The first run of each command is not killed: it measures the command.
            delay = None if measuring else rng.uniform(0, durations[kind])
            run = run_command(command.argv, delay)
            if measuring:
                durations[kind] = run.ended_at - run.ready_at
                commits[kind] = run.lines.count("COMMIT")
            phase = run.phase(commits[kind])
            if not measuring:
                tally.kills += run.killed
                tally.by_kind[kind] += 1
                tally.by_phase[phase if run.killed else "not killed (it had ended)"] += 1
            state = check_after(project, command, state, run, phase, tally)
    finally:
        counter.close()
    print(f"\nmixed commands: {tally.report()}; measured {durations}, commits {commits}")
    return tally


@pytest.mark.timeout(7200)
def test_crash_mixed_commands_are_saved_whole_or_not_at_all(tmp_path: Path) -> None:
    tally = campaign(tmp_path, KILLS, seed=20)
    assert not tally.failures, "\n".join(tally.failures[:10])
    assert tally.by_outcome["half-applied"] == 0
