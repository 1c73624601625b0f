"""Sentence features for the check-worthiness model.

The same functions run at training time (``scripts/train_checkworthiness.py``) and at
run time, so the shipped model sees exactly the features it was trained on. Three groups:

* ``w``: word unigrams and bigrams of the lower-cased text, digits mapped to ``0`` so
  that "3.5 million" and "12 million" share features;
* ``c``: character 3- to 5-grams inside each word padded with spaces (scikit-learn's
  ``char_wb`` analyser), which catch word endings, tense and numbers' shapes;
* ``x``: a few ClaimBuster-style cues that lower-casing hides: how long the sentence is,
  how many capitalised words (names, places, organisations) and numbers it has.

Groups ``w`` and ``c`` are TF-IDF weighted (sublinear term frequency) and L2-normalised
separately; the cues are binary and are not normalised.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter

_DIGIT = re.compile(r"\d")
WORD = re.compile(r"\w+|[%$£€?]")
_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][\w'’.-]*")
_PERCENT = re.compile(r"%|\bper ?cent\b", re.IGNORECASE)
_CURRENCY = re.compile(r"[$£€]|\b(?:dollars?|pounds|euros?)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")

CHAR_MIN = 3
CHAR_MAX = 5


# Cue buckets: a value falls in the first bucket whose edge it is below (bisect_right).
_LEN_EDGES = (4, 8, 14, 22, 35)
_CAP_EDGES = (1, 2, 4)
_NUM_EDGES = (1, 2, 5)
_LEN_CUES = tuple(f"len{i}" for i in range(len(_LEN_EDGES) + 1))
_CAP_CUES = tuple(f"cap{i}" for i in range(len(_CAP_EDGES) + 1))
_NUM_CUES = tuple(f"num{i}" for i in range(len(_NUM_EDGES) + 1))


def word_features(normalised: str) -> Counter[str]:
    tokens = WORD.findall(normalised)
    counts: Counter[str] = Counter(tokens)
    counts.update(f"{a} {b}" for a, b in itertools.pairwise(tokens))
    return counts


def char_features(normalised: str) -> Counter[str]:
    # all n-grams first, then one count: the order of first appearance (which the
    # training sums follow) is the same as counting word by word, for a third less time
    grams: list[str] = []
    for word in normalised.split():
        padded = f" {word} "
        length = len(padded)
        for size in range(CHAR_MIN, min(CHAR_MAX, length) + 1):
            grams += [padded[i : i + size] for i in range(length - size + 1)]
    return Counter(grams)


def cue_features(text: str) -> list[str]:
    return cues_of(text, normalise(text))


def cues_of(text: str, normalised: str, n_words: int | None = None) -> list[str]:
    """:func:`cue_features` given ``normalise(text)`` too, which makes cheap pre-checks.

    ``normalised`` is the lower-cased text with every digit turned into "0": the "0"s
    count the digits, and the words the case-insensitive patterns look for (none holds
    an "i" or "s", the only ASCII letters with non-ASCII case variants in ``re``) must
    appear in it before those patterns can match. ``n_words`` is ``len(text.split())``
    if the caller has it (``normalised.split()`` gives as many).
    """
    capitalised = len(_CAPITALISED.findall(text)) - (1 if text[:1].isupper() else 0)
    digits = normalised.count("0")
    if n_words is None:
        n_words = len(text.split())
    cues = [
        _LEN_CUES[bisect_right(_LEN_EDGES, n_words)],
        _CAP_CUES[bisect_right(_CAP_EDGES, capitalised)],
        _NUM_CUES[bisect_right(_NUM_EDGES, digits)],
    ]
    if ("%" in text or "cent" in normalised) and _PERCENT.search(text):
        cues.append("pct")
    if (
        "$" in text
        or "£" in text
        or "€" in text
        or "dollar" in normalised
        or "pound" in normalised
        or "euro" in normalised
    ) and _CURRENCY.search(text):
        cues.append("cur")
    if digits >= 4 and _YEAR.search(text):
        cues.append("year")
    if text.rstrip().endswith("?"):
        cues.append("question")
    return cues


def normalise(text: str) -> str:
    return _DIGIT.sub("0", text.lower())


def extract(text: str) -> tuple[Counter[str], Counter[str], list[str]]:
    """The three feature groups of one sentence."""
    normalised = normalise(text)
    # cue_features(text) would normalise the text a second time
    return word_features(normalised), char_features(normalised), cues_of(text, normalised)
