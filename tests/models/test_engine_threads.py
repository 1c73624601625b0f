"""A project's engine serves the window's many worker threads without closing a
connection another thread is using (SQLAlchemy's SingletonThreadPool, its default for a
"sqlite://" URL, closes one once more than five threads have connected: a worker then
crashed the test process mid-query)."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from app.core.project import ProjectService
from app.core.sharing.safeopen import open_for_sharing
from app.models.database import Database, open_project_file


def _many_threads_leave_my_connection_open(db: Database) -> None:
    with db.engine.connect() as mine:
        mine.execute(text("SELECT count(*) FROM claim")).scalar_one()
        errors: list[BaseException] = []

        def read() -> None:
            try:
                with db.engine.connect() as conn:
                    conn.execute(text("SELECT count(*) FROM claim")).scalar_one()
            except BaseException as exc:
                errors.append(exc)

        for _ in range(60):  # one after another: each a new thread, as workers are
            worker = threading.Thread(target=read)
            worker.start()
            worker.join()
        assert errors == []
        assert mine.execute(text("SELECT count(*) FROM claim")).scalar_one() == 0


def test_sixty_worker_threads_never_close_the_connection_in_use(tmp_path: Path) -> None:
    path = tmp_path / "p.factdesk"
    ProjectService.create_file(path, author="Ann").close()
    db = open_project_file(path)
    try:
        _many_threads_leave_my_connection_open(db)
    finally:
        db.close()


def test_a_file_opened_for_viewing_serves_many_threads_too(tmp_path: Path) -> None:
    path = tmp_path / "p.factdesk"
    ProjectService.create_file(path, author="Ann").close()
    db = open_for_sharing(path, view_only=True)
    try:
        _many_threads_leave_my_connection_open(db)
    finally:
        db.close()
