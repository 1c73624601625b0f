"""Small builders for test projects, shared by several test folders."""

from __future__ import annotations

from app.core.project import DetectedSentence, ProjectService
from app.core.records import ArticleInfo, ArticleMetadata, ClaimKind, ParagraphRole

ARTICLE = (
    "Council approves harbour budget\n\n"
    "The council approved a $12 million budget on Tuesday, Mayor Ana Ruiz said. "
    "Unemployment fell to 4.2% last year, according to the statistics office. "
    "It was a sunny afternoon.\n\n"
    "Photo: Lee Park / Harbour Times\n"
)


def sentence(
    text: str,
    fragment: str,
    score: float = 0.9,
    kinds: tuple[ClaimKind, ...] = (ClaimKind.STATISTIC,),
    claimant: str | None = None,
) -> DetectedSentence:
    start = text.index(fragment)
    return DetectedSentence(
        start=start,
        end=start + len(fragment),
        score=score,
        claimant=claimant,
        kinds=kinds,
        role=ParagraphRole.BODY,
    )


def add_sample_article(service: ProjectService, text: str = ARTICLE) -> ArticleInfo:
    detected = [
        sentence(
            text,
            "The council approved a $12 million budget on Tuesday, Mayor Ana Ruiz said.",
            claimant="Ana Ruiz",
            kinds=(ClaimKind.STATISTIC, ClaimKind.ATTRIBUTION),
        ),
        sentence(
            text,
            "Unemployment fell to 4.2% last year, according to the statistics office.",
            claimant="the statistics office",
            score=0.8,
        ),
    ]
    article, _ = service.add_article(
        text,
        metadata=ArticleMetadata(
            title="Council approves harbour budget",
            outlet="Harbour Times",
            url="https://example.org/a",
        ),
        detected=detected,
    )
    return article
