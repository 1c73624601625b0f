"""The sample article: factual statements marked, claimants named, credits unmarked."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.analysis import analyse
from app.core.records import ParagraphRole

SAMPLES = sorted((Path(__file__).resolve().parents[3] / "resources" / "samples").glob("*.txt"))
NORTHBRIDGE = [p for p in SAMPLES if p.name == "northbridge-water.txt"]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_credits_unmarked_and_offsets_exact(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = analyse(text)
    assert result
    for s in result:
        assert text[s.start : s.end] == s.text
        if s.role is ParagraphRole.CREDIT:
            assert not s.checkworthy and s.claimant is None


@pytest.mark.skipif(not NORTHBRIDGE, reason="sample article not present")
def test_northbridge_claims_and_claimants() -> None:
    text = NORTHBRIDGE[0].read_text(encoding="utf-8")
    result = analyse(text)

    def find(fragment: str):  # type: ignore[no-untyped-def]
        (match,) = [s for s in result if fragment in s.text]
        return match

    credits = [s.text for s in result if s.role is ParagraphRole.CREDIT]
    assert any(c.startswith("Photo:") for c in credits)
    assert any(c.startswith("By ") for c in credits)
    marked = {
        "The alert covers roughly 42,000 households": "Northbridge Water",
        "In March last year, the city council approved": None,
        "Only $3.1 million has been spent so far": "council budget documents",
        "Gov. Patricia Lowell said": "Patricia Lowell",
        "The state environment department claimed": "state environment department",
        "We were quoted a price that had jumped by 40 percent": "Thomas Whitfield",
        "The No. 2 pump stopped working": "Gareth Molloy",
    }
    for fragment, claimant in marked.items():
        s = find(fragment)
        assert s.checkworthy, fragment
        assert s.claimant == claimant, fragment
    assert find("Mr Molloy insisted").claimant == "Gareth Molloy"
    assert find("Ms Delgado warned").claimant == "Rosa Delgado"
    assert find("His critics were unconvinced.").claimant is None
    assert not find("Whether Mr Whitfield will support it remains unclear.").checkworthy
