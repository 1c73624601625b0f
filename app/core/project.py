"""The project service: everything the window and the command line do to a project.

:class:`ProjectService` is the one door to a project's data. Each public method is one
short transaction that is committed before it returns, so an edit the window shows as
done is on disk. Methods return plain records (:mod:`app.core.records`) and, for edits,
a :class:`~app.core.records.Changes` saying what changed so views refresh only that.
Every change is written to the change log with its author.

Editing methods take an optional ``expected_revision``: when given and the stored record
has moved on (someone else saved first), nothing is written and
:class:`~app.core.errors.StaleEditError` names who changed it and when.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from app.core.errors import (
    NotFoundError,
    ValidationError,
)
from app.core.records import (
    ChangeEntry,
    Changes,
    ClaimFilter,
    ProjectInfo,
    RatingScaleInfo,
)
from app.core.scales import DEFAULT_SCALE, LevelSpec, check_levels, preset
from app.core.service_articles import ArticleOps
from app.core.service_base import (
    MAX_ATTACHMENT_BYTES,
    DetectedSentence,
    ServiceBase,
    _uuid,
)
from app.core.service_claims import ClaimOps
from app.core.service_evidence import EvidenceOps
from app.core.validation import single_line
from app.models.database import (
    Database,
    create_project_file,
    open_project_file,
    translate_storage_errors,
)
from app.models.history import Editor, edit_session
from app.models.tables import (
    ChangeLog,
    Project,
    RatingLevel,
    RatingScale,
    Reviewer,
)


class ProjectService(ArticleOps, ClaimOps, EvidenceOps, ServiceBase):
    """Reads and edits one project in a :class:`~app.models.database.Database`."""

    # --- opening and creating ---------------------------------------------------------

    @classmethod
    def create_file(
        cls, path: Path | str, *, name: str | None = None, scale: str = DEFAULT_SCALE, author: str
    ) -> ProjectService:
        """Create a new ``.factdesk`` file holding one empty project."""
        scale_preset = preset(scale)  # refuse an unknown scale before making a file
        db = create_project_file(path)
        try:
            project_id = cls._create_project(db, name or Path(path).stem, scale_preset.key, author)
        except BaseException:
            db.close()
            Path(path).unlink(missing_ok=True)
            raise
        return cls(db, project_id, author)

    @classmethod
    def open_file(
        cls,
        path: Path | str,
        *,
        author: str,
        read_only: bool = False,
        quick_check: bool | None = None,
    ) -> ProjectService:
        """Open a project file. ``quick_check`` None: full integrity check unless this
        machine's Factdesk closed the file cleanly and it has not changed since."""
        from app.core.known_files import unchanged_since_clean_close

        if quick_check is None:
            quick_check = not unchanged_since_clean_close(Path(path))
        db = open_project_file(path, read_only=read_only, quick_check=quick_check)
        return cls.for_database(db, author=author)

    @classmethod
    def open_file_for_window(cls, path: Path | str, *, author: str) -> ProjectService:
        """Open a file the way the window does: editing, unless it cannot be edited.

        The window holds an editing lock on the file while it is open. A second window
        (or another user's session on a shared folder) then opens it read-only, and so
        does a read-only file; ``db.read_only_reason`` says why, for the banner. The
        lock is an ``flock`` that the operating system drops if the process dies.
        """
        from app.core.known_files import unchanged_since_clean_close
        from app.core.sharing.safeopen import open_for_sharing

        path = Path(path)
        db = open_for_sharing(
            path, check_rows=False, quick_check=not unchanged_since_clean_close(path)
        )
        return cls.for_database(db, author=author)

    @classmethod
    def for_database(
        cls, db: Database, *, author: str, project_id: str | None = None
    ) -> ProjectService:
        """The service for ``project_id`` in ``db``, or its only project."""
        with translate_storage_errors(db), db.session() as s:
            ids = list(
                s.execute(select(col(Project.id)).order_by(col(Project.created_at))).scalars()
            )
        if project_id is not None:
            wanted = _uuid(project_id, "project")
            if wanted not in ids:
                db.close()
                raise NotFoundError(f"{db.label}: no project with id {project_id}.")
            return cls(db, wanted, author)
        if not ids:
            db.close()
            raise NotFoundError(f"{db.label}: holds no project.")
        return cls(db, ids[0], author)

    @classmethod
    def create_in_database(
        cls, db: Database, *, name: str, scale: str = DEFAULT_SCALE, author: str
    ) -> ProjectService:
        project_id = cls._create_project(db, name, preset(scale).key, author)
        return cls(db, project_id, author)

    @staticmethod
    def _create_project(db: Database, name: str, scale_key: str, author: str) -> uuid.UUID:
        chosen = preset(scale_key)
        project = Project(name=single_line(name, "project name") or "Untitled project")
        reviewer = Reviewer(project_id=project.id, display_name=author)
        editor = Editor(project.id, reviewer.id, author)
        with translate_storage_errors(db), edit_session(db.engine, editor) as s:
            scale = RatingScale(
                project_id=project.id,
                name=chosen.name,
                preset=chosen.key,
                best_value=chosen.best_value,
                worst_value=chosen.worst_value,
            )
            project.scale_id = scale.id
            s.add(scale)
            s.flush()  # the project refers to its scale
            s.add_all([project, reviewer])
            for position, spec in enumerate(chosen.levels):
                s.add(
                    RatingLevel(
                        scale_id=scale.id,
                        position=position,
                        label=spec.label,
                        colour=spec.colour,
                        value=spec.value,
                        description=spec.description,
                    )
                )
        return project.id

    def close(self) -> None:
        self.db.close()
        if self.db.path is not None and not self.db.read_only:
            from app.core.known_files import remember_clean_close

            remember_clean_close(self.db.path)

    # --- project and scale ------------------------------------------------------------

    def info(self) -> ProjectInfo:
        with self._read() as s:
            project = s.get(Project, self.project_id)
            if project is None:
                raise NotFoundError(f"{self.db.label}: the project is gone.")
            return ProjectInfo(
                id=str(project.id),
                name=project.name,
                description=project.description,
                language=project.language,
                scale=self._load_scale(s, project),
                created_at=project.created_at,
                updated_at=project.updated_at,
            )

    def rename(self, name: str) -> Changes:
        clean = single_line(name, "project name", 500)
        if not clean:
            raise ValidationError("a project needs a name.")
        with self._write() as s:
            project = self._get(s, Project, self.project_id, "project")
            self._apply(s, project, "project", {"name": clean})
        return Changes(project=True)

    def scale(self) -> RatingScaleInfo:
        with self._read() as s:
            return self._load_scale(s)

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
        with self._write() as s:
            project = self._get(s, Project, self.project_id, "project")
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
                    self._apply(s, row, "ratinglevel", fields)
                keep.add(row.id)
            for row in existing.values():
                if row.id not in keep:
                    # Claims rated with it lose the rating, each change logged (write path).
                    s.delete(row)
            values = [spec.value for spec in levels if spec.value is not None]
            self._apply(
                s,
                scale,
                "ratingscale",
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

    # --- history ----------------------------------------------------------------------

    def history(self, record_id: str | None = None, limit: int = 200) -> list[ChangeEntry]:
        """The newest change-log entries, for one record or the whole project."""
        table = ChangeLog.__table__  # type: ignore[attr-defined]
        query = select(table).where(table.c.project_id == self.project_id)
        if record_id is not None:
            query = query.where(table.c.record_id == _uuid(record_id, "record"))
        with self._read() as s:
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


__all__ = ["MAX_ATTACHMENT_BYTES", "ClaimFilter", "DetectedSentence", "ProjectService"]
