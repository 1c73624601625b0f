"""The check-worthiness model at run time: loading and scoring, pure Python.

The model is a logistic regression over the features of :mod:`.features`, trained by
``scripts/train_checkworthiness.py``. The file is a gzip-compressed JSON object:
the feature strings of each group joined by newlines, and their IDF weights and
coefficients as little-endian float32 arrays (base64). Loading it takes a few tens of
milliseconds and needs neither numpy nor scikit-learn.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import sys
import threading
from array import array
from collections import Counter
from pathlib import Path
from typing import Any

from app.core.analysis.features import (
    CHAR_MAX,
    CHAR_MIN,
    cue_features,
    normalise,
    word_features,
)
from app.core.errors import AnalysisError
from app.core.paths import resource_path

MODEL_FILE = "checkworthiness.bin"
FORMAT = "factdesk-checkworthiness-1"


def float_array(values: list[float] | Any) -> bytes:
    """Serialise floats as little-endian float32 (the model file's number format)."""
    data = array("f", (float(v) for v in values))
    if sys.byteorder != "little":
        data.byteswap()
    return data.tobytes()


def _read_floats(encoded: str) -> array[float]:
    data = array("f")
    data.frombytes(base64.b64decode(encoded))
    if sys.byteorder != "little":
        data.byteswap()
    return data


class _Group:
    """One TF-IDF group: feature -> id, and per id idf*coef and idf**2."""

    __slots__ = ("dot", "ids", "square")

    def __init__(self, names: list[str], idf: array[float], coef: array[float]) -> None:
        self.ids = {name: i for i, name in enumerate(names)}
        self.dot = [float(a) * float(b) for a, b in zip(idf, coef, strict=True)]
        self.square = [float(a) * float(a) for a in idf]

    def contribution(self, ids: list[int]) -> float:
        """This group's term of the logit: (tf-idf . coef) / |tf-idf|, sublinear tf."""
        if not ids:
            return 0.0
        return self.contribution_of_counts(Counter(ids), len(ids))

    def contribution_of_counts(self, counts: dict[int, int], total: int) -> float:
        """:meth:`contribution` for ids already counted (``total`` = sum of counts)."""
        if not counts:
            return 0.0
        dot = sum(map(self.dot.__getitem__, counts))
        norm = sum(map(self.square.__getitem__, counts))
        if len(counts) != total:
            for i, count in counts.items():
                if count > 1:
                    weight = 1.0 + math.log(count)
                    dot += (weight - 1.0) * self.dot[i]
                    norm += (weight * weight - 1.0) * self.square[i]
        return dot / math.sqrt(norm) if norm > 0.0 else 0.0


class CheckworthinessModel:
    """Linear model: TF-IDF word and character n-grams plus binary cues.

    Scoring gives the same numbers as the training script's formula, only arranged for
    speed: character n-gram ids are cached per word (words repeat), and the sums over
    features run in C through ``map``.
    """

    __slots__ = ("_char_cache", "bias", "chars", "cues", "threshold", "words")

    def __init__(
        self, words: _Group, chars: _Group, cues: dict[str, float], bias: float, threshold: float
    ) -> None:
        self.words = words
        self.chars = chars
        self.cues = cues
        self.bias = bias
        self.threshold = threshold
        self._char_cache: dict[str, list[int]] = {}

    @classmethod
    def from_bytes(cls, raw: bytes) -> CheckworthinessModel:
        payload = json.loads(gzip.decompress(raw))
        if payload.get("format") != FORMAT:
            raise AnalysisError("The check-worthiness model file has an unknown format.")
        groups = []
        for group in payload["groups"]:
            names = group["features"].split("\n") if group["features"] else []
            groups.append(_Group(names, _read_floats(group["idf"]), _read_floats(group["coef"])))
        words, chars = groups
        return cls(
            words,
            chars,
            cues={str(k): float(v) for k, v in payload["cues"].items()},
            bias=float(payload["bias"]),
            threshold=float(payload["threshold"]),
        )

    def _char_ids(self, normalised: str) -> list[int]:
        cache = self._char_cache
        if len(cache) > 200_000:
            cache.clear()
        lookup = self.chars.ids.get
        ids: list[int] = []
        for word in normalised.split():
            cached = cache.get(word)
            if cached is None:
                padded = f" {word} "
                length = len(padded)
                cached = []
                for size in range(CHAR_MIN, min(CHAR_MAX, length) + 1):
                    for k in range(length - size + 1):
                        i = lookup(padded[k : k + size])
                        if i is not None:
                            cached.append(i)
                cache[word] = cached
            ids.extend(cached)
        return ids

    def logit(self, text: str) -> float:
        normalised = normalise(text)
        lookup = self.words.ids.get
        # The words arrive counted already: map them to ids without expanding the counts.
        word_counts: dict[int, int] = {}
        total = 0
        for feature, count in word_features(normalised).items():
            i = lookup(feature)
            if i is not None:
                word_counts[i] = count
                total += count
        z = self.bias + self.words.contribution_of_counts(word_counts, total)
        z += self.chars.contribution(self._char_ids(normalised))
        for cue in cue_features(text):
            z += self.cues.get(cue, 0.0)
        return z

    def score(self, text: str) -> float:
        """Probability-like check-worthiness in [0, 1]."""
        z = self.logit(text)
        if z < -40.0:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


_lock = threading.Lock()
_cached: CheckworthinessModel | None = None


def model_path() -> Path:
    return resource_path("model", MODEL_FILE)


def load_model() -> CheckworthinessModel:
    """The shipped model, loaded once per process (thread-safe)."""
    global _cached
    if _cached is not None:
        return _cached
    with _lock:
        if _cached is None:
            path = model_path()
            try:
                raw = path.read_bytes()
            except OSError as error:
                raise AnalysisError(
                    f"The check-worthiness model is missing ({path.name}); reinstall Factdesk."
                ) from error
            try:
                _cached = CheckworthinessModel.from_bytes(raw)
            except (OSError, ValueError, KeyError, TypeError, EOFError) as error:
                raise AnalysisError(
                    "The check-worthiness model file is damaged; reinstall Factdesk."
                ) from error
        return _cached
