"""Run every benchmark in ``bench/`` and write one table to ``bench/RESULTS.md``.

    python bench/run_all.py [--timeout SECONDS] [--only NAME ...] [--no-write]

Each script runs in its own process with its default sizes (no ``--claims`` or similar).
Scripts that accept ``--json`` give their figures as JSON; for the others every output line
of the form ``label ... <number> <unit>`` becomes a figure. A failing or timed-out script
is a row in the table, not a crash. Figures are compared with the committed RESULTS.md and
any that is more than 20 % worse is flagged (time, memory and size: higher is worse; rates:
lower is worse; other numbers are shown but never flagged).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "RESULTS.md"
WORSE_BY = 0.20
HIGHER_IS_WORSE = {"s", "ms", "us", "µs", "mb", "mib", "gb", "gib", "kb", "kib", "bytes"}
LOWER_IS_WORSE_HINTS = ("/s", "per s", "per second", "rows/s", "claims/s", "edits/s")
NUMBER = re.compile(
    r"(?<![\w.])(?P<value>-?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>ms|µs|us|s|MB|MiB|GB|GiB|KB|KiB|kB|bytes|%|x|×"
    r"|/s|[a-z]+/s)?(?![\w.])"
)


@dataclass
class Figure:
    script: str
    name: str
    value: float | None
    unit: str
    note: str = ""


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores",
        f"- Memory: {memory}",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- OS: {platform.platform()}",
        f"- Load average at start (1, 5, 15 min): {load}",
        f"- Run at: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
    ]


def scripts(only: list[str]) -> list[Path]:
    found = sorted(
        p
        for p in BENCH.glob("*.py")
        if p.name != Path(__file__).name and not p.name.startswith("_")
    )
    return [p for p in found if not only or p.stem in only]


def supports_json(path: Path) -> bool:
    return '"--json"' in path.read_text(encoding="utf-8", errors="replace")


def clean_label(text: str) -> str:
    label = re.sub(r"[\s:=.\-–—(\[]+$", "", text.strip())
    label = re.sub(r"\s+", " ", label)
    return label[:70]


def parse_text(script: str, output: str) -> list[Figure]:
    figures: list[Figure] = []
    seen: dict[str, int] = {}
    for raw in output.splitlines():
        line = raw.strip()
        # "label: figure ..." when there is a colon (labels may hold numbers themselves);
        # "label: a 110 ms, b 350 ms, ratio 3.2x" gives one figure per part.
        head, colon, tail = line.partition(":")
        if colon and NUMBER.search(tail):
            parts = tail.split(", ")
        else:
            head, parts = "", [line]
        found_here = 0
        for part in parts:
            match = NUMBER.search(part)
            if not match:
                continue
            own = clean_label(part[: match.start()])
            label = own
            if head:
                label = f"{clean_label(head)} / {own}" if own else clean_label(head)
            if not label or not re.search(r"[A-Za-z]", label):
                continue
            found_here += 1
            unit = match.group("unit") or ""
            value = float(match.group("value").replace(",", ""))
            seen[label] = seen.get(label, 0) + 1
            if seen[label] > 1:
                label = f"{label} #{seen[label]}"
            rest = part[match.end() :].strip()
            figures.append(Figure(script, label, value, unit, rest[:60]))
    return figures


def parse_json(script: str, output: str) -> list[Figure] | None:
    for line in reversed(output.strip().splitlines()):
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict):
            figures = []
            for key, value in data.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    unit = key.rsplit("_", 1)[-1] if "_" in key else ""
                    unit = unit if unit.lower() in HIGHER_IS_WORSE else ""
                    figures.append(Figure(script, key, float(value), unit))
            return figures
    return None


def run_script(path: Path, timeout: float) -> tuple[list[Figure], str, float]:
    argv = [sys.executable, str(path)]
    as_json = supports_json(path)
    if as_json:
        argv.append("--json")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    try:
        done = subprocess.run(
            argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        took = time.perf_counter() - start
        return [], f"timed out after {timeout:.0f} s", took
    took = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        figures = parse_text(path.stem, done.stdout)
        return figures, f"exit {done.returncode}: {last[0][:120]}", took
    figures = parse_json(path.stem, done.stdout) if as_json else None
    if figures is None:
        figures = parse_text(path.stem, done.stdout)
    return figures, "ok" if figures else "ok (no figures found)", took


def previous_figures() -> dict[tuple[str, str], float]:
    if not RESULTS.exists():
        return {}
    out: dict[tuple[str, str], float] = {}
    for line in RESULTS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0] not in ("script", "") and not set(cells[0]) <= {"-"}:
            try:
                out[(cells[0], cells[1].replace("\\|", "|"))] = float(cells[2].replace(",", ""))
            except ValueError:
                continue
    return out


def direction(unit: str, name: str) -> int:
    """+1: higher is worse; -1: lower is worse; 0: not judged."""
    text = f"{unit} {name}".lower()
    if unit.endswith("/s") or any(h in text for h in LOWER_IS_WORSE_HINTS):
        return -1
    if unit.lower() in HIGHER_IS_WORSE:
        return 1
    return 0


def compare(fig: Figure, before: float | None) -> tuple[str, str, str]:
    if fig.value is None or before is None:
        return "", "", ""
    ratio = fig.value / before if before else float("inf") if fig.value else 1.0
    change = f"{(ratio - 1) * 100:+.0f} %" if before else ""
    sense = direction(fig.unit, fig.name)
    worse = (sense > 0 and ratio > 1 + WORSE_BY) or (sense < 0 and ratio < 1 / (1 + WORSE_BY))
    return f"{ratio:.2f}", change, "WORSE" if worse else ""


def fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=600.0, help="per script, seconds")
    parser.add_argument("--only", nargs="*", default=[], help="script names without .py")
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()

    about = machine()
    before = previous_figures()
    rows: list[tuple[Figure, str, str, str]] = []
    status: list[str] = []
    for path in scripts(args.only):
        print(f"running {path.name} ...", flush=True)
        figures, state, took = run_script(path, args.timeout)
        status.append(f"| {path.stem} | {state} | {took:.1f} s |")
        if not figures:
            rows.append((Figure(path.stem, f"({state})", None, ""), "", "", ""))
        for fig in figures:
            rows.append((fig, *compare(fig, before.get((fig.script, fig.name)))))

    header = ["script", "figure", "value", "unit", "previous", "ratio", "change", "flag"]
    table = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for fig, ratio, change, flag in rows:
        prev = before.get((fig.script, fig.name))
        cells = [
            fig.script,
            fig.name.replace("|", "\\|"),
            fmt(fig.value),
            fig.unit,
            fmt(prev),
            ratio,
            change,
            flag,
        ]
        table.append("| " + " | ".join(cells) + " |")
    flagged = [r for r in rows if r[3]]
    print("\n".join(table))
    print(f"\n{len(rows)} figures; {len(flagged)} more than {WORSE_BY:.0%} worse than before")
    if not args.no_write:
        text = [
            "# Benchmark results",
            "",
            "Written by `make bench` (`python bench/run_all.py`); the next run compares with",
            "these figures and flags any that is more than 20 % worse (`WORSE`).",
            "",
            "## Machine",
            "",
            *about,
            "",
            "## Scripts",
            "",
            "| script | status | wall time |",
            "|---|---|---|",
            *status,
            "",
            "## Figures",
            "",
            *table,
            "",
        ]
        RESULTS.write_text("\n".join(text), encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
