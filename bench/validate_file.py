"""Validation benchmark: checking a 100,000-claim project file against opening it.

Builds the storage benchmark's project (bench/storage.py: 100,000 claims, 200,000
evidence rows, about 157 MB) and prints, in the same run:

- opening it as the window and the command line do for a file this machine closed
  cleanly and unchanged since (schema check only);
- opening it as a file received from someone (the full check of every value);
- the parts: the schema check, SQLite's quick_check (what an unknown file got before the
  validator), integrity_check, and each step of the content check.

Figures only, best of N, with the load average (the machine is shared).

    python bench/validate_file.py [--claims N] [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from storage import build

from app.core.known_files import remember_clean_close
from app.core.project import ProjectService
from app.models import file_validation


def best_of(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("FACTDESK_CONFIG_DIR", tempfile.mkdtemp(prefix="factdesk-bench-"))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.factdesk"
        build(path, args.claims)
        size_mb = path.stat().st_size / 1e6
        remember_clean_close(path)
        known = best_of(lambda: ProjectService.open_file(path, author="Bench").close(), args.repeat)
        remember_clean_close(path)  # closing changes nothing, but keep the record exact
        full = best_of(
            lambda: ProjectService.open_file(path, author="Bench", quick_check=True).close(),
            args.repeat,
        )
        uri = f"file:{path}?mode=ro&immutable=1"
        parts: dict[str, float] = {}
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            parts["schema check"] = best_of(
                lambda: file_validation.check_schema(conn, path.name), args.repeat
            )
            parts["quick_check (before)"] = best_of(
                lambda: conn.execute("PRAGMA quick_check(1)").fetchone(), args.repeat
            )
            parts["integrity_check"] = best_of(
                lambda: conn.execute("PRAGMA integrity_check(1)").fetchone(), args.repeat
            )
            for name, step in file_validation.content_steps():
                parts[name] = best_of(lambda step=step: step(conn, path.name), args.repeat)
            parts["check_content (all)"] = best_of(
                lambda: file_validation.check_content(conn, path.name), args.repeat
            )
    load_after = os.getloadavg()[0]
    print(
        f"validation: {args.claims:,} claims, {size_mb:.0f} MB file; best of {args.repeat}; "
        f"load average {load_before:.2f} before, {load_after:.2f} after"
    )
    print(f"  open, file this machine closed cleanly  {known * 1000:9.1f} ms  (schema check only)")
    print(
        f"  open, file received from someone        {full * 1000:9.1f} ms  "
        f"({full / known:.1f}x; every value checked)"
    )
    for name, seconds in parts.items():
        print(f"    {name:<37} {seconds * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
