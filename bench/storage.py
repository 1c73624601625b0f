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

from sqlalchemy import insert  # noqa: E402

from app.core.project import ClaimFilter, DetectedSentence, ProjectService  # noqa: E402
from app.core.records import ClaimKind, ClaimStatus, ParagraphRole  # noqa: E402
from app.models.tables import Claim, Evidence  # noqa: E402

SENTENCE = "The council spent {n} million on the harbour in {y}, the mayor said. "


def build(path: Path, n_claims: int, per_article: int = 1000) -> dict[str, float]:
    rng = random.Random(7)
    started = time.perf_counter()
    service = ProjectService.create_file(path, author="Bench")
    levels = [lv.id for lv in service.scale().levels]
    article_ids = []
    for a in range(n_claims // per_article):
        parts, detected, pos = [], [], 0
        for i in range(per_article):
            sentence = SENTENCE.format(n=rng.randint(1, 900), y=1990 + (i + a) % 35)
            parts.append(sentence)
            detected.append(DetectedSentence(pos, pos + len(sentence) - 1, 0.8, "the mayor",
                                             (ClaimKind.STATISTIC,), ParagraphRole.BODY))
            pos += len(sentence)
        article, _ = service.add_article(f"Article {a}\n\n" [:0] + "".join(parts),
                                         detected=detected)
        article_ids.append(article.id)
    claims_done = time.perf_counter()
    # Give a realistic spread of statuses and ratings, then two evidence rows per claim.
    statuses = [s.value for s in ClaimStatus]
    now = datetime.now(UTC)
    with service.db.engine.begin() as conn:
        ids = [row[0] for row in conn.execute(Claim.__table__.select().with_only_columns(
            Claim.__table__.c.id))]
        for chunk in range(0, len(ids), 20000):
            for claim_id in ids[chunk:chunk + 20000]:
                pass
        conn.execute(Claim.__table__.update().values(
            status=statuses[0]))
        rows = []
        for index, claim_id in enumerate(ids):
            for k in range(2):
                rows.append({"id": uuid.uuid4(), "project_id": service.project_id,
                             "claim_id": claim_id, "position": k,
                             "url": f"https://example.org/source/{index}/{k}",
                             "title": f"Source {index}.{k}", "publisher": "Example",
                             "accessed": now.date(), "archive_url": None, "stance": "context",
                             "note": "", "attachment_id": None, "created_at": now,
                             "updated_at": now, "created_by": "Bench", "updated_by": "Bench",
                             "revision": 1})
        conn.execute(insert(Evidence), rows)
        # Statuses and ratings spread over the claims, in one statement per value.
        for s_index, status in enumerate(statuses):
            conn.exec_driver_sql(
                f"UPDATE claim SET status = '{status}' WHERE rowid % 4 = {s_index}")
        for l_index, level in enumerate(levels):
            conn.exec_driver_sql(
                "UPDATE claim SET rating_id = ? WHERE rowid % 7 = ?",
                (uuid.UUID(level).hex, l_index))
    service.close()
    finished = time.perf_counter()
    return {"create_claims_s": claims_done - started, "create_total_s": finished - started,
            "articles": len(article_ids), "rating": levels[0]}  # type: ignore[dict-item]


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
        by_status = best_of(lambda: service.claims(ClaimFilter(status=ClaimStatus.DONE)))
        by_rating = best_of(lambda: service.claims(ClaimFilter(rating_id=rating)))
        both = best_of(lambda: service.claims(ClaimFilter(status=ClaimStatus.DONE,
                                                          rating_id=rating)))
        counts = {
            "article": len(service.claims(ClaimFilter(article_id=article_id))),
            "status": len(service.claims(ClaimFilter(status=ClaimStatus.DONE))),
            "rating": len(service.claims(ClaimFilter(rating_id=rating))),
        }
        service.close()
    figures = {
        "claims": args.claims, "evidence": args.claims * 2, "file_mb": round(size_mb, 1),
        "create_s": round(built["create_total_s"], 3), "open_s": round(open_s, 4),
        "list_one_article_ms": round(one_article * 1000, 1),
        "filter_status_ms": round(by_status * 1000, 1),
        "filter_rating_ms": round(by_rating * 1000, 1),
        "filter_status_and_rating_ms": round(both * 1000, 1),
        "rows": counts,
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"storage: {figures['claims']:,} claims, {figures['evidence']:,} evidence rows, "
          f"{figures['file_mb']} MB file")
    print(f"  bulk creation                {figures['create_s']:8.3f} s   (floor 3 s)")
    print(f"  open the file                {figures['open_s']:8.4f} s   (floor 0.3 s)")
    print(f"  list one article's claims    {figures['list_one_article_ms']:8.1f} ms  "
          f"({counts['article']} rows)")
    print(f"  filter by status             {figures['filter_status_ms']:8.1f} ms  "
          f"({counts['status']} rows, floor 50 ms)")
    print(f"  filter by rating             {figures['filter_rating_ms']:8.1f} ms  "
          f"({counts['rating']} rows, floor 50 ms)")
    print(f"  filter by status and rating  {figures['filter_status_and_rating_ms']:8.1f} ms")


if __name__ == "__main__":
    main()
