"""Standalone program figures (issue 9, point 3). Prints; asserts nothing.

(a) size of the onedir bundle dist/factdesk/ (floor: 130 MB on Linux);
(b) process start to the window showing the sample project, the frozen program against
    the same from source, measured in the same run (floor: 1.3x).

Both sides of (b) run ``--screenshot OUT.png SAMPLE``: start, show the window at
1280x800, open the sample project, select its first claim, paint, save the picture and
exit. That is the start-up a user sees plus a grab and an exit, the same work on both
sides, and it needs no hook in the program. Runs alternate so that machine load hits
both alike; the median of each is reported.

Run after ``make dist``: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/packaging.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "factdesk"
FROZEN = BUNDLE / ("factdesk.exe" if sys.platform == "win32" else "factdesk")


def bundle_size(folder: Path) -> int:
    """Bytes on disk of every file in ``folder``, symbolic links counted once as links."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        total += path.stat().st_size
    return total


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")
    return elapsed


def startup(folder: Path, runs: int) -> tuple[float, float]:
    sample = folder / "sample.factdesk"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_sample_project.py"), str(sample)],
        check=True,
        capture_output=True,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["FACTDESK_CONFIG_DIR"] = str(folder / "config")  # no recent-projects entries
    env["XDG_CONFIG_HOME"] = str(folder / "xdg")  # Qt's own settings stay out of the way
    # An installed program has its bytecode compiled; do the same for the source side.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "app")],
        env=env,
        capture_output=True,
        check=False,
    )
    shot = str(folder / "shot.png")
    frozen_cmd = [str(FROZEN), "--screenshot", shot, str(sample)]
    source_cmd = [sys.executable, "-m", "app", "--screenshot", shot, str(sample)]
    timed(frozen_cmd, env)  # warm the page cache for both before measuring
    timed(source_cmd, env)
    frozen, source = [], []
    for _ in range(runs):
        frozen.append(timed(frozen_cmd, env))
        source.append(timed(source_cmd, env))
    return statistics.median(frozen), statistics.median(source)


def main() -> int:
    if not FROZEN.exists():
        print(f"{FROZEN.relative_to(ROOT)} is missing: run `make dist` first.")
        return 1
    size = bundle_size(BUNDLE)
    print(f"(a) onedir size: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB) in {BUNDLE.name}/")
    runs = int(os.environ.get("FACTDESK_BENCH_RUNS", "7"))
    with tempfile.TemporaryDirectory(prefix="factdesk-bench-") as tmp:
        frozen, source = startup(Path(tmp), runs)
    print(
        f"(b) start to window with the sample project: frozen {frozen * 1000:.0f} ms, "
        f"from source {source * 1000:.0f} ms, ratio {frozen / source:.2f}x (median of {runs})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
