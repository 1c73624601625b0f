"""Planning a merge: comparing my project with a colleague's copy, writing nothing.

**Matching.** Records are matched by UUID. A record of theirs with a new UUID whose
natural key is already in my project (an article with the same text, an attachment with
the same bytes, a rating level with the same label) is taken to be that record, so the
unique constraints hold and attachments are stored once. Reviewers are people: matched by
id only, never by name, so two colleagues both called "Ana" stay two reviewers and the
log keeps their edits apart. (Merging another project, my own reviewer row there is
taken to be mine here: both are made from my reviewer id.)

**Deciding.** For each field of a record in both projects (see
:mod:`~app.core.sharing.merge.common_history` for how the change logs tell who changed
what): equal values, nothing to do; changed only in theirs, their value is taken;
changed only in mine, mine is kept; changed on both sides (or different with no history
to say why), a conflict. A claim's verdict (status, rating, conclusion, explanation) is
decided as one: if both sides changed any part of it differently, that is one verdict
conflict, resolved for all its parts together.

A record present on one side only is new there, unless the other side's log knows it, in
which case the other side deleted it: the deletion is taken, unless this side changed the
record (or anything under it) since, which is a whole-record conflict.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from app.core.errors import CorruptProjectError, ValidationError
from app.core.sharing.canonical import Row, Snapshot, read_snapshot, sa_table
from app.core.sharing.merge.common_history import (
    ORDER,
    ChildIndex,
    History,
    dirty,
    history,
    parent_also_deleted,
    parent_only_theirs_and_gone,
)
from app.core.sharing.merge.conflicts import (
    RECORD,
    VERDICT,
    VERDICT_COMPANIONS,
    VERDICT_FIELDS,
    ClaimNames,
    Conflict,
    Edit,
    field_conflict,
    verdict_conflict,
    whole_conflict,
)
from app.core.sharing.safeopen import damaged_file_errors, open_for_sharing
from app.core.wording import quoted
from app.models.database import Database
from app.models.tables import Project

if TYPE_CHECKING:
    from app.core.project import ProjectService

NOT_MERGED = frozenset(
    {"id", "project_id", "created_at", "created_by", "updated_at", "updated_by", "revision"}
)
_NOT_MERGED_BY_KIND = {"attachment": frozenset({"data", "data_sha256", "sha256", "size"})}
_REF_FIELDS = ("project_id", "scale_id", "article_id", "claim_id", "rating_id", "reviewer_id",
               "attachment_id")  # fmt: skip
_VERDICT = {"claim": (VERDICT_FIELDS, VERDICT_COMPANIONS)}


@dataclass
class RecordConflict:
    """A whole-record conflict and the rows that deciding it for "theirs" writes."""

    conflict: Conflict
    # "mine_deleted": theirs changed a record I deleted -> "theirs" restores ``rows``.
    # "theirs_deleted": I changed a record they deleted -> "theirs" deletes ``rows``.
    case: str
    rows: list[tuple[str, Row]]


@dataclass
class MergePlan:
    """What a merge would do; made by :func:`plan_merge`, written by ``apply_merge``."""

    source_name: str
    mine_project_id: uuid.UUID
    theirs_project_id: uuid.UUID
    conflicts: list[Conflict]
    auto_updates: dict[tuple[str, uuid.UUID], dict[str, Any]]
    auto_inserts: list[tuple[str, Row]]
    auto_deletes: list[tuple[str, Row]]
    warnings: list[str]
    # conflict key -> (kind, id, the values "theirs" writes)
    field_conflicts: dict[tuple[str, str], tuple[str, uuid.UUID, dict[str, Any]]] = field(
        repr=False
    )
    record_conflicts: dict[tuple[str, str], RecordConflict] = field(repr=False)
    mine: Snapshot = field(repr=False)
    theirs_log: list[Row] = field(repr=False)  # their entries my log lacks

    @property
    def changes(self) -> int:
        return (
            sum(len(v) for v in self.auto_updates.values())
            + len(self.auto_inserts)
            + len(self.auto_deletes)
        )


def _project_id(conn: Connection) -> uuid.UUID:
    table = sa_table(Project)
    found = conn.execute(select(table.c.id).order_by(table.c.created_at).limit(1)).scalar()
    if found is None:
        raise CorruptProjectError("the other project file holds no project.")
    return uuid.UUID(str(found))


def plan_merge(mine: ProjectService, theirs_path: Path | str) -> MergePlan:
    """Compare my project with the project file at ``theirs_path``; write nothing.

    The other file is opened for viewing only (validated, left byte-for-byte unchanged);
    each side is read in one snapshot.
    """
    theirs_path = Path(theirs_path)
    if mine.db.path is not None and theirs_path.resolve() == mine.db.path.resolve():
        raise ValidationError("a project cannot be merged with itself.")
    other = open_for_sharing(theirs_path, view_only=True)
    try:
        return plan_merge_with(mine, other, theirs_path.name)
    finally:
        other.close()


def their_project_id(other: Database, source_name: str) -> uuid.UUID:
    """The project a file received from someone holds (its first)."""
    with damaged_file_errors(source_name), other.snapshot() as conn:
        return _project_id(conn)


def plan_merge_with(mine: ProjectService, other: Database, source_name: str) -> MergePlan:
    """:func:`plan_merge` over a file already opened with ``open_for_sharing`` (so the
    window checks its signature and plans its merge from one opening)."""
    with damaged_file_errors(source_name), other.snapshot() as conn:
        theirs = read_snapshot(conn, _project_id(conn), with_data=True)
    with damaged_file_errors(mine.db.label, mine.db.kind), mine.db.snapshot() as conn:
        ours = read_snapshot(conn, mine.project_id)
    return _Planner(ours, theirs, source_name, mine.person_id).plan()


class _Planner:
    def __init__(
        self, mine: Snapshot, theirs: Snapshot, source_name: str, me: uuid.UUID | None
    ) -> None:
        self.mine, self.theirs, self.source_name = mine, theirs, source_name
        self.same_project = mine.project_id == theirs.project_id
        self.hist_m = history(mine.changelog, theirs.changelog)
        self.hist_t = history(theirs.changelog, mine.changelog)
        self.idmap = match_records(mine, theirs, self.same_project, self.hist_m, me)
        self.names = ClaimNames(mine, theirs)
        self.conflicts: list[Conflict] = []
        self.field_conflicts: dict[tuple[str, str], tuple[str, uuid.UUID, dict[str, Any]]] = {}
        self.record_conflicts: dict[tuple[str, str], RecordConflict] = {}
        self.updates: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
        self.inserts: list[tuple[str, Row]] = []
        self.deletes: list[tuple[str, Row]] = []

    def mapped(self, kind: str, row: Row) -> Row:
        out = dict(row)
        for name in _REF_FIELDS:
            if out.get(name) is not None:
                out[name] = self.idmap.get(out[name], out[name])
        if kind == "project":
            out["id"] = self.mine.project_id
        return out

    def plan(self) -> MergePlan:
        dirty_t = dirty(self.theirs, self.hist_t)
        dirty_m = dirty(self.mine, self.hist_m)
        kids_m, kids_t = ChildIndex(self.mine), ChildIndex(self.theirs)
        for kind in ORDER:
            if not self.same_project and kind in ("project", "ratingscale", "ratinglevel"):
                continue  # another project's scale is mapped by label, never merged into mine
            mine_rows = self.mine.records[kind]
            handled: set[uuid.UUID] = set()
            for tid, trow in self.theirs.records[kind].items():
                mid = self.idmap.get(tid, tid)
                handled.add(mid)
                mrow = mine_rows.get(mid)
                if mrow is not None:
                    # Same natural key under different ids: mine is kept as it is.
                    if mid == tid:
                        self._compare(kind, mid, mrow, self.mapped(kind, trow))
                    continue
                # Only in theirs: new there, or deleted here.
                if tid in self.hist_m.seen:
                    if parent_only_theirs_and_gone(kind, trow, self.mine, self.hist_m, self.idmap):
                        continue  # decided with its parent
                    if tid in dirty_t:
                        rows = kids_t.subtree(kind, tid, exclude=self.mine)
                        c = whole_conflict(kind, mid, trow, self.names, "deleted in mine",
                                           "changed in theirs")  # fmt: skip
                        self.conflicts.append(c)
                        self.record_conflicts[c.key] = RecordConflict(
                            c, "mine_deleted", [(k, self.mapped(k, r)) for k, r in rows]
                        )
                    continue
                if kind not in ("ratingscale", "project"):
                    self.inserts.append((kind, self.mapped(kind, trow)))
            # Only in mine: new here, or deleted there.
            for mid, mrow in mine_rows.items():
                if mid in handled or mid not in self.hist_t.seen:
                    continue
                if kind in ("project", "ratingscale", "attachment"):
                    continue  # attachments are content-addressed: never removed by a merge
                if parent_also_deleted(kind, mrow, self.theirs, self.hist_t):
                    continue  # decided with its parent
                rows = kids_m.subtree(kind, mid)
                if mid in dirty_m:
                    c = whole_conflict(kind, mid, mrow, self.names, "changed in mine",
                                       "deleted in theirs")  # fmt: skip
                    self.conflicts.append(c)
                    self.record_conflicts[c.key] = RecordConflict(c, "theirs_deleted", rows)
                else:
                    self.deletes.extend(rows)
        self._check_attachments()
        return MergePlan(
            source_name=self.source_name,
            mine_project_id=self.mine.project_id,
            theirs_project_id=self.theirs.project_id,
            conflicts=[self._with_edits(c) for c in self.conflicts],
            auto_updates=self.updates,
            auto_inserts=self.inserts,
            auto_deletes=self.deletes,
            warnings=self._warnings(),
            field_conflicts=self.field_conflicts,
            record_conflicts=self.record_conflicts,
            mine=self.mine,
            theirs_log=self._their_new_log(),
        )

    def _compare(self, kind: str, rid: uuid.UUID, mrow: Row, trow: Row) -> None:
        """Fields of a record in both projects: take, keep, or a conflict."""
        skip = NOT_MERGED | _NOT_MERGED_BY_KIND.get(kind, frozenset())
        group, companions = _VERDICT.get(kind, ((), ()))
        taken: dict[str, Any] = {}
        differing = [n for n in group if trow[n] != mrow[n]]
        if differing:
            self._compare_verdict(rid, mrow, trow, differing, companions, taken)
        for name, tv in trow.items():
            if name in skip or name in group or name not in mrow or tv == mrow[name]:
                continue
            if name in companions:
                # Who rated it and when follow the verdict; with the same verdict on
                # both sides, theirs only when only they changed them.
                if not differing and self._side(rid, name) == "theirs":
                    taken[name] = tv
                continue
            side = self._side(rid, name)
            if side == "theirs":
                taken[name] = tv
            elif side is None:
                bases = self.hist_m.bases(rid, name) + self.hist_t.bases(rid, name)
                c = field_conflict(kind, rid, mrow, name, tv, bases, self.names, self.mine,
                                   self.theirs)  # fmt: skip
                self.conflicts.append(c)
                self.field_conflicts[c.key] = (kind, rid, {name: tv})
        if taken:
            self.updates[(kind, rid)] = taken

    def _compare_verdict(
        self,
        rid: uuid.UUID,
        mrow: Row,
        trow: Row,
        differing: list[str],
        companions: tuple[str, ...],
        taken: dict[str, Any],
    ) -> None:
        fields = (*VERDICT_FIELDS, *companions)
        theirs = {n: trow[n] for n in fields if trow[n] != mrow[n]}
        by_t = any(self.hist_t.changed(rid, n) for n in VERDICT_FIELDS)
        by_m = any(self.hist_m.changed(rid, n) for n in VERDICT_FIELDS)
        if by_t and not by_m:
            taken.update(theirs)
        elif by_m and not by_t:
            return
        else:
            c = verdict_conflict(rid, mrow, trow, self.names, self.mine, self.theirs)
            self.conflicts.append(c)
            self.field_conflicts[c.key] = ("claim", rid, theirs)

    def _with_edits(self, c: Conflict) -> Conflict:
        """The conflict with who changed each side and when, from the two logs."""
        rid = uuid.UUID(c.record_id)
        names: tuple[str, ...] | None = (c.field,)
        mine_ids: list[uuid.UUID] = [rid]
        theirs_ids: list[uuid.UUID] = [rid]
        if c.field == VERDICT:
            names = VERDICT_FIELDS
        elif c.field == RECORD:
            names = None  # any change to the record, or under it, or its deletion
            rc = self.record_conflicts[c.key]
            under = [row["id"] for _kind, row in rc.rows]
            if rc.case == "mine_deleted":
                theirs_ids = under
            else:
                mine_ids = under
        return replace(
            c,
            mine_edit=self._edit(self.hist_m.last_edit(mine_ids, names)),
            theirs_edit=self._edit(self.hist_t.last_edit(theirs_ids, names)),
        )

    def _edit(self, entry: Row | None) -> Edit | None:
        if entry is None:
            return None
        name = str(entry["author"] or "someone")
        for snap in (self.mine, self.theirs):
            reviewer = snap.records["reviewer"].get(entry.get("author_id"))  # type: ignore[arg-type]
            if reviewer is not None:
                name = str(reviewer["display_name"])
                break
        return Edit(name, entry["at"])

    def _side(self, rid: uuid.UUID, name: str) -> str | None:
        """Which side changed a differing field since the copies parted (None: both)."""
        in_t, in_m = self.hist_t.changed(rid, name), self.hist_m.changed(rid, name)
        if in_t and not in_m:
            return "theirs"
        if in_m and not in_t:
            return "mine"
        return None

    def _check_attachments(self) -> None:
        from app.core.project import MAX_ATTACHMENT_BYTES

        for kind, row in self.inserts:
            if kind != "attachment":
                continue
            if len(row.get("data") or b"") > MAX_ATTACHMENT_BYTES:
                raise CorruptProjectError(
                    f"{self.source_name}: the attached file {quoted(row['filename'])} is larger "
                    f"than the {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB limit; nothing "
                    "was merged."
                )
            if row["sha256"] != row["data_sha256"]:
                raise CorruptProjectError(
                    f"{self.source_name}: the attached file {quoted(row['filename'])} does not "
                    "match its recorded SHA-256; nothing was merged."
                )

    def _warnings(self) -> list[str]:
        if self.same_project:
            return []
        levels = self.mine.records["ratinglevel"]
        dropped = sum(
            1
            for kind, row in self.inserts
            if kind == "claim" and row["rating_id"] is not None and row["rating_id"] not in levels
        )
        if not dropped:
            return []
        return [
            f"{dropped} of their ratings use levels that are not on this project's scale; "
            "those claims arrive unrated."
        ]

    def _their_new_log(self) -> list[Row]:
        entries = [
            {
                **row,
                "project_id": self.mine.project_id,
                "record_id": self.idmap.get(row["record_id"], row["record_id"]),
                "author_id": _mapped_id(self.idmap, row.get("author_id")),
            }
            for entry_id, row in self.theirs.changelog.items()
            if entry_id not in self.mine.changelog
        ]
        entries.sort(key=lambda r: r["at"])
        return entries


def _mapped_id(idmap: dict[uuid.UUID, uuid.UUID], value: uuid.UUID | None) -> uuid.UUID | None:
    return idmap.get(value, value) if value is not None else None


def match_records(
    mine: Snapshot,
    theirs: Snapshot,
    same_project: bool,
    hist_m: History,
    me: uuid.UUID | None = None,
) -> dict[uuid.UUID, uuid.UUID]:
    """theirs id -> my id, for records that are the same thing under another UUID.

    ``me``: the reviewer id of the person merging; their row in another project is
    their row in mine. Nobody else's reviewer row is matched: a name is not a person.
    """
    from app.core.project.store import project_reviewer_id

    idmap: dict[uuid.UUID, uuid.UUID] = {theirs.project_id: mine.project_id}
    my_scale = next(iter(mine.records["project"].values()))["scale_id"]
    their_scale = next(iter(theirs.records["project"].values()))["scale_id"]
    if their_scale != my_scale:
        idmap[their_scale] = my_scale
    if me is not None and not same_project:
        my_row = project_reviewer_id(me, mine.project_id)
        their_row = project_reviewer_id(me, theirs.project_id)
        if my_row in mine.records["reviewer"] and their_row in theirs.records["reviewer"]:
            idmap[their_row] = my_row
    natural = {
        "article": "sha256",
        "attachment": "data_sha256",
        "ratinglevel": "label",
    }
    for kind, key in natural.items():
        if kind == "ratinglevel" and same_project:
            continue  # levels of one scale are matched by id and merged field by field
        fold = kind != "article"

        def norm(value: Any, fold: bool = fold) -> Any:
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
