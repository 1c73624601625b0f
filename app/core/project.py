"""The project service: everything the window and the command line do to a project.

:class:`ProjectService` is the one door to a project's data. Each public method is one
short transaction that is committed before it returns, so an edit the window shows as
done is on disk. Methods return plain records (:mod:`app.core.records`) and, for edits,
a :class:`~app.core.records.Changes` saying what changed so views refresh only that.
Every change is written to the change log with its author.

Editing methods take an optional ``expected_revision``: when given and the stored record
has moved on (someone else saved first), nothing is written and
:class:`~app.core.errors.StaleEditError` names who changed it and when.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from app.core import convert
from app.core.errors import (
    DuplicateArticleError,
    NotFoundError,
    ProjectReadOnlyError,
    StaleEditError,
    ValidationError,
)
from app.core.records import (
    ArticleInfo,
    ArticleMetadata,
    ArticleText,
    AttachmentInfo,
    ChangeEntry,
    Changes,
    ClaimInfo,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    EvidenceInfo,
    Paragraph,
    ParagraphRole,
    ProjectInfo,
    RatingScaleInfo,
    Stance,
)
from app.core.scales import DEFAULT_SCALE, LevelSpec, check_levels, preset
from app.core.validation import iso_date_or_none, single_line, web_url_or_none
from app.models.database import (
    Database,
    create_project_file,
    open_project_file,
    translate_storage_errors,
)
from app.models.tables import (
    Article,
    Attachment,
    ChangeLog,
    Claim,
    Evidence,
    Project,
    RatingLevel,
    RatingScale,
    Record,
    Reviewer,
)

CONTEXT_CHARS = 80  # text kept either side of a claim to re-anchor it later
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class DetectedSentence:
    """What the service needs of a detected claim (matches analysis.SentenceAnalysis)."""

    start: int
    end: int
    score: float
    claimant: str | None
    kinds: tuple[ClaimKind, ...]
    role: ParagraphRole


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    """Which claims to list. Every field narrows; None means any."""

    article_id: str | None = None
    status: ClaimStatus | None = None
    rating_id: str | None = None
    unrated: bool = False
    kind: ClaimKind | None = None
    text: str | None = None
    include_dismissed: bool = True


_CLAIM_FIELDS = {
    "wording",
    "claimant",
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
_EVIDENCE_FIELDS = {
    "url",
    "title",
    "publisher",
    "accessed",
    "archive_url",
    "stance",
    "note",
    "attachment_id",
    "position",
}
_ARTICLE_FIELDS = {"title", "outlet", "author", "url", "published", "language"}


def _uuid(value: str | uuid.UUID, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFoundError(f"no {what} with id {str(value)[:60]!r}.") from exc


def _now() -> datetime:
    return datetime.now(UTC)


class ProjectService:
    """Reads and edits one project in a :class:`~app.models.database.Database`."""

    def __init__(self, db: Database, project_id: uuid.UUID, author: str) -> None:
        self.db = db
        self.project_id = project_id
        self.author = author.strip() or "Unknown reviewer"
        self._scale_cache: RatingScaleInfo | None = None

    # --- opening and creating ---------------------------------------------------------

    @classmethod
    def create_file(
        cls, path: Path | str, *, name: str | None = None, scale: str = DEFAULT_SCALE, author: str
    ) -> ProjectService:
        """Create a new ``.factdesk`` file holding one empty project."""
        scale_preset = preset(scale)  # refuse an unknown scale before making a file
        db = create_project_file(path)
        try:
            project_id = cls._create_project(db, name or Path(path).stem, scale_preset.key, author)
        except BaseException:
            db.close()
            Path(path).unlink(missing_ok=True)
            raise
        return cls(db, project_id, author)

    @classmethod
    def open_file(
        cls, path: Path | str, *, author: str, read_only: bool = False, quick_check: bool = True
    ) -> ProjectService:
        db = open_project_file(path, read_only=read_only, quick_check=quick_check)
        return cls.for_database(db, author=author)

    @classmethod
    def for_database(
        cls, db: Database, *, author: str, project_id: str | None = None
    ) -> ProjectService:
        """The service for ``project_id`` in ``db``, or its only project."""
        with translate_storage_errors(db), db.session() as s:
            ids = list(s.exec(select(Project.id).order_by(Project.created_at)).scalars())  # type: ignore[call-overload]
        if project_id is not None:
            wanted = _uuid(project_id, "project")
            if wanted not in ids:
                db.close()
                raise NotFoundError(f"{db.label}: no project with id {project_id}.")
            return cls(db, wanted, author)
        if not ids:
            db.close()
            raise NotFoundError(f"{db.label}: holds no project.")
        return cls(db, ids[0], author)

    @classmethod
    def create_in_database(
        cls, db: Database, *, name: str, scale: str = DEFAULT_SCALE, author: str
    ) -> ProjectService:
        project_id = cls._create_project(db, name, preset(scale).key, author)
        return cls(db, project_id, author)

    @staticmethod
    def _create_project(db: Database, name: str, scale_key: str, author: str) -> uuid.UUID:
        chosen = preset(scale_key)
        now = _now()
        stamp = {"created_at": now, "updated_at": now, "created_by": author, "updated_by": author}
        with translate_storage_errors(db), db.session() as s, s.begin():
            project = Project(name=single_line(name, "project name") or "Untitled project", **stamp)
            scale = RatingScale(
                project_id=project.id,
                name=chosen.name,
                preset=chosen.key,
                best_value=chosen.best_value,
                worst_value=chosen.worst_value,
                **stamp,
            )
            project.scale_id = scale.id
            s.add(scale)
            s.flush()
            s.add(project)
            for position, spec in enumerate(chosen.levels):
                s.add(
                    RatingLevel(
                        scale_id=scale.id,
                        position=position,
                        label=spec.label,
                        colour=spec.colour,
                        value=spec.value,
                        description=spec.description,
                        **stamp,
                    )
                )
            s.add(Reviewer(project_id=project.id, display_name=author, **stamp))
            s.flush()
            for row in (project, scale):
                s.add(_log_insert(project.id, author, row))
        return project.id

    def close(self) -> None:
        self.db.close()

    # --- transactions -----------------------------------------------------------------

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        with translate_storage_errors(self.db), self.db.session() as s:
            yield s

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        if self.db.read_only_reason is not None:
            raise ProjectReadOnlyError(
                f"{self.db.label}: changes are not possible ({self.db.read_only_reason})."
            )
        with translate_storage_errors(self.db), self.db.session() as s:
            try:
                with s.begin():
                    yield s
            except StaleDataError as exc:
                raise StaleEditError(
                    "someone else saved a change to this record first; nothing was written. "
                    "Reload to see their version."
                ) from exc

    def _stamp(self, row: Record) -> None:
        row.updated_at = _now()
        row.updated_by = self.author

    def _get(
        self,
        s: Session,
        table: type[Record],
        record_id: str | uuid.UUID,
        what: str,
        expected_revision: int | None = None,
    ) -> Any:
        row = s.get(table, _uuid(record_id, what))
        if row is None or getattr(row, "project_id", self.project_id) != self.project_id:
            raise NotFoundError(f"no {what} with id {record_id}.")
        if expected_revision is not None and row.revision != expected_revision:
            raise StaleEditError(
                f"this {what} was changed by {row.updated_by or 'someone else'} at "
                f"{row.updated_at:%Y-%m-%d %H:%M} UTC after you loaded it; nothing was written. "
                "Reload to see their version.",
                changed_by=row.updated_by,
                changed_at=row.updated_at.isoformat(),
            )
        return row

    def _apply(self, s: Session, row: Record, table_name: str, fields: dict[str, Any]) -> bool:
        """Set ``fields`` on ``row``, logging each real change. Returns whether any changed."""
        changed = False
        for name, value in fields.items():
            old = getattr(row, name)
            if old == value:
                continue
            setattr(row, name, value)
            s.add(
                ChangeLog(
                    project_id=self.project_id,
                    author=self.author,
                    table_name=table_name,
                    record_id=row.id,
                    operation="update",
                    field=name,
                    old_value=convert.to_json(old),
                    new_value=convert.to_json(value),
                    record_revision=row.revision + 1,
                )
            )
            changed = True
        if changed:
            self._stamp(row)
        return changed

    def _reviewer_id(self, s: Session) -> uuid.UUID:
        found = s.exec(
            select(Reviewer.id).where(  # type: ignore[call-overload]
                Reviewer.project_id == self.project_id, Reviewer.display_name == self.author
            )
        ).scalar_one_or_none()
        if found is not None:
            return uuid.UUID(str(found))
        reviewer = Reviewer(
            project_id=self.project_id,
            display_name=self.author,
            created_by=self.author,
            updated_by=self.author,
        )
        s.add(reviewer)
        s.add(_log_insert(self.project_id, self.author, reviewer))
        return reviewer.id

    # --- project and scale ------------------------------------------------------------

    def info(self) -> ProjectInfo:
        with self._read() as s:
            project = s.get(Project, self.project_id)
            if project is None:
                raise NotFoundError(f"{self.db.label}: the project is gone.")
            return ProjectInfo(
                id=str(project.id),
                name=project.name,
                description=project.description,
                language=project.language,
                scale=self._load_scale(s, project),
                created_at=project.created_at,
                updated_at=project.updated_at,
            )

    def rename(self, name: str) -> Changes:
        clean = single_line(name, "project name", 500)
        if not clean:
            raise ValidationError("a project needs a name.")
        with self._write() as s:
            project = self._get(s, Project, self.project_id, "project")
            self._apply(s, project, "project", {"name": clean})
        return Changes(project=True)

    def _load_scale(self, s: Session, project: Project | None = None) -> RatingScaleInfo:
        if project is None:
            project = s.get(Project, self.project_id)
        assert project is not None and project.scale_id is not None
        scale = s.get(RatingScale, project.scale_id)
        assert scale is not None
        levels = list(
            s.exec(
                select(RatingLevel).where(  # type: ignore[call-overload]
                    RatingLevel.scale_id == scale.id
                )
            ).scalars()
        )
        info = convert.scale_info(scale, levels)
        self._scale_cache = info
        return info

    def scale(self) -> RatingScaleInfo:
        with self._read() as s:
            return self._load_scale(s)

    def set_scale_levels(
        self,
        levels: Sequence[LevelSpec],
        *,
        name: str | None = None,
        best_value: float | None = None,
        worst_value: float | None = None,
    ) -> Changes:
        """Replace the scale's levels by user-defined ones (matched by label to keep ratings).

        Claims rated with a level whose label disappears lose their rating; the change
        log keeps what it was.
        """
        check_levels(list(levels))
        with self._write() as s:
            project = self._get(s, Project, self.project_id, "project")
            scale = s.get(RatingScale, project.scale_id)
            existing = {
                lv.label.casefold(): lv
                for lv in s.exec(
                    select(RatingLevel).where(RatingLevel.scale_id == scale.id)
                ).scalars()
            }  # type: ignore[call-overload]
            keep: set[uuid.UUID] = set()
            for position, spec in enumerate(levels):
                row = existing.get(spec.label.strip().casefold())
                fields = {
                    "position": position,
                    "label": spec.label.strip(),
                    "colour": spec.colour.lower(),
                    "value": spec.value,
                    "description": spec.description,
                }
                if row is None:
                    row = RatingLevel(
                        scale_id=scale.id, created_by=self.author, updated_by=self.author, **fields
                    )
                    s.add(row)
                    s.add(_log_insert(self.project_id, self.author, row))
                else:
                    self._apply(s, row, "ratinglevel", fields)
                keep.add(row.id)
            for row in existing.values():
                if row.id not in keep:
                    s.add(_log_delete(self.project_id, self.author, row))
                    s.execute(
                        update(Claim)
                        .where(Claim.rating_id == row.id)  # type: ignore[arg-type]
                        .values(rating_id=None)
                    )
                    s.delete(row)
            values = [spec.value for spec in levels if spec.value is not None]
            self._apply(
                s,
                scale,
                "ratingscale",
                {
                    "name": single_line(name, "scale name") or scale.name,
                    "preset": None,
                    "best_value": best_value
                    if best_value is not None
                    else (max(values) if values else None),
                    "worst_value": worst_value
                    if worst_value is not None
                    else (min(values) if values else None),
                },
            )
        return Changes(scale=True)

    # --- articles ---------------------------------------------------------------------

    def find_article_by_sha256(self, sha256: str) -> ArticleInfo | None:
        with self._read() as s:
            row = (
                s.execute(
                    select(Article.__table__).where(  # type: ignore[attr-defined]
                        Article.project_id == self.project_id, Article.sha256 == sha256
                    )
                )
                .mappings()
                .first()
            )
            return convert.article_info(row) if row is not None else None

    def add_article(
        self,
        text: str,
        *,
        metadata: ArticleMetadata | None = None,
        paragraphs: Sequence[Paragraph] = (),
        source_format: str = "text",
        source_name: str | None = None,
        detected: Sequence[DetectedSentence] = (),
    ) -> tuple[ArticleInfo, Changes]:
        """Store an article and its detected claims in one transaction.

        Raises :class:`DuplicateArticleError` (with the existing id) when the same text is
        already in the project.
        """
        if not text.strip():
            raise ValidationError("the article has no text.")
        meta = metadata or ArticleMetadata()
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        existing = self.find_article_by_sha256(sha256)
        if existing is not None:
            raise DuplicateArticleError(
                f"this article is already in the project as {existing.title!r}.",
                existing_id=existing.id,
            )
        title = single_line(meta.title, "title", 1000) or _first_line(text)
        now = _now()
        stamp = {
            "created_at": now,
            "updated_at": now,
            "created_by": self.author,
            "updated_by": self.author,
            "revision": 1,
        }
        article_id = uuid.uuid4()
        structure = convert.structure_to_text(list(paragraphs))
        with self._write() as s:
            row = {
                "id": article_id,
                "project_id": self.project_id,
                "title": title,
                "outlet": single_line(meta.outlet, "outlet"),
                "author": single_line(meta.author, "author"),
                "url": web_url_or_none(meta.url, "article address"),
                "published": meta.published,
                "language": meta.language,
                "source_format": source_format,
                "source_name": source_name,
                "text": text,
                "sha256": sha256,
                "structure": structure,
                **stamp,
            }
            s.execute(insert(Article), [row])
            log = [
                _log_row(
                    self.project_id,
                    self.author,
                    now,
                    "article",
                    article_id,
                    "insert",
                    new={k: v for k, v in row.items() if k != "text"},
                )
            ]
            claims = []
            for sentence in detected:
                if not 0 <= sentence.start < sentence.end <= len(text):
                    raise ValidationError("a detected sentence lies outside the article text.")
                claim_id = uuid.uuid4()
                claims.append(
                    {
                        "id": claim_id,
                        "project_id": self.project_id,
                        "article_id": article_id,
                        "start_offset": sentence.start,
                        "end_offset": sentence.end,
                        "quote": text[sentence.start : sentence.end],
                        "context_before": text[
                            max(0, sentence.start - CONTEXT_CHARS) : sentence.start
                        ],
                        "context_after": text[sentence.end : sentence.end + CONTEXT_CHARS],
                        "wording": text[sentence.start : sentence.end],
                        "claimant": sentence.claimant,
                        "kinds": convert.kinds_to_text(sentence.kinds),
                        "score": round(float(sentence.score), 4),
                        "origin": ClaimOrigin.DETECTED.value,
                        "status": ClaimStatus.NEW.value,
                        "role": sentence.role.value,
                        "rating_id": None,
                        "conclusion": None,
                        "explanation": "",
                        "reviewer_id": None,
                        "reviewed_at": None,
                        **stamp,
                    }
                )
            if claims:
                s.execute(insert(Claim), claims)
                log.extend(
                    _log_row(
                        self.project_id,
                        self.author,
                        now,
                        "claim",
                        c["id"],
                        "insert",
                        new=_claim_log_fields(c),
                    )
                    for c in claims
                )
            s.execute(insert(ChangeLog), log)
        info = self.article(str(article_id))
        return info, Changes(
            articles=frozenset({info.id}), claims=frozenset(str(c["id"]) for c in claims)
        )

    def articles(self) -> list[ArticleInfo]:
        """All articles, oldest first, with their claim counts by status."""
        with self._read() as s:
            table = Article.__table__  # type: ignore[attr-defined]
            cols = [c for c in table.c if c.name not in ("text", "structure")]
            rows = (
                s.execute(
                    select(*cols)
                    .where(table.c.project_id == self.project_id)
                    .order_by(table.c.created_at, table.c.id)
                )
                .mappings()
                .all()
            )
            counts: dict[str, dict[str, int]] = {}
            for article_id, status, n in s.execute(
                select(Claim.article_id, Claim.status, func.count())
                .where(Claim.project_id == self.project_id)
                .group_by(Claim.article_id, Claim.status)
            ):
                counts.setdefault(str(article_id), {})[status] = n
            return [convert.article_info(r, counts.get(str(r["id"]))) for r in rows]

    def article(self, article_id: str) -> ArticleInfo:
        for info in self.articles():
            if info.id == str(_uuid(article_id, "article")):
                return info
        raise NotFoundError(f"no article with id {article_id}.")

    def article_text(self, article_id: str) -> ArticleText:
        with self._read() as s:
            row = self._get(s, Article, article_id, "article")
            return ArticleText(
                id=str(row.id), text=row.text, paragraphs=convert.structure_from_text(row.structure)
            )

    def update_article(
        self, article_id: str, *, expected_revision: int | None = None, **fields: Any
    ) -> Changes:
        """Edit an article's metadata (title, outlet, author, url, published, language)."""
        unknown = set(fields) - _ARTICLE_FIELDS
        if unknown:
            raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} of an article.")
        clean: dict[str, Any] = {}
        for name, value in fields.items():
            if name == "url":
                clean[name] = web_url_or_none(value, "article address")
            elif name == "published":
                clean[name] = iso_date_or_none(value, "publication date")
            elif name == "title":
                clean[name] = single_line(value, "title", 1000) or "Untitled article"
            else:
                clean[name] = single_line(value, name)
        with self._write() as s:
            row = self._get(s, Article, article_id, "article", expected_revision)
            self._apply(s, row, "article", clean)
        return Changes(articles=frozenset({str(row.id)}))

    def delete_article(self, article_id: str) -> Changes:
        with self._write() as s:
            row = self._get(s, Article, article_id, "article")
            claim_ids = [
                str(c)
                for c in s.execute(select(Claim.id).where(Claim.article_id == row.id)).scalars()
            ]
            s.add(_log_delete(self.project_id, self.author, row, skip=("text",)))
            s.delete(row)
        return Changes(articles=frozenset({article_id}), claims=frozenset(claim_ids))

    # --- claims -----------------------------------------------------------------------

    def _claim_query(self, flt: ClaimFilter) -> Any:
        table = Claim.__table__  # type: ignore[attr-defined]
        conditions = [table.c.project_id == self.project_id]
        if flt.article_id is not None:
            conditions.append(table.c.article_id == _uuid(flt.article_id, "article"))
        if flt.status is not None:
            conditions.append(table.c.status == ClaimStatus(flt.status).value)
        elif not flt.include_dismissed:
            conditions.append(table.c.status != ClaimStatus.DISMISSED.value)
        if flt.rating_id is not None:
            conditions.append(table.c.rating_id == _uuid(flt.rating_id, "rating"))
        if flt.unrated:
            conditions.append(and_(table.c.rating_id.is_(None), table.c.conclusion.is_(None)))
        if flt.kind is not None:
            padded = func.coalesce("," + table.c.kinds + ",", "")
            conditions.append(padded.like(f"%,{ClaimKind(flt.kind).value},%"))
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

    def claims(
        self, flt: ClaimFilter | None = None, *, with_evidence: bool = False
    ) -> list[ClaimInfo]:
        """Claims matching ``flt`` in article order (article, then position)."""
        flt = flt or ClaimFilter()
        table = Claim.__table__  # type: ignore[attr-defined]
        articles = Article.__table__  # type: ignore[attr-defined]
        query = self._claim_query(flt)
        if flt.article_id is None:
            query = query.join(articles, articles.c.id == table.c.article_id).order_by(
                articles.c.created_at, articles.c.id, table.c.start_offset, table.c.end_offset
            )
        else:
            query = query.order_by(table.c.start_offset, table.c.end_offset)
        with self._read() as s:
            scale = self._load_scale(s)
            reviewers = self._reviewer_names(s)
            rows = s.execute(query).mappings().all()
            evidence: dict[str, list[EvidenceInfo]] = {}
            if with_evidence and rows:
                evidence = self._evidence_for(
                    s, [r["id"] for r in rows] if len(rows) < 500 else None
                )
            return [
                convert.claim_info(r, scale, reviewers, tuple(evidence.get(str(r["id"]), ())))
                for r in rows
            ]

    def claim_counts(self, article_id: str | None = None) -> dict[str, int]:
        """Number of claims by status (and ``"rated"``/``"unrated"`` among the live ones)."""
        table = Claim.__table__  # type: ignore[attr-defined]
        cond = [table.c.project_id == self.project_id]
        if article_id is not None:
            cond.append(table.c.article_id == _uuid(article_id, "article"))
        with self._read() as s:
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

    def claim(self, claim_id: str) -> ClaimInfo:
        with self._read() as s:
            row = self._get(s, Claim, claim_id, "claim")
            mapping = {c.name: getattr(row, c.name) for c in Claim.__table__.c}  # type: ignore[attr-defined]
            evidence = self._evidence_for(s, [row.id]).get(str(row.id), [])
            return convert.claim_info(
                mapping, self._load_scale(s), self._reviewer_names(s), tuple(evidence)
            )

    def _reviewer_names(self, s: Session) -> dict[str, str]:
        return {
            str(i): n
            for i, n in s.execute(
                select(Reviewer.id, Reviewer.display_name).where(
                    Reviewer.project_id == self.project_id
                )
            )
        }

    def _evidence_for(
        self, s: Session, claim_ids: list[uuid.UUID] | None
    ) -> dict[str, list[EvidenceInfo]]:
        table = Evidence.__table__  # type: ignore[attr-defined]
        query = select(table).where(table.c.project_id == self.project_id)
        if claim_ids is not None:
            query = query.where(table.c.claim_id.in_(claim_ids))
        rows = (
            s.execute(query.order_by(table.c.claim_id, table.c.position, table.c.created_at))
            .mappings()
            .all()
        )
        attachment_ids = {r["attachment_id"] for r in rows if r["attachment_id"] is not None}
        attachments: dict[Any, AttachmentInfo] = {}
        if attachment_ids:
            atable = Attachment.__table__  # type: ignore[attr-defined]
            cols = [c for c in atable.c if c.name != "data"]
            for a in s.execute(select(*cols).where(atable.c.id.in_(attachment_ids))).mappings():
                attachments[a["id"]] = convert.attachment_info(a)
        found: dict[str, list[EvidenceInfo]] = {}
        for r in rows:
            found.setdefault(str(r["claim_id"]), []).append(
                convert.evidence_info(r, attachments.get(r["attachment_id"]))
            )
        return found

    def add_claim(
        self,
        article_id: str,
        start: int,
        end: int,
        *,
        origin: ClaimOrigin = ClaimOrigin.MANUAL,
        wording: str | None = None,
        claimant: str | None = None,
        kinds: Sequence[ClaimKind] = (),
        score: float | None = None,
        role: ParagraphRole = ParagraphRole.BODY,
        claim_id: str | None = None,
    ) -> tuple[ClaimInfo, Changes]:
        """Mark ``text[start:end]`` of an article as a claim (e.g. a selection the detector missed)."""
        with self._write() as s:
            article = self._get(s, Article, article_id, "article")
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
                id=_uuid(claim_id, "claim") if claim_id else uuid.uuid4(),
                project_id=self.project_id,
                article_id=article.id,
                start_offset=start,
                end_offset=end,
                quote=quote,
                context_before=text[max(0, start - CONTEXT_CHARS) : start],
                context_after=text[end : end + CONTEXT_CHARS],
                wording=wording or quote,
                claimant=single_line(claimant, "claimant"),
                kinds=convert.kinds_to_text(list(kinds)),
                score=score,
                origin=ClaimOrigin(origin).value,
                status=ClaimStatus.NEW.value,
                role=ParagraphRole(role).value,
                created_by=self.author,
                updated_by=self.author,
            )
            s.add(claim)
            s.add(_log_insert(self.project_id, self.author, claim))
        info = self.claim(str(claim.id))
        return info, Changes(claims=frozenset({info.id}), articles=frozenset({info.article_id}))

    def update_claim(
        self, claim_id: str, *, expected_revision: int | None = None, **fields: Any
    ) -> tuple[ClaimInfo, Changes]:
        """Change fields of a claim: wording, claimant, status, explanation, rating_id, ..."""
        unknown = set(fields) - _CLAIM_FIELDS
        if unknown:
            raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} of a claim.")
        clean = dict(fields)
        if "claimant" in clean:
            clean["claimant"] = single_line(clean["claimant"], "claimant")
        if "status" in clean:
            try:
                clean["status"] = ClaimStatus(clean["status"]).value
            except ValueError as exc:
                raise ValidationError(f"unknown status {clean['status']!r}.") from exc
        if "kinds" in clean:
            clean["kinds"] = convert.kinds_to_text(list(clean["kinds"]))
        if "wording" in clean:
            clean["wording"] = (clean["wording"] or "").strip()
        with self._write() as s:
            row = self._get(s, Claim, claim_id, "claim", expected_revision)
            if "rating_id" in clean:
                clean["rating_id"] = self._checked_level(s, clean["rating_id"])
            if "conclusion" in clean:
                clean["conclusion"] = single_line(clean["conclusion"], "conclusion", 200)
            rating_changes = {"rating_id", "conclusion"} & set(clean)
            if rating_changes and any(getattr(row, k) != clean[k] for k in rating_changes):
                clean["reviewer_id"] = self._reviewer_id(s)
                clean["reviewed_at"] = _now()
            self._apply(s, row, "claim", clean)
        info = self.claim(claim_id)
        return info, Changes(claims=frozenset({info.id}), articles=frozenset({info.article_id}))

    def _checked_level(self, s: Session, level_id: str | uuid.UUID | None) -> uuid.UUID | None:
        if level_id is None:
            return None
        scale = self._load_scale(s)
        wanted = str(_uuid(level_id, "rating"))
        if scale.level_by_id(wanted) is None:
            raise ValidationError("that rating is not on this project's scale.")
        return uuid.UUID(wanted)

    def set_rating(
        self, claim_id: str, rating: str | None, *, expected_revision: int | None = None
    ) -> tuple[ClaimInfo, Changes]:
        """Rate a claim by a level's label (case-insensitive), or clear it with None.

        On a conclusion-only scale the text itself is the verdict.
        """
        scale = self.scale()
        if rating is None or not rating.strip():
            return self.update_claim(
                claim_id, expected_revision=expected_revision, rating_id=None, conclusion=None
            )
        if scale.conclusion_only:
            return self.update_claim(
                claim_id,
                expected_revision=expected_revision,
                conclusion=rating.strip(),
                rating_id=None,
            )
        level = scale.level_by_label(rating)
        if level is None:
            raise ValidationError(
                f"{rating!r} is not a rating of this project; use one of: "
                + ", ".join(lv.label for lv in scale.levels)
                + "."
            )
        return self.update_claim(
            claim_id, expected_revision=expected_revision, rating_id=level.id, conclusion=None
        )

    def dismiss_claim(self, claim_id: str) -> tuple[ClaimInfo, Changes]:
        return self.update_claim(claim_id, status=ClaimStatus.DISMISSED)

    def restore_claim(
        self, claim_id: str, status: ClaimStatus = ClaimStatus.NEW
    ) -> tuple[ClaimInfo, Changes]:
        return self.update_claim(claim_id, status=status)

    def delete_claim(self, claim_id: str) -> tuple[ClaimInfo, Changes]:
        """Remove a claim and its evidence. Returns it whole so an undo can put it back."""
        before = self.claim(claim_id)
        with self._write() as s:
            row = self._get(s, Claim, claim_id, "claim")
            for ev in s.execute(select(Evidence).where(Evidence.claim_id == row.id)).scalars():
                s.add(_log_delete(self.project_id, self.author, ev))
            s.add(_log_delete(self.project_id, self.author, row))
            s.delete(row)
        return before, Changes(
            claims=frozenset({claim_id}),
            articles=frozenset({before.article_id}),
            evidence=frozenset(e.id for e in before.evidence),
        )

    def reinsert_claim(self, info: ClaimInfo) -> Changes:
        """Put back a claim removed by :meth:`delete_claim` (same id, evidence included)."""
        with self._write() as s:
            article = self._get(s, Article, info.article_id, "article")
            reviewer = self._reviewer_id(s) if info.reviewer else None
            claim = Claim(
                id=_uuid(info.id, "claim"),
                project_id=self.project_id,
                article_id=article.id,
                start_offset=info.start,
                end_offset=info.end,
                quote=info.quote,
                context_before=info.context_before,
                context_after=info.context_after,
                wording=info.wording,
                claimant=info.claimant,
                kinds=convert.kinds_to_text(list(info.kinds)),
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
                created_by=self.author,
                updated_by=self.author,
            )
            s.add(claim)
            s.add(_log_insert(self.project_id, self.author, claim))
            s.flush()
            for ev in info.evidence:
                self._insert_evidence(s, claim.id, ev)
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
        text = self.article_text(a.article_id).text
        start, end = a.start, max(a.end, b.end)
        with self._write() as s:
            keep = self._get(s, Claim, a.id, "claim")
            gone = self._get(s, Claim, b.id, "claim")
            for ev in s.execute(select(Evidence).where(Evidence.claim_id == gone.id)).scalars():
                self._apply(s, ev, "evidence", {"claim_id": keep.id})
            kinds = sorted(set(a.kinds) | set(b.kinds))
            explanation = "\n\n".join(x for x in (a.explanation, b.explanation) if x)
            self._apply(
                s,
                keep,
                "claim",
                {
                    "start_offset": start,
                    "end_offset": end,
                    "quote": text[start:end],
                    "context_after": text[end : end + CONTEXT_CHARS],
                    "wording": text[start:end]
                    if a.wording == a.quote
                    else f"{a.wording} {b.wording}".strip(),
                    "kinds": convert.kinds_to_text(kinds),
                    "explanation": explanation,
                    "claimant": a.claimant or b.claimant,
                },
            )
            s.add(_log_delete(self.project_id, self.author, gone))
            s.flush()
            s.delete(gone)
        return self.claim(a.id), Changes(
            claims=frozenset({a.id, b.id}), articles=frozenset({a.article_id})
        )

    def split_claim(self, claim_id: str, at: int) -> tuple[ClaimInfo, ClaimInfo, Changes]:
        """Split a claim at article offset ``at`` into two; the rating stays with the first."""
        info = self.claim(claim_id)
        if not info.start < at < info.end:
            raise ValidationError("split the claim at a point inside it.")
        text = self.article_text(info.article_id).text
        with self._write() as s:
            row = self._get(s, Claim, claim_id, "claim")
            first_end = at
            while first_end > info.start and text[first_end - 1].isspace():
                first_end -= 1
            self._apply(
                s,
                row,
                "claim",
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
            kinds=info.kinds,
            score=info.score,
            role=info.role,
        )
        return self.claim(claim_id), second, changes | Changes(claims=frozenset({claim_id}))

    # --- evidence and attachments -----------------------------------------------------

    def _clean_evidence(self, fields: dict[str, Any]) -> dict[str, Any]:
        unknown = set(fields) - _EVIDENCE_FIELDS
        if unknown:
            raise ValidationError(f"cannot edit {', '.join(sorted(unknown))} of evidence.")
        clean = dict(fields)
        if "url" in clean:
            clean["url"] = web_url_or_none(clean["url"], "evidence link")
        if "archive_url" in clean:
            clean["archive_url"] = web_url_or_none(clean["archive_url"], "archive link")
        if "accessed" in clean:
            clean["accessed"] = iso_date_or_none(clean["accessed"], "access date")
        if "stance" in clean:
            try:
                clean["stance"] = Stance(clean["stance"]).value
            except ValueError as exc:
                raise ValidationError(
                    f"stance must be supports, refutes or context, not {clean['stance']!r}."
                ) from exc
        for name in ("title", "publisher"):
            if name in clean:
                clean[name] = single_line(clean[name], name, 2000) or ""
        if "note" in clean:
            clean["note"] = (clean["note"] or "").strip()
        if "attachment_id" in clean and clean["attachment_id"] is not None:
            clean["attachment_id"] = _uuid(clean["attachment_id"], "attachment")
        return clean

    def add_evidence(
        self,
        claim_id: str,
        *,
        url: str | None = None,
        title: str = "",
        publisher: str = "",
        accessed: date | str | None = None,
        archive_url: str | None = None,
        stance: Stance | str = Stance.CONTEXT,
        note: str = "",
        attachment_id: str | None = None,
    ) -> tuple[EvidenceInfo, Changes]:
        clean = self._clean_evidence(
            {
                "url": url,
                "title": title,
                "publisher": publisher,
                "accessed": accessed if accessed is not None else date.today(),
                "archive_url": archive_url,
                "stance": stance,
                "note": note,
                "attachment_id": attachment_id,
            }
        )
        if clean["url"] is None and clean["attachment_id"] is None and not clean["note"]:
            raise ValidationError("evidence needs a link, an attached file or a note.")
        with self._write() as s:
            claim = self._get(s, Claim, claim_id, "claim")
            if clean["attachment_id"] is not None:
                self._get(s, Attachment, clean["attachment_id"], "attachment")
            position = s.execute(
                select(func.coalesce(func.max(Evidence.position), -1) + 1).where(
                    Evidence.claim_id == claim.id
                )
            ).scalar_one()
            row = Evidence(
                project_id=self.project_id,
                claim_id=claim.id,
                position=position,
                created_by=self.author,
                updated_by=self.author,
                **clean,
            )
            s.add(row)
            s.add(_log_insert(self.project_id, self.author, row))
        info = self.evidence(str(row.id))
        return info, Changes(evidence=frozenset({info.id}), claims=frozenset({claim_id}))

    def _insert_evidence(self, s: Session, claim_id: uuid.UUID, ev: EvidenceInfo) -> None:
        row = Evidence(
            id=_uuid(ev.id, "evidence"),
            project_id=self.project_id,
            claim_id=claim_id,
            position=ev.position,
            url=ev.url,
            title=ev.title,
            publisher=ev.publisher,
            accessed=ev.accessed,
            archive_url=ev.archive_url,
            stance=ev.stance.value,
            note=ev.note,
            attachment_id=_uuid(ev.attachment.id, "attachment") if ev.attachment else None,
            created_by=self.author,
            updated_by=self.author,
        )
        s.add(row)
        s.add(_log_insert(self.project_id, self.author, row))

    def evidence(self, evidence_id: str) -> EvidenceInfo:
        with self._read() as s:
            row = self._get(s, Evidence, evidence_id, "evidence")
            for item in self._evidence_for(s, [row.claim_id]).get(str(row.claim_id), []):
                if item.id == str(row.id):
                    return item
        raise NotFoundError(f"no evidence with id {evidence_id}.")

    def update_evidence(
        self, evidence_id: str, *, expected_revision: int | None = None, **fields: Any
    ) -> tuple[EvidenceInfo, Changes]:
        clean = self._clean_evidence(fields)
        with self._write() as s:
            row = self._get(s, Evidence, evidence_id, "evidence", expected_revision)
            self._apply(s, row, "evidence", clean)
            claim_id = str(row.claim_id)
        return self.evidence(evidence_id), Changes(
            evidence=frozenset({evidence_id}), claims=frozenset({claim_id})
        )

    def remove_evidence(self, evidence_id: str) -> tuple[EvidenceInfo, Changes]:
        """Remove an evidence item; returns it so an undo can put it back."""
        before = self.evidence(evidence_id)
        with self._write() as s:
            row = self._get(s, Evidence, evidence_id, "evidence")
            s.add(_log_delete(self.project_id, self.author, row))
            s.delete(row)
        return before, Changes(
            evidence=frozenset({evidence_id}), claims=frozenset({before.claim_id})
        )

    def reinsert_evidence(self, info: EvidenceInfo) -> Changes:
        with self._write() as s:
            claim = self._get(s, Claim, info.claim_id, "claim")
            self._insert_evidence(s, claim.id, info)
        return Changes(evidence=frozenset({info.id}), claims=frozenset({info.claim_id}))

    def store_attachment(
        self, data: bytes, filename: str, media_type: str = "application/octet-stream"
    ) -> AttachmentInfo:
        """Store a file in the project, once per content (deduplicated by SHA-256)."""
        from app.core.attachments import safe_filename

        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                f"{safe_filename(filename)} is larger than the "
                f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB limit for an attached file."
            )
        sha256 = hashlib.sha256(data).hexdigest()
        name = safe_filename(filename)
        with self._write() as s:
            found = s.execute(
                select(Attachment.id).where(
                    Attachment.project_id == self.project_id, Attachment.sha256 == sha256
                )
            ).scalar_one_or_none()
            if found is None:
                row = Attachment(
                    project_id=self.project_id,
                    sha256=sha256,
                    filename=name,
                    media_type=media_type[:200],
                    size=len(data),
                    data=data,
                    created_by=self.author,
                    updated_by=self.author,
                )
                s.add(row)
                s.add(_log_insert(self.project_id, self.author, row, skip=("data",)))
                found = row.id
        with self._read() as s:
            row = s.get(Attachment, found)
            assert row is not None
            return AttachmentInfo(
                id=str(row.id),
                sha256=row.sha256,
                filename=row.filename,
                media_type=row.media_type,
                size=row.size,
            )

    def attach_file(self, path: Path | str) -> AttachmentInfo:
        import mimetypes

        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_ATTACHMENT_BYTES:
                raise ValidationError(
                    f"{path.name} is larger than the "
                    f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB limit."
                )
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return self.store_attachment(data, path.name, media_type)

    def attachment_data(self, attachment_id: str) -> tuple[AttachmentInfo, bytes]:
        with self._read() as s:
            row = self._get(s, Attachment, attachment_id, "attachment")
            return convert.attachment_info(row.__dict__), bytes(row.data)

    # --- history ----------------------------------------------------------------------

    def history(self, record_id: str | None = None, limit: int = 200) -> list[ChangeEntry]:
        """The newest change-log entries, for one record or the whole project."""
        table = ChangeLog.__table__  # type: ignore[attr-defined]
        query = select(table).where(table.c.project_id == self.project_id)
        if record_id is not None:
            query = query.where(table.c.record_id == _uuid(record_id, "record"))
        with self._read() as s:
            rows = s.execute(query.order_by(table.c.at.desc()).limit(limit)).mappings().all()
        return [
            ChangeEntry(
                id=str(r["id"]),
                at=r["at"],
                author=r["author"],
                table=r["table_name"],
                record_id=str(r["record_id"]),
                operation=r["operation"],
                field=r["field"],
                old_value=r["old_value"],
                new_value=r["new_value"],
            )
            for r in rows
        ]


