#!/usr/bin/env python
"""Train the shipped check-worthiness model from the shared data, deterministically.

    python scripts/train_checkworthiness.py [DATA_DIR] [--out resources/model]

Uses ONLY ``ct24_en_train.csv`` (CheckThat! 2024 task 1 English train, i.e. ClaimBuster's
crowdsourced sentences). The decision threshold is chosen by 5-fold cross-validation on
that same file, grouped by debate, never on a dev set. The other files in DATA_DIR are
for ``scripts/evaluate_checkworthiness.py`` only.

Writes ``checkworthiness.bin`` (the model) and ``checkworthiness.json`` (hashes,
hyper-parameters, cross-validation figures). ``--weights-only`` skips the
cross-validation and reuses the threshold already recorded in the metadata: the test
suite uses it to check that the shipped weights are what this script produces.
Needs the ``train`` extra (scikit-learn, numpy, scipy); the app itself does not.
"""

from __future__ import annotations

import argparse
import base64
import csv
import gzip
import hashlib
import json
import math
import operator
import os
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# L-BFGS makes a few hundred small BLAS calls, and between them OpenBLAS's idle worker
# threads spin for about 2**28 cycles before they sleep: on a busy machine that spinning
# takes the core from the main thread (and from anything else running) and doubled the
# training's CPU time. 2**4 cycles makes them sleep at once. The number of threads, and
# so the order of every sum and the model's bytes, stay as they were. Read by OpenBLAS
# when numpy loads, hence before the imports below; a value set by the caller wins.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
# The model's bytes depend on how many threads share BLAS's sums (one thread gives other
# bytes than the shipped model's two), so the count is fixed here, not taken from the
# machine's cores or the caller's environment: the same data gives the same model anywhere.
os.environ["OPENBLAS_NUM_THREADS"] = "2"

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix, hstack  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from app.core.analysis.features import CHAR_MAX, CHAR_MIN, extract  # noqa: E402
from app.core.analysis.model import FORMAT, MODEL_FILE, float_array  # noqa: E402

TRAIN_FILE = "ct24_en_train.csv"
METADATA_FILE = "checkworthiness.json"
HYPER = {
    "C": 2.0,  # replaced by the best of C_grid unless --weights-only
    "C_grid": [1.0, 2.0, 4.0],
    "min_df": 2,
    "word_ngrams": [1, 2],
    "char_wb_ngrams": [CHAR_MIN, CHAR_MAX],
    "sublinear_tf": True,
    "solver": "lbfgs",
    "max_iter": 2000,
    "tol": 1e-4,
    "cv_folds": 5,
    "cv_grouping": "doc_id (debate)",
    "calibration": "Platt scaling of the out-of-fold logits",
    "threshold_rule": "weak band: maximise out-of-fold F1 of the positive class; "
    "strong band: maximise out-of-fold F0.5 (precision-leaning)",
}


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Featurised:
    """Feature counts of every training sentence, kept to refit on any subset."""

    def __init__(self, texts: list[str]) -> None:
        self.words: list[Counter[str]] = []
        self.chars: list[Counter[str]] = []
        self.cues: list[list[str]] = []
        for text in texts:
            w, c, x = extract(text)
            self.words.append(w)
            self.chars.append(c)
            self.cues.append(x)


def tfidf_group(
    docs: list[Counter[str]], rows: list[int], min_df: int
) -> tuple[list[str], list[float]]:
    df: Counter[str] = Counter()
    for i in rows:
        df.update(docs[i].keys())
    n = len(rows)
    names = sorted(f for f, count in df.items() if count >= min_df)
    # scikit-learn's smoothed idf
    idf = [math.log((1 + n) / (1 + df[f])) + 1.0 for f in names]
    return names, idf


def group_matrix(
    docs: list[Counter[str]], rows: list[int], names: list[str], idf: list[float]
) -> csr_matrix:
    """Sublinear TF-IDF rows, L2-normalised (the run-time model's arithmetic, bit for bit).

    Each row's squared norm is summed in Python in the features' first-seen order, as
    the run-time model sums it; numpy's division is the same IEEE division, and
    ``sort_indices`` orders each row's columns without touching a value.
    """
    index = {f: j for j, f in enumerate(names)}
    sublinear: dict[int, float] = {}
    cols: list[int] = []
    weights: list[float] = []
    norms: list[float] = []
    indptr = [0]
    for i in rows:
        row: list[float] = []
        for f, count in docs[i].items():
            j = index.get(f)
            if j is not None:
                tf = sublinear.get(count)
                if tf is None:
                    tf = sublinear[count] = 1.0 + math.log(count)
                cols.append(j)
                row.append(tf * idf[j])
        norms.append(math.sqrt(sum(map(operator.mul, row, row))) or 1.0)
        weights.extend(row)
        indptr.append(len(cols))
    per_entry = np.repeat(np.array(norms, dtype=np.float64), np.diff(indptr))
    data = np.array(weights, dtype=np.float64) / per_entry
    matrix = csr_matrix((data, cols, indptr), shape=(len(rows), len(names)), dtype=np.float64)
    matrix.sort_indices()
    return matrix


