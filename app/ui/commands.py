"""Thin undo commands over :class:`~app.core.project.ProjectService` (orange-canvas style).

Each command does its first change before it is pushed (so a refused edit, say a bad URL,
never lands on the stack), and from then on ``redo`` calls the service and ``undo`` calls
its inverse with the values captured at the time. Every service call commits at once:
there is nothing to save.

Undo and redo are forward edits: each names the revision of each record it touches that
this user's own last step produced (``expected_revision``; the stack's commands share
that book, since an undo of one command moves records another will touch). When a
colleague changed the record in between, the step is refused with a
:class:`~app.core.errors.StaleEditError` naming them and when, instead of silently
overwriting their work. After each call the command hands the service's
:class:`~app.core.records.Changes` to ``notify`` so the window refreshes just that.

An error while undoing or redoing (the project was changed by someone else, or is read
only) is reported through ``on_error`` and the command is made obsolete, so the stack
never claims a state the project is not in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from PySide6.QtGui import QUndoCommand

from app.core.errors import FactdeskError
from app.core.records import Changes, ClaimInfo, ClaimStatus, EvidenceInfo
from app.core.wording import quoted

Notify = Callable[[Changes], None]
OnError = Callable[[FactdeskError], None]

# Claim fields the editor changes, and how to read each back from a ClaimInfo.
_CLAIM_READERS: dict[str, Callable[[ClaimInfo], Any]] = {
    "wording": lambda c: c.wording,
    "claimant": lambda c: c.claimant,
    "claimant_role": lambda c: c.claimant_role,
    "status": lambda c: c.status.value,
    "explanation": lambda c: c.explanation,
    "rating_id": lambda c: c.rating_id,
    "conclusion": lambda c: c.rating_label if c.rating_id is None else None,
    "kinds": lambda c: list(c.kinds),
    "start_offset": lambda c: c.start,
    "end_offset": lambda c: c.end,
    "quote": lambda c: c.quote,
    "context_after": lambda c: c.context_after,
}


def claim_values(info: ClaimInfo, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: _CLAIM_READERS[name](info) for name in names}


def values_to_restore(before: ClaimInfo, fields: dict[str, Any]) -> dict[str, Any]:
    """What undoing an edit of ``fields`` puts back: those fields, and the status too when
    the edit rates the claim (the service moves a rated new claim to "in review"), so
    rating and its status change are one undo step."""
    names = list(fields)
    if {"rating_id", "conclusion"} & set(fields) and "status" not in fields:
        names.append("status")
    return claim_values(before, names)


# {service: {record id: revision this user's last step produced}}: the stack's book.
_REVISIONS: WeakKeyDictionary[Any, dict[str, int]] = WeakKeyDictionary()


def _ignore(_changes: Changes) -> None:
    return None


def _raise(error: FactdeskError) -> None:
    raise error


class ServiceCommand(QUndoCommand):
    """Base: runs ``_do``/``_undo`` with error handling and change notification."""

    def __init__(self, service: Any, text: str, notify: Notify | None, on_error: OnError | None):
        super().__init__(text)
        self.service = service
        self.notify = notify or _ignore
        self.on_error = on_error or _raise
        self._first = True
        self.known: dict[str, int] = _REVISIONS.setdefault(service, {})

    def perform(self) -> Changes:
        """The first change, made before the command is pushed; errors propagate."""
        changes = self._do()
        self.notify(changes)
        return changes

    def redo(self) -> None:
        if self._first:  # already done by perform()
            self._first = False
            return
        self._run(self._do)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, step: Callable[[], Changes]) -> None:
        try:
            changes = step()
        except FactdeskError as exc:
            self.setObsolete(True)
            self.on_error(exc)
            return
        self.notify(changes)

    def _do(self) -> Changes:
        raise NotImplementedError

    def _undo(self) -> Changes:
        raise NotImplementedError

    def _saw_claim(self, info: ClaimInfo) -> None:
        """Note the revisions of a claim (and its evidence) as this user's step left them."""
        self.known[info.id] = info.revision
        self.known.update((e.id, e.revision) for e in info.evidence)

    def _edit_claim(self, claim_id: str, values: dict[str, Any]) -> Changes:
        info, changes = self.service.update_claim(
            claim_id, expected_revision=self.known.get(claim_id), **values
        )
        self._saw_claim(info)
        return changes

    def _delete_claim(self, claim_id: str) -> tuple[ClaimInfo, Changes]:
        info, changes = self.service.delete_claim(
            claim_id, expected_revision=self.known.get(claim_id)
        )
        return info, changes

    def _reinsert_claim(self, info: ClaimInfo) -> Changes:
        changes = self.service.reinsert_claim(info)
        self._saw_claim(self.service.claim(info.id))
        return changes


