"""Load on a shared PostgreSQL server: concurrent writers, conflicts, zero lost updates.

20 writer processes each make 500 random edits to one shared project; half of the
edits go to the same 50 "hot" claims, the rest to 1,000 others. Each edit reads the
claim and writes one field with the revision it read (as the window does), so a writer
that lost a race gets a StaleEditError. Writers report every acknowledged edit (claim,
field, value written, revision it made) and every conflict. Afterwards the bench checks
that every acknowledged edit is in the change log with the revision it was given, that
each field holds the value of its last acknowledged edit, that every claim's revision
counts exactly its acknowledged edits, and that no refused value was written anywhere.
The server is started by the bench itself (initdb + pg_ctl in a temporary folder).

    .venv/bin/python bench/server.py                 # 20 x 500 (about 3-6 min on 2 busy cores)
    .venv/bin/python bench/server.py --edits 100     # 20 x 100, about a minute
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HOT_CLAIMS = 50
COLD_CLAIMS = 1000
FIELDS = ("explanation", "wording", "claimant")


def _make_project(url: str) -> tuple[str, list[str]]:
    from app.core.project import DetectedSentence, ProjectService
    from app.core.records import ParagraphRole
    from app.models.database import open_server

    sentences = [
        f"Claim number {i} says {i * 7} percent rose." for i in range(HOT_CLAIMS + COLD_CLAIMS)
    ]
    text = " ".join(sentences)
    detected, start = [], 0
    for sentence in sentences:
        end = start + len(sentence)
        detected.append(DetectedSentence(start, end, 0.9, None, (), ParagraphRole.BODY))
        start = end + 1
    service = ProjectService.create_in_database(
        open_server(url, create=True), name="Load", author="bench"
    )
    service.add_article(text, detected=detected)
    ids = service.claim_ids()
    project_id = str(service.project_id)
    service.close()
    return project_id, ids


def _writer(args: tuple[int, str, str, list[str], int, int, Any]) -> dict[str, Any]:
    index, url, project_id, claim_ids, edits, seed, start_at = args
    from app.core.errors import DatabaseUnavailableError, StaleEditError
    from app.core.project import ProjectService
    from app.models.database import open_server

    author = f"writer-{index:02d}"
    service = ProjectService.for_database(open_server(url), author=author, project_id=project_id)
    rng = random.Random(seed)
    hot, cold = claim_ids[:HOT_CLAIMS], claim_ids[HOT_CLAIMS:]
    acked: list[tuple[str, str, str, int]] = []
    conflicts: list[tuple[str, str, str, str | None]] = []
    errors: list[str] = []
    latencies: list[float] = []
    while time.time() < start_at:  # every writer starts together
        time.sleep(0.005)
    began = time.perf_counter()
    for n in range(edits):
        claim_id = rng.choice(hot) if rng.random() < 0.5 else rng.choice(cold)
        field = rng.choice(FIELDS)
        value = f"{author} edit {n}"
        t0 = time.perf_counter()
        try:
            seen = service.claim(claim_id)
            service.update_claim(claim_id, expected_revision=seen.revision, **{field: value})
            # Saved against the revision it read, so this edit made exactly the next one
            # (re-reading the claim could already show a later writer's revision).
            acked.append((claim_id, field, value, seen.revision + 1))
        except StaleEditError as exc:
            conflicts.append((claim_id, field, value, exc.changed_by))
        except DatabaseUnavailableError as exc:
            errors.append(str(exc))
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - began
    service.close()
    return {
        "author": author,
        "acked": acked,
        "conflicts": conflicts,
        "errors": errors,
        "elapsed": elapsed,
        "latencies": latencies,
    }


def _verify(url: str, project_id: str, results: list[dict[str, Any]]) -> dict[str, int]:
    import uuid

    from sqlalchemy import select
    from sqlmodel import col

    from app.models.database import open_server
    from app.models.tables import ChangeLog, Claim

    db = open_server(url)
    with db.session() as s:
        logged = {
            (
                str(r.record_id),
                r.field,
                json.loads(r.new_value or "null"),
                r.record_revision,
                r.author,
            )
            for r in s.execute(
                select(ChangeLog).where(
                    col(ChangeLog.project_id) == uuid.UUID(project_id),
                    col(ChangeLog.table_name) == "claim",
                    col(ChangeLog.operation) == "update",
                )
            ).scalars()
        }
        claims = {
            str(c.id): c
            for c in s.execute(
                select(Claim).where(col(Claim.project_id) == uuid.UUID(project_id))
            ).scalars()
        }
    db.close()
    missing_from_log = 0
    last: dict[tuple[str, str], tuple[int, str]] = {}
    acked_per_claim: dict[str, int] = {}
    for result in results:
        for claim_id, field, value, revision in result["acked"]:
            if (claim_id, field, value, revision, result["author"]) not in logged:
                missing_from_log += 1
            key = (claim_id, field)
            if key not in last or last[key][0] < revision:
                last[key] = (revision, value)
            acked_per_claim[claim_id] = acked_per_claim.get(claim_id, 0) + 1
    overwritten = sum(
        1
        for (claim_id, field), (_rev, value) in last.items()
        if getattr(claims[claim_id], field) != value
    )
    revision_mismatch = sum(
        1
        for claim_id, claim in claims.items()
        if claim.revision - 1 != acked_per_claim.get(claim_id, 0)
    )
    written_values = {v[2] for v in logged}
    refused_but_written = sum(
        1
        for result in results
        for (_c, _f, value, _by) in result["conflicts"]
        if value in written_values
    )
    return {
        "acknowledged edits missing from the change log": missing_from_log,
        "fields not holding their last acknowledged value": overwritten,
        "claims whose revision != acknowledged edits": revision_mismatch,
        "refused edits found written": refused_but_written,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--edits", type=int, default=500, help="edits per writer")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    from tests.support.pgserver import PostgresServer

    server = PostgresServer()
    print(f"starting PostgreSQL in {server.base} ...", flush=True)
    server.start()
    try:
        url = server.new_database()
        project_id, claim_ids = _make_project(url)
        print(
            f"{args.writers} writers x {args.edits} edits on {len(claim_ids)} claims "
            f"(half the edits on {HOT_CLAIMS} hot claims)",
            flush=True,
        )
        ctx = multiprocessing.get_context("spawn")
        start_at = time.time() + 3.0 + 0.15 * args.writers  # time for every process to import
        jobs = [
            (i, url, project_id, claim_ids, args.edits, args.seed * 1000 + i, start_at)
            for i in range(args.writers)
        ]
        with ctx.Pool(args.writers) as pool:
            results = pool.map(_writer, jobs)
        wall = max(r["elapsed"] for r in results)
        acked = sum(len(r["acked"]) for r in results)
        conflicts = sum(len(r["conflicts"]) for r in results)
        named = sum(1 for r in results for c in r["conflicts"] if c[3])
        errors = sum(len(r["errors"]) for r in results)
        attempts = acked + conflicts + errors
        latencies = sorted(x for r in results for x in r["latencies"])
        print(f"attempted edits:      {attempts}")
        print(f"acknowledged:         {acked}")
        print(f"conflicts reported:   {conflicts} ({named} naming who changed the claim)")
        print(f"errors:               {errors}")
        print(f"wall time:            {wall:.1f} s")
        print(
            f"throughput:           {attempts / wall:.0f} edits/s attempted, "
            f"{acked / wall:.0f} edits/s acknowledged"
        )
        print(
            f"latency per edit:     median {statistics.median(latencies) * 1000:.1f} ms, "
            f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms (read + write)"
        )
        checks = _verify(url, project_id, results)
        lost = sum(checks.values())
        for name, count in checks.items():
            print(f"{name}: {count}")
        print(f"LOST UPDATES: {lost}")
        return 0 if lost == 0 and errors == 0 and attempts == args.writers * args.edits else 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
