"""The project service's part for articles: storing them, their metadata and text."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, true
from sqlmodel import Session, col

from app.core import records_from_rows as from_rows
from app.core.errors import (
    DuplicateArticleError,
    NotFoundError,
    ValidationError,
)
from app.core.project.store import (
    CONTEXT_CHARS,
    DetectedSentence,
    ProjectStore,
    apply,
    as_uuid,
    first_line,
)
from app.core.records import (
    ArticleInfo,
    ArticleMetadata,
    ArticleText,
    Changes,
    ClaimOrigin,
    ClaimStatus,
    Paragraph,
)
from app.core.validation import iso_date_or_none, single_line, web_url_or_none
from app.core.wording import quoted
from app.models.ids import new_id, new_ids
from app.models.tables import (
    Article,
    Attachment,
    Claim,
    Evidence,
    RatingLevel,
    Record,
    Reviewer,
)

_ARTICLE_FIELDS = {"title", "outlet", "author", "url", "published", "language"}


class ArticleOps:
    """The articles of a project: import with detected claims, metadata, text, deletion."""

    def __init__(self, store: ProjectStore) -> None:
        self.store = store

    def find_article_by_sha256(self, sha256: str) -> ArticleInfo | None:
        with self.store.read() as s:
            row = (
                s.execute(
                    select(Article.__table__).where(  # type: ignore[attr-defined]
                        col(Article.project_id) == self.store.project_id,
                        col(Article.sha256) == sha256,
                    )
                )
                .mappings()
                .first()
            )
            return from_rows.article_info(row) if row is not None else None

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
                f"this article is already in the project as {quoted(existing.title)}.",
                existing_id=existing.id,
            )
        title = single_line(meta.title, "title", 1000) or first_line(text)
        article_id = new_id()
        row = {
            "id": article_id,
            "project_id": self.store.project_id,
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
            "structure": from_rows.structure_to_text(list(paragraphs)),
        }
        claims = []
        for claim_id, sentence in zip(new_ids(len(detected)), detected, strict=True):
            if not 0 <= sentence.start < sentence.end <= len(text):
                raise ValidationError("a detected sentence lies outside the article text.")
            claims.append(
                {
                    "id": claim_id,
                    "project_id": self.store.project_id,
                    "article_id": article_id,
                    "start_offset": sentence.start,
                    "end_offset": sentence.end,
                    "quote": text[sentence.start : sentence.end],
                    "context_before": text[max(0, sentence.start - CONTEXT_CHARS) : sentence.start],
                    "context_after": text[sentence.end : sentence.end + CONTEXT_CHARS],
                    "wording": text[sentence.start : sentence.end],
                    "claimant": sentence.claimant,
                    "kinds": from_rows.kinds_to_list(sentence.kinds),
                    "claimant_role": sentence.claimant_role,
                    "score": round(float(sentence.score), 4),
                    "origin": ClaimOrigin.DETECTED.value,
                    "status": ClaimStatus.NEW.value,
                    "role": sentence.role.value,
                }
            )
        with self.store.write() as s:
            # Bulk inserts through the write path: stamped, revision 1, one log entry each.
            s.execute(insert(Article), [row])
            if claims:
                s.execute(insert(Claim), claims)
        info = self.article(str(article_id))
        return info, Changes(
            articles=frozenset({info.id}), claims=frozenset(str(c["id"]) for c in claims)
        )

    def articles(self, *, only: uuid.UUID | None = None) -> list[ArticleInfo]:
        """All articles (or ``only`` one), oldest first, with their claim counts by status."""
        with self.store.read() as s:
            table = Article.__table__  # type: ignore[attr-defined]
            cols = [c for c in table.c if c.name not in ("text", "structure")]
            rows = (
                s.execute(
                    select(*cols)
                    .where(
                        table.c.project_id == self.store.project_id,
                        table.c.id == only if only is not None else true(),
                    )
                    .order_by(table.c.id)  # time-ordered ids: import order
                )
                .mappings()
                .all()
            )
            counts: dict[str, dict[str, int]] = {}
            for article_id, status, n in s.execute(
                select(col(Claim.article_id), col(Claim.status), func.count())
                .where(
                    col(Claim.project_id) == self.store.project_id,
                    col(Claim.article_id) == only if only is not None else true(),
                )
                .group_by(col(Claim.article_id), col(Claim.status))
            ):
                counts.setdefault(str(article_id), {})[status] = n
            return [from_rows.article_info(r, counts.get(str(r["id"]))) for r in rows]

    def article(self, article_id: str) -> ArticleInfo:
        found = self.articles(only=as_uuid(article_id, "article"))
        if not found:
            raise NotFoundError(f"no article with id {article_id}.")
        return found[0]

    def article_text(self, article_id: str) -> ArticleText:
        with self.store.read() as s:
            row = self.store.get(s, Article, article_id, "article")
            return ArticleText(
                id=str(row.id),
                text=row.text,
                paragraphs=from_rows.structure_from_text(row.structure),
            )

    def update_article(
        self, /, article_id: str, *, expected_revision: int | None = None, **fields: Any
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
        with self.store.write() as s:
            row = self.store.get(s, Article, article_id, "article", expected_revision)
            apply(row, clean)
        return Changes(articles=frozenset({str(row.id)}))

    def delete_article(
        self, article_id: str, *, expected_revisions: Mapping[str, int] | None = None
    ) -> tuple[DeletedArticle, Changes]:
        """Delete an article with its claims, their evidence and the attached files no
        other evidence cites; the write path logs each row as it goes.

        ``expected_revisions`` ({record id: revision}) is the article, its claims and
        their evidence as the caller last saw them (an undo's redo): when one of them has
        moved on, or a claim or evidence was added since, nothing is deleted and
        :class:`StaleEditError` names who changed it. Returns everything that went, for
        :meth:`restore_article`.
        """
        with self.store.write() as s:
            row = self.store.get(s, Article, article_id, "article")
            gone = self._rows_of(s, row)
            if expected_revisions is not None:
                for model, rows, what in (
                    (Article, (gone.article,), "article"),
                    (Claim, gone.claims, "claim"),
                    (Evidence, gone.evidence, "evidence"),
                ):
                    for r in rows:  # an unknown row (added since) is never at revision 0
                        key = str(r["id"])
                        self.store.get(s, model, key, what, expected_revisions.get(key, 0))
            s.delete(row)  # its claims and evidence go too, each logged by the write path
            s.flush()  # first, so that the files only they cited are no longer cited
            for attachment in gone.attachments:
                s.delete(self.store.get(s, Attachment, attachment["id"], "attachment"))
        return gone, gone.changes()

    def _rows_of(self, s: Session, article: Article) -> DeletedArticle:
        """The article's rows, every column, and the attached files only it cites."""

        def rows(model: type[Record], *where: Any) -> tuple[dict[str, Any], ...]:
            table = model.__table__  # type: ignore[attr-defined]
            found = s.execute(select(table).where(*where).order_by(table.c.id)).mappings()
            return tuple(dict(r) for r in found)

        claims = rows(Claim, col(Claim.article_id) == article.id)
        claim_ids = [c["id"] for c in claims]
        evidence = rows(Evidence, col(Evidence.claim_id).in_(claim_ids)) if claim_ids else ()
        cited = {e["attachment_id"] for e in evidence if e["attachment_id"] is not None}
        elsewhere = set(
            s.execute(
                select(col(Evidence.attachment_id)).where(
                    col(Evidence.attachment_id).in_(cited),
                    col(Evidence.claim_id).not_in(claim_ids),
                )
            ).scalars()
        )
        only_here = cited - elsewhere
        files = rows(Attachment, col(Attachment.id).in_(only_here)) if only_here else ()
        return DeletedArticle(
            id=str(article.id),
            title=article.title,
            article=rows(Article, col(Article.id) == article.id)[0],
            claims=claims,
            evidence=evidence,
            attachments=files,
        )

    def restore_article(self, deleted: DeletedArticle) -> Changes:
        """Put back an article :meth:`delete_article` removed, exactly as it was: the same
        ids, text, claims with their verdicts and explanations, evidence and attached
        files. A forward edit: every row is logged as inserted again, at a revision after
        the highest it ever had.

        A verdict whose level the scale no longer has comes back unrated, as the scale
        change left every other claim; a file attached again since is shared, not doubled.
        """
        with self.store.write() as s:
            if s.get(Article, as_uuid(deleted.id, "article")) is not None:
                raise ValidationError(
                    f"the article {quoted(deleted.title)} is already in the project."
                )
            again = s.execute(
                select(col(Article.id), col(Article.title)).where(
                    col(Article.project_id) == self.store.project_id,
                    col(Article.sha256) == deleted.article["sha256"],
                )
            ).first()
            if again is not None:
                raise DuplicateArticleError(
                    f"{quoted(deleted.title)} cannot be put back: the same text was imported "
                    f"again as {quoted(again.title)}.",
                    existing_id=str(again.id),
                )
            files: dict[Any, Any] = {}  # deleted attachment id -> the id to cite now
            for values in deleted.attachments:
                same = s.execute(
                    select(col(Attachment.id)).where(
                        col(Attachment.project_id) == self.store.project_id,
                        col(Attachment.sha256) == values["sha256"],
                    )
                ).scalar_one_or_none()
                if same is None:
                    s.add(Attachment(**_without_stamps(values)))
                files[values["id"]] = same or values["id"]
            s.add(Article(**_without_stamps(deleted.article)))
            s.flush()  # claims refer to it
            levels = _existing(s, RatingLevel, {c["rating_id"] for c in deleted.claims})
            reviewers = _existing(s, Reviewer, {c["reviewer_id"] for c in deleted.claims})
            for values in deleted.claims:
                claim = _without_stamps(values)
                if claim["rating_id"] not in levels:
                    claim["rating_id"] = None
                if claim["reviewer_id"] not in reviewers:
                    claim["reviewer_id"] = None
                s.add(Claim(**claim))
            s.flush()  # evidence refers to them
            cited = {e["attachment_id"] for e in deleted.evidence} - set(files)
            files.update((i, i) for i in _existing(s, Attachment, cited))  # still cited elsewhere
            for values in deleted.evidence:
                evidence = _without_stamps(values)
                evidence["attachment_id"] = files.get(evidence["attachment_id"])
                s.add(Evidence(**evidence))
        return deleted.changes()


# Columns the write path sets on every row it writes, restored rows included.
_STAMPS = frozenset({"revision", "updated_at", "updated_by"})


def _existing(s: Session, model: type[Record], ids: set[Any]) -> set[Any]:
    """Those of ``ids`` that ``model`` still has."""
    ids.discard(None)
    if not ids:
        return set()
    return set(s.execute(select(col(model.id)).where(col(model.id).in_(ids))).scalars())


def _without_stamps(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in _STAMPS}


@dataclass(frozen=True, slots=True)
class DeletedArticle:
    """An article as :meth:`ArticleOps.delete_article` removed it, with its claims, their
    evidence and the attached files only it cited: every column of every row, so that
    :meth:`ArticleOps.restore_article` puts back exactly what was there."""

    id: str
    title: str
    article: dict[str, Any]
    claims: tuple[dict[str, Any], ...] = ()
    evidence: tuple[dict[str, Any], ...] = ()
    attachments: tuple[dict[str, Any], ...] = ()

    @property
    def rated(self) -> int:
        """How many of its claims had a verdict."""
        return sum(1 for c in self.claims if c["rating_id"] or c["conclusion"])

    def changes(self) -> Changes:
        return Changes(
            articles=frozenset({self.id}),
            claims=frozenset(str(c["id"]) for c in self.claims),
            evidence=frozenset(str(e["id"]) for e in self.evidence),
        )
