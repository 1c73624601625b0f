"""The window runs its background work one way: through its operation runner.

Before: the report preview, the export, the explanation preview and the signature check
each made their own worker and started it on the thread pool, so closing the window
could neither cancel nor wait for them in one place.
"""

from __future__ import annotations

import threading

from app.ui.operations import OperationRunner, runner_for
from app.ui.report_dialog import ExportDialog


def _recording(window, monkeypatch) -> list[str]:
    """The labels of the jobs the window's runner is asked to run."""
    labels: list[str] = []
    real = window.operations.run

    def run(label, job, on_done, **options):
        labels.append(label)
        return real(label, job, on_done, **options)

    monkeypatch.setattr(window.operations, "run", run)
    return labels


def test_previews_export_and_signature_check_go_through_the_runner(
    window, qtbot, project, tmp_path, monkeypatch
):
    labels = _recording(window, monkeypatch)
    # The delayed starts at a test's pace (the defaults are checked where they are tested).
    window.sharing.verify_timer.setInterval(10)
    window.report_preview.timer.setInterval(10)
    # The signature check on opening.
    window.close_project()
    assert window.open_project(str(project))
    qtbot.waitUntil(lambda: window.sharing.badge.result is not None, timeout=5000)
    assert "Checking the signature" in labels
    # The report preview.
    from app.ui.actions import ActionId

    window.actions_[ActionId.REPORT_PREVIEW].trigger()
    dock = window.report_preview
    qtbot.waitUntil(lambda: "Water bills" in dock.browser.toPlainText(), timeout=5000)
    assert "Building the report preview" in labels
    # The explanation preview.
    ws = window.workspace
    ws.select_claim(ws.claims_model.claims()[0].id)
    ws.editor.explanation.setPlainText("A **bold** word.")
    qtbot.waitUntil(lambda: "bold" in ws.editor.preview.toPlainText(), timeout=5000)
    assert "Rendering the explanation preview" in labels
    # The export.
    dialog = ExportDialog(window, window.service, window.article_id, window.project_path)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "out.md"))
    with qtbot.waitSignal(dialog.exported, timeout=10000):
        dialog.start_export()
    assert "Exporting the report…" in labels
    # Every job reports back and is forgotten.
    qtbot.waitUntil(lambda: not window.operations.tasks, timeout=10000)


def test_a_result_arriving_after_the_window_is_gone_is_dropped(qtbot):
    from PySide6.QtWidgets import QWidget

    holder = QWidget()
    runner = OperationRunner(holder)
    release = threading.Event()
    delivered: list[object] = []
    task = runner.run("Slow", lambda _c, _r: release.wait(5) and "late", delivered.append)
    task.setAutoDelete(False)
    holder.deleteLater()
    qtbot.waitUntil(lambda: not _valid(runner), timeout=2000)
    # The result arrives (after the runner's own handler, connected first): nobody is
    # told, nothing raises.
    with qtbot.waitSignal(task.signals.done, timeout=5000):
        release.set()
    assert delivered == []


def _valid(obj) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def test_a_widget_outside_a_window_gets_a_runner_of_its_own(qtbot):
    from PySide6.QtWidgets import QTextBrowser

    browser = QTextBrowser()
    qtbot.addWidget(browser)
    runner = runner_for(browser)
    assert isinstance(runner, OperationRunner) and runner_for(browser) is runner