def cue_matrix(cues: list[list[str]], rows: list[int], names: list[str]) -> csr_matrix:
    index = {f: j for j, f in enumerate(names)}
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for i in rows:
        js = sorted({index[c] for c in cues[i] if c in index})
        cols.extend(js)
        data.extend(1.0 for _ in js)
        indptr.append(len(cols))
    return csr_matrix((data, cols, indptr), shape=(len(rows), len(names)), dtype=np.float64)


def fit(feats: Featurised, labels: np.ndarray, rows: list[int]) -> dict[str, object]:
    min_df = int(HYPER["min_df"])  # type: ignore[call-overload]
    w_names, w_idf = tfidf_group(feats.words, rows, min_df)
    c_names, c_idf = tfidf_group(feats.chars, rows, min_df)
    cue_names = sorted({c for i in rows for c in feats.cues[i]})
    x = hstack(
        [
            group_matrix(feats.words, rows, w_names, w_idf),
            group_matrix(feats.chars, rows, c_names, c_idf),
            cue_matrix(feats.cues, rows, cue_names),
        ]
    ).tocsr()
    clf = LogisticRegression(
        C=float(HYPER["C"]),  # type: ignore[arg-type]
        solver=str(HYPER["solver"]),
        max_iter=int(HYPER["max_iter"]),  # type: ignore[call-overload]
        tol=float(HYPER["tol"]),  # type: ignore[arg-type]
    )
    clf.fit(x, labels[rows])
    coef = clf.coef_[0]
    nw, nc = len(w_names), len(c_names)
    return {
        "groups": [
            (w_names, w_idf, coef[:nw]),
            (c_names, c_idf, coef[nw : nw + nc]),
        ],
        "cues": dict(zip(cue_names, coef[nw + nc :], strict=True)),
        "bias": float(clf.intercept_[0]),
    }


def quantise(value: float) -> float:
    # float32, rounded to 6 significant digits first: the file does not change with the
    # last bits of a BLAS library's arithmetic.
    return float(f"{float(value):.6g}")


def serialise(
    fitted: dict[str, object], bands: dict[str, float], calibration: list[float]
) -> bytes:
    groups = []
    for names, idf, coef in fitted["groups"]:  # type: ignore[attr-defined]
        groups.append(
            {
                "features": "\n".join(names),
                "idf": base64.b64encode(float_array([quantise(v) for v in idf])).decode(),
                "coef": base64.b64encode(float_array([quantise(v) for v in coef])).decode(),
            }
        )
    payload = {
        "format": FORMAT,
        "groups": groups,
        "cues": {k: quantise(v) for k, v in fitted["cues"].items()},  # type: ignore[attr-defined]
        "bias": quantise(fitted["bias"]),  # type: ignore[arg-type]
        "bands": bands,
        "calibration": calibration,
    }
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return gzip.compress(body, compresslevel=9, mtime=0)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def predict(fitted: dict[str, object], feats: Featurised, rows: list[int]) -> np.ndarray:
    """Uncalibrated logits of the rows (the run-time model's arithmetic)."""
    indexes = [
        {f: j for j, f in enumerate(names)}
        for names, _, _ in fitted["groups"]  # type: ignore[attr-defined]
    ]
    out = []
    for i in rows:
        z = float(fitted["bias"])  # type: ignore[arg-type]
        for (_, idf, coef), index, docs in zip(
            fitted["groups"],  # type: ignore[call-overload]
            indexes,
            (feats.words, feats.chars),
            strict=True,
        ):
            dot = norm = 0.0
            for f, count in docs[i].items():
                j = index.get(f)
                if j is None:
                    continue
                v = (1.0 + math.log(count)) * idf[j]
                dot += v * coef[j]
                norm += v * v
            if norm:
                z += dot / math.sqrt(norm)
        for c in feats.cues[i]:
            z += float(fitted["cues"].get(c, 0.0))  # type: ignore[attr-defined]
        out.append(z)
    return np.array(out)


