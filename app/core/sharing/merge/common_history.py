"""What two copies of a project share, read from their change logs, and how records nest.

Every edit is written to the change log with a random id, and a copy of a file carries
its log. An entry present on both sides (same ``ChangeLog.id``) is common history; an
entry on one side only is a change made there since the copies parted.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from app.core.sharing.canonical import CONTENT_MODELS, Row, Snapshot

ORDER = tuple(m.__table__.name for m in CONTENT_MODELS)  # parents first
REQUIRED_PARENT = {
    "claim": ("article_id", "article"),
    "evidence": ("claim_id", "claim"),
    "ratinglevel": ("scale_id", "ratingscale"),
}
OPTIONAL_REFS = {
    "claim": {"rating_id": "ratinglevel", "reviewer_id": "reviewer"},
    "evidence": {"attachment_id": "attachment"},
}
CHILDREN = {"article": ("claim", "article_id"), "claim": ("evidence", "claim_id")}


@dataclass
class History:
    """One side's change log, split into common history and its own changes."""

    seen: set[uuid.UUID]  # records the log mentions at all
    own: set[uuid.UUID]  # records with entries the other side lacks
    own_fields: dict[uuid.UUID, set[str]]
    base: dict[tuple[uuid.UUID, str], tuple[datetime, str | None]]
    # The newest of this side's own entries, per field and per record (any operation):
    # who made the change a person is asked to decide on, and when.
    last_field: dict[tuple[uuid.UUID, str], Row] = field(default_factory=dict)
    last_record: dict[uuid.UUID, Row] = field(default_factory=dict)

    def changed(self, record_id: uuid.UUID, name: str) -> bool:
        return name in self.own_fields.get(record_id, ())

    def bases(self, record_id: uuid.UUID, name: str) -> list[tuple[datetime, str | None]]:
        found = self.base.get((record_id, name))
        return [found] if found else []

    def last_edit(
        self, record_ids: Iterable[uuid.UUID], names: Iterable[str] | None = None
    ) -> Row | None:
        """This side's newest own entry on these records (on these fields, if named)."""
        wanted = tuple(names) if names is not None else None
        found: list[Row] = []
        for rid in record_ids:
            if wanted is None:
                entry = self.last_record.get(rid)
                found.extend([entry] if entry is not None else [])
            else:
                found.extend(e for n in wanted if (e := self.last_field.get((rid, n))))
        return max(found, key=lambda e: e["at"], default=None)


def history(log: Mapping[uuid.UUID, Row], other: Mapping[uuid.UUID, Row]) -> History:
    hist = History(set(), set(), defaultdict(set), {})
    for entry_id, entry in log.items():
        record_id = entry["record_id"]
        hist.seen.add(record_id)
        if entry_id in other:
            continue
        hist.own.add(record_id)
        newest = hist.last_record.get(record_id)
        if newest is None or entry["at"] > newest["at"]:
            hist.last_record[record_id] = entry
        name = entry["field"]
        if entry["operation"] == "update" and name:
            hist.own_fields[record_id].add(name)
            key = (record_id, name)
            at = entry["at"]
            if key not in hist.base or at < hist.base[key][0]:
                hist.base[key] = (at, entry["old_value"])
            if key not in hist.last_field or at > hist.last_field[key]["at"]:
                hist.last_field[key] = entry
    return hist


def dirty(snap: Snapshot, hist: History) -> set[uuid.UUID]:
    """Records changed on this side since the common history, or with a changed child."""
    found = set(hist.own)
    for kind in ("evidence", "claim"):  # children first, so a claim inherits its evidence
        parent_field = REQUIRED_PARENT[kind][0]
        for rid, row in snap.records[kind].items():
            if rid in found:
                found.add(row[parent_field])
    return found


class ChildIndex:
    """parent id -> child rows (article -> claims, claim -> evidence) of one snapshot."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.children: dict[uuid.UUID, list[tuple[str, Row]]] = defaultdict(list)
        for child_kind, link in CHILDREN.values():
            for crow in snap.records[child_kind].values():
                self.children[crow[link]].append((child_kind, crow))

    def subtree(
        self, kind: str, rid: uuid.UUID, exclude: Snapshot | None = None
    ) -> list[tuple[str, Row]]:
        """The record and everything under it, parents first."""
        out: list[tuple[str, Row]] = [(kind, self.snap.records[kind][rid])]
        frontier = [rid]
        while frontier:
            for child_kind, crow in self.children.get(frontier.pop(), ()):
                if exclude is None or crow["id"] not in exclude.records[child_kind]:
                    out.append((child_kind, crow))
                    frontier.append(crow["id"])
        return out


def parent_only_theirs_and_gone(
    kind: str, row: Row, mine: Snapshot, hist_m: History, idmap: Mapping[uuid.UUID, uuid.UUID]
) -> bool:
    """Their record's parent was deleted in mine: the record is decided with its parent."""
    parent = REQUIRED_PARENT.get(kind)
    if parent is None or kind == "ratinglevel":
        return False
    pid = row[parent[0]]
    mine_parents = mine.records[parent[1]]
    return (
        pid not in mine_parents and idmap.get(pid, pid) not in mine_parents and (pid in hist_m.seen)
    )


def parent_also_deleted(kind: str, row: Row, theirs: Snapshot, hist_t: History) -> bool:
    """My record's parent was deleted in theirs: the record is decided with its parent."""
    parent = REQUIRED_PARENT.get(kind)
    if parent is None or kind == "ratinglevel":
        return False
    pid = row[parent[0]]
    return pid not in theirs.records[parent[1]] and pid in hist_t.seen
