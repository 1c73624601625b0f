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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.analysis.features import extract
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


@dataclass(frozen=True, slots=True)
class CheckworthinessModel:
    """Linear model: TF-IDF word and character n-grams plus binary cues."""

    groups: tuple[dict[str, tuple[float, float]], ...]  # feature -> (idf, coefficient)
    cues: dict[str, float]
    bias: float
    threshold: float

    @classmethod
    def from_bytes(cls, raw: bytes) -> CheckworthinessModel:
        payload = json.loads(gzip.decompress(raw))
        if payload.get("format") != FORMAT:
            raise AnalysisError("The check-worthiness model file has an unknown format.")
        groups = []
        for group in payload["groups"]:
            names = group["features"].split("\n") if group["features"] else []
            idf = _read_floats(group["idf"])
            coef = _read_floats(group["coef"])
            groups.append(dict(zip(names, zip(idf, coef, strict=True), strict=True)))
        return cls(
            groups=tuple(groups),
            cues={str(k): float(v) for k, v in payload["cues"].items()},
            bias=float(payload["bias"]),
            threshold=float(payload["threshold"]),
        )

    def logit(self, text: str) -> float:
        words, chars, cues = extract(text)
        z = self.bias
        for vocabulary, counts in zip(self.groups, (words, chars), strict=True):
            dot = 0.0
            norm = 0.0
            for feature, count in counts.items():
                entry = vocabulary.get(feature)
                if entry is None:
                    continue
                idf, coef = entry
                value = (1.0 + math.log(count)) * idf if count > 1 else idf
                dot += value * coef
                norm += value * value
            if norm > 0.0:
                z += dot / math.sqrt(norm)
        for cue in cues:
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
