"""Reading a report's claims and evidence: one query each, only the columns reports show.

A report of 10,000 claims with 30,000 evidence items reads every row of both tables.
Through the ORM (``service.claims(flt, with_evidence=True)``) that costs over a second:
every column of every row goes through SQLAlchemy's type processors into full
:class:`~app.core.records.ClaimInfo` records. Here the queries are still built and their
parameters bound by SQLAlchemy, but the rows come straight from the driver
(:func:`app.models.rawread.driver_rows`), hold only what a report shows, and become
:class:`~app.core.reports.model.ReportClaim` records. Values that repeat across rows
(article, verdict, reviewer, status, stance, dates) are converted once.

Everything needed comes through the service's public attributes (``db``,
``project_id``) and the scale the caller already has; a test checks the records against
``service.claims`` field by field.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from app.core import records_from_rows as convert
from app.core.errors import NotFoundError
from app.core.records import AttachmentInfo, ClaimStatus, RatingScaleInfo, Stance
from app.core.reports.model import ReportClaim, ReportEvidence
from app.models.database import Database, translate_storage_errors, translate_value_errors
from app.models.rawread import Converters, driver_rows
from app.models.tables import Attachment, Claim, Evidence, Reviewer

# A named tuple's constructor is a generated Python function; tuple.__new__ with the class
# makes the same record in C, at half the cost (a 10,000-claim report makes 40,000).
_record = tuple.__new__

_CLAIM_COLUMNS = (
    "id", "article_id", "quote", "wording", "claimant", "status", "rating_id", "conclusion",
    "explanation", "reviewer_id", "reviewed_at", "updated_at", "updated_by",
)  # fmt: skip
_EVIDENCE_COLUMNS = (
    "claim_id", "title", "url", "publisher", "accessed", "archive_url", "stance", "note",
    "attachment_id", "position", "created_at",
)  # fmt: skip


def read_report_claims(
    service: Any,
    scale: RatingScaleInfo,
    *,
    article_id: str | None = None,
    include_dismissed: bool = False,
    with_evidence: bool = True,
) -> list[ReportClaim]:
    """The claims of ``service``'s project (or of one article) with their evidence.

    In article order (articles by id, then position), as ``service.claims`` lists them;
    dismissed claims only with ``include_dismissed``. ``scale`` is the project's rating
    scale (verdict labels come from it). Without ``with_evidence`` the claims' evidence
    is left empty and not read.
    """
    db: Database = service.db
    project_id: uuid.UUID = service.project_id
    claim = Claim.__table__  # type: ignore[attr-defined]
    conditions = [claim.c.project_id == project_id]
    if article_id is not None:
        try:
            conditions.append(claim.c.article_id == uuid.UUID(article_id))
        except ValueError as exc:
            raise NotFoundError(f"no article with id {article_id[:60]!r}.") from exc
    if not include_dismissed:
        conditions.append(claim.c.status != ClaimStatus.DISMISSED.value)
    # Article order is the order of ix_claim_article_position: reading along it needs no
    # sort. Left to itself, SQLite's planner takes the status index for the status
    # condition and then sorts every row (about a third more time for 10,000 claims).
    order = [claim.c.start_offset, claim.c.end_offset]
    if article_id is None:
        order.insert(0, claim.c.article_id)
    claims_query = (
        select(*(claim.c[name] for name in _CLAIM_COLUMNS))
        .with_hint(claim, "INDEXED BY ix_claim_article_position", "sqlite")
        .where(*conditions)
        .order_by(*order)
    )
    with translate_storage_errors(db), db.session() as s, translate_value_errors(db):
        conn = s.connection()
        conv = Converters(conn.dialect)
        rows = driver_rows(conn, claims_query)
        evidence = _evidence(conn, conv, project_id, article_id) if rows and with_evidence else {}
        reviewer = Reviewer.__table__  # type: ignore[attr-defined]
        reviewers = {
            conv.uuid_text(raw): name
            for raw, name in driver_rows(
                conn,
                select(reviewer.c.id, reviewer.c.display_name).where(
                    reviewer.c.project_id == project_id
                ),
            )
        }
        return _claims(rows, evidence, conv, scale, reviewers)


def _claims(
    rows: list[tuple[Any, ...]],
    evidence: dict[str, tuple[ReportEvidence, ...]],
    conv: Converters,
    scale: RatingScaleInfo,
    reviewers: dict[str | None, str],
) -> list[ReportClaim]:
    uuid_text, utc = conv.uuid_text, conv.utc
    levels: dict[str, Any] = {}
    for level in scale.levels:
        levels.setdefault(level.id, level)  # the first of any duplicates, as level_by_id
    # Raw value -> converted value, for the columns whose values repeat from row to row.
    articles: dict[Any, str] = {}
    ratings: dict[Any, tuple[str | None, str | None]] = {}
    names: dict[Any, str | None] = {None: None}
    statuses: dict[Any, ClaimStatus] = {s.value: s for s in ClaimStatus}
    out: list[ReportClaim] = []
    append = out.append
    for (cid, article_id, quote, wording, claimant, status, rating_id, conclusion, explanation,
         reviewer_id, reviewed_at, updated_at, updated_by) in rows:  # fmt: skip
        article = articles.get(article_id)
        if article is None:
            article = articles[article_id] = str(uuid_text(article_id))
        rating = ratings.get(rating_id)
        if rating is None:
            rid = uuid_text(rating_id)
            found = levels.get(rid) if rid is not None else None
            rating = ratings[rating_id] = (rid, found.label if found is not None else None)
        label = rating[1] if rating[1] is not None else (conclusion or None)
        if reviewer_id not in names:
            names[reviewer_id] = reviewers.get(uuid_text(reviewer_id))
        state = statuses.get(status)
        if state is None:
            state = statuses[status] = ClaimStatus(status)
        claim_id = str(uuid_text(cid))
        append(
            _record(
                ReportClaim,
                (
                    claim_id,
                    article,
                    quote,
                    wording,
                    claimant,
                    state,
                    rating[0],
                    label,
                    explanation,
                    names[reviewer_id],
                    utc(reviewed_at),
                    utc(updated_at),
                    updated_by,
                    evidence.get(claim_id, ()),
                ),
            )
        )
    return out


def _evidence(
    conn: Any, conv: Converters, project_id: uuid.UUID, article_id: str | None
) -> dict[str, tuple[ReportEvidence, ...]]:
    """Evidence by claim id, each claim's in position order."""
    table = Evidence.__table__  # type: ignore[attr-defined]
    query = select(*(table.c[name] for name in _EVIDENCE_COLUMNS)).where(
        table.c.project_id == project_id
    )
    if article_id is not None:
        # One article's report (the window's preview) reads only that article's evidence.
        claim = Claim.__table__  # type: ignore[attr-defined]
        query = query.where(
            table.c.claim_id.in_(
                select(claim.c.id).where(
                    claim.c.project_id == project_id, claim.c.article_id == uuid.UUID(article_id)
                )
            )
        )
    # The service orders by (claim, position, created_at). SQLite walks the evidence index
    # for (claim, position) but would sort every row again for the third key, which costs
    # as much as reading them; positions rarely tie, so ties are put in order here.
    query = query.order_by(table.c.claim_id, table.c.position)
    rows = driver_rows(conn, query)
    attachments = _attachments(conn, conv, {r[8] for r in rows if r[8] is not None})
    day, uuid_text = conv.day, conv.uuid_text
    stances: dict[Any, Stance] = {s.value: s for s in Stance}
    grouped: dict[str, list[ReportEvidence]] = {}
    tied: set[str] = set()  # claims with tied positions
    last: Any = object()
    last_position: Any = None
    bucket: list[ReportEvidence] = []
    for (claim_id, title, url, publisher, accessed, archive_url, stance, note, attachment,
         position, _created) in rows:  # fmt: skip
        if claim_id != last:
            last, last_position = claim_id, None
            key = str(uuid_text(claim_id))
            bucket = grouped.setdefault(key, [])
        elif position == last_position:
            tied.add(key)
        last_position = position
        kind = stances.get(stance)
        if kind is None:
            kind = stances[stance] = Stance(stance)
        bucket.append(
            _record(
                ReportEvidence,
                (
                    title,
                    url,
                    publisher,
                    day(accessed),
                    archive_url,
                    kind,
                    note,
                    attachments.get(attachment) if attachment is not None else None,
                ),
            )
        )
    if tied:
        # (position, created_at) of each tied claim's rows, in the order of its items.
        sort_keys: dict[str, list[tuple[Any, Any]]] = {key: [] for key in tied}
        for row in rows:
            found = sort_keys.get(str(uuid_text(row[0])))
            if found is not None:
                found.append((row[9], row[10]))
        for key, keys in sort_keys.items():
            items = grouped[key]
            grouped[key] = [items[i] for i in sorted(range(len(items)), key=keys.__getitem__)]
    return {k: tuple(v) for k, v in grouped.items()}


def _attachments(conn: Any, conv: Converters, raw_ids: set[Any]) -> dict[Any, AttachmentInfo]:
    if not raw_ids:
        return {}
    table = Attachment.__table__  # type: ignore[attr-defined]
    columns = [c for c in table.c if c.name != "data"]  # never the file contents
    wanted = [conv.uuid_value(a) for a in raw_ids]
    found = {
        a["id"]: convert.attachment_info(a)
        for a in conn.execute(select(*columns).where(table.c.id.in_(wanted))).mappings()
    }
    return {raw: info for raw in raw_ids if (info := found.get(conv.uuid_value(raw)))}
