"""Building a project file in one go (app.models.build_file) and the bulk insert paths.

A built file must be a project like any other (it opens with the full check, has the
schema, header and WAL mode of a new file); a failed, rejected or killed build must leave
nothing at the target, or the file that was there byte for byte.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
import textwrap
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app import SQLITE_APPLICATION_ID
from app.core.errors import CorruptProjectError, ProjectExistsError
from app.core.project import ClaimFilter, ProjectService
from app.models.build_file import build_project_file
from app.models.database import create_project_file, open_project_file
from app.models.fileformat import SCHEMA_VERSION, read_header
from app.models.history import Editor, edit_session
from app.models.ids import new_id, new_ids
from app.models.tables import Claim, Evidence
from tests.support import preforked

NOW = datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(db: object, n_claims: int) -> None:
    """One article and ``n_claims`` claims with two evidence rows each, the bench's way:
    bulk inserts through the write path (stamped, revision 1, logged)."""
    service = ProjectService.create_in_database(db, name="Built", author="Ana")  # type: ignore[arg-type]
    text = " ".join(f"Sentence {i} says {i * 3} percent." for i in range(n_claims))
    article, _ = service.add_article(text)
    level = uuid.UUID(service.scale().levels[0].id)
    claims, evidence, pos = [], [], 0
    for i, claim_id in enumerate(new_ids(n_claims)):
        quote = f"Sentence {i} says {i * 3} percent."
        claims.append({"id": claim_id, "project_id": service.project_id,
                       "article_id": uuid.UUID(article.id), "start_offset": pos,
                       "end_offset": pos + len(quote), "quote": quote,
                       "rating_id": level if i % 2 else None, "kinds": ["statistic"],
                       "score": 0.25})  # fmt: skip
        for position, url in enumerate((f"https://example.org/{i}", None)):
            evidence.append({"project_id": service.project_id, "claim_id": claim_id,
                             "position": position, "url": url, "accessed": date(2026, 4, 30),
                             "title": "A source"})  # fmt: skip
        pos += len(quote) + 1
    with service.store.write() as s:
        s.execute(insert(Claim), claims)
        s.execute(insert(Evidence), evidence)


def _orphan_evidence(service: ProjectService) -> None:
    editor = Editor(service.project_id, None, "Ana")
    with edit_session(service.db.engine, editor) as s:  # a claim that does not exist
        s.execute(insert(Evidence), [{"project_id": service.project_id, "claim_id": new_id()}])


def schema_sql(path: Path) -> set[tuple[str, str, str]]:
    with sqlite3.connect(path) as conn:
        return set(conn.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master"))


def test_built_file_is_a_project_like_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "built.factdesk"
    with build_project_file(path) as db:
        fill(db, 300)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["built.factdesk"]  # no leftovers
    header = read_header(path)
    assert header.application_id == SQLITE_APPLICATION_ID
    assert header.user_version == SCHEMA_VERSION
    assert header.wal_mode
    reference = tmp_path / "reference" / "new.factdesk"
    reference.parent.mkdir()
    create_project_file(reference).close()
    # The same tables and the very same index DDL, although the indexes came last.
    assert schema_sql(path) == schema_sql(reference)
    open_project_file(path, quick_check=True).close()
    service = ProjectService.open_file(path, author="Ana", quick_check=True)
    try:
        claims = service.claims(with_evidence=True)
        assert len(claims) == 300
        rated = service.claims(ClaimFilter(rating_id=service.scale().levels[0].id))
        assert len(rated) == 150
        assert [len(c.evidence) for c in claims] == [2] * 300
    finally:
        service.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_existing_target_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "taken.factdesk"
    path.write_bytes(b"someone else's file")
    with pytest.raises(ProjectExistsError), build_project_file(path):
        pass
    assert path.read_bytes() == b"someone else's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.factdesk"]


def test_target_taken_during_the_build_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "race.factdesk"
    with pytest.raises(ProjectExistsError), build_project_file(path) as db:
        fill(db, 5)
        path.write_bytes(b"made meanwhile")
    assert path.read_bytes() == b"made meanwhile"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.factdesk"]


def test_missing_parent_fails_at_insert_and_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "orphans.factdesk"
    with pytest.raises(IntegrityError), build_project_file(path) as db:
        fill(db, 5)
        _orphan_evidence(ProjectService.for_database(db, author="Ana"))
    assert list(tmp_path.iterdir()) == []


def test_rows_written_with_foreign_keys_off_are_caught_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "sneaky.factdesk"
    previous = tmp_path / "previous.factdesk"
    ProjectService.create_file(previous, author="Ana").close()
    path.write_bytes(previous.read_bytes())
    before = digest(path)
    failing = pytest.raises(CorruptProjectError, match="without their parent")
    with failing, build_project_file(path, replace=True) as db:
        fill(db, 5)
        service = ProjectService.for_database(db, author="Ana")
        with db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        _orphan_evidence(service)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["previous.factdesk", "sneaky.factdesk"]


def test_an_error_in_the_block_removes_the_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "failed.factdesk"
    with pytest.raises(RuntimeError), build_project_file(path) as db:
        fill(db, 5)
        raise RuntimeError("the download broke off")
    assert list(tmp_path.iterdir()) == []


# The build runs in a process forked from a server that has imported the app (see
# tests/support/preforked.py): a fresh ``python -c`` spent most of its life importing
# before the build began. The child is still a real process, killed with a real SIGKILL.
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from app.models.build_file import build_project_file
    from tests.models.test_build_file import fill
    with build_project_file(Path(sys.argv[1]), replace=True) as db:
        print("BUILDING", flush=True)
        fill(db, int(sys.argv[2]))
        print("FILLED", flush=True)
    print("DONE", flush=True)
    """
)

