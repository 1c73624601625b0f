"""The --screenshot path and the rendered highlight colours."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QColor, QImage, QTextCursor

from app.ui import colours


def test_grabbed_window_shows_highlight_colours_at_the_claims(window):
    ws = window.workspace
    claims = ws.claims_model.claims()
    window.service.set_rating(claims[1].id, "False")
    window.reload()
    ws.select_claim(claims[0].id)
    image = window.grab().toImage()
    highlighter = ws.view.highlighter
    level = window.scale.level_by_label("False")
    expected = {
        # The selected, unrated claim: a light neutral tint shows where it is.
        claims[0].id: colours.readable_tint(
            colours.NEUTRAL_LIGHT, highlighter.base, highlighter.text, 0.25
        ),
        # A rated claim: its verdict's tint.
        claims[1].id: colours.readable_tint(
            level.colour, highlighter.base, highlighter.text, colours.TINT
        ),
    }
    for claim_id, want in expected.items():
        claim = ws.claims_model.claim(claim_id)
        cursor = QTextCursor(ws.view.document())
        cursor.setPosition(claim.start + 1)
        rect = ws.view.cursorRect(cursor)
        origin = ws.view.viewport().mapTo(window, rect.topLeft())
        # Look along the line just right of the cursor for a pixel of the highlight.
        found = set()
        for dx in range(0, 60):
            for dy in range(1, rect.height() - 1):
                found.add(QColor(image.pixel(origin.x() + dx, origin.y() + dy)).name())
        assert want.name() in found, (claim.quote, want.name())


def test_screenshot_command_writes_a_png(tmp_path, project):
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FACTDESK_CONFIG_DIR=str(tmp_path))
    code = "import sys; from app.ui.application import run_gui; sys.exit(run_gui(sys.argv[1:]))"
    result = subprocess.run(
        [sys.executable, "-c", code, "--screenshot", str(out), str(project)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)


def test_a_screenshot_waits_for_the_work_that_follows_opening(qtbot, qsettings, project, tmp_path):
    """The picture shows the window a moment after opening: the signature checked and the
    explanation's preview rendered, not "checking…" and an empty preview."""
    from app.ui.application import screenshot
    from app.ui.main_window import MainWindow

    window = MainWindow(qsettings, "Tester")
    qtbot.addWidget(window)
    out = tmp_path / "shot.png"
    assert screenshot(window, str(out), str(project)) == 0
    assert QImage(str(out)).width() == 1280
    assert not window.tasks
    assert window.sharing.badge.result is not None  # the signature check has answered
    window.close_project()
