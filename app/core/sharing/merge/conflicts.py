"""The conflicts a merge finds, and how they are named to a person.

A conflict is one thing both sides changed differently: a field, a whole record
(deleted on one side, changed on the other), or a claim's **verdict** (its status,
rating, conclusion and explanation, decided together so a merge never pairs one side's
rating with the other side's explanation, nor a dismissal with a verdict).

Claims are named as the window and the reports show them: by their number in article
order (``#3``) and their text, with the article's title when the project has several.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from app.core.claim_refs import number_claims
from app.core.errors import FactdeskError
from app.core.records import ClaimStatus
from app.core.sharing.canonical import KIND_LABEL, Row, Snapshot, record_label
from app.core.wording import quoted
from app.models.history import json_value

Side = Literal["mine", "theirs"]
RECORD = "(record)"  # the field name of a whole-record (deleted vs changed) conflict
VERDICT = "verdict"  # the field name of a claim's verdict conflict

# A claim's verdict: decided as one. Who rated it and when follow the verdict.
VERDICT_FIELDS = ("status", "rating_id", "conclusion", "explanation")
VERDICT_COMPANIONS = ("reviewer_id", "reviewed_at")

# Fields as a person names them (never "rating id"); others fall back to their column name.
FIELD_LABELS = {
    "status": "Status", "rating_id": "Rating", "conclusion": "Conclusion",
    "explanation": "Explanation", "wording": "Wording", "claimant": "Claimant",
    "claimant_role": "Claimant's role", "kinds": "Kinds", "quote": "Quote",
    "start_offset": "Start in the article", "end_offset": "End in the article",
    "title": "Title", "outlet": "Outlet", "author": "Author", "url": "Web address",
    "published": "Publication date", "text": "Text", "publisher": "Publisher",
    "accessed": "Date accessed", "archive_url": "Archived copy", "stance": "Stance",
    "note": "Note", "attachment_id": "Attached file", "position": "Position",
    "filename": "File name", "display_name": "Name", "label": "Label", "name": "Name",
    "reviewer_id": "Rated by", "reviewed_at": "Rated on", "origin": "Origin",
    "role": "Paragraph role", "score": "Check-worthiness score", "colour": "Colour",
    "value": "Value", "description": "Description", "language": "Language",
}  # fmt: skip
STATUS_WORDS = {"new": "New", "in_review": "In review", "done": "Done",
                "dismissed": "Dismissed"}  # fmt: skip


def field_label(name: str) -> str:
    """A column as a person names it: "Rating", never "rating id"."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    words = name.removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:]


@dataclass(frozen=True, slots=True)
class Edit:
    """Who made one side's change (their reviewer name) and when (UTC)."""

    author: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Part:
    """One field of a conflict as a person reads it, each side in full."""

    name: str  # the column
    label: str  # "Rating", "Explanation", ...
    mine: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.mine != self.theirs


class UnresolvedConflictsError(FactdeskError):
    """The merge has conflicts and no decision was given for some; nothing was written."""

    exit_status = 1

    def __init__(self, message: str, conflicts: list[Conflict]) -> None:
        super().__init__(message)
        self.conflicts = conflicts


@dataclass(frozen=True, slots=True)
class Conflict:
    """One field, verdict or whole record changed differently on both sides."""

    kind: str  # table name
    record_id: str
    label: str  # "#3 'Crime doubled…'" for a claim; an article's title, ...
    field: str  # a column name, VERDICT, or RECORD ("deleted on one side, changed on the other")
    mine: Any  # JSON-safe values
    theirs: Any
    base: Any  # the value before either side changed it, when the history says
    mine_display: str
    theirs_display: str
    number: int | None = None  # a claim's number in article order
    parts: tuple[Part, ...] = ()  # the fields, with both sides in full
    mine_edit: Edit | None = None  # my change, when my log has it
    theirs_edit: Edit | None = None  # theirs, likewise

    @property
    def field_label(self) -> str:
        """ "Verdict", "Whole record" or the field's plain name."""
        return {RECORD: "Whole record", VERDICT: "Verdict"}.get(self.field) or field_label(
            self.field
        )

    @property
    def key(self) -> tuple[str, str]:
        return (self.record_id, self.field)

    @property
    def kind_label(self) -> str:
        return KIND_LABEL.get(self.kind, self.kind)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.record_id,
            "number": self.number,
            "label": self.label,
            "field": self.field,
            "mine": self.mine_display,
            "theirs": self.theirs_display,
            "mine_changed_by": _edit_json(self.mine_edit),
            "theirs_changed_by": _edit_json(self.theirs_edit),
        }


def _edit_json(edit: Edit | None) -> dict[str, str] | None:
    return {"author": edit.author, "at": edit.at.isoformat()} if edit else None


def conflicts_text(conflicts: Iterable[Conflict]) -> list[str]:
    """One line per conflict, for the command line."""
    lines = []
    for c in conflicts:
        what = {RECORD: "the whole record", VERDICT: "the verdict"}.get(c.field, c.field)
        lines.append(
            f"{c.kind_label} {c.label}: {what}: "
            f"mine={quoted(c.mine_display)} theirs={quoted(c.theirs_display)}"
        )
    return lines


