"""What an undo or redo did, in words a fact-checker reads in the status bar.

"Undid rating of claim 12: False → Half true". The window shows this after every undo
and redo, together with the claim itself, so history never changes anything out of sight.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtGui import QUndoCommand

from app.core.errors import NotFoundError
from app.core.records import ClaimStatus, RatingScaleInfo
from app.ui import commands
from app.ui.models import STATUS_TEXT

# What each edited claim field is called in a sentence.
_FIELD_NAMES = {
    "rating_id": "rating",
    "conclusion": "conclusion",
    "status": "status",
    "explanation": "explanation",
    "wording": "wording",
    "claimant": "claimant",
}


def claim_of(command: QUndoCommand | None) -> str | None:
    """The claim an undo command changes (the surviving one, for a merge)."""
    for name in ("claim_id", "first_id"):
        value = getattr(command, name, None)
        if isinstance(value, str):
            return value
    return None


def article_of(command: QUndoCommand | None) -> str | None:
    """The article an undo command changes, when it changes an article itself."""
    for name in ("article_id", "restored_article_id"):
        value = getattr(command, name, None)
        if isinstance(value, str):
            return value
    return None


def _value_text(field: str, value: Any, scale: RatingScaleInfo | None) -> str:
    if field == "rating_id":
        level = scale.level_by_id(value) if scale is not None and value else None
        return level.label if level is not None else "Unrated"
    if field == "status" and value:
        return STATUS_TEXT[ClaimStatus(value)]
    if value in (None, ""):
        return "(empty)"
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


def describe(
    command: QUndoCommand | None, *, undone: bool, number: int | None, scale: RatingScaleInfo | None
) -> str:
    own_words = getattr(command, "describe", None)
    if callable(own_words):  # a step that is not about one claim (deleting an article)
        return str(own_words(undone=undone))
    verb = "Undid" if undone else "Redid"
    where = f" of claim {number}" if number is not None else ""
    if isinstance(command, commands.EditClaimCommand):
        field = next((f for f in ("rating_id", "conclusion", "status") if f in command.new), None)
        field = field or next(iter(command.new), "")
        before, after = (command.new, command.old) if undone else (command.old, command.new)
        name = _FIELD_NAMES.get(field, field.replace("_", " "))
        if field in ("rating_id", "status", "conclusion", "claimant"):
            change = f"{_value_text(field, before.get(field), scale)} → "
            change += _value_text(field, after.get(field), scale)
            return f"{verb} {name}{where}: {change}"
        return f"{verb} {name} edit{where}"
    text = command.text() if command is not None else "change"
    return f"{verb} “{text[:1].lower() + text[1:]}”{where}"


def show_undo_step(window: Any, command: QUndoCommand, *, undone: bool) -> None:
    """Undo and redo happen in sight: go to the claim they changed and say what they did."""
    claim_id = claim_of(command)
    claim = None
    if claim_id is not None:
        try:
            claim = window.service.claim(claim_id)
        except NotFoundError:
            claim = None
    number = None
    article_id = article_of(command)
    if claim is None and article_id is not None and article_id != window.article_id:
        with contextlib.suppress(NotFoundError):  # a redone deletion: nowhere to go
            window.show_article(article_id)
    if claim is not None:
        if claim.article_id != window.article_id:
            window.show_article(claim.article_id)
        window.workspace.select_claim(claim.id)
        window.workspace.view.flash_claim(claim.id)
        model = window.workspace.claims_model
        number = model.first_number + model.row_of(claim.id)  # as the list numbers it
    elif article_id == window.article_id and isinstance(getattr(command, "start", None), int):
        # The claim is gone (a mark undone): go to where it was, on the claim before it.
        before = [c for c in window.workspace.claims_model.claims() if c.start <= command.start]
        if before:
            window.workspace.select_claim(before[-1].id)
    window.statusBar().showMessage(
        describe(command, undone=undone, number=number, scale=window.scale),
        8000,
    )
