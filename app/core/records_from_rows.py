"""Records made from stored rows: a database row in, an :mod:`app.core.records` record out."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from app.core.records import (
    ArticleInfo,
    AttachmentInfo,
    ClaimInfo,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    EvidenceInfo,
    Paragraph,
    ParagraphRole,
    RatingLevelInfo,
    RatingScaleInfo,
    Stance,
)

if TYPE_CHECKING:  # rows are read by attribute; the window's first look has no ORM loaded
    from app.models.tables import RatingLevel, RatingScale


# Kinds a newer Factdesk may have stored are skipped, not refused.
_KNOWN_KINDS = frozenset(k.value for k in ClaimKind)


def kinds_to_list(kinds: tuple[ClaimKind, ...] | list[ClaimKind] | list[str]) -> list[str]:
    """Kinds as stored: their values, in ClaimKind's order, each once."""
    wanted = {str(getattr(k, "value", k)) for k in kinds}
    return [k.value for k in ClaimKind if k.value in wanted]


def kinds_from_stored(value: list[str] | str | None) -> tuple[ClaimKind, ...]:
    """The kinds of a stored claim: a JSON list (or its text, from a driver row)."""
    stored = json.loads(value) if isinstance(value, str) else (value or [])
    return tuple(ClaimKind(k) for k in stored if k in _KNOWN_KINDS)


def structure_to_text(paragraphs: tuple[Paragraph, ...] | list[Paragraph]) -> str:
    return json.dumps([[p.start, p.end, p.role.value] for p in paragraphs])


def structure_from_text(text: str) -> tuple[Paragraph, ...]:
    try:
        rows = json.loads(text or "[]")
        return tuple(Paragraph(int(s), int(e), ParagraphRole(r)) for s, e, r in rows)
    except (ValueError, TypeError):
        return ()


def scale_info(scale: RatingScale, levels: list[RatingLevel]) -> RatingScaleInfo:
    return RatingScaleInfo(
        id=str(scale.id),
        name=scale.name,
        levels=tuple(
            RatingLevelInfo(
                id=str(lv.id),
                label=lv.label,
                colour=lv.colour,
                value=lv.value,
                position=lv.position,
                description=lv.description,
            )
            for lv in sorted(levels, key=lambda lv: lv.position)
        ),
        best_value=scale.best_value,
        worst_value=scale.worst_value,
    )


def article_info(row: Mapping[Any, Any], counts: dict[str, int] | None = None) -> ArticleInfo:
    return ArticleInfo(
        id=str(row["id"]),
        title=row["title"],
        outlet=row["outlet"],
        author=row["author"],
        url=row["url"],
        published=row["published"],
        language=row["language"],
        sha256=row["sha256"],
        source_format=row["source_format"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        revision=row["revision"],
        claim_counts=dict(counts or {}),
    )


def attachment_info(row: Mapping[Any, Any]) -> AttachmentInfo:
    return AttachmentInfo(
        id=str(row["id"]),
        sha256=row["sha256"],
        filename=row["filename"],
        media_type=row["media_type"],
        size=row["size"],
    )


def evidence_info(row: Mapping[Any, Any], attachment: AttachmentInfo | None) -> EvidenceInfo:
    return EvidenceInfo(
        id=str(row["id"]),
        claim_id=str(row["claim_id"]),
        url=row["url"],
        title=row["title"],
        publisher=row["publisher"],
        accessed=row["accessed"],
        archive_url=row["archive_url"],
        stance=Stance(row["stance"]),
        note=row["note"],
        attachment=attachment,
        position=row["position"],
        revision=row["revision"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )


def claim_info(
    row: Mapping[Any, Any],
    scale: RatingScaleInfo,
    reviewers: Mapping[str, str],
    evidence: tuple[EvidenceInfo, ...] = (),
) -> ClaimInfo:
    rating_id = str(row["rating_id"]) if row["rating_id"] is not None else None
    level = scale.level_by_id(rating_id)
    label = level.label if level is not None else (row["conclusion"] or None)
    reviewer_id = str(row["reviewer_id"]) if row["reviewer_id"] is not None else None
    return ClaimInfo(
        id=str(row["id"]),
        article_id=str(row["article_id"]),
        start=row["start_offset"],
        end=row["end_offset"],
        quote=row["quote"],
        context_before=row["context_before"],
        context_after=row["context_after"],
        wording=row["wording"],
        claimant=row["claimant"],
        kinds=kinds_from_stored(row["kinds"]),
        score=row["score"],
        origin=ClaimOrigin(row["origin"]),
        status=ClaimStatus(row["status"]),
        role=ParagraphRole(row["role"]),
        rating_id=rating_id,
        rating_label=label,
        explanation=row["explanation"],
        reviewer=reviewers.get(reviewer_id) if reviewer_id else None,
        reviewed_at=row["reviewed_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
        revision=row["revision"],
        evidence=evidence,
        claimant_role=row.get("claimant_role"),
    )
