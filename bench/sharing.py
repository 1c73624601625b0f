"""Benchmark: merge two 10,000-claim projects sharing half (500 conflicts); sign and verify
a 10,000-claim project. Floors (issue 7): merge <= 3 s, sign <= 1 s, verify <= 1 s.

    .venv/bin/python bench/sharing.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import keyring

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.project import DetectedSentence, ProjectService
from app.core.records import ParagraphRole
from app.core.selftest import MemoryKeyring

CLAIMS_PER_ARTICLE = 500


def _article(tag: str, n: int) -> tuple[str, list[DetectedSentence]]:
    parts, detected, pos = [], [], 0
    for i in range(n):
        sentence = f"In {tag} the figure {i} rose by {i % 97}% according to source {i}."
        detected.append(DetectedSentence(pos, pos + len(sentence), 0.7, None, (),
                                         ParagraphRole.BODY))  # fmt: skip
        parts.append(sentence)
        pos += len(sentence) + 1
    return " ".join(parts), detected


def _add_articles(service: ProjectService, tag: str, claims: int) -> None:
    for a in range(claims // CLAIMS_PER_ARTICLE):
        text, detected = _article(f"{tag}-{a}", CLAIMS_PER_ARTICLE)
        service.add_article(text, detected=detected)


def main() -> int:
    keyring.set_keyring(MemoryKeyring())
    root = Path(tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    os.environ["FACTDESK_CONFIG_DIR"] = str(root / "config")
    os.environ["FACTDESK_RUNTIME_DIR"] = str(root / "run")
    try:
        from app.core.sharing.merge import apply_merge, plan_merge
        from app.core.sharing.signing import sign_project, verify_project

        t = time.perf_counter()
        base = ProjectService.create_file(root / "mine.factdesk", author="Ann")
        _add_articles(base, "shared", 5000)
        base.close()
        shutil.copy(root / "mine.factdesk", root / "theirs.factdesk")
        mine = ProjectService.open_file(root / "mine.factdesk", author="Ann")
        theirs = ProjectService.open_file(root / "theirs.factdesk", author="Ann")
        _add_articles(mine, "mine", 5000)
        _add_articles(theirs, "theirs", 5000)
        shared = [c.id for c in mine.claims() if "shared" in c.quote][:750]
        for cid in shared[:500]:  # both sides: 500 conflicts
            mine.update_claim(cid, explanation="Ann's reading")
            theirs.update_claim(cid, explanation="Bob's reading")
        for cid in shared[500:750]:  # theirs only: taken automatically
            theirs.update_claim(cid, claimant="Spokesperson")
        theirs.close()
        print(f"setup: {time.perf_counter() - t:.1f} s "
              f"({len(mine.claims())} claims in each project)")  # fmt: skip

        t = time.perf_counter()
        info = sign_project(mine)
        sign_s = time.perf_counter() - t
        t = time.perf_counter()
        result = verify_project(mine)
        verify_s = time.perf_counter() - t
        assert result.status.value == "valid", result.message
        print(f"sign 10,000-claim project:   {sign_s:.3f} s ({info.records} records)  "
              f"[floor 1 s]")  # fmt: skip
        print(f"verify 10,000-claim project: {verify_s:.3f} s  [floor 1 s]")

        t = time.perf_counter()
        plan = plan_merge(mine, root / "theirs.factdesk")
        plan_s = time.perf_counter() - t
        t = time.perf_counter()
        merged = apply_merge(mine, plan, prefer="theirs")
        apply_s = time.perf_counter() - t
        total = plan_s + apply_s
        print(
            f"merge: {total:.3f} s (plan {plan_s:.3f} s + apply {apply_s:.3f} s): "
            f"{len(plan.conflicts)} conflicts, {merged.updated_fields} fields updated, "
            f"{sum(merged.inserted.values())} records added  [floor 3 s]"
        )
        claims_after = len(mine.claims())
        mine.close()
        print(f"claims after merge: {claims_after}")
        ok = total <= 3 and sign_s <= 1 and verify_s <= 1 and len(plan.conflicts) == 500
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
