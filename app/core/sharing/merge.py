"""Merging a colleague's copy of a project into mine: three-way, by record UUID.

**Matching.** Records are matched by UUID. A record of theirs with a new UUID whose
natural key is already in my project (an article with the same text, an attachment with
the same bytes, a reviewer with the same name, a rating level with the same label) is
taken to be that record, so the unique constraints hold and attachments are stored once.

**Common history.** Every edit is written to the change log with a random id, and a copy
of a file carries its log. An entry present on both sides (same ``ChangeLog.id``) is
common history; an entry on one side only is a change made there since the copies parted.
So for each field of a record in both projects:

* equal values: nothing to do;
* changed only in theirs: their value is taken;
* changed only in mine: mine is kept;
* changed on both sides (or different with no history to say why): a **conflict**, for the
  caller to resolve per field (``resolve={(record_id, field): "mine"|"theirs"}`` or
  ``prefer=``).

A record present on one side only is new there, unless the other side's log knows it, in
which case the other side deleted it: the deletion is taken, unless this side changed the
record (or anything under it: an article's claims, a claim's evidence) since, which is a
whole-record conflict (field :data:`RECORD`).

**Writing.** :func:`apply_merge` writes everything in one transaction, imports their new
change-log entries (so the next merge knows them as common history), logs every change it
makes plus one ``merge`` entry, and returns a :class:`MergeUndo` that
:func:`undo_merge` uses to put the project back exactly as it was.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, delete, insert, select, update

from app.core.errors import (
    CorruptProjectError,
    FactdeskError,
    ProjectReadOnlyError,
    StaleEditError,
    ValidationError,
)
from app.core.sharing.canonical import (
    CONTENT_MODELS,
    KIND_LABEL,
    Row,
    Snapshot,
    read_snapshot,
    record_label,
    sa_table,
    table_of,
)
from app.core.sharing.safeopen import damaged_file_errors, open_for_sharing
from app.models.history import json_value, to_json
from app.models.tables import ChangeLog, Project

if TYPE_CHECKING:
    from app.core.project import ProjectService

Side = Literal["mine", "theirs"]
RECORD = "(record)"  # the field name of a whole-record (deleted vs changed) conflict

_NOT_MERGED = frozenset(
    {"id", "project_id", "created_at", "created_by", "updated_at", "updated_by", "revision"}
)
_NOT_MERGED_BY_KIND = {"attachment": frozenset({"data", "data_sha256", "sha256", "size"})}
_REQUIRED_PARENT = {
    "claim": ("article_id", "article"),
    "evidence": ("claim_id", "claim"),
    "ratinglevel": ("scale_id", "ratingscale"),
}
_OPTIONAL_REFS = {
    "claim": {"rating_id": "ratinglevel", "reviewer_id": "reviewer"},
    "evidence": {"attachment_id": "attachment"},
}
_CHILDREN = {"article": ("claim", "article_id"), "claim": ("evidence", "claim_id")}
# Who rated a claim and when follow its verdict: they are decided with the rating, and
# when only they differ (both sides gave the same verdict) mine are kept.
_LEADERS = {"claim": ("rating_id", "conclusion")}
_COMPANIONS = {"claim": ("reviewer_id", "reviewed_at")}
_REF_FIELDS = ("project_id", "scale_id", "article_id", "claim_id", "rating_id", "reviewer_id",
               "attachment_id")  # fmt: skip
_ORDER = tuple(m.__table__.name for m in CONTENT_MODELS)  # parents first


class UnresolvedConflictsError(FactdeskError):
    """The merge has conflicts and no decision was given for some; nothing was written."""

    exit_status = 1

    def __init__(self, message: str, conflicts: list[Conflict]) -> None:
        super().__init__(message)
        self.conflicts = conflicts


@dataclass(frozen=True, slots=True)
class Conflict:
    """One field (or a whole record) changed differently on both sides."""

    kind: str  # table name
    record_id: str
    label: str  # the claim's wording, the article's title, ...
    field: str  # a column name, or RECORD for "deleted on one side, changed on the other"
    mine: Any  # JSON-safe values
    theirs: Any
    base: Any  # the value before either side changed it, when the history says
    mine_display: str
    theirs_display: str

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
            "label": self.label,
            "field": self.field,
            "mine": self.mine_display,
            "theirs": self.theirs_display,
        }


@dataclass
class _RecordConflict:
    conflict: Conflict
    # "mine_deleted": theirs changed a record I deleted -> "theirs" restores ``rows``.
    # "theirs_deleted": I changed a record they deleted -> "theirs" deletes ``rows``.
    case: str
    rows: list[tuple[str, Row]]


@dataclass
class MergePlan:
    """What a merge would do; made by :func:`plan_merge`, written by :func:`apply_merge`."""

    source_name: str
    mine_project_id: uuid.UUID
    theirs_project_id: uuid.UUID
    conflicts: list[Conflict]
    auto_updates: dict[tuple[str, uuid.UUID], dict[str, Any]]
    auto_inserts: list[tuple[str, Row]]
    auto_deletes: list[tuple[str, Row]]
    warnings: list[str]
    _field_conflicts: dict[tuple[str, str], tuple[str, uuid.UUID, dict[str, Any]]] = field(
        repr=False
    )
    _record_conflicts: dict[tuple[str, str], _RecordConflict] = field(repr=False)
    _mine: Snapshot = field(repr=False)
    _theirs_log: list[Row] = field(repr=False)

    @property
    def changes(self) -> int:
        return (
            sum(len(v) for v in self.auto_updates.values())
            + len(self.auto_inserts)
            + len(self.auto_deletes)
        )


@dataclass
class MergeUndo:
    """Everything :func:`undo_merge` needs to put the project back as it was."""

    project_id: uuid.UUID
    inserted: list[tuple[str, uuid.UUID]]
    deleted: list[tuple[str, Row]]
    updated: list[tuple[str, uuid.UUID, dict[str, Any], int]]  # kind, id, old values, new rev
    log_ids: list[uuid.UUID]


@dataclass(frozen=True)
class MergeResult:
    source_name: str
    updated_fields: int
    inserted: dict[str, int]  # kind -> count
    deleted: dict[str, int]
    conflicts: tuple[Conflict, ...]
    resolved: dict[tuple[str, str], Side]
    warnings: tuple[str, ...]
    undo: MergeUndo
    changed_ids: frozenset[str]  # every record id the merge touched, for views to refresh

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source_name,
            "updated_fields": self.updated_fields,
            "inserted": self.inserted,
            "deleted": self.deleted,
            "conflicts": [
                {**c.to_json(), "kept": self.resolved.get(c.key, "mine")} for c in self.conflicts
            ],
            "warnings": list(self.warnings),
        }


# --- planning -----------------------------------------------------------------------


@dataclass
class _History:
    """One side's change log, split into common history and its own changes."""

    seen: set[uuid.UUID]  # records the log mentions at all
    own: set[uuid.UUID]  # records with entries the other side lacks
    own_fields: dict[uuid.UUID, set[str]]
    base: dict[tuple[uuid.UUID, str], tuple[datetime, str | None]]


