"""The project service on both storage back ends: a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.core.errors import (
    DuplicateArticleError,
    NotFoundError,
    StaleEditError,
    ValidationError,
)
from app.core.project import ClaimFilter, ProjectService
from app.core.records import ClaimKind, ClaimOrigin, ClaimStatus, Stance
from app.core.scales import LevelSpec
from tests.support.builders import ARTICLE, add_sample_article

MakeService = Callable[..., ProjectService]


def test_new_project_has_the_five_level_scale(backend: MakeService) -> None:
    service = backend()
    scale = service.info().scale
    assert [lv.label for lv in scale.levels] == [
        "True",
        "Mostly true",
        "Half true",
        "Mostly false",
        "False",
    ]
    assert scale.best_value == 5 and scale.worst_value == 1
    assert all(lv.colour.startswith("#") for lv in scale.levels)


def test_presets_meta_style_and_conclusion_only(backend: MakeService) -> None:
    meta = backend(scale="meta-style").scale()
    assert {"False", "Altered", "Partly false", "Missing context", "Satire", "True"} == {
        lv.label for lv in meta.levels
    }
    conclusion = backend(scale="conclusion-only")
    assert conclusion.scale().conclusion_only
    add_sample_article(conclusion)
    claim = conclusion.claims()[0]
    rated, _ = conclusion.set_rating(claim.id, "Misleading without context")
    assert rated.rating_label == "Misleading without context" and rated.rating_id is None


def test_article_and_detected_claims_are_stored_in_article_order(backend: MakeService) -> None:
    service = backend()
    article = add_sample_article(service)
    assert article.claim_counts == {"new": 2}
    claims = service.claims()
    assert [c.start for c in claims] == sorted(c.start for c in claims)
    first = claims[0]
    assert ARTICLE[first.start : first.end] == first.quote
    assert first.claimant == "Ana Ruiz"
    assert first.kinds == (ClaimKind.STATISTIC, ClaimKind.ATTRIBUTION)
    assert first.origin == ClaimOrigin.DETECTED and first.status == ClaimStatus.NEW
    assert first.context_after.startswith(" Unemployment")
    text = service.article_text(article.id)
    assert text.text == ARTICLE


def test_the_same_text_twice_is_refused_with_the_existing_article(backend: MakeService) -> None:
    service = backend()
    article = add_sample_article(service)
    with pytest.raises(DuplicateArticleError) as info:
        service.add_article(ARTICLE)
    assert info.value.existing_id == article.id
    assert len(service.articles()) == 1 and len(service.claims()) == 2


def test_rating_by_label_is_case_insensitive_and_records_the_reviewer(backend: MakeService) -> None:
    service = backend(author="Ana Ruiz")
    add_sample_article(service)
    claim = service.claims()[0]
    rated, changes = service.set_rating(claim.id, "  mostly FALSE ")
    assert rated.rating_label == "Mostly false"
    assert rated.reviewer == "Ana Ruiz" and rated.reviewed_at is not None
    assert rated.revision == claim.revision + 1
    assert changes.claims == {claim.id}
    with pytest.raises(ValidationError) as info:
        service.set_rating(claim.id, "Pants on fire")
    assert "Mostly false" in str(info.value)
    cleared, _ = service.set_rating(claim.id, None)
    assert cleared.rating_label is None


def test_editing_fields_and_the_change_log(backend: MakeService) -> None:
    service = backend(author="Bo")
    add_sample_article(service)
    claim = service.claims()[0]
    service.update_claim(
        claim.id,
        wording="The council approved $12m.",
        claimant="Mayor Ana Ruiz",
        explanation="See *minutes*.",
        status=ClaimStatus.IN_REVIEW,
    )
    again = service.claim(claim.id)
    assert again.wording == "The council approved $12m."
    assert again.status == ClaimStatus.IN_REVIEW and again.updated_by == "Bo"
    entries = [e for e in service.history(claim.id) if e.operation == "update"]
    fields = {e.field: e for e in entries}
    assert set(fields) >= {"wording", "claimant", "explanation", "status"}
    assert json.loads(fields["claimant"].old_value) == "Ana Ruiz"
    assert json.loads(fields["claimant"].new_value) == "Mayor Ana Ruiz"
    assert all(e.author == "Bo" for e in entries)


def test_stale_write_is_refused_and_names_who_changed_it(backend: MakeService) -> None:
    service = backend(author="Ana")
    add_sample_article(service)
    claim = service.claims()[0]
    other = ProjectService(service.db, service.project_id, "Bo")
    other.update_claim(claim.id, expected_revision=claim.revision, wording="Bo's wording")
    with pytest.raises(StaleEditError) as info:
        service.update_claim(claim.id, expected_revision=claim.revision, wording="Ana's")
    assert info.value.changed_by == "Bo" and "Bo" in str(info.value)
    assert service.claim(claim.id).wording == "Bo's wording"


def test_filters_by_status_rating_kind_and_text(backend: MakeService) -> None:
    service = backend()
    add_sample_article(service)
    first, second = service.claims()
    service.set_rating(first.id, "False")
    service.dismiss_claim(second.id)
    false_id = service.scale().level_by_label("False").id  # type: ignore[union-attr]
    assert [c.id for c in service.claims(ClaimFilter(rating_id=false_id))] == [first.id]
    assert [c.id for c in service.claims(ClaimFilter(status=ClaimStatus.DISMISSED))] == [second.id]
    assert [c.id for c in service.claims(ClaimFilter(include_dismissed=False))] == [first.id]
    assert [c.id for c in service.claims(ClaimFilter(kind=ClaimKind.ATTRIBUTION))] == [first.id]
    assert [c.id for c in service.claims(ClaimFilter(text="UNEMPLOYMENT"))] == [second.id]
    assert service.claims(ClaimFilter(text="100%_")) == []
    assert [c.id for c in service.claims(ClaimFilter(unrated=True))] == [second.id]
    counts = service.claim_counts()
    # Rating the new claim moved it to "in review".
    assert counts["in_review"] == 1 and counts["new"] == 0
    assert counts["dismissed"] == 1 and counts["rated"] == 1
    assert service.rating_counts() == {"False": 1}
    restored, _ = service.restore_claim(second.id)
    assert restored.status == ClaimStatus.NEW


def test_evidence_accepts_only_web_links(backend: MakeService) -> None:
    service = backend()
    add_sample_article(service)
    claim = service.claims()[0]
    evidence, _ = service.add_evidence(
        claim.id,
        url="https://stats.example.org/table",
        title="Table 4",
        publisher="Statistics office",
        archive_url="http://archive.example.net/x",
        stance=Stance.REFUTES,
        note="Shows 4.5%",
        accessed="2026-11-24",
    )
    assert evidence.accessed.isoformat() == "2026-11-24"
    for bad in (
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://x.org/a",
        "stats.org",
        "https://exa mple.org",
        "data:text/html,hi",
    ):
        with pytest.raises(ValidationError):
            service.add_evidence(claim.id, url=bad)
        with pytest.raises(ValidationError):
            service.update_evidence(evidence.id, archive_url=bad)
    edited, _ = service.update_evidence(evidence.id, title="Table 4b", stance="supports")
    assert edited.title == "Table 4b" and edited.stance == Stance.SUPPORTS
    assert [e.id for e in service.claim(claim.id).evidence] == [evidence.id]
    removed, _ = service.remove_evidence(evidence.id)
    assert service.claim(claim.id).evidence == ()
    service.reinsert_evidence(removed)
    assert service.claim(claim.id).evidence[0].title == "Table 4b"


def test_attachments_are_content_addressed_and_deduplicated(backend: MakeService) -> None:
    service = backend()
    add_sample_article(service)
    claim = service.claims()[0]
    one = service.store_attachment(b"same bytes", "../../etc/report.pdf", "application/pdf")
    two = service.store_attachment(b"same bytes", "copy.pdf")
    assert one.id == two.id and one.filename == "report.pdf"
    assert one.sha256 == hashlib.sha256(b"same bytes").hexdigest()
    service.add_evidence(claim.id, attachment_id=one.id, title="Scan")
    info, data = service.attachment_data(one.id)
    assert data == b"same bytes" and info.size == 10


def test_manual_claims_merge_split_delete_and_reinsert(backend: MakeService) -> None:
    service = backend()
    article = add_sample_article(service)
    start = ARTICLE.index("It was a sunny")
    manual, _ = service.add_claim(article.id, start - 1, start + len("It was a sunny afternoon."))
    assert manual.quote == "It was a sunny afternoon." and manual.origin == ClaimOrigin.MANUAL
    with pytest.raises(ValidationError):
        service.add_claim(article.id, 10, 10)
    first, second, _third = service.claims()
    service.add_evidence(second.id, url="https://example.org/e")
    merged, _ = service.merge_claims(first.id, second.id)
    assert merged.start == first.start and merged.end == second.end
    assert len(merged.evidence) == 1
    with pytest.raises(NotFoundError):
        service.claim(second.id)
    cut = ARTICLE.index("Unemployment")
    left, right, _ = service.split_claim(merged.id, cut)
    assert left.quote.endswith("said.") and right.quote.startswith("Unemployment")
    removed, _ = service.delete_claim(right.id)
    assert right.id not in {c.id for c in service.claims()}
    service.reinsert_claim(removed)
    assert service.claim(right.id).quote == right.quote


def test_user_defined_levels_keep_ratings_by_label(backend: MakeService) -> None:
    service = backend()
    add_sample_article(service)
    claim = service.claims()[0]
    service.set_rating(claim.id, "False")
    service.set_scale_levels(
        [
            LevelSpec("Correct", "#2e8540", 3),
            LevelSpec("Misleading", "#f9a825", 2),
            LevelSpec("False", "#c62828", 1),
        ],
        name="Desk scale",
    )
    scale = service.scale()
    assert [lv.label for lv in scale.levels] == ["Correct", "Misleading", "False"]
    assert scale.best_value == 3 and scale.worst_value == 1
    assert service.claim(claim.id).rating_label == "False"
    with pytest.raises(ValidationError):
        service.set_scale_levels([LevelSpec("A", "red"), LevelSpec("a", "#000000")])


def test_article_metadata_is_validated(backend: MakeService) -> None:
    service = backend()
    article = add_sample_article(service)
    service.update_article(article.id, outlet="  The   Harbour Times ", published="2026-11-01")
    updated = service.article(article.id)
    assert updated.outlet == "The Harbour Times" and updated.published.isoformat() == "2026-11-01"
    with pytest.raises(ValidationError):
        service.update_article(article.id, url="javascript:alert(1)")
    with pytest.raises(ValidationError):
        service.update_article(article.id, published="last Tuesday")


def test_unknown_ids_are_clear_errors(backend: MakeService) -> None:
    service = backend()
    with pytest.raises(NotFoundError):
        service.claim("not-a-uuid")
    with pytest.raises(NotFoundError):
        service.claim("6f1e1f9c-0000-4000-8000-000000000000")


def test_a_new_reviewer_can_rate_straight_away(backend: MakeService) -> None:
    service = backend(author="Ana")
    add_sample_article(service)
    claim = service.claims()[0]
    newcomer = ProjectService(service.db, service.project_id, "Newcomer")
    rated, _ = newcomer.set_rating(claim.id, "True")
    assert rated.reviewer == "Newcomer"


def test_server_database_url_never_keeps_the_password(postgres: object) -> None:
    from app.models.database import open_server

    server = postgres
    url = server.new_database()  # type: ignore[attr-defined]
    db = open_server(url, create=True, password="not-stored-anywhere")
    try:
        assert "not-stored-anywhere" not in (db.url or "")
        assert "not-stored-anywhere" not in db.label
    finally:
        db.close()


# --- every public mutating operation goes through the one write path ------------------

# Public methods that only read (or open and close): everything else must be a scenario
# below, so a new editing method cannot be added without this check covering it.
READS = {
    "article", "article_text", "articles", "attachment_data", "claim", "claim_counts",
    "claim_ids", "claims", "claims_by_ids", "evidence", "find_article_by_sha256", "history",
    "info", "rating_counts", "scale", "close", "for_database", "open_file",
    "open_file_for_window", "snapshot", "claimants_named", "claimant_corrections",
    # Groups other operations' edits into one transaction: tested below on its own.
    "transaction",
}  # fmt: skip
Context = dict[str, Any]


def _first(service: ProjectService, ctx: Context) -> str:
    return service.claims(ClaimFilter(article_id=ctx["article"]))[0].id


def _longest(service: ProjectService, ctx: Context) -> Any:
    claims = service.claims(ClaimFilter(article_id=ctx["article"]))
    return max(claims, key=lambda c: c.end - c.start)


# In order: each step may use what the steps before it made (kept in ``ctx``).
SCENARIOS: dict[str, Callable[[ProjectService, Context], object]] = {
    "add_article": lambda s, c: c.update(article=add_sample_article(s).id),
    "update_article": lambda s, c: s.update_article(c["article"], outlet="Harbour Daily"),
    "add_claim": lambda s, c: c.update(manual=s.add_claim(c["article"], 0, 7)[0].id),
    "update_claim": lambda s, c: s.update_claim(_first(s, c), wording="Reworded"),
    "set_rating": lambda s, c: s.set_rating(_first(s, c), "Mostly true"),
    "dismiss_claim": lambda s, c: s.dismiss_claim(c["manual"]),
    "restore_claim": lambda s, c: s.restore_claim(c["manual"]),
    "store_attachment": lambda s, c: c.update(file=s.store_attachment(b"%PDF", "a.pdf").id),
    "attach_file": lambda s, c: s.attach_file(c["path"]),
    "add_evidence": lambda s, c: c.update(
        evidence=s.add_evidence(_first(s, c), url="https://example.org", attachment_id=c["file"])[
            0
        ].id
    ),
    "update_evidence": lambda s, c: s.update_evidence(c["evidence"], note="Checked"),
    "remove_evidence": lambda s, c: c.update(removed=s.remove_evidence(c["evidence"])[0]),
    "reinsert_evidence": lambda s, c: s.reinsert_evidence(c["removed"]),
    "split_claim": lambda s, c: s.split_claim(_longest(s, c).id, _longest(s, c).start + 20),
    "merge_claims": lambda s, c: s.merge_claims(
        *[x.id for x in s.claims(ClaimFilter(article_id=c["article"]))[1:3]]
    ),
    "delete_claim": lambda s, c: c.update(deleted=s.delete_claim(_first(s, c))[0]),
    "reinsert_claim": lambda s, c: s.reinsert_claim(c["deleted"]),
    "rename": lambda s, c: s.rename("Renamed project"),
    "rename_author": lambda s, c: s.rename_author("Ana Ruiz"),
    "set_scale_levels": lambda s, c: s.set_scale_levels(
        [LevelSpec("Right", "#00aa00"), LevelSpec("Wrong", "#aa0000")]
    ),
    "delete_article": lambda s, c: c.update(gone=s.delete_article(c["article"])[0]),
    "restore_article": lambda s, c: s.restore_article(c["gone"]),
    "create_file": lambda s, c: None,  # checked on the new project itself
    "create_in_database": lambda s, c: None,
}


def _state(service: ProjectService) -> tuple[dict[tuple[str, str], int], list[Any]]:
    """{(table, id): revision} of every editable row, and the whole change log."""
    from app.models.tables import EDITABLE_TABLES, ChangeLog

    rows: dict[tuple[str, str], int] = {}
    with service.db.session() as s:
        for model in EDITABLE_TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            for rid, revision in s.execute(select(table.c.id, table.c.revision)):
                rows[(table.name, str(rid))] = revision
        log = list(s.execute(select(ChangeLog)).scalars())
    return rows, log


def _check_step(service: ProjectService, name: str, before: Any, after: Any) -> None:
    (rows_before, log_before), (rows_after, log_after) = before, after
    known = {e.id for e in log_before}
    new_entries = [e for e in log_after if e.id not in known]
    assert new_entries, f"{name} wrote no change-log entry"
    assert {e.author_id for e in new_entries} == {service.author_id}, name
    logged = {(e.table_name, str(e.record_id)) for e in new_entries}
    changed = {k for k, v in rows_after.items() if rows_before.get(k) != v}
    gone = set(rows_before) - set(rows_after)
    assert changed | gone, f"{name} changed nothing"
    assert changed | gone <= logged, f"{name}: changed rows without a log entry"
    for key in changed:
        highest = max((e.record_revision or 0 for e in log_before if
                       (e.table_name, str(e.record_id)) == key), default=0)  # fmt: skip
        assert rows_after[key] > max(rows_before.get(key, 0), highest), f"{name}: {key}"
        assert any(
            (e.table_name, str(e.record_id)) == key and e.record_revision == rows_after[key]
            for e in new_entries
        ), f"{name}: {key} not logged at its new revision"
    for key in gone:
        assert any(
            (e.table_name, str(e.record_id)) == key and e.operation == "delete" for e in new_entries
        ), f"{name}: {key} deleted without a log entry"


def _run_all_scenarios(service: ProjectService, tmp_path: Path) -> None:
    # A new project: every row it starts with is logged as inserted by its creator.
    rows, log = _state(service)
    inserted = {(e.table_name, str(e.record_id)) for e in log if e.operation == "insert"}
    assert set(rows) <= inserted
    author_ids = {e.author_id for e in log}
    assert author_ids == {service.author_id} or service.author_id is None
    (tmp_path / "note.txt").write_text("a note")
    ctx: Context = {"path": tmp_path / "note.txt"}
    for name, step in SCENARIOS.items():
        if name.startswith("create_"):
            continue
        before = _state(service)
        step(service, ctx)
        _check_step(service, name, before, _state(service))


def test_every_public_operation_is_either_a_read_or_checked_below() -> None:
    public = {
        name for name, _ in inspect.getmembers(ProjectService, callable) if not name.startswith("_")
    }
    assert public == READS | set(SCENARIOS), "classify new ProjectService methods here"


def test_every_edit_bumps_revisions_and_logs_the_author_id_on_sqlite(tmp_path: Path) -> None:
    service = ProjectService.create_file(tmp_path / "all.factdesk", author="Ana")
    try:
        _run_all_scenarios(service, tmp_path)
    finally:
        service.close()


def test_every_edit_bumps_revisions_and_logs_the_author_id_on_postgresql(
    postgres: Any, tmp_path: Path
) -> None:
    from app.models.database import open_server

    db = open_server(postgres.new_database(), create=True)
    service = ProjectService.create_in_database(db, name="All", author="Ana")
    try:
        _run_all_scenarios(service, tmp_path)
    finally:
        service.close()
