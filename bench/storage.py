"""Storage benchmark: a project with 100,000 claims and 200,000 evidence rows.

Prints bulk creation time, time to open the file, to list one article's claims, and to
filter by status and by rating. Floors on the reference machine (issue 2): creation
<= 3 s, open <= 0.3 s, each filter <= 50 ms. Figures only, no asserts.

    python bench/storage.py [--claims N] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from app.core.project import ClaimFilter, ProjectService
from app.core.records import ClaimStatus
from app.models.bulk import bulk_insert
from app.models.ids import new_id
from app.models.tables import Claim, Evidence

SENTENCE = "The council spent {n} million on the harbour in {y}, the mayor said. "


def build(path: Path, n_claims: int, per_article: int = 1000) -> dict[str, float]:
    """Create the project through the storage layer's bulk path (as merge and upload use it)."""
    rng = random.Random(7)
    started = time.perf_counter()
    service = ProjectService.create_file(path, author="Bench")
    levels = [uuid.UUID(lv.id) for lv in service.scale().levels]
    statuses = [s.value for s in ClaimStatus]
    now = datetime.now(UTC)
    today = now.date()
    stamp = {
        "created_at": now,
        "updated_at": now,
        "created_by": "Bench",
        "updated_by": "Bench",
        "revision": 1,
    }
    claims: list[dict[str, object]] = []
    evidence: list[dict[str, object]] = []
    for a in range(n_claims // per_article):
        sentences = [
            SENTENCE.format(n=rng.randint(1, 900), y=1990 + (i + a) % 35)
            for i in range(per_article)
        ]
        text = "".join(sentences)
        article, _ = service.add_article(text)
        article_id = uuid.UUID(article.id)
        pos = 0
        for sentence in sentences:
            claim_id = new_id()
            n = len(claims)
            quote = sentence.rstrip()
            claims.append(
                {
                    "id": claim_id,
                    "project_id": service.project_id,
                    "article_id": article_id,
                    "start_offset": pos,
                    "end_offset": pos + len(quote),
                    "quote": quote,
                    "context_before": "",
                    "context_after": "",
                    "wording": quote,
                    "claimant": "the mayor",
                    "kinds": "statistic,attribution",
                    "score": 0.8,
                    "origin": "detected",
                    "status": statuses[n % 4],
                    "role": "body",
                    "rating_id": levels[n % 7] if n % 7 < len(levels) else None,
                    "conclusion": None,
                    "explanation": "",
                    "reviewer_id": None,
                    "reviewed_at": None,
                    **stamp,
                }
            )
            for k in range(2):
                evidence.append(
                    {
                        "id": new_id(),
                        "project_id": service.project_id,
                        "claim_id": claim_id,
                        "position": k,
                        "url": f"https://example.org/source/{n}/{k}",
                        "title": f"Source {n}.{k}",
                        "publisher": "Example",
                        "accessed": today,
                        "archive_url": None,
                        "stance": "context",
                        "note": "",
                        "attachment_id": None,
                        **stamp,
                    }
                )
            pos += len(sentence)
    with service.db.engine.begin() as conn:
        bulk_insert(conn, Claim.__table__, claims)
        bulk_insert(conn, Evidence.__table__, evidence)
    service.close()
    finished = time.perf_counter()
    return {"create_total_s": finished - started, "rating": str(levels[0])}  # type: ignore[dict-item]


def best_of(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.factdesk"
        built = build(path, args.claims)
        size_mb = path.stat().st_size / 1e6
        open_s = best_of(lambda: ProjectService.open_file(path, author="Bench").close(), 3)
        service = ProjectService.open_file(path, author="Bench")
        article_id = service.articles()[len(service.articles()) // 2].id
        rating = str(built["rating"])
        one_article = best_of(lambda: service.claims(ClaimFilter(article_id=article_id)))
        # A list view filters ids, then fetches the rows on screen (claims_by_ids).
        by_status = best_of(lambda: service.claim_ids(ClaimFilter(status=ClaimStatus.DONE)))
        by_rating = best_of(lambda: service.claim_ids(ClaimFilter(rating_id=rating)))
        both = best_of(
            lambda: service.claim_ids(ClaimFilter(status=ClaimStatus.DONE, rating_id=rating))
        )
        first_screen = service.claim_ids(ClaimFilter(status=ClaimStatus.DONE))[:60]
        screen = best_of(lambda: service.claims_by_ids(first_screen))
        full_records = best_of(lambda: service.claims(ClaimFilter(status=ClaimStatus.DONE)), 1)
        counts = {
            "article": len(service.claims(ClaimFilter(article_id=article_id))),
            "status": len(service.claims(ClaimFilter(status=ClaimStatus.DONE))),
            "rating": len(service.claims(ClaimFilter(rating_id=rating))),
        }
        service.close()
    figures = {
        "claims": args.claims,
        "evidence": args.claims * 2,
        "file_mb": round(size_mb, 1),
        "create_s": round(built["create_total_s"], 3),
        "open_s": round(open_s, 4),
        "list_one_article_ms": round(one_article * 1000, 1),
        "filter_status_ms": round(by_status * 1000, 1),
        "filter_rating_ms": round(by_rating * 1000, 1),
        "filter_status_and_rating_ms": round(both * 1000, 1),
        "fetch_screen_of_60_ms": round(screen * 1000, 1),
        "full_records_status_ms": round(full_records * 1000, 1),
        "rows": counts,
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(
        f"storage: {figures['claims']:,} claims, {figures['evidence']:,} evidence rows, "
        f"{figures['file_mb']} MB file"
    )
    print(f"  bulk creation                {figures['create_s']:8.3f} s   (floor 3 s)")
    print(f"  open the file                {figures['open_s']:8.4f} s   (floor 0.3 s)")
    print(
        f"  list one article's claims    {figures['list_one_article_ms']:8.1f} ms  "
        f"({counts['article']} rows)"
    )
    print(
        f"  filter by status             {figures['filter_status_ms']:8.1f} ms  "
        f"({counts['status']} rows, floor 50 ms)"
    )
    print(
        f"  filter by rating             {figures['filter_rating_ms']:8.1f} ms  "
        f"({counts['rating']} rows, floor 50 ms)"
    )
    print(f"  filter by status and rating  {figures['filter_status_and_rating_ms']:8.1f} ms")
    print(f"  fetch one screen (60 rows)   {figures['fetch_screen_of_60_ms']:8.1f} ms")
    print(f"  the status filter as full records {figures['full_records_status_ms']:8.1f} ms")


if __name__ == "__main__":
    main()