def _history(log: Mapping[uuid.UUID, Row], other: Mapping[uuid.UUID, Row]) -> _History:
    hist = _History(set(), set(), defaultdict(set), {})
    for entry_id, entry in log.items():
        record_id = entry["record_id"]
        hist.seen.add(record_id)
        if entry_id in other:
            continue
        hist.own.add(record_id)
        name = entry["field"]
        if entry["operation"] == "update" and name:
            hist.own_fields[record_id].add(name)
            key = (record_id, name)
            at = entry["at"]
            if key not in hist.base or at < hist.base[key][0]:
                hist.base[key] = (at, entry["old_value"])
    return hist


def _project_id(conn: Connection) -> uuid.UUID:
    table = sa_table(Project)
    found = conn.execute(select(table.c.id).order_by(table.c.created_at).limit(1)).scalar()
    if found is None:
        raise CorruptProjectError("the other project file holds no project.")
    return uuid.UUID(str(found))


def plan_merge(mine: ProjectService, theirs_path: Path | str) -> MergePlan:
    """Compare my project with the project file at ``theirs_path``; write nothing.

    The other file is opened for viewing only (validated, left byte-for-byte unchanged).
    """
    theirs_path = Path(theirs_path)
    if mine.db.path is not None and theirs_path.resolve() == mine.db.path.resolve():
        raise ValidationError("a project cannot be merged with itself.")
    other = open_for_sharing(theirs_path, view_only=True)
    try:
        with damaged_file_errors(theirs_path.name), other.snapshot() as conn:
            theirs_pid = _project_id(conn)
            theirs = read_snapshot(conn, theirs_pid, with_data=True)
    finally:
        other.close()
    with damaged_file_errors(mine.db.label, mine.db.kind), mine.db.snapshot() as conn:
        ours = read_snapshot(conn, mine.project_id)
    return _plan(ours, theirs, theirs_path.name)