class EditClaimCommand(ServiceCommand):
    """Change fields of one claim (wording, claimant, rating, status, explanation...)."""

    def __init__(
        self,
        service: Any,
        before: ClaimInfo,
        fields: dict[str, Any],
        text: str = "Edit claim",
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        super().__init__(service, text, notify, on_error)
        self.claim_id = before.id
        self.new = dict(fields)
        self.old = values_to_restore(before, fields)
        self.known[before.id] = before.revision  # the version the user edited

    def _do(self) -> Changes:
        return self._edit_claim(self.claim_id, self.new)

    def _undo(self) -> Changes:
        return self._edit_claim(self.claim_id, self.old)

    # Typing pauses in one text field become one undo step, not one per pause.
    MERGE_ID = 5001

    def id(self) -> int:
        return self.MERGE_ID if set(self.new) in ({"explanation"}, {"wording"}) else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            isinstance(other, EditClaimCommand)
            and other.claim_id == self.claim_id
            and set(other.new) == set(self.new)
        ):
            self.new = dict(other.new)
            return True
        return False


def rating_fields(service: Any, label: str | None) -> dict[str, Any]:
    """The claim fields that give ``label`` (a level label, a conclusion, or None)."""
    scale = service.scale()
    if label is None or not label.strip():
        return {"rating_id": None, "conclusion": None}
    if scale.conclusion_only:
        return {"rating_id": None, "conclusion": label.strip()}
    level = scale.level_by_label(label)
    if level is None:
        from app.core.errors import ValidationError

        raise ValidationError(f"{quoted(label)} is not a rating of this project.")
    return {"rating_id": level.id, "conclusion": None}


def set_status_text(status: ClaimStatus) -> str:
    return {
        ClaimStatus.DISMISSED: "Dismiss claim",
        ClaimStatus.NEW: "Restore claim",
    }.get(status, f"Mark claim {status.value.replace('_', ' ')}")


