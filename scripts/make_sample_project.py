"""Build the sample project that `make run` opens: the sample article, half-way checked.

Usage: python scripts/make_sample_project.py OUT.factdesk [--library PATH]

The article is imported through the same pipeline as `factdesk import` (importer, claim
detection), then a few claims get verdicts, explanations and evidence, as a fact-checker
would leave them mid-afternoon. The sample ClaimReview collection (fictional earlier
checks, some of reworded claims of the article) is imported into the library of known
verdicts, as `factdesk library import` does (default: the library in the platform's data
folder; importing again adds nothing), so the "Checked before" panel has matches to show.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.ingest import import_article_file
from app.core.paths import resource_path
from app.core.project import ProjectService
from app.core.records import ArticleMetadata, ClaimStatus

SAMPLE_ARTICLE = "northbridge-water.txt"
SAMPLE_REVIEWS = "northbridge-claimreviews.json"

# (a phrase of the claim, verdict, explanation, evidence URL, evidence title, stance)
VERDICTS = [
    (
        "42,000",
        "Mostly true",
        "The utility's notice covered **41,600 households** in the Eastgate zone; the "
        "figure is rounded up.",
        "https://example.org/northbridge/boil-water-notice",
        "Boil-water notice, Eastgate supply zone",
        "supports",
    ),
    (
        "$12.4 million",
        "True",
        "The 2021 capital plan lists the Eastgate repairs at $12.4 million.",
        "https://example.org/northbridge/capital-plan-2021",
        "Capital plan 2021, table 7",
        "supports",
    ),
    (
        "twice as many",
        "Half true",
        "Twice as many complaints as in 2024, but 2024 itself was an unusually quiet year.",
        "https://example.org/northbridge/complaints-register",
        "Water complaints register",
        "context",
    ),
]


def build(target: Path) -> None:
    service = ProjectService.create_file(target, name="Northbridge water", author="Sample Reviewer")
    try:
        result = import_article_file(
            service,
            resource_path("samples", SAMPLE_ARTICLE),
            metadata=ArticleMetadata(
                outlet="Northbridge Courier", url="https://example.org/courier/northbridge-water"
            ),
        )
        claims = service.claims()
        for phrase, verdict, explanation, url, title, stance in VERDICTS:
            claim = next((c for c in claims if phrase in c.quote), None)
            if claim is None:
                continue
            service.set_rating(claim.id, verdict)
            service.update_claim(claim.id, explanation=explanation, status=ClaimStatus.DONE)
            service.add_evidence(
                claim.id, url=url, title=title, publisher="City of Northbridge", stance=stance
            )
        print(f"{target}: {result.article.title!r}, {len(claims)} claims")
    finally:
        service.close()


def load_sample_reviews(library_path: Path | None = None) -> None:
    from app.core.matching import LibraryStore

    library = LibraryStore.open_file(library_path)
    try:
        report = library.import_files([resource_path("samples", SAMPLE_REVIEWS)])
        print(
            f"{library.location}: {report.added} sample reviews added "
            f"({report.already_present} already there)"
        )
    finally:
        library.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    library_path = None
    if len(args) == 3 and args[1] == "--library":
        library_path = Path(args[2])
        args = args[:1]
    if len(args) != 1:
        sys.exit("usage: make_sample_project.py OUT.factdesk [--library PATH]")
    build(Path(args[0]))
    load_sample_reviews(library_path)