def _plan(mine: Snapshot, theirs: Snapshot, source_name: str) -> MergePlan:
    same_project = mine.project_id == theirs.project_id
    hist_m = _history(mine.changelog, theirs.changelog)
    hist_t = _history(theirs.changelog, mine.changelog)
    warnings: list[str] = []
    idmap = _match_records(mine, theirs, same_project, hist_m)

    def mapped(kind: str, row: Row) -> Row:
        out = dict(row)
        for name in _REF_FIELDS:
            if out.get(name) is not None:
                out[name] = idmap.get(out[name], out[name])
        if kind == "project":
            out["id"] = mine.project_id
        return out

    conflicts: list[Conflict] = []
    field_conflicts: dict[tuple[str, str], tuple[str, uuid.UUID, dict[str, Any]]] = {}
    record_conflicts: dict[tuple[str, str], _RecordConflict] = {}
    updates: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
    inserts: list[tuple[str, Row]] = []
    deletes: list[tuple[str, Row]] = []

    dirty_t = _dirty(theirs, hist_t)
    dirty_m = _dirty(mine, hist_m)
    kids_m, kids_t = _ChildIndex(mine), _ChildIndex(theirs)

    for kind in _ORDER:
        if not same_project and kind in ("project", "ratingscale", "ratinglevel"):
            continue  # another project's scale is mapped by label, never merged into mine
        skip = _NOT_MERGED | _NOT_MERGED_BY_KIND.get(kind, frozenset())
        mine_rows = mine.records[kind]
        theirs_rows = theirs.records[kind]
        handled: set[uuid.UUID] = set()
        for tid, trow in theirs_rows.items():
            mid = idmap.get(tid, tid)
            handled.add(mid)
            mrow = mine_rows.get(mid)
            if mrow is not None:
                if mid != tid:
                    continue  # same natural key, different ids: keep mine as it is
                t = mapped(kind, trow)
                changed: dict[str, Any] = {}
                clashing: dict[str, Any] = {}
                for name, tv in t.items():
                    if name in skip or name not in mrow:
                        continue
                    mv = mrow[name]
                    if tv == mv:
                        continue
                    in_t = name in hist_t.own_fields.get(tid, ())
                    in_m = name in hist_m.own_fields.get(mid, ())
                    if in_t and not in_m:
                        changed[name] = tv
                    elif in_m and not in_t:
                        continue
                    else:
                        clashing[name] = tv
                leader = next((n for n in _LEADERS.get(kind, ()) if n in clashing), None)
                companions: dict[str, Any] = {}
                for n in _COMPANIONS.get(kind, ()):
                    if n in clashing:
                        companions[n] = clashing.pop(n)
                    elif leader is not None and n in changed:
                        companions[n] = changed.pop(n)  # follows the verdict's decision
                for name, tv in clashing.items():
                    c = _field_conflict(kind, mid, mrow, name, mrow[name], tv, hist_m, hist_t,
                                        mine, theirs)  # fmt: skip
                    conflicts.append(c)
                    values = {name: tv, **(companions if name == leader else {})}
                    field_conflicts[c.key] = (kind, mid, values)
                if changed:
                    updates[(kind, mid)] = changed
                continue
            # Only in theirs: new there, or deleted here.
            if tid in hist_m.seen:
                if _parent_only_theirs_and_gone(kind, trow, theirs, mine, hist_m, idmap):
                    continue  # decided with its parent
                if tid in dirty_t:
                    rows = kids_t.subtree(kind, tid, exclude=mine)
                    c = _whole_conflict(kind, mid, trow, "deleted in mine", "changed in theirs")
                    conflicts.append(c)
                    record_conflicts[c.key] = _RecordConflict(
                        c, "mine_deleted", [(k, mapped(k, r)) for k, r in rows]
                    )
                continue
            if kind == "ratingscale" or kind == "project":
                continue
            inserts.append((kind, mapped(kind, trow)))
        # Only in mine: new here, or deleted there.
        for mid, mrow in mine_rows.items():
            if mid in handled or mid not in hist_t.seen:
                continue
            if kind in ("project", "ratingscale", "attachment"):
                continue  # attachments are content-addressed: never removed by a merge
            if _parent_also_deleted(kind, mrow, theirs, hist_t):
                continue  # decided with its parent
            rows = kids_m.subtree(kind, mid)
            if mid in dirty_m:
                c = _whole_conflict(kind, mid, mrow, "changed in mine", "deleted in theirs")
                conflicts.append(c)
                record_conflicts[c.key] = _RecordConflict(c, "theirs_deleted", rows)
            else:
                deletes.extend(rows)

    from app.core.project import MAX_ATTACHMENT_BYTES

    for kind, row in inserts:
        if kind == "attachment" and len(row.get("data") or b"") > MAX_ATTACHMENT_BYTES:
            raise CorruptProjectError(
                f"{source_name}: the attached file {row['filename']!r} is larger than the "
                f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB limit; nothing was merged."
            )
        if kind == "attachment" and row["sha256"] != row["data_sha256"]:
            raise CorruptProjectError(
                f"{source_name}: the attached file {row['filename']!r} does not match its "
                "recorded SHA-256; nothing was merged."
            )
    if not same_project:
        dropped = sum(
            1
            for kind, row in inserts
            if kind == "claim" and row["rating_id"] is not None
            and row["rating_id"] not in mine.records["ratinglevel"]
        )  # fmt: skip
        if dropped:
            warnings.append(
                f"{dropped} of their ratings use levels that are not on this project's scale; "
                "those claims arrive unrated."
            )
    theirs_log = [
        {**row, "project_id": mine.project_id, "record_id": idmap.get(row["record_id"],
                                                                        row["record_id"])}
        for entry_id, row in theirs.changelog.items()
        if entry_id not in mine.changelog
    ]  # fmt: skip
    theirs_log.sort(key=lambda r: r["at"])
    return MergePlan(
        source_name=source_name,
        mine_project_id=mine.project_id,
        theirs_project_id=theirs.project_id,
        conflicts=conflicts,
        auto_updates=updates,
        auto_inserts=inserts,
        auto_deletes=deletes,
        warnings=warnings,
        _field_conflicts=field_conflicts,
        _record_conflicts=record_conflicts,
        _mine=mine,
        _theirs_log=theirs_log,
    )


