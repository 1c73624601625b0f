"""Reviewers have a stable id: the change log and the server's change feed use it.

Two colleagues who are both called "Ana" are two reviewers; each sees the other's
edits, and the log says which of them made each change.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from app.core.project import ProjectService
from app.core.server_sync import ChangeWatcher
from app.models.database import open_server
from app.models.tables import ChangeLog, Reviewer
from tests.server.helpers import ARTICLE

ANA_ONE = uuid.UUID("0196f3a0-0000-7000-8000-00000000a001")
ANA_TWO = uuid.UUID("0196f3a0-0000-7000-8000-00000000a002")


def test_two_people_called_ana_see_each_others_changes(postgres: Any) -> None:
    url = postgres.new_database()
    first = ProjectService.create_in_database(
        open_server(url, create=True), name="Desk", author="Ana", author_id=ANA_ONE
    )
    article, _ = first.add_article(ARTICLE)
    claim, _ = first.add_claim(article.id, 0, 63)
    second = ProjectService.for_database(
        open_server(url), author="Ana", author_id=ANA_TWO, project_id=str(first.project_id)
    )
    try:
        watch_first, watch_second = ChangeWatcher(first), ChangeWatcher(second)
        second.update_claim(claim.id, wording="Edited by the other Ana")
        assert watch_first.poll().claims == {claim.id}  # not taken for her own edit
        assert watch_second.poll().claims == frozenset()  # her own edit is not news
        first.set_rating(claim.id, "False")
        assert watch_second.poll().claims == {claim.id}
        with second.db.session() as s:
            reviewers = s.execute(select(Reviewer.id, Reviewer.display_name)).all()
            authors = {
                (e.field, e.author_id)
                for e in s.execute(
                    select(ChangeLog).where(ChangeLog.record_id == uuid.UUID(claim.id))
                ).scalars()
            }
        assert sorted(reviewers) == [(ANA_ONE, "Ana"), (ANA_TWO, "Ana")]
        assert ("wording", ANA_TWO) in authors and ("rating_id", ANA_ONE) in authors
        assert second.claim(claim.id).reviewer == "Ana"  # the display name stays readable
    finally:
        second.close()
        first.close()
