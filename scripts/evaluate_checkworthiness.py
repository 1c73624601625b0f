#!/usr/bin/env python
"""Evaluate the shipped check-worthiness model on the shared development sets.

    python scripts/evaluate_checkworthiness.py [DATA_DIR] [--json]

Scores every sentence with the app's own pure-Python model (what ships, not the
training library) at the shipped threshold and prints:

* ``ct24_en_dev.csv``: precision, recall and F1 of the positive class;
* ``clef2021_1b_en_dev.csv``: mean average precision over documents (sentences of each
  debate or speech ranked by score);
* ``newsclaims_dev.csv``: precision, recall and F1 of the positive class.

For the precision/recall sets it also prints the figures with the news-style rules of
``app/core/analysis/news_style.py`` applied as to a body sentence of an article (what
``analyse`` does), so that a rule that helps news but hurts elsewhere shows.

None of these files is used for training or for choosing the threshold.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.core.analysis.model import load_model  # noqa: E402
from app.core.analysis.news_style import AT_LEAST_WEAK, NEVER, news_verdict  # noqa: E402

# research sets scored as precision/recall/F1 of the positive class (none used in training)
_PRF_SETS = ("ct24_en_dev.csv", "ct22_1a_en_dev.csv", "ct22_1b_en_dev.csv", "newsclaims_dev.csv")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def prf(labels: list[int], flagged: list[bool]) -> dict[str, float]:
    tp = sum(1 for y, f in zip(labels, flagged, strict=True) if y and f)
    predicted = sum(flagged)
    actual = sum(labels)
    p = tp / predicted if predicted else 0.0
    r = tp / actual if actual else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def average_precision(labels: list[int], scores: list[float]) -> float:
    ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: -pair[0])
    hits = 0
    total = 0.0
    for rank, (_, label) in enumerate(ranked, start=1):
        if label:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data_dir",
        nargs="?",
        default=str(
            next(
                (
                    p / "shared/data/checkworthiness"
                    for p in REPO.parents
                    if (p / "shared/data/checkworthiness").is_dir()
                ),
                REPO.parent / "shared/data/checkworthiness",
            )
        ),
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--record",
        action="store_true",
        help="also store the figures under 'evaluation' in resources/model/checkworthiness.json",
    )
    args = parser.parse_args(argv)
    data = Path(args.data_dir)
    model = load_model()
    results: dict[str, dict[str, float]] = {}

    for name in _PRF_SETS:
        rows = read_rows(data / name)
        labels = [int(r["label"]) for r in rows]
        scores = model.scores(r["text"] for r in rows)
        results[name] = prf(labels, [score >= model.threshold for score in scores])
        # the strong band alone: how precise the sentences shown strongest are
        results[name]["strong"] = prf(labels, [score >= model.strong for score in scores])  # type: ignore[assignment]
        verdicts = [news_verdict(r["text"]) for r in rows]
        results[name]["with_news_rules"] = prf(  # type: ignore[assignment]
            labels,
            [
                v is AT_LEAST_WEAK or (v is not NEVER and score >= model.threshold)
                for v, score in zip(verdicts, scores, strict=True)
            ],
        )

    rows = read_rows(data / "clef2021_1b_en_dev.csv")
    by_doc: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    for r, score in zip(rows, model.scores(r["text"] for r in rows), strict=True):
        labels_d, scores_d = by_doc[r["doc_id"]]
        labels_d.append(int(r["label"]))
        scores_d.append(score)
    aps = [average_precision(lab, sco) for lab, sco in by_doc.values() if sum(lab)]
    results["clef2021_1b_en_dev.csv"] = {
        "map": round(sum(aps) / len(aps), 4),
        "documents": len(aps),
    }

    if args.record:
        meta_path = REPO / "resources" / "model" / "checkworthiness.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["evaluation"] = results
        meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps({"threshold": model.threshold, **results}, indent=2))
        return 0
    print(f"bands: weak from {model.threshold}, strong from {model.strong}")
    for name in _PRF_SETS:
        r = results[name]
        st = r["strong"]
        print(
            f"{name[:-4]:<19} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}"
            f"   strong band: P {st['precision']:.3f}  R {st['recall']:.3f}"  # type: ignore[index]
        )
        nr = r["with_news_rules"]
        print(
            f"{'  + news rules':<19} P {nr['precision']:.3f}  R {nr['recall']:.3f}"  # type: ignore[index]
            f"  F1 {nr['f1']:.3f}"  # type: ignore[index]
        )
    cl = results["clef2021_1b_en_dev.csv"]
    print(f"clef2021_1b_en_dev  MAP {cl['map']:.3f} over {int(cl['documents'])} documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