def _match_records(
    mine: Snapshot, theirs: Snapshot, same_project: bool, hist_m: _History
) -> dict[uuid.UUID, uuid.UUID]:
    """theirs id -> my id, for records that are the same thing under another UUID."""
    idmap: dict[uuid.UUID, uuid.UUID] = {theirs.project_id: mine.project_id}
    my_scale = next(iter(mine.records["project"].values()))["scale_id"]
    their_scale = next(iter(theirs.records["project"].values()))["scale_id"]
    if their_scale != my_scale:
        idmap[their_scale] = my_scale
    natural = {
        "reviewer": "display_name",
        "article": "sha256",
        "attachment": "data_sha256",
        "ratinglevel": "label",
    }
    for kind, key in natural.items():
        if kind == "ratinglevel" and same_project:
            continue  # levels of one scale are matched by id and merged field by field

        def norm(value: Any, fold: bool = kind != "article") -> Any:
            return value.casefold().strip() if fold and isinstance(value, str) else value

        by_key = {norm(r[key]): rid for rid, r in mine.records[kind].items()}
        for tid, trow in theirs.records[kind].items():
            if tid in mine.records[kind]:
                continue
            if tid in hist_m.seen and kind != "ratinglevel":
                continue  # I deleted it: not the same as a look-alike of mine
            found = by_key.get(norm(trow[key]))
            if found is not None:
                idmap[tid] = found
    return idmap