class AddClaimCommand(ServiceCommand):
    """Mark a span of an article as a claim; redo puts back the same id."""

    def __init__(
        self,
        service: Any,
        article_id: str,
        start: int,
        end: int,
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        super().__init__(service, "Mark claim", notify, on_error)
        self.article_id, self.start, self.end = article_id, start, end
        self.claim_id: str | None = None
        self.quote = ""

    def _do(self) -> Changes:
        info, changes = self.service.add_claim(
            self.article_id, self.start, self.end, claim_id=self.claim_id
        )
        self.claim_id, self.quote = info.id, info.quote
        self._saw_claim(info)
        return changes

    def describe(self, *, undone: bool) -> str:
        """The status bar's words: which words were marked, since the claim may be gone."""
        words = " ".join(self.quote.split())
        words = words if len(words) <= 28 else words[:27] + "…"  # beside the counts
        return f"{'Undid' if undone else 'Redid'} marking “{words}” as a claim"

    def _undo(self) -> Changes:
        assert self.claim_id is not None
        _info, changes = self._delete_claim(self.claim_id)
        return changes


class MergeClaimsCommand(ServiceCommand):
    """Join a claim with the next one; undo restores both as they were."""

    def __init__(
        self,
        service: Any,
        first: ClaimInfo,
        second: ClaimInfo,
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        super().__init__(service, "Merge claims", notify, on_error)
        if second.start < first.start:
            first, second = second, first
        self.first_id, self.second_id = first.id, second.id
        self.first_old = claim_values(
            first,
            (
                "start_offset",
                "end_offset",
                "quote",
                "context_after",
                "wording",
                "kinds",
                "explanation",
                "claimant",
            ),
        )
        self.second: ClaimInfo = second
        self._saw_claim(first)
        self._saw_claim(second)

    def _do(self) -> Changes:
        # Re-read the second claim: evidence may have been added since the command was made.
        self.second = self.service.claim(self.second_id)
        info, changes = self.service.merge_claims(self.first_id, self.second_id)
        self._saw_claim(info)
        return changes

    def _undo(self) -> Changes:
        # The first claim first: a colleague's change to it refuses the undo before
        # anything else is touched.
        changes = self._edit_claim(self.first_id, self.first_old)
        # The second claim's evidence moved to the first: take it back before reinserting.
        for ev in self.second.evidence:
            _e, c = self.service.remove_evidence(ev.id, expected_revision=self.known.get(ev.id))
            changes |= c
        return changes | self._reinsert_claim(self.second)


class SplitClaimCommand(ServiceCommand):
    """Split a claim in two at an article offset; redo brings back the same second id."""

    def __init__(
        self,
        service: Any,
        claim: ClaimInfo,
        at: int,
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        super().__init__(service, "Split claim", notify, on_error)
        self.claim_id, self.at = claim.id, at
        self.names = ("end_offset", "quote", "wording", "context_after")
        self.old = claim_values(claim, self.names)
        self.after_first: dict[str, Any] | None = None
        self.second: ClaimInfo | None = None
        self._saw_claim(claim)

    def _do(self) -> Changes:
        if self.second is None:
            first, second, changes = self.service.split_claim(self.claim_id, self.at)
            self.second = second
            self.after_first = claim_values(first, self.names)
            self._saw_claim(first)
            self._saw_claim(second)
            return changes
        assert self.after_first is not None
        changes = self._edit_claim(self.claim_id, self.after_first)
        return changes | self._reinsert_claim(self.second)

    def _undo(self) -> Changes:
        assert self.second is not None
        # Keep the second half as it is now (its rating or evidence) for a later redo.
        self.second, changes = self._delete_claim(self.second.id)
        return changes | self._edit_claim(self.claim_id, self.old)


class AddEvidenceCommand(ServiceCommand):
    def __init__(
        self,
        service: Any,
        claim_id: str,
        fields: dict[str, Any],
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        super().__init__(service, "Add evidence", notify, on_error)
        self.claim_id, self.fields = claim_id, dict(fields)
        self.info: EvidenceInfo | None = None

    def _do(self) -> Changes:
        if self.info is None:
            self.info, changes = self.service.add_evidence(self.claim_id, **self.fields)
        else:
            changes = self.service.reinsert_evidence(self.info)
        self.known[self.info.id] = self.service.evidence(self.info.id).revision
        return changes

    def _undo(self) -> Changes:
        assert self.info is not None
        self.info, changes = self.service.remove_evidence(
            self.info.id, expected_revision=self.known.get(self.info.id)
        )
        return changes


_EVIDENCE_READERS: dict[str, Callable[[EvidenceInfo], Any]] = {
    "url": lambda e: e.url,
    "title": lambda e: e.title,
    "publisher": lambda e: e.publisher,
    "accessed": lambda e: e.accessed,
    "archive_url": lambda e: e.archive_url,
    "stance": lambda e: e.stance.value,
    "note": lambda e: e.note,
    "attachment_id": lambda e: e.attachment.id if e.attachment else None,
}


class EditEvidenceCommand(ServiceCommand):
    def __init__(
        self,
        service: Any,
        before: EvidenceInfo,
        fields: dict[str, Any],
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        super().__init__(service, "Edit evidence", notify, on_error)
        self.evidence_id = before.id
        self.new = dict(fields)
        self.old = {name: _EVIDENCE_READERS[name](before) for name in fields}
        self.known[before.id] = before.revision  # the version the user edited

    def _do(self) -> Changes:
        return self._edit(self.new)

    def _undo(self) -> Changes:
        return self._edit(self.old)

    def _edit(self, values: dict[str, Any]) -> Changes:
        info, changes = self.service.update_evidence(
            self.evidence_id, expected_revision=self.known.get(self.evidence_id), **values
        )
        self.known[info.id] = info.revision
        return changes


class RemoveEvidenceCommand(ServiceCommand):
    def __init__(
        self,
        service: Any,
        evidence_id: str,
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        super().__init__(service, "Remove evidence", notify, on_error)
        self.evidence_id = evidence_id
        self.info: EvidenceInfo | None = None

    def _do(self) -> Changes:
        # The first removal is of what the user sees; a redo, of what the undo put back.
        expected = None if self._first else self.known.get(self.evidence_id)
        self.info, changes = self.service.remove_evidence(
            self.evidence_id, expected_revision=expected
        )
        return changes

    def _undo(self) -> Changes:
        assert self.info is not None
        changes = self.service.reinsert_evidence(self.info)
        self.known[self.evidence_id] = self.service.evidence(self.evidence_id).revision
        return changes


def push(stack: Any, command: ServiceCommand) -> None:
    """Do the command's first change, then record it (nothing is recorded if it fails)."""
    command.perform()
    stack.push(command)


class CorrectClaimantCommand(ServiceCommand):
    """Name a claimant correctly on every claim of the project that names them the same
    wrong way: one undo step, one transaction."""

    def __init__(
        self,
        service: Any,
        claims: list[ClaimInfo],
        name: str | None,
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        wrong = claims[0].claimant if claims else None
        count = f" on {len(claims)} claims" if len(claims) > 1 else ""
        super().__init__(
            service, f"Correct claimant {quoted(wrong)} to {quoted(name)}{count}", notify, on_error
        )
        self.claim_id = claims[0].id if claims else None  # the one being edited
        self.old = {c.id: c.claimant for c in claims}
        self.name = name
        for claim in claims:
            self.known[claim.id] = claim.revision

    def _do(self) -> Changes:
        return self._set_all({claim_id: self.name for claim_id in self.old})

    def _undo(self) -> Changes:
        return self._set_all(self.old)

    def _set_all(self, names: dict[str, str | None]) -> Changes:
        changes = Changes()
        with self.service.transaction():
            for claim_id, name in names.items():
                changes |= self._edit_claim(claim_id, {"claimant": name})
        return changes
