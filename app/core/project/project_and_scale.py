"""The project service's part for the project itself: its name, rating scale and history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from app.core.errors import NotFoundError, ValidationError
from app.core.project.store import ProjectStore, apply, as_uuid
from app.core.records import ChangeEntry, Changes, ProjectInfo, RatingScaleInfo
from app.core.scales import LevelSpec, check_levels
from app.core.validation import single_line
from app.models.tables import ChangeLog, Project, RatingLevel, RatingScale, Reviewer


class ProjectOps:
    """Name, rating scale and change history of one project."""

    def __init__(self, store: ProjectStore) -> None:
        self.store = store

    def info(self) -> ProjectInfo:
        with self.store.read() as s:
            project = s.get(Project, self.store.project_id)
            if project is None:
                raise NotFoundError(f"{self.store.db.label}: the project is gone.")
            return ProjectInfo(
                id=str(project.id),
                name=project.name,
                description=project.description,
                language=project.language,
                scale=self.store.load_scale(s, project),
                created_at=project.created_at,
                updated_at=project.updated_at,
            )

    def rename(self, name: str) -> Changes:
        clean = single_line(name, "project name", 500)
        if not clean:
            raise ValidationError("a project needs a name.")
        with self.store.write() as s:
            project = self.store.get(s, Project, self.store.project_id, "project")
            apply(project, {"name": clean})
        return Changes(project=True)

    def rename_author(self, name: str) -> Changes:
        """The person editing corrected their own name (in Settings).

        Their Reviewer row is renamed through the write path, so their id, and with it
        every change they made, stays theirs; edits from now on carry the new name.
        """
        clean = single_line(name, "reviewer name", 200)
        if not clean:
            raise ValidationError("a reviewer needs a name.")
        self.store.author = clean
        if self.store.author_id is None or self.store.db.read_only_reason is not None:
            return Changes()  # their Reviewer row is made, with this name, on a first write
        with self.store.read() as s:
            if s.get(Reviewer, self.store.author_id) is None:
                return Changes()  # not written here yet: nothing to rename in this project
        with self.store.write() as s:
            row = s.get(Reviewer, self.store.author_id)
            if row is not None:
                apply(row, {"display_name": clean})
        return Changes(project=True)

    def scale(self) -> RatingScaleInfo:
        with self.store.read() as s:
            return self.store.load_scale(s)

    def set_scale_levels(
        self,
        levels: Sequence[LevelSpec],
        *,
        name: str | None = None,
        best_value: float | None = None,
        worst_value: float | None = None,
    ) -> Changes:
        """Replace the scale's levels by user-defined ones (matched by label to keep ratings).

        Claims rated with a level whose label disappears lose their rating; the change
        log keeps what it was.
        """
        check_levels(list(levels))
        with self.store.write() as s:
            project = self.store.get(s, Project, self.store.project_id, "project")
            scale = s.get(RatingScale, project.scale_id)
            assert scale is not None
            existing = {
                lv.label.casefold(): lv
                for lv in s.execute(
                    select(RatingLevel).where(col(RatingLevel.scale_id) == scale.id)
                ).scalars()
            }
            keep: set[uuid.UUID] = set()
            for position, spec in enumerate(levels):
                row = existing.get(spec.label.strip().casefold())
                fields: dict[str, Any] = {
                    "position": position,
                    "label": spec.label.strip(),
                    "colour": spec.colour.lower(),
                    "value": spec.value,
                    "description": spec.description,
                }
                if row is None:
                    row = RatingLevel(scale_id=scale.id, **fields)
                    s.add(row)
                else:
                    apply(row, fields)
                keep.add(row.id)
            for row in existing.values():
                if row.id not in keep:
                    # Claims rated with it lose the rating, each change logged (write path).
                    s.delete(row)
            values = [spec.value for spec in levels if spec.value is not None]
            apply(
                scale,
                {
                    "name": single_line(name, "scale name") or scale.name,
                    "preset": None,
                    "best_value": best_value
                    if best_value is not None
                    else (max(values) if values else None),
                    "worst_value": worst_value
                    if worst_value is not None
                    else (min(values) if values else None),
                },
            )
        return Changes(scale=True)

    def history(self, record_id: str | None = None, limit: int = 200) -> list[ChangeEntry]:
        """The newest change-log entries, for one record or the whole project."""
        table = ChangeLog.__table__  # type: ignore[attr-defined]
        query = select(table).where(table.c.project_id == self.store.project_id)
        if record_id is not None:
            query = query.where(table.c.record_id == as_uuid(record_id, "record"))
        with self.store.read() as s:
            rows = s.execute(query.order_by(table.c.at.desc()).limit(limit)).mappings().all()
        return [
            ChangeEntry(
                id=str(r["id"]),
                at=r["at"],
                author=r["author"],
                table=r["table_name"],
                record_id=str(r["record_id"]),
                operation=r["operation"],
                field=r["field"],
                old_value=r["old_value"],
                new_value=r["new_value"],
            )
            for r in rows
        ]
