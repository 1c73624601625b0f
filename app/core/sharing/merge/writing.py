"""Writing a planned merge, and undoing it, through the project's one write path.

:func:`apply_merge` writes in one transaction of the project service's store
(:mod:`app.models.history`): records new in their copy arrive as they are there, with
their ids, revisions and stamps, and their change-log entries come with them (the write
path's copy mode); every other change (a field taken, a record deleted or put back) is an
ordinary edit by me, which bumps the record's revision and is logged with my id. One
``merge`` entry sums it up. A merge that would change nothing writes nothing.

:func:`undo_merge` is a forward edit too: it puts back what the merge removed, sets back
what it changed and removes what it brought in, each as a new revision with new log
entries; nothing is ever deleted from the change log. It returns the edits that redo the
merge, in the same form.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlmodel import Session

from app.core.errors import ProjectReadOnlyError, StaleEditError, ValidationError
from app.core.project.store import apply
from app.core.sharing.canonical import Row, table_of
from app.core.sharing.merge.common_history import CHILDREN, OPTIONAL_REFS, ORDER, REQUIRED_PARENT
from app.core.sharing.merge.conflicts import Conflict, Side, UnresolvedConflictsError
from app.core.sharing.merge.planning import MergePlan, plan_merge
from app.core.wording import plural, quoted
from app.models.history import begin_edit, to_json
from app.models.tables import EDITABLE_TABLES, ChangeLog, Record

if TYPE_CHECKING:
    from app.core.project import ProjectService

_MODELS: dict[str, type[Record]] = {str(m.__tablename__): m for m in EDITABLE_TABLES}


@dataclass
class MergeUndo:
    """Forward edits that put a project back as it was before a merge (or redo it)."""

    project_id: uuid.UUID
    restore: list[tuple[str, Row]]  # rows to put back, whole
    remove: list[tuple[str, uuid.UUID, int]]  # rows to delete, at the revision they must have
    revert: list[tuple[str, uuid.UUID, dict[str, Any], int]]  # values to set back, likewise

    @property
    def empty(self) -> bool:
        return not (self.restore or self.remove or self.revert)


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
    written: bool = True  # False: the merge had nothing to change and wrote nothing

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
            "written": self.written,
        }


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


def _decisions(
    plan: MergePlan, resolve: Mapping[tuple[str, str], Side] | None, prefer: Side | None
) -> dict[tuple[str, str], Side]:
    wanted = dict(resolve or {})
    decided: dict[tuple[str, str], Side] = {}
    for c in plan.conflicts:
        choice = wanted.get(c.key) or prefer
        if choice is None:
            continue
        if choice not in ("mine", "theirs"):
            raise ValidationError(
                f"resolve a conflict with 'mine' or 'theirs', not {quoted(choice)}."
            )
        decided[c.key] = choice
    missing = [c for c in plan.conflicts if c.key not in decided]
    if missing:
        raise UnresolvedConflictsError(
            f"{plural(len(missing), 'conflicting change')} "
            f"{'needs' if len(missing) == 1 else 'need'} a decision (mine or theirs); "
            "nothing was merged.",
            missing,
        )
    return decided


@dataclass
class _Changes:
    updates: dict[tuple[str, uuid.UUID], dict[str, Any]]
    inserts: list[tuple[str, Row]]
    deletes: list[tuple[str, Row]]


def _changes(plan: MergePlan, decided: Mapping[tuple[str, str], Side]) -> _Changes:
    """What to write once the conflicts are decided, with references kept sound."""
    updates = {k: dict(v) for k, v in plan.auto_updates.items()}
    inserts = list(plan.auto_inserts)
    deletes = list(plan.auto_deletes)
    for key, (kind, rid, theirs_values) in plan.field_conflicts.items():
        if decided[key] == "theirs":
            updates.setdefault((kind, rid), {}).update(theirs_values)
    for key, rc in plan.record_conflicts.items():
        if decided[key] == "theirs":
            (inserts if rc.case == "mine_deleted" else deletes).extend(rc.rows)

    snap = plan.mine
    deleted_ids = {row["id"] for _kind, row in deletes}
    present = {kind: set(rows) - deleted_ids for kind, rows in snap.records.items()}
    final: list[tuple[str, Row]] = []
    for kind, row in sorted(inserts, key=lambda kr: ORDER.index(kr[0])):
        if row["id"] in present[kind]:
            continue
        parent = REQUIRED_PARENT.get(kind)
        if parent is not None and row[parent[0]] not in present[parent[1]]:
            continue  # its parent is not in the merged project (deleted there)
        present[kind].add(row["id"])
        final.append((kind, dict(row)))
    # References to records that are not in the merged project are cleared.
    for kind, row in final:
        for name, target in OPTIONAL_REFS.get(kind, {}).items():
            if row[name] is not None and row[name] not in present[target]:
                row[name] = None
    for kind, refs in OPTIONAL_REFS.items():
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
        parent = REQUIRED_PARENT.get(kind)
        if rid in deleted_ids or not fields:
            del updates[(kind, rid)]
        elif (
            parent is not None
            and parent[0] in fields
            and fields[parent[0]] not in present[parent[1]]
        ):
            del fields[parent[0]]  # its new parent is not in the merged project
    return _Changes(updates, final, deletes)


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
    decided = _decisions(plan, resolve, prefer)
    todo = _changes(plan, decided)
    undo = MergeUndo(mine.project_id, [], [], [])
    result = dict(
        source_name=plan.source_name,
        conflicts=tuple(plan.conflicts),
        resolved=decided,
        warnings=tuple(plan.warnings),
        undo=undo,
    )
    if not (todo.updates or todo.inserts or todo.deletes or plan.theirs_log):
        # Nothing to change: no transaction, no log entry, the file stays as it was.
        return MergeResult(updated_fields=0, inserted={}, deleted={},
                           changed_ids=frozenset(), written=False, **result)  # type: ignore[arg-type]  # fmt: skip
    known = {entry["record_id"] for entry in plan.mine.changelog.values()}
    inserted: dict[str, int] = defaultdict(int)
    deleted: dict[str, int] = defaultdict(int)
    updated_fields = 0
    with mine.store.write() as s:
        editor = mine.store.editor(s)
        # 1. Records new in theirs arrive as they are there; their log entries (below)
        #    are their history. Records my log knows (deleted here, restored by a
        #    decision for theirs) are put back as my edit, at a new revision.
        begin_edit(s, replace(editor, copy=True))
        fresh: dict[str, list[Row]] = defaultdict(list)
        restored: list[tuple[str, Record]] = []
        for kind, row in todo.inserts:
            if kind == "reviewer" and row["id"] == editor.author_id:
                # My own row, made by this very write (my first in this project) after
                # the plan read it as theirs alone: the same person, already here.
                continue
            if row["id"] in known:
                restored.append((kind, _new_row(kind, row)))
            else:
                fresh[kind].append(_columns(kind, row))
            inserted[kind] += 1
        for kind in ORDER:
            if fresh.get(kind):
                s.execute(insert(_MODELS[kind]), fresh[kind])
                undo.remove.extend((kind, r["id"], int(r["revision"])) for r in fresh[kind])
        begin_edit(s, editor)
        s.add_all(row for _kind, row in restored)
        # 2. Deletions, children first, each at the revision the plan read.
        done: set[uuid.UUID] = set()
        for kind, row in sorted(todo.deletes, key=lambda kr: -ORDER.index(kr[0])):
            if row["id"] in done:
                continue
            done.add(row["id"])
            s.delete(_current(s, kind, row["id"], int(row["revision"])))
            undo.restore.append((kind, row))
            deleted[kind] += 1
        # 3. Field updates, likewise guarded.
        changed: list[tuple[str, Record, dict[str, Any]]] = []
        for (kind, rid), fields in todo.updates.items():
            current = _current(s, kind, rid, int(plan.mine.records[kind][rid]["revision"]))
            old = {name: getattr(current, name) for name in fields}
            apply(current, fields)
            changed.append((kind, current, old))
            updated_fields += len(fields)
        s.flush()
        undo.remove.extend((kind, row.id, row.revision) for kind, row in restored)
        undo.revert.extend((kind, row.id, old, row.revision) for kind, row, old in changed)
        # 4. Their history, then one entry summing up this merge.
        summary = {
            "source": plan.source_name,
            "project": str(plan.theirs_project_id),
            "updated_fields": updated_fields,
            "inserted": sum(inserted.values()),
            "deleted": sum(deleted.values()),
            "conflicts": len(plan.conflicts),
        }
        entries = [*plan.theirs_log, _merge_entry(editor, summary)]
        for start in range(0, len(entries), 5000):
            s.execute(insert(ChangeLog), entries[start : start + 5000])
    changed_ids = frozenset(
        {str(rid) for _kind, rid in todo.updates}
        | {str(r["id"]) for _kind, r in todo.inserts}
        | {str(r["id"]) for _kind, r in todo.deletes}
    )
    return MergeResult(updated_fields=updated_fields, inserted=dict(inserted),
                       deleted=dict(deleted), changed_ids=changed_ids, **result)  # type: ignore[arg-type]  # fmt: skip


def undo_merge(mine: ProjectService, undo: MergeUndo) -> MergeUndo:
    """Undo a merge with new edits (one transaction); returns the edits that redo it.

    Refused with :class:`StaleEditError` if a record the merge touched was edited since
    (or, for a record it brought in, something was added under it). Nothing is removed
    from the change log: the merge and its undo both stay in the project's history.
    """
    db = mine.db
    if db.read_only_reason is not None:
        raise ProjectReadOnlyError(f"{db.label}: cannot undo the merge ({db.read_only_reason}).")
    if undo.project_id != mine.project_id:
        raise ValidationError("this undo belongs to another project.")
    redo = MergeUndo(mine.project_id, [], [], [])
    if undo.empty:
        return redo
    removing = {rid for _kind, rid, _rev in undo.remove}
    with mine.store.write() as s:
        put_back = [
            (kind, _new_row(kind, row))
            for kind, row in sorted(undo.restore, key=lambda kr: ORDER.index(kr[0]))
        ]
        s.add_all(row for _kind, row in put_back)
        reverted: list[tuple[str, Record, dict[str, Any]]] = []
        for kind, rid, old, revision in undo.revert:
            current = _current(s, kind, rid, revision)
            reverted.append((kind, current, {n: getattr(current, n) for n in old}))
            apply(current, old)
        for kind, rid, revision in sorted(undo.remove, key=lambda kr: -ORDER.index(kr[0])):
            current = _current(s, kind, rid, revision)
            _refuse_new_children(s, kind, rid, removing)
            redo.restore.append((kind, _row_of(current)))
            s.delete(current)
        s.flush()
        redo.remove.extend((kind, row.id, row.revision) for kind, row in put_back)
        redo.revert.extend((kind, row.id, new, row.revision) for kind, row, new in reverted)
    return redo


def _columns(kind: str, row: Mapping[str, Any]) -> dict[str, Any]:
    names = {c.name for c in table_of(kind).c}
    return {k: v for k, v in row.items() if k in names}


def _new_row(kind: str, row: Mapping[str, Any]) -> Record:
    values = _columns(kind, row)
    values.pop("revision", None)  # the write path numbers it after every earlier one
    return _MODELS[kind](**values)


def _row_of(row: Record) -> Row:
    return {c.name: getattr(row, c.name) for c in table_of(str(row.__tablename__)).c}


def _current(s: Session, kind: str, rid: uuid.UUID, revision: int) -> Record:
    """The row as it is now, refused as stale unless still at ``revision``."""
    row = s.get(_MODELS[kind], rid)
    if row is None or row.revision != revision:
        who = f"{row.updated_by or 'someone'} changed a {kind} at " if row is not None else ""
        when = f"{row.updated_at:%Y-%m-%d %H:%M} UTC; " if row is not None else ""
        raise StaleEditError(
            f"{who}{when}the project changed after the merge was prepared (or made); "
            "nothing was written. Try again.",
            changed_by=row.updated_by if row is not None else None,
            changed_at=row.updated_at.isoformat() if row is not None else None,
        )
    return row


def _refuse_new_children(s: Session, kind: str, rid: uuid.UUID, removing: set[uuid.UUID]) -> None:
    """A record the merge brought in may only go if nothing was added under it since."""
    child = CHILDREN.get(kind)
    if child is None:
        return
    table = table_of(child[0])
    ids = set(s.execute(select(table.c.id).where(table.c[child[1]] == rid)).scalars())
    if ids - removing:
        raise StaleEditError(
            "records the merge brought in were edited since; undo those edits first."
        )


def _merge_entry(editor: Any, summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "project_id": editor.project_id,
        "at": datetime.now(UTC),
        "author": editor.author_name,
        "author_id": editor.author_id,
        "table_name": "project",
        "record_id": editor.project_id,
        "operation": "merge",
        "field": None,
        "old_value": None,
        "new_value": to_json(summary),
        "record_revision": None,
    }
