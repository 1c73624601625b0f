"""What a merge would do, told before anything is written: the file's signature and
the changes that merge by themselves, in plain words.

:func:`preview_merge` opens the colleague's file once (for viewing only: it stays
byte-for-byte as it was), checks its signature and plans the merge from that one
opening. :func:`automatic_changes` lists what the plan takes without asking: records
added, fields taken from their copy, records removed; claims are named as the window
names them (``#3`` and their text), new ones by their text and article.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import ValidationError
from app.core.sharing.canonical import KIND_LABEL, Row, record_label
from app.core.sharing.merge.conflicts import (
    VERDICT_COMPANIONS,
    ClaimNames,
    display,
    field_label,
)
from app.core.sharing.merge.planning import MergePlan, plan_merge_with, their_project_id
from app.core.sharing.safeopen import open_for_sharing
from app.core.wording import quoted

if TYPE_CHECKING:
    from app.core.project import ProjectService
    from app.core.sharing.signing import VerifyResult

# Bookkeeping a person does not decide on: who rated follows the rating (said beside
# it), the context kept to re-anchor a claim follows its quote.
_NOT_LISTED = frozenset({*VERDICT_COMPANIONS, "context_before", "context_after", "structure"})
_LONG = 160  # characters of a value shown in a one-line list entry


@dataclass(frozen=True, slots=True)
class AutoChange:
    """One change the merge makes without asking."""

    action: str  # "added" | "changed" | "removed"
    kind: str  # table name
    text: str  # the whole entry in plain words


@dataclass(frozen=True)
class MergePreview:
    """The incoming file's signature, the plan, and its automatic changes in words."""

    path: str
    signature: VerifyResult
    plan: MergePlan
    changes: tuple[AutoChange, ...]

    @property
    def source_name(self) -> str:
        return self.plan.source_name


def preview_merge(
    mine: ProjectService,
    theirs_path: Path | str,
    check: Callable[[], None] | None = None,
    report: Callable[[str], None] | None = None,
) -> MergePreview:
    """Check the signature of the file at ``theirs_path`` and plan its merge; write nothing.

    ``check`` is called between steps (it raises to stop: the window's Cancel);
    ``report`` is told each step as it starts.
    """
    from app.core.sharing.signing import verify_database

    path = Path(theirs_path)
    if mine.db.path is not None and path.resolve() == mine.db.path.resolve():
        raise ValidationError("a project cannot be merged with itself.")

    def step(text: str) -> None:
        if check is not None:
            check()
        if report is not None:
            report(text)

    step(f"Checking that {path.name} is a sound project file…")
    other = open_for_sharing(path, view_only=True)
    try:
        step(f"Checking the signature of {path.name}…")
        signature = verify_database(other, their_project_id(other, path.name))
        step(f"Comparing {path.name} with your project…")
        plan = plan_merge_with(mine, other, path.name)
    finally:
        other.close()
    step("Listing the changes…")
    return MergePreview(str(path), signature, plan, tuple(automatic_changes(plan)))


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _LONG else flat[: _LONG - 1] + "…"


class _Namer:
    """Names records of the merged project: mine by number, new ones by their text."""

    def __init__(self, plan: MergePlan) -> None:
        self.mine = plan.mine
        self.names = ClaimNames(plan.mine)
        self.new: dict[str, dict[uuid.UUID, Row]] = {}
        for kind, row in plan.auto_inserts:
            self.new.setdefault(kind, {})[row["id"]] = row

    def row(self, kind: str, rid: Any) -> Row | None:
        return self.mine.records[kind].get(rid) or self.new.get(kind, {}).get(rid)

    def claim(self, rid: Any) -> str:
        row = self.mine.records["claim"].get(rid)
        if row is not None:
            return f"claim {self.names.label('claim', row)}"
        new = self.new.get("claim", {}).get(rid)
        return f"the new claim {quoted(record_label('claim', new))}" if new else "a claim"

    def article(self, rid: Any) -> str:
        return quoted(record_label("article", self.row("article", rid), 60))

    def value(self, name: str, value: Any) -> str:
        if name == "rating_id" and value is None:
            return "Unrated"
        if name == "rating_id":
            level = self.row("ratinglevel", value)
            return record_label("ratinglevel", level) if level else "a level of their scale"
        return _short(display(name, value, self.mine))

    def added(self, kind: str, row: Row) -> str:
        if kind == "claim":
            where = self.article(row["article_id"])
            text = f"Claim {quoted(record_label('claim', row))} in article {where}"
            rating = row.get("rating_id")
            if rating is not None or row.get("conclusion"):
                verdict = self.value("rating_id", rating) if rating else row["conclusion"]
                text += f", rated {verdict}"
            return text
        if kind == "evidence":
            return (
                f"Evidence {quoted(record_label('evidence', row))} on {self.claim(row['claim_id'])}"
            )
        if kind == "article":
            return f"Article {quoted(record_label('article', row))}"
        if kind == "attachment":
            return f"Attached file {quoted(record_label('attachment', row))}"
        if kind == "reviewer":
            return f"Reviewer {quoted(record_label('reviewer', row))}"
        return f"{KIND_LABEL.get(kind, kind).capitalize()} {quoted(record_label(kind, row))}"

    def record(self, kind: str, rid: uuid.UUID) -> str:
        if kind == "claim":
            return self.claim(rid)[:1].upper() + self.claim(rid)[1:]
        row = self.row(kind, rid)
        if kind == "evidence" and row is not None:
            return (
                f"Evidence {quoted(record_label('evidence', row))} on {self.claim(row['claim_id'])}"
            )
        return f"{KIND_LABEL.get(kind, kind).capitalize()} {quoted(record_label(kind, row))}"


def automatic_changes(plan: MergePlan) -> list[AutoChange]:
    """What merging ``plan`` does without asking, one plain entry per change.

    Their records arrive as they are there (a new claim with its rating, say); fields
    only they changed are taken; records only they deleted are removed. Conflicts are
    not listed here: the person decides them.
    """
    namer = _Namer(plan)
    out: list[AutoChange] = []
    for kind, row in plan.auto_inserts:
        out.append(AutoChange("added", kind, "Added: " + namer.added(kind, row)))
    for (kind, rid), fields in plan.auto_updates.items():
        mine_row = plan.mine.records[kind].get(rid, {})
        for name, value in fields.items():
            if name in _NOT_LISTED:
                continue
            old = namer.value(name, mine_row.get(name))
            new = namer.value(name, value)
            text = f"{namer.record(kind, rid)}: {field_label(name)} {old} → {new}"
            if name == "rating_id" and fields.get("reviewer_id") is not None:
                by = namer.row("reviewer", fields["reviewer_id"])
                text += f" (rated by {record_label('reviewer', by)})" if by else ""
            out.append(AutoChange("changed", kind, text))
    for kind, row in plan.auto_deletes:
        out.append(AutoChange("removed", kind, "Removed: " + namer.record(kind, row["id"])))
    return out


def changes_by_action(changes: tuple[AutoChange, ...]) -> Mapping[str, int]:
    """How many of each: {"added": 3, "changed": 1, "removed": 0}."""
    counts = {"added": 0, "changed": 0, "removed": 0}
    for change in changes:
        counts[change.action] += 1
    return counts
