"""Project service: listing, editing, merging and splitting claims."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, Text, and_, cast, func, or_, select, type_coerce
from sqlmodel import Session, col

from app.core import records_from_rows as from_rows
from app.core.errors import (
    ValidationError,
)
from app.core.project.articles import ArticleOps
from app.core.project.evidence import EvidenceOps
from app.core.project.store import CONTEXT_CHARS, ProjectStore, apply, as_uuid
from app.core.records import (
    Changes,
    ClaimFilter,
    ClaimInfo,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    EvidenceInfo,
    ParagraphRole,
)
from app.core.validation import single_line
from app.core.wording import quoted
from app.models.ids import new_id
from app.models.tables import (
    Article,
    ChangeLog,
    Claim,
    Evidence,
    utcnow,
)

_CLAIM_FIELDS = {
    "wording",
    "claimant",
    "claimant_role",
    "status",
    "explanation",
    "rating_id",
    "conclusion",
    "kinds",
    "start_offset",
    "end_offset",
    "quote",
    "context_before",
    "context_after",
    "score",
    "role",
    "origin",
}


class ClaimOps:
    """The claims of a project: filtering, reading, editing, merging and splitting."""

    def __init__(self, store: ProjectStore, articles: ArticleOps, evidence: EvidenceOps) -> None:
        self.store = store
        self.articles = articles
        self.evidence = evidence

    def _claim_query(self, flt: ClaimFilter) -> Any:
        table = Claim.__table__  # type: ignore[attr-defined]
        conditions = [table.c.project_id == self.store.project_id]
        if flt.article_id is not None:
            conditions.append(table.c.article_id == as_uuid(flt.article_id, "article"))
        if flt.status is not None:
            conditions.append(table.c.status == ClaimStatus(flt.status).value)
        elif not flt.include_dismissed:
            conditions.append(table.c.status != ClaimStatus.DISMISSED.value)
        if flt.rating_id is not None:
            conditions.append(table.c.rating_id == as_uuid(flt.rating_id, "rating"))
        if flt.unrated:
            conditions.append(and_(table.c.rating_id.is_(None), table.c.conclusion.is_(None)))
        if flt.kind is not None:
            # The JSON text holds each kind quoted: "statistic" never matches "statistics".
            kinds_text = cast(table.c.kinds, Text)
            conditions.append(kinds_text.like(f'%"{ClaimKind(flt.kind).value}"%'))
        if flt.text:
            needle = f"%{_escape_like(flt.text.strip())}%"
            conditions.append(
                or_(
                    table.c.wording.ilike(needle, escape="\\"),
                    table.c.quote.ilike(needle, escape="\\"),
                    table.c.claimant.ilike(needle, escape="\\"),
                    table.c.explanation.ilike(needle, escape="\\"),
                )
            )
        return select(table).where(and_(*conditions))

    def _ordered(self, query: Any, flt: ClaimFilter) -> Any:
        """Article order: articles by id (ids are time-ordered: import order), then position,
        then id (claims on the same words); the order of :mod:`app.core.claim_refs`' numbers.

        Matches the covering indexes on claims, so no join is needed; the id only sorts
        the rare claims that share a span.
        """
        table = Claim.__table__  # type: ignore[attr-defined]
        if flt.article_id is None:
            return query.order_by(
                table.c.article_id, table.c.start_offset, table.c.end_offset, table.c.id
            )
        return query.order_by(table.c.start_offset, table.c.end_offset, table.c.id)

    def claim_ids(self, flt: ClaimFilter | None = None) -> list[str]:
        """Ids of the claims matching ``flt``, in article order.

        What a list view needs first: ids are cheap even for 100,000 claims, and the
        rows on screen are then fetched with :meth:`claims_by_ids`.
        """
        flt = flt or ClaimFilter()
        table = Claim.__table__  # type: ignore[attr-defined]
        # The id as stored (SQLite: 32 hex digits), not made into a uuid.UUID first: a
        # filter of 25,000 claims would spend most of its time making UUID objects.
        stored_id = type_coerce(table.c.id, String)
        query = self._ordered(self._claim_query(flt).with_only_columns(stored_id), flt)
        with self.store.read() as s:
            return [_id_text(i) for i in s.execute(query).scalars()]

    def claims_by_ids(self, ids: Sequence[str]) -> list[ClaimInfo]:
        """The claims with these ids (those that still exist), in the order given."""
        wanted = [as_uuid(i, "claim") for i in ids]
        if not wanted:
            return []
        table = Claim.__table__  # type: ignore[attr-defined]
        found: dict[str, ClaimInfo] = {}
        with self.store.read() as s:
            scale = self.store.load_scale(s)
            reviewers = self.store.reviewer_names(s)
            for chunk in range(0, len(wanted), 500):
                # By primary key only: with project_id in the WHERE clause SQLite would
                # pick a project index and scan every claim.
                query = select(table).where(table.c.id.in_(wanted[chunk : chunk + 500]))
                for r in s.execute(query).mappings():
                    if r["project_id"] == self.store.project_id:
                        found[str(r["id"])] = from_rows.claim_info(r, scale, reviewers)
        return [found[str(i)] for i in wanted if str(i) in found]

    def claims(
        self, flt: ClaimFilter | None = None, *, with_evidence: bool = False
    ) -> list[ClaimInfo]:
        """Claims matching ``flt`` in article order (article, then position)."""
        flt = flt or ClaimFilter()
        query = self._ordered(self._claim_query(flt), flt)
        with self.store.read() as s:
            scale = self.store.load_scale(s)
            reviewers = self.store.reviewer_names(s)
            rows = s.execute(query).mappings().all()
            evidence: dict[str, list[EvidenceInfo]] = {}
            if with_evidence and rows:
                evidence = self.evidence.for_claims(
                    s, [r["id"] for r in rows] if len(rows) < 500 else None
                )
            return [
                from_rows.claim_info(r, scale, reviewers, tuple(evidence.get(str(r["id"]), ())))
                for r in rows
            ]

    def claim_counts(self, article_id: str | None = None) -> dict[str, int]:
        """Number of claims by status (and ``"rated"``/``"unrated"`` among the live ones)."""
        table = Claim.__table__  # type: ignore[attr-defined]
        cond = [table.c.project_id == self.store.project_id]
        if article_id is not None:
            cond.append(table.c.article_id == as_uuid(article_id, "article"))
        with self.store.read() as s:
            counts = {status.value: 0 for status in ClaimStatus}
            for status, n in s.execute(
                select(table.c.status, func.count()).where(*cond).group_by(table.c.status)
            ):
                counts[status] = n
            rated = s.execute(
                select(func.count()).where(
                    *cond,
                    table.c.status != ClaimStatus.DISMISSED.value,
                    or_(table.c.rating_id.is_not(None), table.c.conclusion.is_not(None)),
                )
            ).scalar_one()
        live = sum(n for k, n in counts.items() if k != ClaimStatus.DISMISSED.value)
        counts["rated"] = rated
        counts["unrated"] = live - rated
        return counts

    def rating_counts(self, article_id: str | None = None) -> dict[str, int]:
        """Number of live claims per verdict label."""
        return _count_labels(
            self.claims(ClaimFilter(article_id=article_id, include_dismissed=False))
        )

    def claimants_named(self, name: str) -> list[ClaimInfo]:
        """Every claim of the project whose claimant is exactly ``name``."""
        with self.store.read() as s:
            ids = [
                str(i)
                for i in s.execute(
                    select(col(Claim.id)).where(
                        col(Claim.project_id) == self.store.project_id,
                        col(Claim.claimant) == name,
                    )
                ).scalars()
            ]
        return self.claims_by_ids(ids)

    def claimant_corrections(self) -> dict[str, str]:
        """{name as detected: name a reviewer corrected it to}, from the change log.

        Read from the history rather than kept apart: every correction a person made is
        there, with who and when, and the latest correction of a name wins.
        """
        log = ChangeLog.__table__  # type: ignore[attr-defined]
        with self.store.read() as s:
            rows = s.execute(
                select(log.c.old_value, log.c.new_value)
                .where(
                    log.c.project_id == self.store.project_id,
                    log.c.table_name == "claim",
                    log.c.field == "claimant",
                    log.c.operation == "update",
                )
                .order_by(log.c.at)
            ).all()
        corrections: dict[str, str] = {}
        for old_json, new_json in rows:
            old, new = _logged_text(old_json), _logged_text(new_json)
            if old and new and old != new:
                corrections[old] = new
                corrections.pop(new, None)  # a name corrected back is no longer wrong
        return corrections

    def claim(self, claim_id: str) -> ClaimInfo:
        with self.store.read() as s:
            return self._info(s, self.store.get(s, Claim, claim_id, "claim"))

    def _info(self, s: Session, row: Claim) -> ClaimInfo:
        """``row`` as a record, read in ``s`` (an edit returns exactly what it wrote)."""
        mapping = {c.name: getattr(row, c.name) for c in Claim.__table__.c}  # type: ignore[attr-defined]
        evidence = self.evidence.for_claims(s, [row.id]).get(str(row.id), [])
        return from_rows.claim_info(
            mapping, self.store.load_scale(s), self.store.reviewer_names(s), tuple(evidence)
        )

    def add_claim(
        self,
        article_id: str,
        start: int,
        end: int,
        *,
        origin: ClaimOrigin = ClaimOrigin.MANUAL,
        wording: str | None = None,
        claimant: str | None = None,
        claimant_role: str | None = None,
        kinds: Sequence[ClaimKind] = (),
        score: float | None = None,
        role: ParagraphRole = ParagraphRole.BODY,
        claim_id: str | None = None,
    ) -> tuple[ClaimInfo, Changes]:
        """Mark ``text[start:end]`` of an article as a claim (a selection the detector missed)."""
        with self.store.write() as s:
            article = self.store.get(s, Article, article_id, "article")
            text = article.text
            # Trim the selection to its visible words: a stray space is not part of a claim.
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if not 0 <= start < end <= len(text):
                raise ValidationError("the selection is empty or outside the article.")
            quote = text[start:end]
            claim = Claim(
                id=as_uuid(claim_id, "claim") if claim_id else new_id(),
                project_id=self.store.project_id,
                article_id=article.id,
                start_offset=start,
                end_offset=end,
                quote=quote,
                context_before=text[max(0, start - CONTEXT_CHARS) : start],
                context_after=text[end : end + CONTEXT_CHARS],
                wording=wording or quote,
                claimant=single_line(claimant, "claimant"),
                claimant_role=single_line(claimant_role, "claimant's role"),
                kinds=from_rows.kinds_to_list(list(kinds)),
                score=score,
                origin=ClaimOrigin(origin).value,
                status=ClaimStatus.NEW.value,
                role=ParagraphRole(role).value,
            )
            s.add(claim)
        info = self.claim(str(claim.id))
        return info, Changes(claims=frozenset({info.id}), articles=frozenset({info.article_id}))

    def update_claim(
        self, /, claim_id: str, *, expected_revision: int | None = None, **fields: Any
    ) -> tuple[ClaimInfo, Changes]:
        """Change fields of a claim: wording, claimant, status, explanation, rating_id, ...

        Rating a new claim without naming a status moves it to "in review", in this one
        place for every caller (:func:`_status_after_rating`), in the same write.
        """
        unknown = set(fields) - _CLAIM_FIELDS
        if unknown:
            raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} of a claim.")
        clean = dict(fields)
        if "claimant" in clean:
            clean["claimant"] = single_line(clean["claimant"], "claimant")
        if "claimant_role" in clean:
            clean["claimant_role"] = single_line(clean["claimant_role"], "claimant's role")
        if "status" in clean:
            try:
                clean["status"] = ClaimStatus(clean["status"]).value
            except ValueError as exc:
                raise ValidationError(f"unknown status {quoted(clean['status'])}.") from exc
        if "kinds" in clean:
            clean["kinds"] = from_rows.kinds_to_list(list(clean["kinds"]))
        if "wording" in clean:
            clean["wording"] = (clean["wording"] or "").strip()
        with self.store.write() as s:
            row = self.store.get(s, Claim, claim_id, "claim", expected_revision)
            if "rating_id" in clean:
                clean["rating_id"] = self._checked_level(s, clean["rating_id"])
            if "conclusion" in clean:
                clean["conclusion"] = single_line(clean["conclusion"], "conclusion", 200)
            rating_changes = {"rating_id", "conclusion"} & set(clean)
            if rating_changes and any(getattr(row, k) != clean[k] for k in rating_changes):
                clean["reviewer_id"] = self.store.reviewer_id(s)
                clean["reviewed_at"] = utcnow()
            if rating_changes and "status" not in clean:
                clean.update(_status_after_rating(row, clean))
            apply(row, clean)
            s.flush()
            info = self._info(s, row)
        return info, Changes(claims=frozenset({info.id}), articles=frozenset({info.article_id}))

    def _checked_level(self, s: Session, level_id: str | uuid.UUID | None) -> uuid.UUID | None:
        if level_id is None:
            return None
        scale = self.store.load_scale(s)
        wanted = str(as_uuid(level_id, "rating"))
        if scale.level_by_id(wanted) is None:
            raise ValidationError("that rating is not on this project's scale.")
        return uuid.UUID(wanted)

    def set_rating(
        self,
        claim_id: str,
        rating: str | None,
        *,
        status: ClaimStatus | None = None,
        expected_revision: int | None = None,
    ) -> tuple[ClaimInfo, Changes]:
        """Rate a claim by a level's label (case-insensitive), or clear it with None.

        On a conclusion-only scale the text itself is the verdict. A new claim moves to
        "in review" (see :meth:`update_claim`) unless ``status`` says otherwise.
        """
        with self.store.read() as s:
            scale = self.store.load_scale(s)
        extra: dict[str, Any] = {} if status is None else {"status": status}
        if rating is None or not rating.strip():
            return self.update_claim(
                claim_id,
                expected_revision=expected_revision,
                rating_id=None,
                conclusion=None,
                **extra,
            )
        if scale.conclusion_only:
            return self.update_claim(
                claim_id,
                expected_revision=expected_revision,
                conclusion=rating.strip(),
                rating_id=None,
                **extra,
            )
        level = scale.level_by_label(rating)
        if level is None:
            raise ValidationError(
                f"{quoted(rating)} is not a rating of this project; use one of: "
                + ", ".join(lv.label for lv in scale.levels)
                + "."
            )
        return self.update_claim(
            claim_id,
            expected_revision=expected_revision,
            rating_id=level.id,
            conclusion=None,
            **extra,
        )

    def dismiss_claim(self, claim_id: str) -> tuple[ClaimInfo, Changes]:
        return self.update_claim(claim_id, status=ClaimStatus.DISMISSED)

    def restore_claim(
        self, claim_id: str, status: ClaimStatus = ClaimStatus.NEW
    ) -> tuple[ClaimInfo, Changes]:
        return self.update_claim(claim_id, status=status)

    def delete_claim(
        self, claim_id: str, *, expected_revision: int | None = None
    ) -> tuple[ClaimInfo, Changes]:
        """Remove a claim and its evidence. Returns it whole so an undo can put it back."""
        with self.store.write() as s:
            row = self.store.get(s, Claim, claim_id, "claim", expected_revision)
            before = self._info(s, row)
            s.delete(row)  # its evidence goes with it (logged by the write path)
        return before, Changes(
            claims=frozenset({claim_id}),
            articles=frozenset({before.article_id}),
            evidence=frozenset(e.id for e in before.evidence),
        )

    def reinsert_claim(self, info: ClaimInfo) -> Changes:
        """Put back a claim removed by :meth:`delete_claim` (same id, evidence included)."""
        with self.store.write() as s:
            article = self.store.get(s, Article, info.article_id, "article")
            reviewer = self.store.reviewer_id(s) if info.reviewer else None
            claim = Claim(
                id=as_uuid(info.id, "claim"),
                project_id=self.store.project_id,
                article_id=article.id,
                start_offset=info.start,
                end_offset=info.end,
                quote=info.quote,
                context_before=info.context_before,
                context_after=info.context_after,
                wording=info.wording,
                claimant=info.claimant,
                claimant_role=info.claimant_role,
                kinds=from_rows.kinds_to_list(list(info.kinds)),
                score=info.score,
                origin=info.origin.value,
                status=info.status.value,
                role=info.role.value,
                rating_id=uuid.UUID(info.rating_id) if info.rating_id else None,
                conclusion=info.rating_label if info.rating_id is None else None,
                explanation=info.explanation,
                reviewer_id=reviewer,
                reviewed_at=info.reviewed_at,
                created_at=info.created_at,
            )
            s.add(claim)
            s.flush()
            for ev in info.evidence:
                self.evidence.insert(s, claim.id, ev)
        return Changes(
            claims=frozenset({info.id}),
            articles=frozenset({info.article_id}),
            evidence=frozenset(e.id for e in info.evidence),
        )

    def merge_claims(self, first_id: str, second_id: str) -> tuple[ClaimInfo, Changes]:
        """Join two claims of one article into the first; the second's evidence moves over."""
        a, b = self.claim(first_id), self.claim(second_id)
        if a.article_id != b.article_id:
            raise ValidationError("only claims of the same article can be merged.")
        if b.start < a.start:
            a, b = b, a
        text = self.articles.article_text(a.article_id).text
        start, end = a.start, max(a.end, b.end)
        with self.store.write() as s:
            keep = self.store.get(s, Claim, a.id, "claim")
            gone = self.store.get(s, Claim, b.id, "claim")
            for ev in s.execute(
                select(Evidence).where(col(Evidence.claim_id) == gone.id)
            ).scalars():
                apply(ev, {"claim_id": keep.id})
            kinds = sorted(set(a.kinds) | set(b.kinds))
            explanation = "\n\n".join(x for x in (a.explanation, b.explanation) if x)
            apply(
                keep,
                {
                    "start_offset": start,
                    "end_offset": end,
                    "quote": text[start:end],
                    "context_after": text[end : end + CONTEXT_CHARS],
                    "wording": text[start:end]
                    if a.wording == a.quote
                    else f"{a.wording} {b.wording}".strip(),
                    "kinds": from_rows.kinds_to_list(kinds),
                    "explanation": explanation,
                    "claimant": a.claimant or b.claimant,
                    "claimant_role": a.claimant_role or b.claimant_role,
                },
            )
            s.flush()  # the evidence has moved before the second claim goes
            s.delete(gone)
        return self.claim(a.id), Changes(
            claims=frozenset({a.id, b.id}), articles=frozenset({a.article_id})
        )

    def split_claim(self, claim_id: str, at: int) -> tuple[ClaimInfo, ClaimInfo, Changes]:
        """Split a claim at article offset ``at`` into two; the rating stays with the first."""
        info = self.claim(claim_id)
        if not info.start < at < info.end:
            raise ValidationError("split the claim at a point inside it.")
        text = self.articles.article_text(info.article_id).text
        with self.store.write() as s:
            row = self.store.get(s, Claim, claim_id, "claim")
            first_end = at
            while first_end > info.start and text[first_end - 1].isspace():
                first_end -= 1
            apply(
                row,
                {
                    "end_offset": first_end,
                    "quote": text[info.start : first_end],
                    "wording": text[info.start : first_end]
                    if info.wording == info.quote
                    else info.wording,
                    "context_after": text[first_end : first_end + CONTEXT_CHARS],
                },
            )
        second, changes = self.add_claim(
            info.article_id,
            at,
            info.end,
            origin=info.origin,
            claimant=info.claimant,
            claimant_role=info.claimant_role,
            kinds=info.kinds,
            score=info.score,
            role=info.role,
        )
        return self.claim(claim_id), second, changes | Changes(claims=frozenset({claim_id}))


