"""Evaluate claim matching on the CheckThat! 2021 claim-retrieval data (tasks 2A and 2B).

Usage: python scripts/evaluate_matching.py [DATA_DIR] [--fit]

DATA_DIR defaults to ../shared/data/claim-matching (read-only; nothing is copied into the
repository). For each task the library of fact-checks is imported into a throw-away
in-memory library through the product's own code, then every train and dev query is
matched. Two systems are scored in the same run:

- BM25: plain BM25 over ``claim + title`` (SQLite FTS5, k1 1.2, b 0.75, lower-cased words,
  English stop words removed, no stemming), the organisers' kind of baseline;
- Factdesk: the product's matcher (app.core.matching.rank) with its shipped weights.

Measures: MAP@5 (the official one), MRR and recall@10.

``--fit`` also fits the fusion weights (a logistic regression over the signals of
app.core.matching.rank.FEATURES, on the TRAIN queries of both tasks together, candidates
from the full-text search labelled by the gold ids) and scores the fitted weights on
train and dev, beside the same without the two rank-based signals. rank.WEIGHTS holds
such a fit, rounded (thirteen numbers, the only thing fitted to these sets; see the note
there). Needs scikit-learn (the ``train`` extra). The threshold table (train) is where
rank.LIKELY and rank.RELATED were read.

The date of each query is the tweet's date (2A, from the tweet's own tail) or the debate's
date (2B, from the query id, as an article's publication date is known in the app); the
2B claimant is the speaker named in the query id, as the app knows a claim's claimant.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.matching import rank
from app.core.matching.items import ReviewItem
from app.core.matching.store import LibraryStore
from app.core.matching.text import STOP_WORDS, words

# ../shared/data/claim-matching beside the checkout (or beside its worktree folder).
_HERE = Path(__file__).resolve().parent.parent
DEFAULT_DATA = next(
    (
        p / "shared/data/claim-matching"
        for p in (_HERE.parent, _HERE.parent.parent)
        if (p / "shared/data/claim-matching").is_dir()
    ),
    _HERE.parent / "shared/data/claim-matching",
)
TASKS = {"2A": "ct2021_2a_en", "2B": "ct2021_2b_en"}
SPLITS = ("train", "dev")


@dataclass
class Query:
    id: str
    text: str
    gold: frozenset[str]
    when: date | None
    speaker: str | None


def read_queries(path: Path, task: str) -> list[Query]:
    queries = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            when = speaker = None
            if task == "2B":
                stamp, _, rest = row["query_id"].partition("_")
                try:
                    when = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
                except ValueError:
                    when = None
                speaker = rest.split("_")[0] or None
            queries.append(
                Query(
                    row["query_id"],
                    row["text"],
                    frozenset(row["gold_vclaim_ids"].split(";")),
                    when,
                    speaker,
                )
            )
    return queries


def read_library(path: Path) -> list[ReviewItem]:
    items = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            items.append(
                ReviewItem(
                    claim=row["claim"],
                    id=row["vclaim_id"],
                    title=row["title"] or None,
                    subtitle=row["subtitle"] or None,
                    rating=row["verdict"] or None,
                    publisher=row["source"] or None,
                    speaker=row["speaker"] or None,
                    date=row["date"] or None,
                    url=row["url"] or None,
                    origin=path.parent.name,
                )
            )
    return items


# --- measures ---------------------------------------------------------------------------


def average_precision(ranked: Sequence[str], gold: frozenset[str], k: int = 5) -> float:
    hits, total = 0, 0.0
    for i, item in enumerate(ranked[:k], start=1):
        if item in gold:
            hits += 1
            total += hits / i
    return total / len(gold)


def reciprocal_rank(ranked: Sequence[str], gold: frozenset[str]) -> float:
    return next((1.0 / i for i, item in enumerate(ranked, 1) if item in gold), 0.0)


def recall(ranked: Sequence[str], gold: frozenset[str], k: int = 10) -> float:
    return len(gold & set(ranked[:k])) / len(gold)


def measures(rankings: list[list[str]], queries: list[Query]) -> tuple[float, float, float]:
    n = len(queries)
    return (
        sum(average_precision(r, q.gold) for r, q in zip(rankings, queries, strict=True)) / n,
        sum(reciprocal_rank(r, q.gold) for r, q in zip(rankings, queries, strict=True)) / n,
        sum(recall(r, q.gold) for r, q in zip(rankings, queries, strict=True)) / n,
    )


# --- the BM25 baseline --------------------------------------------------------------------


class Bm25Baseline:
    """Plain BM25 over claim + title in an in-memory FTS5 table (no stemming)."""

    def __init__(self, items: list[ReviewItem]) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute(
            "CREATE VIRTUAL TABLE doc USING fts5(id UNINDEXED, body, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        self.conn.executemany(
            "INSERT INTO doc(id, body) VALUES (?, ?)",
            [(i.id, f"{i.claim} {i.title or ''}") for i in items],
        )

    def rank(self, text: str, k: int = 50) -> list[str]:
        terms = list(dict.fromkeys(w for w in words(text) if w not in STOP_WORDS))
        terms = ["".join(ch for ch in t if ch.isalnum()) for t in terms]
        query = " OR ".join(f'"{t}"' for t in terms if t)
        if not query:
            return []
        rows = self.conn.execute(
            "SELECT id FROM doc WHERE doc MATCH ? ORDER BY bm25(doc) LIMIT ?", (query, k)
        )
        return [r[0] for r in rows]


# --- the product's matcher ----------------------------------------------------------------


def feature_rows(
    library: LibraryStore, query: Query, dates: bool = True
) -> tuple[list[str], list[list[float]]]:
    statement = rank.Statement.prepare(query.text, query.when, query.speaker)
    if not dates:  # as in the window for an article whose date is unknown
        statement = dataclasses.replace(statement, when=None)
    ((weighted, found),) = rank.candidates([library], statement)
    top = max((c.text_score for c in found), default=0.0)
    return (
        [c.item.public_id() for c in found],
        [rank.features(weighted, c, i, top) for i, c in enumerate(found)],
    )


def ranking(
    ids: list[str], rows: list[list[float]], score: Callable[[list[float]], float]
) -> list[str]:
    scored = sorted(zip(ids, rows, strict=True), key=lambda p: score(p[1]), reverse=True)
    return [item_id for item_id, _ in scored]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--fit", action="store_true", help="fit the fusion weights on train")
    args = parser.parse_args()

    started = time.perf_counter()
    # (task, split) -> queries, BM25 rankings, candidate rows with dates, rows without
    prepared: dict[tuple[str, str], tuple[list[Query], list[list[str]], list, list]] = {}
    for task, folder in TASKS.items():
        items = read_library(args.data / folder / "vclaims.csv")
        library = LibraryStore.in_memory(folder)
        library.add_items(items)
        baseline = Bm25Baseline(items)
        for split in SPLITS:
            queries = read_queries(args.data / folder / f"{split}.csv", task)
            bm25 = [baseline.rank(q.text) for q in queries]
            rows = [feature_rows(library, q) for q in queries]
            undated = [feature_rows(library, q, dates=False) for q in queries]
            prepared[task, split] = (queries, bm25, rows, undated)
        library.close()
    print(f"(features of every query computed in {time.perf_counter() - started:.1f} s)")

    systems: dict[str, Callable[[list[float]], float]] = {"Factdesk": rank.fuse}
    if args.fit:
        for name, drop in (("fitted now", ()), ("fitted, no rank", ("text_score", "text_rank"))):
            weights, intercept = fit(prepared, drop)
            print(
                f"{name} weights:",
                {k: round(v, 2) for k, v in weights.items()},
                "intercept:",
                round(intercept, 2),
            )
            systems[name] = lambda row, w=weights, b=intercept: rank.fuse(row, w, b)

    print(f"\n{'task':<4} {'split':<6} {'system':<18} {'MAP@5':>7} {'MRR':>7} {'R@10':>7}")
    for (task, split), (queries, bm25, rows, undated) in prepared.items():
        base = measures(bm25, queries)
        print(f"{task:<4} {split:<6} {'BM25':<18} {base[0]:7.4f} {base[1]:7.4f} {base[2]:7.4f}")
        for name, score in systems.items():
            for variant, data in (("", rows), (", no dates", undated)):
                ours = measures([ranking(ids, feats, score) for ids, feats in data], queries)
                print(
                    f"{task:<4} {split:<6} {name + variant:<18} {ours[0]:7.4f} {ours[1]:7.4f} "
                    f"{ours[2]:7.4f}   MAP@5 {ours[0] - base[0]:+.4f} vs BM25"
                )
    threshold_sweep(prepared)
    calibration(prepared)
    return 0


def threshold_sweep(prepared: dict) -> None:
    """For candidate thresholds: of the train queries whose best match scores at least
    that much, how many there are and how often that best match is right (with dates)."""
    print(f"\n{'task':<4} {'threshold':>9} {'labelled':>9} {'right':>7}   (train, best match)")
    for (task, split), (queries, _bm25, rows, _undated) in prepared.items():
        if split != "train":
            continue
        best = []
        for query, (ids, feats) in zip(queries, rows, strict=True):
            if ids:
                top = max(zip(ids, feats, strict=True), key=lambda p: rank.fuse(p[1]))
                best.append((rank.fuse(top[1]), top[0] in query.gold))
        for threshold in (0.1, 0.15, 0.2, 0.3, 0.4, 0.5):
            kept = [right for score, right in best if score >= threshold]
            share = len(kept) / len(queries)
            right = sum(kept) / len(kept) if kept else 0.0
            print(f"{task:<4} {threshold:>9.2f} {share:>9.1%} {right:>7.1%}")


def calibration(prepared: dict) -> None:
    """How often the best match is right, by the label the window would give it."""
    print(f"\n{'task':<4} {'split':<6} {'label of the best match':<34} {'queries':>8} {'right':>7}")
    for (task, split), (queries, _bm25, rows, undated) in prepared.items():
        for variant, data in (("", rows), (", no dates", undated)):
            buckets: dict[str, list[int]] = {}
            for query, (ids, feats) in zip(queries, data, strict=True):
                if not ids:
                    continue
                best = max(zip(ids, feats, strict=True), key=lambda p: rank.fuse(p[1]))
                score = rank.fuse(best[1])
                label = (
                    rank.LIKELY_LABEL
                    if score >= rank.LIKELY
                    else rank.RELATED_LABEL
                    if score >= rank.RELATED
                    else "(no label)"
                )
                buckets.setdefault(label + variant, []).append(int(best[0] in query.gold))
            for label, hits in sorted(buckets.items()):
                print(
                    f"{task:<4} {split:<6} {label:<34} {len(hits):>8} {sum(hits) / len(hits):7.1%}"
                )


def fit(prepared: dict, drop: Sequence[str] = ()) -> tuple[dict[str, float], float]:
    """Logistic regression on the train candidates, each query seen with and without its
    date, so that an unknown date is neutral in the shipped weights."""
    from sklearn.linear_model import LogisticRegression

    x, y = [], []
    for (_task, split), (queries, _bm25, rows, undated) in prepared.items():
        if split != "train":
            continue
        for data in (rows, undated):
            for query, (ids, feats) in zip(queries, data, strict=True):
                for item_id, row in zip(ids, feats, strict=True):
                    x.append(
                        [0.0 if n in drop else v for n, v in zip(rank.FEATURES, row, strict=True)]
                    )
                    y.append(int(item_id in query.gold))
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(x, y)
    weights = dict(zip(rank.FEATURES, (float(w) for w in model.coef_[0]), strict=True))
    return weights, float(model.intercept_[0])


if __name__ == "__main__":
    sys.exit(main())