def _dirty(snap: Snapshot, hist: _History) -> set[uuid.UUID]:
    """Records changed on this side since the common history, or with a changed child."""
    dirty = set(hist.own)
    for kind in ("evidence", "claim"):  # children first, so a claim inherits its evidence
        parent_field = _REQUIRED_PARENT[kind][0]
        for rid, row in snap.records[kind].items():
            if rid in dirty:
                dirty.add(row[parent_field])
    return dirty


class _ChildIndex:
    """parent id -> child rows (article -> claims, claim -> evidence) of one snapshot."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.children: dict[uuid.UUID, list[tuple[str, Row]]] = defaultdict(list)
        for parent_kind, (child_kind, link) in _CHILDREN.items():
            del parent_kind
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


def _parent_only_theirs_and_gone(
    kind: str,
    row: Row,
    theirs: Snapshot,
    mine: Snapshot,
    hist_m: _History,
    idmap: Mapping[uuid.UUID, uuid.UUID],
) -> bool:
    parent = _REQUIRED_PARENT.get(kind)
    if parent is None or kind == "ratinglevel":
        return False
    pid = row[parent[0]]
    return pid not in mine.records[parent[1]] and idmap.get(pid, pid) not in mine.records[
        parent[1]
    ] and pid in hist_m.seen  # fmt: skip


def _parent_also_deleted(kind: str, row: Row, theirs: Snapshot, hist_t: _History) -> bool:
    parent = _REQUIRED_PARENT.get(kind)
    if parent is None or kind == "ratinglevel":
        return False
    pid = row[parent[0]]
    return pid not in theirs.records[parent[1]] and pid in hist_t.seen


def _display(kind: str, name: str, value: Any, *snaps: Snapshot) -> str:
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


def _field_conflict(
    kind: str,
    rid: uuid.UUID,
    mrow: Row,
    name: str,
    mv: Any,
    tv: Any,
    hist_m: _History,
    hist_t: _History,
    mine: Snapshot,
    theirs: Snapshot,
) -> Conflict:
    candidates = [b for b in (hist_m.base.get((rid, name)), hist_t.base.get((rid, name))) if b]
    base: Any = None
    if candidates:
        with _suppress_json():
            base = json.loads(min(candidates, key=lambda b: b[0])[1] or "null")
    return Conflict(
        kind=kind,
        record_id=str(rid),
        label=record_label(kind, mrow),
        field=name,
        mine=json_value(mv),
        theirs=json_value(tv),
        base=base,
        mine_display=_display(kind, name, mv, mine),
        theirs_display=_display(kind, name, tv, mine, theirs),
    )


class _suppress_json:
    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        return exc_type is not None and issubclass(exc_type, ValueError)


def _whole_conflict(kind: str, rid: uuid.UUID, row: Row, mine: str, theirs: str) -> Conflict:
    return Conflict(kind, str(rid), record_label(kind, row), RECORD, mine, theirs, None,
                    mine, theirs)  # fmt: skip


# --- applying -----------------------------------------------------------------------


def merge_projects(
    mine: ProjectService,
    theirs_path: Path | str,
    *,
    resolve: Mapping[tuple[str, str], Side] | None = None,
    prefer: Side | None = None,
) -> MergeResult:
    """Plan and apply a merge of the file at ``theirs_path`` into ``mine``.

    Raises :class:`UnresolvedConflictsError` (listing them; nothing written) when there
    are conflicts that neither ``resolve`` nor ``prefer`` decides.
    """
    return apply_merge(mine, plan_merge(mine, theirs_path), resolve=resolve, prefer=prefer)


def apply_merge(
    mine: ProjectService,
    plan: MergePlan,
    *,
    resolve: Mapping[tuple[str, str], Side] | None = None,
    prefer: Side | None = None,
) -> MergeResult:
    """Write ``plan`` into ``mine`` in one transaction, deciding conflicts as asked."""
    db = mine.db
    if db.read_only_reason is not None:
        raise ProjectReadOnlyError(f"{db.label}: cannot merge into it ({db.read_only_reason}).")
    if plan.mine_project_id != mine.project_id:
        raise ValidationError("this merge was prepared for another project.")
    resolve = dict(resolve or {})
    decided: dict[tuple[str, str], Side] = {}
    for c in plan.conflicts:
        choice = resolve.get(c.key) or prefer
        if choice is None:
            continue
        if choice not in ("mine", "theirs"):
            raise ValidationError(f"resolve a conflict with 'mine' or 'theirs', not {choice!r}.")
        decided[c.key] = choice
    missing = [c for c in plan.conflicts if c.key not in decided]
    if missing:
        raise UnresolvedConflictsError(
            f"{len(missing)} conflicting change(s) need a decision (mine or theirs); "
            "nothing was merged.",
            missing,
        )

    updates = {k: dict(v) for k, v in plan.auto_updates.items()}
    inserts = list(plan.auto_inserts)
    deletes = list(plan.auto_deletes)
    for key, (kind, rid, theirs_values) in plan._field_conflicts.items():
        if decided[key] == "theirs":
            updates.setdefault((kind, rid), {}).update(theirs_values)
    for key, rc in plan._record_conflicts.items():
        if decided[key] != "theirs":
            continue
        if rc.case == "mine_deleted":
            inserts.extend(rc.rows)
        else:
            deletes.extend(rc.rows)

    snap = plan._mine
    deleted_ids = {row["id"] for _kind, row in deletes}
    present: dict[str, set[uuid.UUID]] = {
        kind: set(rows) - deleted_ids for kind, rows in snap.records.items()
    }
    inserts.sort(key=lambda kr: _ORDER.index(kr[0]))
    final_inserts: list[tuple[str, Row]] = []
    seen_insert: set[uuid.UUID] = set()
    for kind, row in inserts:
        if row["id"] in seen_insert or row["id"] in present[kind]:
            continue
        parent = _REQUIRED_PARENT.get(kind)
        if parent is not None and row[parent[0]] not in present[parent[1]]:
            continue  # its parent is not in the merged project (deleted there)
        seen_insert.add(row["id"])
        present[kind].add(row["id"])
        final_inserts.append((kind, row))
    # References to records that are not in the merged project are cleared.
    for kind, row in final_inserts:
        for name, target in _OPTIONAL_REFS.get(kind, {}).items():
            if row[name] is not None and row[name] not in present[target]:
                row[name] = None
    for kind, refs in _OPTIONAL_REFS.items():
        for rid in present[kind]:
            mrow = snap.records[kind].get(rid)
            if mrow is None:
                continue
            pending = updates.get((kind, rid), {})
            for name, target in refs.items():
                value = pending.get(name, mrow[name])
                if value is not None and value not in present[target]:
                    updates.setdefault((kind, rid), {})[name] = None
    for (kind, rid), fields in list(updates.items()):
        parent = _REQUIRED_PARENT.get(kind)
        if rid in deleted_ids:
            del updates[(kind, rid)]
        elif parent is not None and parent[0] in fields and fields[parent[0]] not in present[
            parent[1]
        ]:  # fmt: skip
            del fields[parent[0]]

    now = datetime.now(UTC)
    author = mine.author
    undo = MergeUndo(mine.project_id, [], [], [], [])
    log_rows: list[Row] = []
    inserted_count: dict[str, int] = defaultdict(int)
    deleted_count: dict[str, int] = defaultdict(int)
    updated_fields = 0

    def log(kind: str, rid: uuid.UUID, op: str, **extra: Any) -> None:
        entry = {
            "id": uuid.uuid4(),
            "project_id": mine.project_id,
            "at": now,
            "author": author,
            "table_name": kind,
            "record_id": rid,
            "operation": op,
            "field": None,
            "old_value": None,
            "new_value": None,
            "record_revision": None,
            **extra,
        }
        log_rows.append(entry)

    with damaged_file_errors(db.label, db.kind), db.snapshot(write=True) as conn:
        # 1. Deletions, children first (the rows are kept whole for undo).
        done_deletes: set[uuid.UUID] = set()
        for kind, row in sorted(deletes, key=lambda kr: -_ORDER.index(kr[0])):
            if row["id"] in done_deletes:
                continue
            done_deletes.add(row["id"])
            table = table_of(kind)
            done = conn.execute(
                delete(table).where(table.c.id == row["id"], table.c.revision == row["revision"])
            )
            if done.rowcount != 1:
                raise _stale()
            undo.deleted.append((kind, row))
            deleted_count[kind] += 1
            log(kind, row["id"], "delete", old_value=_row_json(row))
        # 2. Insertions, parents first, in batches per table.
        by_kind: dict[str, list[Row]] = defaultdict(list)
        for kind, row in final_inserts:
            by_kind[kind].append(row)
        for kind in _ORDER:
            rows = by_kind.get(kind)
            if not rows:
                continue
            table = table_of(kind)
            names = {c.name for c in table.c}
            conn.execute(insert(table), [{k: v for k, v in r.items() if k in names}
                                         for r in rows])  # fmt: skip
            for r in rows:
                undo.inserted.append((kind, r["id"]))
                log(kind, r["id"], "insert", new_value=_row_json(r), record_revision=1)
            inserted_count[kind] += len(rows)
        # 3. Field updates, each guarded by the revision read when planning.
        for (kind, rid), fields in updates.items():
            if not fields:
                continue
            mrow = snap.records[kind][rid]
            table = table_of(kind)
            revision = int(mrow["revision"]) + 1
            done = conn.execute(
                update(table)
                .where(table.c.id == rid, table.c.revision == mrow["revision"])
                .values(**fields, revision=revision, updated_at=now, updated_by=author)
            )
            if done.rowcount != 1:
                raise _stale()
            old = {name: mrow[name] for name in fields}
            old.update(
                revision=mrow["revision"],
                updated_at=mrow["updated_at"],
                updated_by=mrow["updated_by"],
            )
            undo.updated.append((kind, rid, old, revision))
            for name, value in fields.items():
                updated_fields += 1
                log(kind, rid, "update", field=name, old_value=to_json(mrow[name]),
                    new_value=to_json(value), record_revision=revision)  # fmt: skip
        # 4. The change log: their history, then what this merge did, then a summary.
        log(
            "project",
            mine.project_id,
            "merge",
            new_value=json.dumps(
                {
                    "source": plan.source_name,
                    "project": str(plan.theirs_project_id),
                    "updated_fields": updated_fields,
                    "inserted": sum(inserted_count.values()),
                    "deleted": sum(deleted_count.values()),
                    "conflicts": len(plan.conflicts),
                },
                sort_keys=True,
            ),
        )
        log_table = sa_table(ChangeLog)
        all_log = [*plan._theirs_log, *log_rows]
        for start in range(0, len(all_log), 5000):
            conn.execute(insert(log_table), all_log[start : start + 5000])
        undo.log_ids = [r["id"] for r in all_log]

    changed_ids = frozenset(
        {str(k[1]) for k in updates}
        | {str(r["id"]) for _k, r in final_inserts}
        | {str(i) for i in deleted_ids}
    )
    return MergeResult(
        source_name=plan.source_name,
        updated_fields=updated_fields,
        inserted=dict(inserted_count),
        deleted=dict(deleted_count),
        conflicts=tuple(plan.conflicts),
        resolved=decided,
        warnings=tuple(plan.warnings),
        undo=undo,
        changed_ids=changed_ids,
    )


def _stale() -> StaleEditError:
    return StaleEditError(
        "the project changed while the merge was being prepared; nothing was merged. "
        "Try the merge again."
    )


def _row_json(row: Mapping[str, Any]) -> str:
    return to_json(
        {k: json_value(v) for k, v in row.items() if k not in ("data", "data_sha256", "text")}
    )


def undo_merge(mine: ProjectService, undo: MergeUndo) -> frozenset[str]:
    """Put the project back exactly as it was before the merge (one transaction).

    Refused with :class:`StaleEditError` if a record the merge touched was edited since.
    The change-log entries the merge added are removed with it: the merge never happened.
    Returns the ids of the records that changed, for views to refresh.
    """
    db = mine.db
    if db.read_only_reason is not None:
        raise ProjectReadOnlyError(f"{db.label}: cannot undo the merge ({db.read_only_reason}).")
    if undo.project_id != mine.project_id:
        raise ValidationError("this undo belongs to another project.")
    touched: set[str] = set()
    with damaged_file_errors(db.label, db.kind), db.snapshot(write=True) as conn:
        for kind, row in sorted(undo.deleted, key=lambda kr: _ORDER.index(kr[0])):
            table = table_of(kind)
            names = {c.name for c in table.c}
            values = {k: v for k, v in row.items() if k in names}
            if kind == "attachment" and "data" not in values:
                continue  # merges never delete attachments
            conn.execute(insert(table), [values])
            touched.add(str(row["id"]))
        for kind, rid, old, new_revision in undo.updated:
            table = table_of(kind)
            done = conn.execute(
                update(table)
                .where(table.c.id == rid, table.c.revision == new_revision)
                .values(**old)
            )
            if done.rowcount != 1:
                raise StaleEditError(
                    "records the merge changed were edited since; undo those edits first."
                )
            touched.add(str(rid))
        for kind, rid in sorted(undo.inserted, key=lambda kr: -_ORDER.index(kr[0])):
            table = table_of(kind)
            done = conn.execute(delete(table).where(table.c.id == rid, table.c.revision == 1))
            if done.rowcount != 1:
                raise StaleEditError(
                    "records the merge brought in were edited since; undo those edits first."
                )
            touched.add(str(rid))
        log_table = sa_table(ChangeLog)
        ids = list(undo.log_ids)
        for start in range(0, len(ids), 500):
            conn.execute(delete(log_table).where(log_table.c.id.in_(ids[start : start + 500])))
    return frozenset(touched)


def conflicts_text(conflicts: Iterable[Conflict]) -> list[str]:
    """One line per conflict, for the command line."""
    lines = []
    for c in conflicts:
        what = "the whole record" if c.field == RECORD else c.field
        lines.append(
            f"{c.kind_label} {c.record_id[:8]} {c.label!r}: {what}: "
            f"mine={c.mine_display!r} theirs={c.theirs_display!r}"
        )
    return lines
