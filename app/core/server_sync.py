"""Noticing other people's edits to a project on a shared server.

The window polls :class:`ChangeWatcher` every few seconds; it reads the change log for
rows it has not yet seen and says which records changed, as a :class:`Changes`. Whose
edit an entry is, is decided by the author's Reviewer id alone, never by display name:
two people called "Ana" see each other's changes. An entry with no id (written by a
format-1 Factdesk) is nobody's own, so it is reported, at worst refreshing a view once.
Change-log times come from each writer's clock and a transaction may commit a moment
after its rows were stamped, so every poll looks back over :data:`OVERLAP` and skips the
ids it has already reported: nothing is missed and nothing is reported twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import col

from app.core.project import ProjectService
from app.core.records import Changes
from app.models.database import translate_storage_errors
from app.models.tables import ChangeLog

OVERLAP = timedelta(seconds=60)
_SCALE_TABLES = {"ratingscale", "ratinglevel"}


class ChangeWatcher:
    """Reports what changed in ``service``'s project since the previous :meth:`poll`."""

    def __init__(self, service: ProjectService, *, include_own: bool = False) -> None:
        self.service = service
        self.include_own = include_own
        self._cursor = self._latest()
        self._seen: dict[uuid.UUID, datetime] = {}
        self.poll()  # what is already in the log is what the window has just loaded

    def _mine(self, author_id: uuid.UUID | None) -> bool:
        # Read at each poll: a service given no reviewer id learns its row on first write.
        me = self.service.author_id
        return author_id is not None and me is not None and author_id == me

    def _latest(self) -> datetime:
        with translate_storage_errors(self.service.db), self.service.db.session() as s:
            latest = s.execute(
                select(func.max(ChangeLog.at)).where(
                    col(ChangeLog.project_id) == self.service.project_id
                )
            ).scalar_one_or_none()
        return latest if latest is not None else datetime.now(UTC)

    def poll(self) -> Changes:
        """Changes made since the last poll (by others unless ``include_own``).

        Raises :class:`DatabaseUnavailableError` while the server is away; the next poll
        after it is back reports everything missed meanwhile.
        """
        since = self._cursor - OVERLAP
        query = select(
            col(ChangeLog.id),
            col(ChangeLog.at),
            col(ChangeLog.author_id),
            col(ChangeLog.table_name),
            col(ChangeLog.record_id),
        ).where(col(ChangeLog.project_id) == self.service.project_id, col(ChangeLog.at) > since)
        with translate_storage_errors(self.service.db), self.service.db.session() as s:
            rows = s.execute(query).all()
        claims: set[str] = set()
        articles: set[str] = set()
        evidence: set[str] = set()
        scale = project = False
        for log_id, at, author_id, table_name, record_id in rows:
            if log_id in self._seen:
                continue
            self._seen[log_id] = at
            self._cursor = max(self._cursor, at)
            if not self.include_own and self._mine(author_id):
                continue
            if table_name == "claim":
                claims.add(str(record_id))
            elif table_name == "article":
                articles.add(str(record_id))
            elif table_name == "evidence":
                evidence.add(str(record_id))
            elif table_name in _SCALE_TABLES:
                scale = True
            elif table_name == "project":
                project = True
        horizon = self._cursor - 2 * OVERLAP
        self._seen = {k: v for k, v in self._seen.items() if v > horizon}
        return Changes(
            articles=frozenset(articles),
            claims=frozenset(claims),
            evidence=frozenset(evidence),
            scale=scale,
            project=project,
        )
