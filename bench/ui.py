"""Window speed and memory figures (issues 5 and 15). Prints; asserts nothing.

(a) process start to the sample project open for editing in the window, against a bare
    PySide6 QMainWindow with a text view shown, measured in the same run (budget: 3x), and
    the floor under it: a process that only imports SQLAlchemy's ORM and SQLModel;
(b) a generated 1 MB article with 5,000 claims: open until highlighted, and one rating
    change repainted;
(c) peak memory of (b).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui.py
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
app = QApplication([])
w = QMainWindow(); w.setCentralWidget(QPlainTextEdit(open(sys.argv[1]).read())); w.resize(1280, 800)
w.show(); app.processEvents()
print(time.time(), flush=True)
"""

# What run_gui does with a project on the command line, the same calls in the same order:
# the window is shown and painted, then the storage stack loads (on a worker) and the
# project opens. The time is taken when the project is open for editing (its article and
# claims shown, the service open); the window is then closed as quitting closes it.
FACTDESK = """
import sys, time
from app.ui.application import _make_app, make_window, open_after_first_paint
from app.ui.startup import StoragePreload, after_first_paint
from PySide6.QtCore import QEventLoop, QSettings
qapp = _make_app([])
w = make_window(QSettings(sys.argv[2], QSettings.Format.IniFormat))
w.resize(1280, 800); w.show()
storage = StoragePreload()
open_after_first_paint(w, [sys.argv[1]], storage)
after_first_paint(w, lambda: print(time.time(), flush=True))  # installed last, runs first
deadline = time.time() + 60
while w.service is None and time.time() < deadline:
    qapp.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 100)
qapp.processEvents()
assert w.service is not None and not w.workspace.editor.read_only
assert w.workspace.claims_model.rowCount() > 0
assert w.workspace.view.toPlainText()
print(time.time(), flush=True)
w.close()
storage.wait()
"""

# The floor under any start-up that opens a project: a bare window, plus the storage
# libraries every open needs (SQLAlchemy's ORM and SQLModel, which brings pydantic),
# less the interpreter's own start, which both processes pay.
STORAGE_LIBRARIES = """
import time
import sqlalchemy.orm, sqlmodel
print(time.time(), flush=True)
"""
INTERPRETER = """
import time
print(time.time(), flush=True)
"""


def naive_spans(text: str) -> list[tuple[int, int]]:
    import re

    return [(m.start(), m.end()) for m in re.finditer(r"[^.\n]+\.", text)]


def make_sample_project(folder: Path) -> Path:
    from app.core.project import DetectedSentence, ProjectService
    from app.core.records import ParagraphRole

    path = folder / "sample.factdesk"
    text = (ROOT / "resources/samples/northbridge-water.txt").read_text(encoding="utf-8")
    service = ProjectService.create_file(path, author="Bench")
    try:
        from app.core.ingest import import_article_file

        import_article_file(service, ROOT / "resources/samples/northbridge-water.txt")
    except Exception:  # the detector may not be there yet: mark every sentence
        detected = [
            DetectedSentence(s, e, 0.5, None, (), ParagraphRole.BODY) for s, e in naive_spans(text)
        ]
        service.add_article(text, detected=detected)
    service.close()
    return path


