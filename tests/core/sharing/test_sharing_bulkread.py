"""The bulk snapshot read gives exactly the rows SQLAlchemy's mappings give."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.core.project import ProjectService
from app.core.sharing.canonical import (
    CONTENT_MODELS,
    _project_filter,
    project_manifest,
    read_snapshot,
)
from app.models.tables import RatingScale


def test_snapshot_rows_match_sqlalchemy(project: ProjectService) -> None:
    claim = project.claims()[0]
    project.add_evidence(claim.id, url="https://a.example/x", title="T", accessed=date(2024, 1, 2))
    project.store_attachment(b"bytes", "f.pdf", "application/pdf")
    with project.db.engine.connect() as conn:
        snap = read_snapshot(conn, project.project_id, with_data=True)
        scale_ids = list(
            conn.execute(
                select(RatingScale.__table__.c.id).where(  # type: ignore[attr-defined]
                    RatingScale.__table__.c.project_id == project.project_id  # type: ignore[attr-defined]
                )
            ).scalars()
        )
        for model in CONTENT_MODELS:
            table = model.__table__
            cols = [c for c in table.c if c.name != "data"]
            query = select(*cols).where(_project_filter(table, project.project_id, scale_ids))
            expected = {r["id"]: dict(r) for r in conn.execute(query).mappings()}
            got = {
                k: {n: v for n, v in row.items() if n not in ("data", "data_sha256")}
                for k, row in snap.records[table.name].items()
            }
            assert got == expected, table.name
            for key, row in got.items():
                for name, value in row.items():
                    assert type(value) is type(expected[key][name]), (table.name, name)
                    if hasattr(value, "tzinfo"):
                        assert value.tzinfo == expected[key][name].tzinfo
            assert expected or table.name in ("reviewer",)
    assert project_manifest(snap)