class ClaimNames:
    """Names claims by their number (:func:`app.core.claim_refs.number_claims`, the
    numbering the window, the reports and ``#N`` on the command line use)."""

    def __init__(self, *snapshots: Snapshot) -> None:
        self.numbers: dict[uuid.UUID, int] = {}
        self.articles: dict[uuid.UUID, str] = {}
        several = False
        for snap in snapshots:
            several = several or len(snap.records["article"]) > 1
            rows = snap.records["claim"].values()
            spans = ((r["id"], r["article_id"], r["start_offset"], r["end_offset"]) for r in rows)
            for claim_id, n in number_claims(spans).items():
                self.numbers.setdefault(claim_id, n)
            for article_id, article in snap.records["article"].items():
                self.articles.setdefault(article_id, record_label("article", article, 40))
        self.several_articles = several

    def label(self, kind: str, row: Mapping[str, Any]) -> str:
        text = record_label(kind, row)
        if kind != "claim":
            return quoted(text)
        number = self.numbers.get(row["id"])
        where = ""
        if self.several_articles and row["article_id"] in self.articles:
            where = f" in {quoted(self.articles[row['article_id']])}"
        return f"#{number}{where} {quoted(text)}" if number is not None else quoted(text)

    def number(self, kind: str, row: Mapping[str, Any]) -> int | None:
        return self.numbers.get(row["id"]) if kind == "claim" else None


def display(name: str, value: Any, *snaps: Snapshot) -> str:
    """A field's value as a person reads it (a rating's label, not its id)."""
    if value is None or value == "":
        return "(empty)"
    refs = {"rating_id": "ratinglevel", "reviewer_id": "reviewer", "attachment_id": "attachment",
            "claim_id": "claim", "article_id": "article"}  # fmt: skip
    if name in refs:
        for snap in snaps:
            target = snap.records[refs[name]].get(value)
            if target is not None:
                return record_label(refs[name], target)
        return str(value)
    if name == "status":
        return STATUS_WORDS.get(str(value), str(value))
    plain = json_value(value)
    if isinstance(plain, list):
        return ", ".join(str(v) for v in plain) or "(empty)"
    return str(plain)


def verdict_parts(
    mrow: Mapping[str, Any], trow: Mapping[str, Any], *snaps: Snapshot
) -> tuple[Part, ...]:
    """A claim's verdict field by field, both sides in full (conclusion only if used)."""
    names = ["status", "rating_id", "conclusion", "explanation"]
    if not (mrow["conclusion"] or trow["conclusion"]):
        names.remove("conclusion")
    return tuple(
        Part(n, field_label(n), verdict_value(n, mrow, snaps), verdict_value(n, trow, snaps))
        for n in names
    )


def verdict_value(name: str, row: Mapping[str, Any], snaps: tuple[Snapshot, ...]) -> str:
    if name == "rating_id" and row[name] is None:
        return "Unrated"
    return display(name, row[name], *snaps)


def verdict_display(row: Mapping[str, Any], *snaps: Snapshot) -> str:
    """A claim's verdict in one line: "dismissed", or "Mostly false: <explanation>"."""
    if row["status"] == ClaimStatus.DISMISSED.value:
        return "dismissed"
    rating = row["rating_id"]
    verdict = display("rating_id", rating, *snaps) if rating is not None else None
    verdict = verdict or row["conclusion"] or "unrated"
    explanation = " ".join(str(row["explanation"] or "").split())
    if len(explanation) > 60:
        explanation = explanation[:59] + "…"
    return f"{verdict}: {explanation}" if explanation else verdict


def field_conflict(
    kind: str,
    rid: uuid.UUID,
    mrow: Row,
    name: str,
    tv: Any,
    bases: list[tuple[Any, str | None]],
    names: ClaimNames,
    mine: Snapshot,
    theirs: Snapshot,
) -> Conflict:
    """One field changed differently; ``bases`` are (time, old value as JSON) candidates."""
    base: Any = None
    if bases:
        try:
            base = json.loads(min(bases, key=lambda b: b[0])[1] or "null")
        except ValueError:
            base = None
    mv = mrow[name]
    return Conflict(
        kind=kind,
        record_id=str(rid),
        label=names.label(kind, mrow),
        field=name,
        mine=json_value(mv),
        theirs=json_value(tv),
        base=base,
        mine_display=display(name, mv, mine),
        theirs_display=display(name, tv, mine, theirs),
        number=names.number(kind, mrow),
        parts=(
            Part(name, field_label(name), display(name, mv, mine), display(name, tv, mine, theirs)),
        ),
    )


def verdict_conflict(
    rid: uuid.UUID, mrow: Row, trow: Row, names: ClaimNames, mine: Snapshot, theirs: Snapshot
) -> Conflict:
    fields = (*VERDICT_FIELDS, *VERDICT_COMPANIONS)
    return Conflict(
        kind="claim",
        record_id=str(rid),
        label=names.label("claim", mrow),
        field=VERDICT,
        mine={n: json_value(mrow[n]) for n in fields},
        theirs={n: json_value(trow[n]) for n in fields},
        base=None,
        mine_display=verdict_display(mrow, mine),
        theirs_display=verdict_display(trow, mine, theirs),
        number=names.number("claim", mrow),
        parts=verdict_parts(mrow, trow, mine, theirs),
    )


def whole_conflict(
    kind: str, rid: uuid.UUID, row: Row, names: ClaimNames, mine: str, theirs: str
) -> Conflict:
    return Conflict(kind, str(rid), names.label(kind, row), RECORD, mine, theirs, None,
                    mine, theirs, names.number(kind, row))  # fmt: skip