def platt(logits: np.ndarray, labels: np.ndarray) -> list[float]:
    """Platt scaling of out-of-fold logits: score = sigmoid(a * z + b)."""
    clf = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    clf.fit(logits.reshape(-1, 1), labels)
    return [quantise(clf.coef_[0][0]), quantise(clf.intercept_[0])]


def best_threshold(
    labels: np.ndarray, scores: np.ndarray, beta: float = 1.0
) -> tuple[float, dict[str, float]]:
    """The threshold that maximises F-beta of the positive class (beta < 1 favours precision)."""
    best = (0.5, -1.0, 0.0, 0.0)
    b2 = beta * beta
    for t in np.arange(0.05, 0.951, 0.01):
        t = round(float(t), 2)
        pred = scores >= t
        tp = float(np.sum(pred & (labels == 1)))
        p = tp / max(float(np.sum(pred)), 1.0)
        r = tp / max(float(np.sum(labels == 1)), 1.0)
        f = (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0
        if f > best[1] + 1e-12:
            best = (t, f, p, r)
    p, r = best[2], best[3]
    return best[0], {
        "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
        "precision": round(p, 4),
        "recall": round(r, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data_dir", nargs="?", default=str(REPO.parent / "shared/data/checkworthiness")
    )
    parser.add_argument("--out", default=str(REPO / "resources/model"))
    parser.add_argument("--weights-only", action="store_true")
    args = parser.parse_args(argv)

    data_path = Path(args.data_dir) / TRAIN_FILE
    out = Path(args.out)
    rows = read_rows(data_path)
    texts = [r["text"] for r in rows]
    labels = np.array([int(r["label"]) for r in rows])
    groups = [r["doc_id"] for r in rows]
    feats = Featurised(texts)
    everything = list(range(len(rows)))

    metadata_path = out / METADATA_FILE
    if args.weights_only:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        bands = metadata["bands"]
        calibration = metadata["calibration"]
        HYPER["C"] = metadata["hyperparameters"]["C"]
    else:
        # C is chosen by the same grouped cross-validation (out-of-fold F1), never by dev
        folds = GroupKFold(n_splits=int(HYPER["cv_folds"]))  # type: ignore[call-overload]
        splits = list(folds.split(texts, labels, groups))
        best: tuple[float, float, np.ndarray] | None = None
        grid_figures = {}
        for c in HYPER["C_grid"]:  # type: ignore[attr-defined]
            HYPER["C"] = c
            oof = np.zeros(len(rows))
            for k, (tr, te) in enumerate(splits):
                fitted = fit(feats, labels, [int(i) for i in tr])
                oof[te] = predict(fitted, feats, [int(i) for i in te])
                print(f"C={c} fold {k + 1}: done", file=sys.stderr)
            _, figures = best_threshold(labels, sigmoid(oof))
            grid_figures[str(c)] = figures["f1"]
            print(f"C={c}: out-of-fold F1 {figures['f1']}", file=sys.stderr)
            if best is None or figures["f1"] > best[1]:
                best = (float(c), figures["f1"], oof)
        assert best is not None
        HYPER["C"], _, oof = best
        calibration = platt(oof, labels)
        calibrated = sigmoid(calibration[0] * oof + calibration[1])
        weak, cv_weak = best_threshold(labels, calibrated, beta=1.0)
        strong, cv_strong = best_threshold(labels, calibrated, beta=0.5)
        bands = {"weak": weak, "strong": max(strong, weak)}
        metadata = {"cv": {"weak": cv_weak, "strong": cv_strong, "C_grid_f1": grid_figures}}
        print(f"bands {bands} (cross-validated {metadata['cv']})", file=sys.stderr)

    fitted = fit(feats, labels, everything)
    blob = serialise(fitted, bands, calibration)
    out.mkdir(parents=True, exist_ok=True)
    (out / MODEL_FILE).write_bytes(blob)
    metadata.update(
        {
            "model_file": MODEL_FILE,
            "model_sha256": hashlib.sha256(blob).hexdigest(),
            "model_bytes": len(blob),
            "training_data": TRAIN_FILE,
            "training_data_sha256": sha256_file(data_path),
            "training_rows": len(rows),
            "threshold": bands["weak"],
            "bands": bands,
            "calibration": calibration,
            "hyperparameters": HYPER,
            "features": {
                "word": len(fitted["groups"][0][0]),  # type: ignore[index]
                "char": len(fitted["groups"][1][0]),  # type: ignore[index]
                "cues": len(fitted["cues"]),  # type: ignore[arg-type]
            },
            "licence": "ClaimBuster dataset (Arslan et al., 2020), CC BY 4.0",
        }
    )
    metadata_path.write_text(
        json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {out / MODEL_FILE} ({len(blob)} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
