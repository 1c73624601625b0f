"""Numbered schema migrations, the same steps on SQLite files and on PostgreSQL.

The schema version lives in ``PRAGMA user_version`` in a file and in the one-row table
``factdesk_schema`` on a server. ``STEPS[n]`` upgrades a store from version ``n - 1`` to
``n``. A file is copied (SQLite's backup API, so a WAL is included) before the first step
runs, and all steps run in one exclusive transaction: either the file reaches the current
version or it is left exactly as it was, with the backup beside it.

Every released schema has a fixture file in ``tests/fixtures/`` that later versions must
keep opening (``tests/models/test_migrations.py``).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel, create_engine

from app.errors import MigrationError, NewerProjectError, ProjectFileError
from app.models.fileformat import SCHEMA_VERSION, has_wal

MigrationStep = Callable[[Connection], None]


# The timestamp columns of format 1, each stored as naive UTC text.
_V1_TIMESTAMPS = {
    **{
        table: ("created_at", "updated_at")
        for table in (
            "project",
            "ratingscale",
            "ratinglevel",
            "reviewer",
            "article",
            "attachment",
            "evidence",
        )
    },
    "claim": ("created_at", "updated_at", "reviewed_at"),
    "changelog": ("at",),
    "signature": ("signed_at",),
}
# A format-1 comma list of kinds ("statistic,quotation") as a JSON list.
_KINDS_AS_JSON = (
    "CASE WHEN kinds = '' THEN '[]' ELSE '[\"' || replace(kinds, ',', '\", \"') || '\"]' END"
)
_RECORD = """id CHAR(32) NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
    created_by VARCHAR(200) NOT NULL, updated_by VARCHAR(200) NOT NULL,
    revision INTEGER NOT NULL"""
# SQLite cannot drop a constraint or insert a column: the three tables format 2 changes
# are rebuilt with format 2's definitions, frozen here as a new file of format 2 has them.
_V2_TABLES = {
    "reviewer": (
        f"""({_RECORD}, project_id CHAR(32) NOT NULL, display_name VARCHAR(200) NOT NULL,
        key_fingerprint VARCHAR(128), public_key BLOB, PRIMARY KEY (id))""",
        ["CREATE INDEX ix_reviewer_project ON reviewer (project_id, display_name)"],
    ),
    "claim": (
        f"""({_RECORD}, project_id CHAR(32) NOT NULL, article_id CHAR(32) NOT NULL,
        start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL, quote TEXT NOT NULL,
        context_before TEXT NOT NULL, context_after TEXT NOT NULL, wording TEXT NOT NULL,
        claimant VARCHAR(500), claimant_role TEXT, kinds JSON NOT NULL, score FLOAT,
        origin VARCHAR(20) NOT NULL, status VARCHAR(20) NOT NULL, role VARCHAR(20) NOT NULL,
        rating_id CHAR(32), conclusion VARCHAR(200), explanation TEXT NOT NULL,
        reviewer_id CHAR(32), reviewed_at DATETIME, PRIMARY KEY (id),
        FOREIGN KEY(project_id) REFERENCES project (id) ON DELETE CASCADE,
        FOREIGN KEY(article_id) REFERENCES article (id) ON DELETE CASCADE,
        FOREIGN KEY(rating_id) REFERENCES ratinglevel (id) ON DELETE SET NULL,
        FOREIGN KEY(reviewer_id) REFERENCES reviewer (id) ON DELETE SET NULL)""",
        [
            "CREATE INDEX ix_claim_article_position ON claim"
            " (article_id, start_offset, end_offset)",
            "CREATE INDEX ix_claim_project_rating ON claim"
            " (project_id, rating_id, article_id, start_offset, end_offset, status, id)",
            "CREATE INDEX ix_claim_project_status ON claim"
            " (project_id, status, article_id, start_offset, end_offset, rating_id, id)",
        ],
    ),
    "changelog": (
        """(id CHAR(32) NOT NULL, project_id CHAR(32) NOT NULL, at DATETIME NOT NULL,
        author VARCHAR(200) NOT NULL, author_id CHAR(32), table_name VARCHAR(40) NOT NULL,
        record_id CHAR(32) NOT NULL, operation VARCHAR(10) NOT NULL, field VARCHAR(60),
        old_value TEXT, new_value TEXT, record_revision INTEGER, PRIMARY KEY (id))""",
        [
            "CREATE INDEX ix_changelog_project_at ON changelog (project_id, at)",
            "CREATE INDEX ix_changelog_record ON changelog (record_id, at)",
        ],
    ),
}
# Each format-1 entry's author as a reviewer id, where a reviewer of that name exists.
_AUTHOR_ID = (
    "(SELECT MIN(reviewer.id) FROM reviewer WHERE reviewer.project_id = changelog.project_id"
    " AND reviewer.display_name = changelog.author)"
)


def _rebuild_sqlite_table(conn: Connection, table: str, values: dict[str, str]) -> None:
    """Replace ``table`` by format 2's definition, copying its rows (``values``: SQL giving
    each new column from the old row; other columns are copied as they are)."""
    definition, indexes = _V2_TABLES[table]
    run = conn.exec_driver_sql
    run(f"CREATE TABLE {table}_v2 {definition}")
    new = [r[1] for r in run(f"PRAGMA table_info({table}_v2)")]
    old = {r[1] for r in run(f"PRAGMA table_info({table})")}
    copied = [c for c in new if c in old or c in values]
    select = ", ".join(values.get(c, c) for c in copied)
    run(f"INSERT INTO {table}_v2 ({', '.join(copied)}) SELECT {select} FROM {table}")
    run(f"DROP TABLE {table}")
    run(f"ALTER TABLE {table}_v2 RENAME TO {table}")
    for index in indexes:
        run(index)


def _to_version_2(conn: Connection) -> None:
    """Format 2: reviewers by id, aware timestamps, kinds as JSON, the claimant's role.

    * ``changelog.author_id``: the Reviewer id of each entry's author. Entries of format
      1 carry only a display name; those naming a reviewer of the project get that
      reviewer's id, the others keep their name alone.
    * Reviewers are no longer unique by display name: two people may share one.
    * Timestamps keep their time zone (PostgreSQL ``timestamptz``; on SQLite the text
      gains its ``+00:00``), claim kinds become a JSON list, claims gain
      ``claimant_role``.
    """
    run = conn.exec_driver_sql
    if conn.dialect.name == "postgresql":
        run("ALTER TABLE changelog ADD COLUMN author_id UUID")
        run(f"UPDATE changelog SET author_id = {_AUTHOR_ID}")
        run("ALTER TABLE claim ADD COLUMN claimant_role TEXT")
        run(f"ALTER TABLE claim ALTER COLUMN kinds TYPE JSON USING ({_KINDS_AS_JSON})::json")
        for table, columns in _V1_TIMESTAMPS.items():
            for column in columns:
                run(
                    f"ALTER TABLE {table} ALTER COLUMN {column} TYPE timestamptz"
                    f" USING {column} AT TIME ZONE 'UTC'"
                )
        run("ALTER TABLE reviewer DROP CONSTRAINT IF EXISTS reviewer_project_id_display_name_key")
        run("CREATE INDEX ix_reviewer_project ON reviewer (project_id, display_name)")
        return
    for table, columns in _V1_TIMESTAMPS.items():
        for column in columns:
            run(f"UPDATE {table} SET {column} = {column} || '+00:00' WHERE {column} IS NOT NULL")
    _rebuild_sqlite_table(conn, "changelog", {"author_id": _AUTHOR_ID})
    _rebuild_sqlite_table(conn, "reviewer", {})
    _rebuild_sqlite_table(conn, "claim", {"kinds": _KINDS_AS_JSON})


# version -> step upgrading from version - 1. Version 1 is the first released schema.
STEPS: dict[int, MigrationStep] = {2: _to_version_2}


def backup_path_for(path: Path, version: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.format{version}-backup-{stamp}{path.suffix}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(
            f"{path.stem}.format{version}-backup-{stamp}-{counter}{path.suffix}"
        )
    return candidate


def _run_steps(conn: Connection, from_version: int, to_version: int) -> None:
    for version in range(from_version + 1, to_version + 1):
        step = STEPS.get(version)
        if step is None:
            raise MigrationError(f"no upgrade step to project format {version}")
        step(conn)


def migrate_sqlite_file(path: Path, from_version: int) -> Path:
    """Back ``path`` up, then upgrade it to :data:`SCHEMA_VERSION`. Returns the backup path."""
    target = SCHEMA_VERSION
    backup = backup_path_for(path, from_version)
    try:
        if has_wal(path):
            # Committed pages may still sit in the WAL: SQLite's backup API copies them too.
            with (
                contextlib.closing(sqlite3.connect(str(path))) as source,
                contextlib.closing(sqlite3.connect(str(backup))) as copy,
            ):
                source.backup(copy)
        else:
            shutil.copy2(path, backup)  # byte for byte what the user had
    except (sqlite3.Error, OSError) as exc:
        backup.unlink(missing_ok=True)
        raise MigrationError(
            f"{path.name}: could not make a backup before upgrading ({exc})."
        ) from exc

    raw = sqlite3.connect(str(path), isolation_level=None)
    engine = create_engine("sqlite://", creator=lambda: raw, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # steps may rebuild tables
            conn.exec_driver_sql("BEGIN EXCLUSIVE")
            try:
                _run_steps(conn, from_version, target)
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise MigrationError(f"upgrade left {len(problems)} broken references")
                conn.exec_driver_sql(f"PRAGMA user_version={target}")
                conn.exec_driver_sql("COMMIT")
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
    except MigrationError as exc:
        raise MigrationError(
            f"{path.name}: upgrade failed and nothing was changed ({exc}); "
            f"a backup is at {backup.name}."
        ) from exc
    except Exception as exc:
        raise MigrationError(
            f"{path.name}: upgrade failed and nothing was changed ({exc}); "
            f"a backup is at {backup.name}."
        ) from exc
    finally:
        engine.dispose()
        raw.close()
    return backup


def server_schema_version(conn: Connection) -> int | None:
    exists = conn.execute(text("SELECT to_regclass('factdesk_schema')")).scalar()
    if exists is None:
        return None
    return int(conn.execute(text("SELECT version FROM factdesk_schema")).scalar_one())


def ensure_server_schema(engine: Engine, *, create: bool) -> None:
    """Create (``create``) or upgrade the schema on a PostgreSQL database."""
    with engine.begin() as conn:
        # One upgrader at a time: others wait here instead of racing the same steps.
        conn.execute(text("SELECT pg_advisory_xact_lock(4644534)"))
        version = server_schema_version(conn)
        if version is None:
            if not create:
                raise ProjectFileError(
                    "this database holds no Factdesk projects yet; create it with "
                    "'factdesk new --db URL'."
                )
            SQLModel.metadata.create_all(conn)
            conn.execute(text("CREATE TABLE factdesk_schema (version integer NOT NULL)"))
            conn.execute(text("INSERT INTO factdesk_schema VALUES (:v)"), {"v": SCHEMA_VERSION})
            return
        if version > SCHEMA_VERSION:
            raise NewerProjectError(
                f"the server's Factdesk schema is format {version}; this version reads formats "
                f"up to {SCHEMA_VERSION}. Please update Factdesk."
            )
        if version < SCHEMA_VERSION:
            _run_steps(conn, version, SCHEMA_VERSION)
            conn.execute(text("UPDATE factdesk_schema SET version = :v"), {"v": SCHEMA_VERSION})
