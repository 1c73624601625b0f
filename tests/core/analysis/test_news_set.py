"""Quality gate: detection on Factdesk's own hand-labelled news articles (tests/data/news).

Runs scripts/evaluate_detection.py's evaluation on the whole set. Claimant accuracy
(exact full name) is held to issue 17's floor of 0.90. Precision and recall of
check-worthy sentences do not reach that floor yet (0.892 and 0.861 when this gate was
set): they are held where they stand, so that no change makes them worse, and the
evaluation script prints them against 0.90. Not a timing.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[3]


def _evaluation() -> ModuleType:
    path = REPO / "scripts" / "evaluate_detection.py"
    spec = importlib.util.spec_from_file_location("evaluate_detection", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


EVALUATION = _evaluation()


def test_the_set_is_big_and_varied_enough() -> None:
    articles = EVALUATION.load_articles()
    assert len(articles) >= 12
    assert sum(len(a.sentences) for a in articles) >= 400
    assert sum(a.split == "heldout" for a in articles) >= 4
    assert len({a.style for a in articles}) >= 12
    for article in articles:
        # the labels' offsets point at the rebuilt text
        for s in article.sentences:
            assert article.text[s.start : s.end] == s.text


RESULT = EVALUATION.evaluate(EVALUATION.load_articles())


def test_claimant_accuracy_meets_the_floor() -> None:
    overall = RESULT["overall"]
    assert overall["claimant_accuracy"] >= 0.90, overall
    assert overall["spurious_claimants"] <= 0.02 * overall["unattributed"], overall


# Issue 17's floor is 0.90 for both; these are the figures reached so far (not the floor).
PRECISION_REACHED, RECALL_REACHED = 0.89, 0.86


def test_check_worthy_precision_and_recall_do_not_fall() -> None:
    overall = RESULT["overall"]
    assert overall["precision"] >= PRECISION_REACHED, overall
    assert overall["recall"] >= RECALL_REACHED, overall