def startup(folder: Path, runs: int = 5) -> None:
    sample = make_sample_project(folder)
    text_file = folder / "sample.txt"
    text_file.write_text((ROOT / "resources/samples/northbridge-water.txt").read_text())
    bare_times, fd_times = [], []
    # An installed application has its bytecode compiled; this environment may forbid
    # writing it, which would charge Factdesk (not bare PySide6) for compiling each run.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "app")],
        env=env,
        check=False,
        capture_output=True,
    )
    bare_cpu, fd_cpu, libs_cpu, python_cpu = [], [], [], []
    shown_times: list[float] = []
    libs_times: list[float] = []
    python_times: list[float] = []
    for i in range(runs):
        for script, args, out, cpu in (
            (BARE, [str(text_file)], bare_times, bare_cpu),
            (FACTDESK, [str(sample), str(folder / f"s{i}.ini")], fd_times, fd_cpu),
            (STORAGE_LIBRARIES, [], libs_times, libs_cpu),
            (INTERPRETER, [], python_times, python_cpu),
        ):
            used = _children_cpu()
            t0 = time.time()
            result = subprocess.run(
                [sys.executable, "-c", script, *args],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
                env=env,
            )
            cpu.append(_children_cpu() - used)
            stamps = [float(x) - t0 for x in result.stdout.split()]
            out.append(stamps[-1])
            if len(stamps) == 2:
                shown_times.append(stamps[0])
    bare, fd = statistics.median(bare_times), statistics.median(fd_times)
    verdict = "ok" if fd / bare <= 3 else "OVER the 3x budget"
    print(
        f"(a) start to window shown: bare PySide6 {bare * 1000:.0f} ms; start to the sample "
        f"project open for editing: {fd * 1000:.0f} ms, ratio {fd / bare:.2f}x  {verdict} "
        f"(median of {runs}; load average {os.getloadavg()[0]:.2f})"
    )
    shown, libs = statistics.median(shown_times), statistics.median(libs_times)
    python = statistics.median(python_times)
    print(
        f"    of which: Factdesk's window painted {shown * 1000:.0f} ms ({shown / bare:.2f}x bare),"
        f" then the storage stack and the open {(fd - shown) * 1000:.0f} ms"
    )
    floor = bare + libs - python
    print(
        f"    floor: a process importing only SQLAlchemy's ORM and SQLModel {libs * 1000:.0f} ms "
        f"({libs / bare:.2f}x bare); with the bare window, less one interpreter start "
        f"({python * 1000:.0f} ms): {floor * 1000:.0f} ms ({floor / bare:.2f}x bare)"
    )
    # CPU time of the whole process (to its exit) is steadier than wall time on a busy
    # machine.
    bare_c, fd_c, libs_c, python_c = (
        statistics.median(c) for c in (bare_cpu, fd_cpu, libs_cpu, python_cpu)
    )
    floor_c = bare_c + libs_c - python_c
    print(
        f"    CPU time per process: bare {bare_c * 1000:.0f} ms, Factdesk {fd_c * 1000:.0f} ms "
        f"({fd_c / bare_c:.2f}x), storage libraries alone {libs_c * 1000:.0f} ms "
        f"({libs_c / bare_c:.2f}x), floor {floor_c * 1000:.0f} ms ({floor_c / bare_c:.2f}x)"
    )


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def big_article(folder: Path) -> None:
    import resource

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.core.project import DetectedSentence, ProjectService
    from app.core.records import ParagraphRole
    from app.ui.application import _make_app, make_window

    rng = random.Random(5)
    words = [
        "council", "water", "plant", "budget", "percent", "million", "homes", "said",
        "report", "residents", "increase", "figure", "year", "city", "repairs",
        "officials", "health", "notice", "data", "cost",
    ]  # fmt: skip
    paragraphs, claims, pos = [], [], 0
    text_parts: list[str] = []
    while pos < 1_000_000:
        sentences = []
        for _ in range(4):
            n = rng.randint(12, 22)
            s = (
                " ".join(rng.choice(words) for _ in range(n)).capitalize()
                + f" {rng.randint(1, 99)}."
            )
            sentences.append(s)
        para = " ".join(sentences)
        offset = pos
        for s in sentences:
            start = para.index(s) + offset
            claims.append((start, start + len(s)))
        text_parts.append(para)
        pos += len(para) + 2
        paragraphs.append(para)
    text = "\n\n".join(text_parts)
    chosen = sorted(rng.sample(claims, 5000))
    path = folder / "big.factdesk"
    service = ProjectService.create_file(path, author="Bench")
    service.add_article(
        text,
        detected=[DetectedSentence(s, e, 0.7, None, (), ParagraphRole.BODY) for s, e in chosen],
    )
    service.close()

    app = _make_app([])
    window = make_window(QSettings(str(folder / "big.ini"), QSettings.Format.IniFormat), "Bench")
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()
    t0 = time.perf_counter()
    window.open_project(str(path))
    QApplication.processEvents()
    total = time.perf_counter() - t0
    view = window.workspace.view
    last = view.document().lastBlock()
    highlighted = bool(last.layout().formats())
    # Highlighting alone, for the record (text already loaded, fresh spans applied).
    t1 = time.perf_counter()
    view.highlighter.rehighlight()
    rehighlight = time.perf_counter() - t1
    mid = window.workspace.claims_model.claims()[2500]
    window.workspace.select_claim(mid.id)
    QApplication.processEvents()
    t2 = time.perf_counter()
    window.edits.rate_by_number(5)
    view.viewport().repaint()
    with_db = time.perf_counter() - t2
    # The repaint part alone: recolour the range and paint the viewport once.
    claim = window.service.claim(mid.id)
    t3 = time.perf_counter()
    view.update_claim(claim, claim.id, window.scale)
    view.viewport().repaint()
    repaint = time.perf_counter() - t3
    print(
        f"(b) 1 MB article ({len(text):,} chars, {len(chosen):,} claims): open project to "
        f"fully highlighted {total * 1000:.0f} ms (last block highlighted: {highlighted}); "
        f"re-highlight of the whole text {rehighlight * 1000:.0f} ms"
    )
    print(
        f"    one rating change: recolour + repaint {repaint * 1000:.1f} ms; "
        f"with the database write and panel refresh {with_db * 1000:.1f} ms"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(c) peak memory with that article open: {peak:.0f} MB")
    window.close()
    app.quit()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="start-up runs (median shown)")
    parser.add_argument("--startup-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        startup(folder, args.runs)
        if not args.startup_only:
            big_article(folder)


if __name__ == "__main__":
    main()
