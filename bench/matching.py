"""Library of known verdicts at scale: import 200,000 ClaimReview items, match claims.

Run from the repository root: ``.venv/bin/python bench/matching.py [--reviews N]``.
Budgets (issue 19): import at most 60 s (with progress), one claim matched in at most
50 ms. The collection is generated here (a Data Commons-style JSON feed in a temporary
folder, Zipf-distributed invented words so the full-text index has realistic posting
lists); the statements matched are reworded copies of library claims (words dropped,
one typo, a number changed). Nothing is asserted; figures come from one run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.matching import LibraryStore, Matcher
from app.core.matching.rank import Statement, search_terms

_SYLLABLE_TEXT = "ba be bi bo bu da de di do ka ke ki ko la le li lo ma me mi mo na ne ni no ra re"
SYLLABLES = (_SYLLABLE_TEXT + " ri ro sa se si so ta te ti to va ve vi").split()
_COMMON_TEXT = "the a of in to and said that was for is on has by with from"
COMMON = _COMMON_TEXT.split()
PUBLISHERS = ["Harbour Checks", "Desk Verify", "Lakeside Facts", "Northern Truth", "Open Check"]
RATINGS = ["False", "Mostly false", "Half true", "Mostly true", "True"]


def vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_claim(rng: random.Random, vocab: list[str], weights: list[float]) -> str:
    content = rng.choices(vocab, weights=weights, k=rng.randint(8, 16))
    words = []
    for w in content:
        if rng.random() < 0.4:
            words.append(rng.choice(COMMON))
        words.append(w)
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), str(rng.randint(2, 90000)))
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def reword(rng: random.Random, claim: str) -> str:
    words = claim.rstrip(".").split()
    words = [w for w in words if rng.random() > 0.25] or words
    i = rng.randrange(len(words))
    if len(words[i]) > 4:  # one typo
        w = words[i]
        j = rng.randrange(1, len(w) - 1)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    words = [str(int(w) + 1) if w.isdigit() else w for w in words]
    return " ".join(words)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(19)
    vocab = vocabulary(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]  # Zipf
    claims = [make_claim(rng, vocab, weights) for _ in range(args.reviews)]
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {
                "@type": "DataFeedItem",
                "item": [
                    {
                        "@type": "ClaimReview",
                        "url": f"https://checks.example/{n}",
                        "claimReviewed": claim,
                        "author": {"@type": "Organization", "name": PUBLISHERS[n % 5]},
                        "datePublished": f"20{10 + n % 15}-0{1 + n % 9}-1{n % 9}",
                        "reviewRating": {"@type": "Rating", "alternateName": RATINGS[n % 5]},
                    }
                ],
            }
            for n, claim in enumerate(claims)
        ],
    }
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "feed.json"
        source.write_text(json.dumps(feed), encoding="utf-8")
        size_mb = source.stat().st_size / 2**20
        library = LibraryStore.open_file(Path(folder) / "library.sqlite3")
        updates: list[int] = []
        started = time.perf_counter()
        report = library.import_files([source], progress=lambda done, total: updates.append(done))
        imported = time.perf_counter() - started
        print(
            f"import {report.added:,} reviews ({size_mb:.0f} MB feed): {imported:.1f} s "
            f"(budget 60 s; {len(updates)} progress reports)"
        )
        again = time.perf_counter()
        second = library.import_files([source])
        print(
            f"import the same feed again: {time.perf_counter() - again:.1f} s "
            f"({second.added} added, {second.already_present:,} already there)"
        )
        matcher = Matcher([library])
        picks = rng.sample(range(len(claims)), args.queries)
        statements = [reword(rng, claims[i]) for i in picks]
        matcher.match(statements[0])  # warm the page cache once
        search_ms, match_ms, found = [], [], 0
        for index, text in zip(picks, statements, strict=True):
            t0 = time.perf_counter()
            library.search(search_terms(Statement.prepare(text)), 50)
            t1 = time.perf_counter()
            results = matcher.match(text, top=5)
            t2 = time.perf_counter()
            search_ms.append((t1 - t0) * 1000)
            match_ms.append((t2 - t1) * 1000)
            found += bool(results) and results[0].item.url == f"https://checks.example/{index}"
        median = statistics.median(match_ms)
        p95 = sorted(match_ms)[int(0.95 * len(match_ms)) - 1]
        print(f"match one claim, median: {median:.1f} ms (budget 50 ms)")
        print(f"match one claim, 95th percentile: {p95:.1f} ms")
        print(
            f"full-text search alone, median: {statistics.median(search_ms):.1f} ms "
            f"({statistics.median(search_ms) / median:.0%} of a match)"
        )
        print(f"80-claim article matched: {80 * statistics.mean(match_ms) / 1000:.2f} s (estimate)")
        print(f"reworded claims found first: {found} of {len(picks)}")
        library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