def _status_after_rating(row: Claim, clean: dict[str, Any]) -> dict[str, Any]:
    """The one rule for a claim's status when it is rated, whoever rates it (window,
    command line, a reused verdict): rating a new claim means it is being reviewed, so
    it moves to "in review". A status given with the rating wins (``rate --status``, an
    undo putting the old status back); done and dismissed claims keep theirs; clearing
    a rating leaves the status alone."""
    rated = clean.get("rating_id", row.rating_id) is not None or bool(
        clean.get("conclusion", row.conclusion)
    )
    if rated and row.status == ClaimStatus.NEW.value:
        return {"status": ClaimStatus.IN_REVIEW.value}
    return {}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _count_labels(claims: list[ClaimInfo]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for claim in claims:
        key = claim.rating_label or "Unrated"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _id_text(stored: Any) -> str:
    """The usual ``8-4-4-4-12`` text of an id as the driver returns it."""
    if isinstance(stored, str) and len(stored) == 32:  # SQLite's hex form
        return f"{stored[:8]}-{stored[8:12]}-{stored[12:16]}-{stored[16:20]}-{stored[20:]}"
    return str(uuid.UUID(str(stored)))


def _logged_text(value: str | None) -> str | None:
    """A text value as the change log stores it (JSON), or None for anything else."""
    try:
        loaded = json.loads(value) if value is not None else None
    except ValueError:
        return None
    return loaded if isinstance(loaded, str) and loaded.strip() else None
