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
from typing import Any, Literal

from app.core.errors import FactdeskError
from app.core.records import ClaimStatus
from app.core.sharing.canonical import KIND_LABEL, Row, Snapshot, record_label
from app.models.history import json_value

Side = Literal["mine", "theirs"]
RECORD = "(record)"  # the field name of a whole-record (deleted vs changed) conflict
VERDICT = "verdict"  # the field name of a claim's verdict conflict

# A claim's verdict: decided as one. Who rated it and when follow the verdict.
VERDICT_FIELDS = ("status", "rating_id", "conclusion", "explanation")
VERDICT_COMPANIONS = ("reviewer_id", "reviewed_at")


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
        }


def conflicts_text(conflicts: Iterable[Conflict]) -> list[str]:
    """One line per conflict, for the command line."""
    lines = []
    for c in conflicts:
        what = {RECORD: "the whole record", VERDICT: "the verdict"}.get(c.field, c.field)
        lines.append(
            f"{c.kind_label} {c.label}: {what}: mine={c.mine_display!r} theirs={c.theirs_display!r}"
        )
    return lines


class ClaimNames:
    """Names claims by their number in article order (as the window and reports show it)."""

    def __init__(self, *snapshots: Snapshot) -> None:
        self.numbers: dict[uuid.UUID, int] = {}
        self.articles: dict[uuid.UUID, str] = {}
        several = False
        for snap in snapshots:
            several = several or len(snap.records["article"]) > 1
            by_article: dict[uuid.UUID, list[Row]] = {}
            for row in snap.records["claim"].values():
                by_article.setdefault(row["article_id"], []).append(row)
            for article_id, rows in by_article.items():
                rows.sort(key=lambda r: (r["start_offset"], r["end_offset"], str(r["id"])))
                for n, row in enumerate(rows, start=1):
                    self.numbers.setdefault(row["id"], n)
                article = snap.records["article"].get(article_id)
                if article is not None:
                    self.articles.setdefault(article_id, record_label("article", article, 40))
        self.several_articles = several

    def label(self, kind: str, row: Mapping[str, Any]) -> str:
        text = record_label(kind, row)
        if kind != "claim":
            return repr(text)
        number = self.numbers.get(row["id"])
        where = ""
        if self.several_articles and row["article_id"] in self.articles:
            where = f" in {self.articles[row['article_id']]!r}"
        return f"#{number}{where} {text!r}" if number is not None else repr(text)

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
    return str(json_value(value))


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
    )


def whole_conflict(
    kind: str, rid: uuid.UUID, row: Row, names: ClaimNames, mine: str, theirs: str
) -> Conflict:
    return Conflict(kind, str(rid), names.label(kind, row), RECORD, mine, theirs, None,
                    mine, theirs, names.number(kind, row))  # fmt: skip
