"""How long the window stops answering while a colleague's large file is merged
(issue 16, point 6). Prints; asserts nothing.

A 2,000-claim article in their copy is merged into a small project twice in the same
run: once as the window did before (planned and written on the GUI thread), once
through File > Merge Project's flow (the operation runner). A 5 ms timer measures the
event loop: the longest gap between its ticks is the longest the window was frozen.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/merge_window.py
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SCRATCH = Path(tempfile.mkdtemp(prefix="factdesk-merge-bench-"))
for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "FACTDESK_CONFIG_DIR"):
    os.environ[name] = str(SCRATCH / name.lower())

CLAIMS = 2000


def _article(service, text: str, title: str) -> None:
    from app.core.project import DetectedSentence
    from app.core.records import ArticleMetadata, ParagraphRole

    spans, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    detected = [DetectedSentence(s, e, 0.9, None, (), ParagraphRole.BODY) for s, e in spans]
    service.add_article(text, metadata=ArticleMetadata(title=title), detected=detected)


def _copies(tag: str) -> tuple[Path, Path]:
    from app.core.project import ProjectService

    mine = SCRATCH / f"mine-{tag}.factdesk"
    service = ProjectService.create_file(mine, author="Ann")
    _article(service, "Water bills rose by 40 percent last year.\n", "Water bills")
    service.close()
    theirs = SCRATCH / f"theirs-{tag}.factdesk"
    shutil.copy(mine, theirs)
    bob = ProjectService.open_file(theirs, author="Bob")
    lines = (f"Claim number {i} says bills rose by {i} percent." for i in range(CLAIMS))
    _article(bob, "\n".join(lines) + "\n", "Big report")
    bob.close()
    return mine, theirs


def _measure(app, on_gui_thread: bool) -> tuple[float, float, int]:
    """(seconds to merge, longest event-loop gap in seconds, timer ticks meanwhile)."""
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from app.ui.main_window import MainWindow

    mine, theirs = _copies("gui" if on_gui_thread else "runner")
    settings = QSettings(str(SCRATCH / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, "Ann")
    window.show()
    window.open_project(str(mine))
    settle = QEventLoop()
    QTimer.singleShot(1500, settle.quit)  # the signature check and matching of opening
    settle.exec()
    stamps: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: stamps.append(time.perf_counter()))
    timer.start()
    start = time.perf_counter()
    if on_gui_thread:
        from app.core.sharing.merge import apply_merge, plan_merge

        apply_merge(window.service, plan_merge(window.service, theirs), resolve={})
        end = time.perf_counter()
    else:
        flow = window.sharing.merging
        flow.ask = lambda _preview: {}
        ended: list[float] = []
        flow.finished.connect(lambda _command: ended.append(time.perf_counter()))
        window.sharing.merge_file(str(theirs))
        while not ended:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        end = ended[0]
    app.processEvents()
    timer.stop()
    points = [start, *(s for s in stamps if s <= end), end]
    longest = max(b - a for a, b in itertools.pairwise(points))
    window.close_project()
    window.close()
    return end - start, longest, len(points) - 2


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui import dialogs

    app = QApplication([])
    dialogs.show_info = lambda *_args: None  # the message after merging
    gui = _measure(app, on_gui_thread=True)
    runner = _measure(app, on_gui_thread=False)
    print(f"merging a {CLAIMS:,}-claim article from a colleague's file:")
    for name, (took, longest, ticks) in (("GUI thread (before)", gui), ("runner", runner)):
        print(
            f"  {name:<20} {took:5.2f} s to merge; window frozen at most {longest * 1000:5.0f} ms;"
            f" {ticks} timer ticks meanwhile"
        )
    print(f"  longest freeze, runner / GUI thread: {runner[1] / gui[1]:.2f}")
    shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
