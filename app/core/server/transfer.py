"""Moving a project between a project file and a team's PostgreSQL server.

Both directions copy every row of the project, table by table in foreign-key order:
the project, its scale and levels, reviewers, articles, claims, attachments, evidence,
the change log and signatures. Rows keep their ids, revisions and timestamps, so a
project that goes to the server and back is the same project (and its signatures still
verify). Each copy is one transaction: a failure leaves the destination without a trace
of the project.

The rows go through the one write path (:mod:`app.models.history`) as a copy: their ids,
revisions, stamps and change log travel unchanged, and the same length limits are
checked as for every edit, so a value PostgreSQL would refuse is named before anything
is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert, select
from sqlmodel import Session

from app.core.errors import NotFoundError, ProjectExistsError, ValidationError
from app.models.database import (
    Database,
    create_project_file,
    open_project_file,
    translate_storage_errors,
)
from app.models.history import Editor, TextTooLongError, begin_edit
from app.models.tables import (
    Article,
    Attachment,
    ChangeLog,
    Claim,
    Evidence,
    Project,
    RatingLevel,
    RatingScale,
    Reviewer,
    Signature,
)

# Parents before children; Project.scale_id points at its scale, so the scale goes first.
_BY_PROJECT_ID = (RatingScale, Project, Reviewer, Article, Claim, Attachment, Evidence)
_AFTER = (ChangeLog, Signature)
_BATCH = 1000
_ATTACHMENT_BATCH = 16  # attachments may be large: keep few in memory at once


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _rows(conn: Connection, model: Any, project_id: uuid.UUID) -> Iterator[list[dict[str, Any]]]:
    table = _table(model)
    if model is Project:
        where = table.c.id == project_id
    elif model is RatingLevel:
        scales = select(_table(RatingScale).c.id).where(
            _table(RatingScale).c.project_id == project_id
        )
        where = table.c.scale_id.in_(scales)
    else:
        where = table.c.project_id == project_id
    batch = _ATTACHMENT_BATCH if model is Attachment else _BATCH
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(
        select(table).where(where).order_by(table.c.id)
    )
    for part in result.mappings().partitions(batch):
        yield [dict(row) for row in part]


def _copy(source: Database, target: Database, project_id: uuid.UUID) -> int:
    order = (*_BY_PROJECT_ID[:2], RatingLevel, *_BY_PROJECT_ID[2:], *_AFTER)
    copied = 0
    with (
        translate_storage_errors(source),
        source.engine.connect() as src,
        translate_storage_errors(target),
        Session(target.engine) as dst,
        dst.begin(),
    ):
        begin_edit(dst, Editor(project_id, None, "", copy=True))
        exists = dst.execute(
            select(_table(Project).c.id).where(_table(Project).c.id == project_id)
        ).first()
        if exists is not None:
            raise ProjectExistsError(
                f"{target.label}: already holds this project (id {project_id})."
            )
        for model in order:
            for rows in _rows(src, model, project_id):
                try:
                    dst.execute(insert(model), rows)
                except TextTooLongError as exc:
                    raise ValidationError(
                        f"{source.label}: not copied, a {exc.table} has a {exc.column} of "
                        f"{exc.length} characters (at most {exc.limit})."
                    ) from exc
                copied += len(rows)
    return copied


def _only_project(db: Database, project_id: str | None) -> uuid.UUID:
    with translate_storage_errors(db), db.engine.connect() as conn:
        ids = [
            uuid.UUID(str(i))
            for i in conn.execute(
                select(_table(Project).c.id).order_by(_table(Project).c.created_at)
            ).scalars()
        ]
    if project_id is None:
        if not ids:
            raise NotFoundError(f"{db.label}: holds no project.")
        return ids[0]
    wanted = uuid.UUID(str(project_id))
    if wanted not in ids:
        raise NotFoundError(f"{db.label}: no project with id {project_id}.")
    return wanted


def upload_project_file(path: Path | str, db: Database) -> str:
    """Copy the project in the file at ``path`` into the server ``db``; return its id."""
    source = open_project_file(path, read_only=True)
    try:
        project_id = _only_project(source, None)
        _copy(source, db, project_id)
    finally:
        source.close()
    return str(project_id)


def save_server_project_as_file(db: Database, project_id: str, path: Path | str) -> int:
    """Write the server project ``project_id`` to a new project file; return rows copied."""
    wanted = _only_project(db, project_id)
    target = create_project_file(path)
    try:
        copied = _copy(db, target, wanted)
    except BaseException:
        target.close()
        Path(path).unlink(missing_ok=True)
        raise
    target.close()
    return copied
