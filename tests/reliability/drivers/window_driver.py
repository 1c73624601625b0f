"""Crash-harness driver: the real main window, offscreen, running a scripted edit sequence.

Run as ``python window_driver.py PROJECT --seed N`` with ``QT_QPA_PLATFORM=offscreen``.
Each step goes through what the user's actions go through (select a claim, set a rating,
edit the explanation or claimant through the editor's signal handler, undo, redo), all on
the GUI thread from a zero-interval timer so the event loop paints between steps. After
a step it reads the claim back from the window's claims model (what the user sees) and
prints ``ACK <claim_id> <field> <value>`` for every field the step touched. Before the
step it prints ``BEGIN`` lines with the value the step is expected to write.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

FIELDS = ("rating", "explanation", "claimant")


def say(*parts: str) -> None:
    sys.stdout.write(" ".join(parts) + "\n")
    sys.stdout.flush()


def shown(window: Any, claim_id: str, field: str) -> str:
    claim = window.workspace.claims_model.claim(claim_id) or window.service.claim(claim_id)
    if field == "rating":
        return claim.rating_label or ""
    return (claim.explanation if field == "explanation" else claim.claimant) or ""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from PySide6.QtCore import QSettings, QTimer

    from app.ui import commands
    from app.ui.application import _make_app, make_window

    app = _make_app([])
    # Beside the project, in the test's own folder: a killed driver leaves nothing elsewhere.
    layout = Path(args.project).with_name(Path(args.project).name + ".layout.ini")
    window: Any = make_window(QSettings(str(layout), QSettings.Format.IniFormat), "Crash Driver")
    window.show()
    if not window.open_project(args.project):
        say("ERROR", "cannot open project")
        return 3
    labels = [level.label for level in window.scale.levels]
    claim_ids = [c.id for c in window.workspace.claims_model.claims()]
    rng = random.Random(args.seed)
    counter = [0]
    say("READY")

    def ack(claim_id: str, fields: list[str]) -> None:
        for field in fields:
            say("ACK", claim_id, field, shown(window, claim_id, field))

    def step() -> None:
        counter[0] += 1
        n = counter[0]
        roll = rng.random()
        stack = window.undo_stack
        if roll < 0.15 and stack.canUndo():
            command = stack.command(stack.index() - 1)
            ids = _touched(command)
            for claim_id, field in ids:
                say("BEGIN", claim_id, field, _target(command.old, field))
            stack.undo()
            for claim_id, field in ids:
                ack(claim_id, [field])
            return
        if roll < 0.22 and stack.canRedo():
            command = stack.command(stack.index())
            ids = _touched(command)
            for claim_id, field in ids:
                say("BEGIN", claim_id, field, _target(command.new, field))
            stack.redo()
            for claim_id, field in ids:
                ack(claim_id, [field])
            return
        claim_id = rng.choice(claim_ids)
        window.workspace.select_claim(claim_id)
        if window.workspace.current_claim_id() != claim_id:
            say("ERROR", f"could not select {claim_id}")
            app.exit(3)
            return
        kind = rng.choice(FIELDS)
        if kind == "rating":
            label = rng.choice(labels)
            say("BEGIN", claim_id, "rating", label)
            window.edits.rate_current(label)
        else:
            text = f"{kind[:3]}-{args.seed}-{n}-{'y' * rng.randrange(0, 300)}-✓"
            say("BEGIN", claim_id, kind, text)
            # What the claim editor emits when the user edits a field (connected to the
            # window's edits, as in the running app).
            window.workspace.editor.edit_requested.emit(claim_id, {kind: text}, f"Edit {kind}")
            if shown(window, claim_id, kind) != text:
                say("ERROR", f"edit of {kind} not shown")
                app.exit(3)
                return
        ack(claim_id, [kind])

    by_id = {str(level.id): level.label for level in window.scale.levels}

    def _target(values: dict[str, Any], field: str) -> str:
        """The text a command's captured values will show for ``field``."""
        if field != "rating":
            return str(values.get(field) or "")
        if values.get("rating_id") is not None:
            return by_id[str(values["rating_id"])]
        return str(values.get("conclusion") or "")

    def _touched(command: Any) -> list[tuple[str, str]]:
        if not isinstance(command, commands.EditClaimCommand):
            return []
        out = []
        for key in command.new:
            field = "rating" if key in ("rating_id", "conclusion") else key
            if field in FIELDS and (command.claim_id, field) not in out:
                out.append((command.claim_id, field))
        return out

    def guarded_step() -> None:
        # An exception in a slot is only printed by Qt and the loop goes on: a step that
        # cannot run (a renamed method, say) would leave BEGIN lines that never commit and
        # the campaign would pass without editing. Say so and stop instead.
        try:
            step()
        except Exception as exc:
            say("ERROR", f"step failed: {exc!r}")
            app.exit(3)

    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(guarded_step)
    timer.start()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