# --- helpers ------------------------------------------------------------------------


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:200]
    return "Untitled article"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _count_labels(claims: list[ClaimInfo]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for claim in claims:
        key = claim.rating_label or "Unrated"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _claim_log_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("context_before", "context_after")}


def _record_fields(row: Record, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    table = type(row).__table__  # type: ignore[attr-defined]
    return {c.name: getattr(row, c.name) for c in table.c if c.name not in skip}


def _log_row(
    project_id: uuid.UUID,
    author: str,
    at: datetime,
    table: str,
    record_id: uuid.UUID,
    operation: str,
    *,
    new: dict[str, Any] | None = None,
    old: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "project_id": project_id,
        "at": at,
        "author": author,
        "table_name": table,
        "record_id": record_id,
        "operation": operation,
        "field": None,
        "old_value": convert.to_json({k: convert.json_value(v) for k, v in old.items()})
        if old is not None
        else None,
        "new_value": convert.to_json({k: convert.json_value(v) for k, v in new.items()})
        if new is not None
        else None,
        "record_revision": 1 if operation == "insert" else None,
    }


def _log_insert(
    project_id: uuid.UUID, author: str, row: Record, skip: tuple[str, ...] = ()
) -> ChangeLog:
    return ChangeLog(
        **_log_row(
            project_id,
            author,
            _now(),
            str(type(row).__tablename__),
            row.id,
            "insert",
            new=_record_fields(row, skip),
        )
    )


def _log_delete(
    project_id: uuid.UUID, author: str, row: Record, skip: tuple[str, ...] = ("data",)
) -> ChangeLog:
    return ChangeLog(
        **_log_row(
            project_id,
            author,
            _now(),
            str(type(row).__tablename__),
            row.id,
            "delete",
            old=_record_fields(row, skip),
        )
    )


__all__ = ["ClaimFilter", "DetectedSentence", "ProjectService"]
