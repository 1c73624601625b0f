"""Projects for the report tests, built through the real ProjectService in tmp_path."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from app.core.project import DetectedSentence, ProjectService
from app.core.records import ArticleMetadata, ClaimKind, ClaimStatus, ParagraphRole

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "samples" / "northbridge-water.txt"


def sentences(text: str, limit: int) -> list[DetectedSentence]:
    """Crude sentence spans (the analysis package is not what these tests are about)."""
    found = []
    for m in re.finditer(r"[^.!?\n]+[.!?]", text):
        chunk = m.group()
        start = m.start() + (len(chunk) - len(chunk.lstrip()))
        if m.end() - start > 40 and any(ch.isdigit() for ch in chunk):
            found.append(
                DetectedSentence(
                    start=start,
                    end=m.end(),
                    score=0.8,
                    claimant=None,
                    kinds=(ClaimKind.STATISTIC,),
                    role=ParagraphRole.BODY,
                )
            )
        if len(found) == limit:
            break
    return found


def make_sample_project(path: Path, scale: str = "five-level") -> ProjectService:
    """The Northbridge sample with a few claims rated, explained and evidenced."""
    service = ProjectService.create_file(
        path, name="Northbridge water", scale=scale, author="Ana Reviewer"
    )
    text = SAMPLE.read_text(encoding="utf-8")
    article, _ = service.add_article(
        text,
        metadata=ArticleMetadata(
            title="Northbridge boil-water notice reignites row over delayed plant repairs",
            outlet="The Northbridge Courier",
            author="Amira Collins",
            url="https://courier.example/news/2024/boil-water-notice",
            published=date(2024, 3, 12),
        ),
        detected=sentences(text, 6),
    )
    claims = service.claims()
    labels = (
        ["False", "Mostly true", "Half true"]
        if scale != "conclusion-only"
        else [
            "Misleading",
            "Correct",
            "Unproven",
        ]
    )
    attachment = service.store_attachment(
        b"%PDF-1.4 fake report", "eastgate-audit-2023.pdf", "application/pdf"
    )
    for claim, label, claimant in zip(
        claims, labels, ["Northbridge Water", "Dr Helen Okafor", "the city council"], strict=False
    ):
        service.set_rating(claim.id, label)
        service.update_claim(
            claim.id,
            claimant=claimant,
            status=ClaimStatus.DONE,
            explanation=(
                "The utility's own figures say **about 31,000** households, not 42,000.\n\n"
                "- The 2023 annual report lists *112,000* customers.\n"
                "- See the [annual report](https://water.example/annual-2023.pdf).\n"
            ),
        )
        service.add_evidence(
            claim.id,
            url="https://water.example/annual-2023.pdf",
            title="Northbridge Water annual report 2023",
            publisher="Northbridge Water",
            accessed=date(2024, 3, 13),
            archive_url="https://web.archive.org/web/2024/https://water.example/annual-2023.pdf",
            stance="refutes",
            note="Table 4, page 17.",
            attachment_id=attachment.id,
        )
        service.add_evidence(
            claim.id,
            url="https://council.example/minutes/2024-02",
            title="Council minutes, February 2024",
            publisher="Northbridge City Council",
            stance="context",
        )
    # One claim reworded, one dismissed, the rest left unrated.
    service.update_claim(
        claims[0].id, wording="About 42,000 households are under the boil-water notice."
    )
    service.dismiss_claim(claims[-1].id)
    assert article.id
    return service