# The six kills: each is timed from a line the child prints (the start of a step of the
# build) and lands that share of the way into the step, as long as the step took in the
# timed build; so each lands in its step whether a killed child runs slower or faster.
KILLS = (
    *(("BUILDING", share) for share in (0.05, 0.25, 0.45, 0.65)),  # inserting the rows
    ("FILLED", 0.5),  # finishing: indexes, checks, WAL, syncs, the rename
    ("DONE", 0.5),  # after the build returned, while the process ends
)
STEP_ENDS = {"BUILDING": "FILLED", "FILLED": "DONE", "DONE": "exit"}
# FACTDESK_STRESS_KILLS=N instead spreads N kills evenly over the child's life (5 % to
# 90 % of it), so each step gets kills in proportion to its length.
STRESS_KILLS = int(os.environ.get("FACTDESK_STRESS_KILLS") or 0)
# Claims per build: enough that the four kills in the row inserts are tens of ms apart.
BUILD_CLAIMS = 3_000


def run_child(
    target: Path, claims: int, kill_at: tuple[str, float] | None
) -> tuple[list[str], dict[str, float]]:
    """Build in a real process; with ``kill_at`` (a line, a delay), SIGKILL it that many
    seconds after it prints that line. Returns the lines it printed (the last one says how
    far it got) and when each came, and its end ("exit"), in seconds after BUILDING."""
    child = preforked.start(["-c", CHILD, str(target), str(claims)])
    lines: list[str] = []
    marks: dict[str, float] = {}
    building = time.perf_counter()
    for raw in child.stdout:
        line = raw.strip()
        if not lines:
            assert line == "BUILDING"
            building = time.perf_counter()
        lines.append(line)
        marks[line] = time.perf_counter() - building
        if kill_at is not None and line == kill_at[0]:
            time.sleep(kill_at[1])
            child.process.kill()
            lines += child.stdout.read().split()  # what it printed before it died
            break
    child.stdout.close()
    child.stderr.close()
    child.process.join(120 if kill_at is None else 30)
    status = child.process.exitcode
    marks["exit"] = time.perf_counter() - building
    assert status is not None, "the build child did not end"
    assert kill_at is not None or (status == 0 and lines[-1] == "DONE")
    return lines, marks


