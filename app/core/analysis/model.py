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
from collections.abc import Callable, Iterable
from itertools import chain, pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any

from app.core.analysis.features import CHAR_MAX, CHAR_MIN, WORD, cues_of, normalise
from app.core.errors import AnalysisError
from app.core.paths import resource_path

MODEL_FILE = "checkworthiness.bin"
FORMAT = "factdesk-checkworthiness-2"


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
        self.ids: dict[Any, int] = {name: i for i, name in enumerate(names)}
        self.dot = [float(a) * float(b) for a, b in zip(idf, coef, strict=True)]
        self.square = [float(a) * float(a) for a in idf]

    def contribution(self, ids: list[int]) -> float:
        """This group's term of the logit: (tf-idf . coef) / |tf-idf|, sublinear tf."""
        if not ids:
            return 0.0
        counts = Counter(ids)  # counting in C, first-seen order kept
        return self.contribution_of_counts(counts, len(ids))

    def contribution_of_counts(self, counts: dict[int, int], total: int) -> float:
        """:meth:`contribution` for ids already counted (``total`` = sum of counts).

        The sums run over the ids in the order they were first seen and the repeated ids
        are corrected afterwards in that same order: the training script's arithmetic,
        float for float.
        """
        if not counts:
            return 0.0
        dot_of = self.dot
        square_of = self.square
        if len(counts) > 1:
            # one C call gathers the terms (itemgetter of one id returns a bare value)
            gather = itemgetter(*counts)
            dot = sum(gather(dot_of))
            norm = sum(gather(square_of))
        else:
            (i,) = counts
            dot = 0 + dot_of[i]  # what sum() of one term gives
            norm = 0 + square_of[i]
        if len(counts) != total:
            for i, count in counts.items():
                if count > 1:
                    weight = 1.0 + math.log(count)
                    dot += (weight - 1.0) * dot_of[i]
                    norm += (weight * weight - 1.0) * square_of[i]
        return dot / math.sqrt(norm) if norm > 0.0 else 0.0


class CheckworthinessModel:
    """Linear model: TF-IDF word and character n-grams plus binary cues.

    Scoring gives the same numbers as the training script's formula, only arranged for
    speed: word bigrams are looked up as pairs (no joined strings), character n-gram ids
    are memoised per word for the texts of one call (words repeat), and counting and the
    sums over features run in C.
    """

    __slots__ = ("bias", "chars", "cues", "scale", "shift", "strong", "threshold", "words")

    def __init__(
        self,
        words: _Group,
        chars: _Group,
        cues: dict[str, float],
        bias: float,
        threshold: float,
        *,
        strong: float | None = None,
        calibration: tuple[float, float] = (1.0, 0.0),
    ) -> None:
        self.words = words
        self.chars = chars
        self.cues = cues
        self.bias = bias
        # the weak band starts at ``threshold``, the strong band at ``strong``
        self.threshold = threshold
        self.strong = threshold if strong is None else strong
        # Platt scaling fitted on cross-validated logits: score = sigmoid(scale * z + shift)
        self.scale, self.shift = calibration
        # Bigram features are "a b" (tokens hold no spaces): index them by the pair too.
        pairs = {tuple(name.split(" ")): i for name, i in words.ids.items() if " " in name}
        words.ids.update(pairs)

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
        bands = payload["bands"]
        scale, shift = payload["calibration"]
        return cls(
            words,
            chars,
            cues={str(k): float(v) for k, v in payload["cues"].items()},
            bias=float(payload["bias"]),
            threshold=float(bands["weak"]),
            strong=float(bands["strong"]),
            calibration=(float(scale), float(shift)),
        )

    def logits(self, texts: Iterable[str]) -> list[float]:
        """:meth:`logit` of each text, in order."""
        words = self.words
        word_id = words.ids.get
        chars = self.chars
        cue_weight = self.cues.get
        bias = self.bias
        grams = _CharGrams(chars.ids.get)  # lives for this call only
        out: list[float] = []
        for text in texts:
            normalised = normalise(text)
            tokens = WORD.findall(normalised)
            # the counts of word_features(), in its order, with bigrams as pairs
            features: Counter[Any] = Counter(tokens)
            features.update(pairwise(tokens))
            # feature ids are unique, so only unknown features share a key (None)
            word_counts: dict[Any, int] = dict(
                zip(map(word_id, features), features.values(), strict=True)
            )
            word_counts.pop(None, None)
            z = bias + words.contribution_of_counts(word_counts, sum(word_counts.values()))

            pieces = normalised.split()
            char_counts = Counter(chain.from_iterable(map(grams.__getitem__, pieces)))
            z += chars.contribution_of_counts(char_counts, sum(char_counts.values()))

            for cue in cues_of(text, normalised, len(pieces)):
                z += cue_weight(cue, 0.0)
            out.append(z)
        return out

    def logit(self, text: str) -> float:
        return self.logits((text,))[0]

    def scores(self, texts: Iterable[str]) -> list[float]:
        """Calibrated check-worthiness in [0, 1] of each text, in order."""
        scale, shift = self.scale, self.shift
        return [_sigmoid(scale * z + shift) for z in self.logits(texts)]

    def score(self, text: str) -> float:
        """Calibrated check-worthiness in [0, 1] (a probability on the training data)."""
        return self.scores((text,))[0]

    def band(self, score: float) -> str | None:
        """ "strong", "weak" or None (not check-worthy) for a score of :meth:`scores`."""
        if score >= self.strong:
            return "strong"
        return "weak" if score >= self.threshold else None


def _sigmoid(z: float) -> float:
    if z < -40.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


class _CharGrams(dict[str, list[int]]):
    """word -> ids of its known character n-grams, worked out on first use."""

    __slots__ = ("lookup",)

    def __init__(self, lookup: Callable[[str], int | None]) -> None:
        super().__init__()
        self.lookup = lookup

    def __missing__(self, word: str) -> list[int]:
        ids = self[word] = _char_ids(word, self.lookup)
        return ids


def _char_ids(word: str, lookup: Callable[[str], int | None]) -> list[int]:
    """Ids of the known character n-grams of one word, as char_features() orders them."""
    padded = f" {word} "
    length = len(padded)
    ids: list[int] = []
    for size in range(CHAR_MIN, min(CHAR_MAX, length) + 1):
        for k in range(length - size + 1):
            i = lookup(padded[k : k + size])
            if i is not None:
                ids.append(i)
    return ids


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
