"""The project service's part for articles: storing them, their metadata and text."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, true
from sqlmodel import col

from app.core.errors import (
    DuplicateArticleError,
    NotFoundError,
    ValidationError,
)
from app.core.project import from_rows
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
from app.models.ids import new_id, new_ids
from app.models.tables import (
    Article,
    Claim,
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
                f"this article is already in the project as {existing.title!r}.",
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

    def delete_article(self, article_id: str) -> Changes:
        with self.store.write() as s:
            row = self.store.get(s, Article, article_id, "article")
            claim_ids = [
                str(c)
                for c in s.execute(
                    select(col(Claim.id)).where(col(Claim.article_id) == row.id)
                ).scalars()
            ]
            s.delete(row)  # its claims and evidence go too, each logged by the write path
        return Changes(articles=frozenset({article_id}), claims=frozenset(claim_ids))