def kill_moments(marks: dict[str, float]) -> list[tuple[str, float]]:
    """When to kill, as (a line, seconds after it), from the timed build's ``marks``."""
    if not STRESS_KILLS:
        return [(step, share * (marks[STEP_ENDS[step]] - marks[step])) for step, share in KILLS]
    moments = []
    for i in range(STRESS_KILLS):
        moment = (0.05 + 0.85 * i / max(1, STRESS_KILLS - 1)) * marks["exit"]
        step = max((s for s in STEP_ENDS if marks[s] <= moment), key=marks.__getitem__)
        moments.append((step, moment - marks[step]))
    return moments


def kill_phase(lines: list[str], outcome: str) -> str:
    """Where the build was when the kill came."""
    if lines[-1] == "DONE":
        return "after the build returned"
    if lines[-1] == "FILLED":
        if outcome == "complete":
            return "after the rename, before the build returned"
        return "finishing (indexes, checks, syncs), before the rename"
    return "inserting rows"


def test_kill_9_during_a_build_leaves_the_previous_file(tmp_path: Path) -> None:
    """Six kills over the build, each checked: the previous file byte for byte, or a whole
    new one, and nothing else but the hidden temporary file.

    Where the kills land is printed. Before, each build was a fresh interpreter of
    20,000 claims and the kills fell at 5 % .. 90 % of a life that counted its start-up,
    timed from BUILDING: two loaded runs gave rows 3 + after return 3, and (18 kills)
    rows 18 of 18; the finishing steps were never hit. Now each kill is timed from the
    step it aims at (:data:`KILLS`), so every run has rows 4, finishing 1, after return 1
    (five runs on a loaded machine), with builds of 3,000 claims forked from a server
    that has done the imports.
    """
    previous = tmp_path / "previous.factdesk"
    ProjectService.create_file(previous, author="Ana").close()
    original = digest(previous)
    claims = BUILD_CLAIMS
    timed = tmp_path / "timed" / "p.factdesk"
    timed.parent.mkdir()
    _, marks = run_child(timed, claims, None)
    open_project_file(timed, quick_check=True).close()
    outcomes = []
    phases: dict[str, list[tuple[str, float]]] = {}
    for i, kill_at in enumerate(kill_moments(marks)):
        folder = tmp_path / f"kill{i}"
        folder.mkdir()
        target = folder / "p.factdesk"
        target.write_bytes(previous.read_bytes())
        lines, _ = run_child(target, claims, kill_at)
        # Either the old file, byte for byte, or (killed after the rename) a whole new one.
        if digest(target) == original:
            outcomes.append("previous")
        else:
            service = ProjectService.open_file(target, author="Ana", quick_check=True)
            try:
                assert len(service.claim_ids(ClaimFilter())) == claims
            finally:
                service.close()
            outcomes.append("complete")
        phases.setdefault(kill_phase(lines, outcomes[-1]), []).append(kill_at)
        # What a kill can leave besides: the build's hidden temporary file, never a project.
        for leftover in folder.iterdir():
            assert leftover.name == "p.factdesk" or leftover.name.startswith(".factdesk-build-")
    shown = {phase: [f"{line}+{delay:.2f}s" for line, delay in at] for phase, at in phases.items()}
    lived = {m: round(t, 2) for m, t in marks.items()}
    print(f"\nbuild kills ({claims} claims; unkilled, s after BUILDING: {lived}): {shown}")
    assert "previous" in outcomes


def test_id_blocks_are_version_7_and_increase_with_single_ids() -> None:
    made = [new_id(), *new_ids(10_000), new_id(), *new_ids(10_000), new_id()]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in made)
    assert all(a.int < b.int for a, b in itertools.pairwise(made))
    # More than 4,096 ids in one millisecond borrow the next ones, as new_id does.
    milliseconds = {u.int >> 80 for u in made}
    assert len(milliseconds) >= 4
    assert new_ids(0) == []
