"""From an article file (or pasted text) to a stored article with its detected claims.

The same steps for the window, the command line and the self-test: read the file with
the importers, run claim detection over its text and paragraph roles, and store the
article and the check-worthy sentences as claims in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from app.core.errors import DuplicateArticleError
from app.core.project import DetectedSentence, ProjectService
from app.core.records import ArticleInfo, ArticleMetadata


@dataclass(frozen=True, slots=True)
class ImportResult:
    article: ArticleInfo
    created: bool  # False when the same text was already in the project
    detected: int  # check-worthy sentences stored as claims


def merge_metadata(found: ArticleMetadata, given: ArticleMetadata) -> ArticleMetadata:
    """What the user typed wins over what the file says."""
    return replace(
        found,
        title=given.title or found.title,
        outlet=given.outlet or found.outlet,
        author=given.author or found.author,
        url=given.url or found.url,
        published=given.published or found.published,
        language=given.language or found.language,
    )


def store_imported(
    service: ProjectService,
    imported: object,
    *,
    metadata: ArticleMetadata | None = None,
    source_name: str | None = None,
) -> ImportResult:
    """Detect claims in an :class:`~app.core.importers.ImportedArticle` and store both."""
    from app.core.analysis import analyse, infer_paragraphs
    from app.core.importers import ImportedArticle

    assert isinstance(imported, ImportedArticle)
    existing = service.find_article_by_sha256(imported.sha256)
    if existing is not None:
        return ImportResult(existing, created=False, detected=0)
    paragraphs = imported.paragraphs or tuple(infer_paragraphs(imported.text))
    sentences = analyse(imported.text, paragraphs)
    # A claimant a reviewer corrected in this project ("Tarrant" -> "Wes Tarrant") is
    # named the corrected way in every article imported after.
    corrections = service.claimant_corrections()
    detected = [
        DetectedSentence(
            start=s.start,
            end=s.end,
            score=s.score,
            claimant=corrections.get(s.claimant, s.claimant) if s.claimant else None,
            kinds=s.kinds,
            role=s.role,
            claimant_role=s.claimant_role,
        )
        for s in sentences
        if s.checkworthy
    ]
    meta = merge_metadata(imported.metadata, metadata or ArticleMetadata())
    try:
        article, _changes = service.add_article(
            imported.text,
            metadata=meta,
            paragraphs=paragraphs,
            source_format=imported.source_format,
            source_name=source_name,
            detected=detected,
        )
    except DuplicateArticleError as exc:  # imported by someone else meanwhile
        return ImportResult(service.article(exc.existing_id), created=False, detected=0)
    return ImportResult(article, created=True, detected=len(detected))


def import_article_file(
    service: ProjectService, path: Path | str, *, metadata: ArticleMetadata | None = None
) -> ImportResult:
    from app.core.importers import read_article

    path = Path(path)
    return store_imported(service, read_article(path), metadata=metadata, source_name=path.name)


def import_pasted(
    service: ProjectService,
    text: str | None,
    html: str | None = None,
    *,
    metadata: ArticleMetadata | None = None,
) -> ImportResult:
    from app.core.importers import read_pasted

    return store_imported(
        service, read_pasted(text, html), metadata=metadata, source_name="pasted text"
    )
