"""Fuzz: a valid project file mutated many ways either opens correctly or fails typed.

Each mutant is opened for viewing through the safe open; then, if it opened, read the way
signing, verifying and the views read it. Anything but success or a ProjectFileError is a
failure, and the mutant's bytes must be exactly what they were, with nothing left beside
it. ``FACTDESK_FUZZ_FULL=1`` runs 1,000 mutants; the default run does 300.
"""

from __future__ import annotations

import os
import random
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import FactdeskError, ProjectFileError, UnsafeProjectError
from app.core.project import ProjectService
from app.core.sharing.safeopen import open_for_sharing
from app.core.sharing.signing import verify_project

FULL = os.environ.get("FACTDESK_FUZZ_FULL") == "1"
COUNT = 1000 if FULL else 300
PAGE = 1024


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory, build: Callable[..., Any]) -> bytes:
    folder = tmp_path_factory.mktemp("fuzzseed")
    path = folder / "seed.factdesk"
    # Small pages keep the file small and give the page-level mutations many targets.
    service = build(path)
    service.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA page_size={PAGE}")
        conn.execute("VACUUM")
    conn.close()
    return path.read_bytes()


def _with_sql(statements: list[str], *, writable_schema: bool = False) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        conn = sqlite3.connect(path)
        try:
            if writable_schema:
                conn.execute("PRAGMA writable_schema=ON")
            for sql in statements:
                conn.execute(sql)
            conn.commit()
        finally:
            conn.close()

    return apply


SCHEMA_EDITS: list[Callable[[Path], None]] = [
    _with_sql(["CREATE TRIGGER t AFTER INSERT ON claim BEGIN DELETE FROM article; END"]),
    _with_sql(["CREATE TRIGGER t2 BEFORE UPDATE ON evidence BEGIN SELECT 1; END"]),
    _with_sql(["CREATE VIEW v AS SELECT * FROM claim"]),
    _with_sql(["CREATE TABLE extra (x)"]),
    _with_sql(["CREATE INDEX ix_extra ON claim (wording)"]),
    _with_sql(["DROP INDEX ix_claim_project_status"]),
    _with_sql(["ALTER TABLE claim ADD COLUMN payload TEXT"]),
    _with_sql(["ALTER TABLE evidence RENAME COLUMN note TO notes"]),
    _with_sql(["PRAGMA user_version=99"]),
    _with_sql(["PRAGMA user_version=0"]),
    _with_sql(["PRAGMA application_id=1"]),
    _with_sql(
        [
            "INSERT INTO sqlite_master VALUES ('table','vt','vt',0,"
            "'CREATE VIRTUAL TABLE vt USING fts5(x)')"
        ],
        writable_schema=True,
    ),
    _with_sql(
        [
            "UPDATE sqlite_master SET sql = replace(sql, 'wording TEXT', 'wording TEXT "
            "CHECK (abs(1)=1)') WHERE name='claim'"
        ],
        writable_schema=True,
    ),
    _with_sql(
        ["UPDATE sqlite_master SET sql = 'CREATE TABLE claim (x)' WHERE name='claim'"],
        writable_schema=True,
    ),
    _with_sql(["UPDATE claim SET status='hacked'"]),
    _with_sql(["UPDATE claim SET id='not-a-uuid' WHERE rowid=(SELECT min(rowid) FROM claim)"]),
    _with_sql(["UPDATE evidence SET accessed='yesterday'"]),
    _with_sql(["UPDATE article SET text=CAST(x'80ff' AS TEXT)"]),
    _with_sql(["DELETE FROM project"]),
    _with_sql(["PRAGMA foreign_keys=OFF", "DELETE FROM article"]),
    _with_sql(["UPDATE signature SET manifest='{'"]),
]


def mutate(seed: bytes, rng: random.Random, index: int, path: Path) -> str:
    """Write a mutant of ``seed`` to ``path``; return the kind of mutation."""
    data = bytearray(seed)
    pages = len(data) // PAGE
    kind = rng.choice(
        ["truncate", "bitflip", "header", "swap", "zero", "dup", "schema", "garbage", "bitflip"]
    )
    if kind == "schema":
        path.write_bytes(seed)
        SCHEMA_EDITS[index % len(SCHEMA_EDITS)](path)
        return kind
    if kind == "truncate":
        cut = rng.choice([rng.randrange(len(data)), rng.randrange(1, pages) * PAGE, 50, 99])
        del data[cut:]
    elif kind == "bitflip":
        for _ in range(rng.randint(1, 8)):
            pos = rng.randrange(len(data))
            data[pos] ^= 1 << rng.randrange(8)
    elif kind == "header":
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(100)
            data[pos] = rng.randrange(256)
    elif kind == "swap":
        a, b = rng.sample(range(pages), 2)
        pa, pb = bytes(data[a * PAGE : (a + 1) * PAGE]), bytes(data[b * PAGE : (b + 1) * PAGE])
        data[a * PAGE : (a + 1) * PAGE], data[b * PAGE : (b + 1) * PAGE] = pb, pa
    elif kind == "zero":
        a = rng.randrange(pages)
        data[a * PAGE : (a + 1) * PAGE] = bytes(PAGE)
    elif kind == "dup":
        a, b = rng.sample(range(pages), 2)
        data[b * PAGE : (b + 1) * PAGE] = data[a * PAGE : (a + 1) * PAGE]
    elif kind == "garbage":
        a = rng.randrange(pages)
        data[a * PAGE : (a + 1) * PAGE] = rng.randbytes(PAGE)
    path.write_bytes(bytes(data))
    return kind


def _use(path: Path) -> None:
    """Open for viewing and read everything the way sharing and the views do."""
    db = open_for_sharing(path, view_only=True)
    try:
        service = ProjectService.for_database(db, author="Fuzz")
        verify_project(service, set())
        service.claims(with_evidence=True)
        service.articles()
        service.info()
    finally:
        db.close()


def test_mutated_files_open_or_fail_typed(seed_file: bytes, tmp_path: Path) -> None:
    rng = random.Random(20261125)
    outcomes: Counter[str] = Counter()
    for index in range(COUNT):
        folder = tmp_path / f"m{index}"
        folder.mkdir()
        path = folder / "mutant.factdesk"
        kind = mutate(seed_file, rng, index, path)
        before = path.read_bytes()
        try:
            _use(path)
            outcomes[f"{kind}:opened"] += 1
        except ProjectFileError as exc:
            outcomes[f"{kind}:{type(exc).__name__}"] += 1
        except FactdeskError as exc:  # typed, but not the file error the contract asks for
            pytest.fail(f"mutant {index} ({kind}) raised {type(exc).__name__}: {exc}")
        except Exception as exc:
            pytest.fail(f"mutant {index} ({kind}) crashed: {type(exc).__name__}: {exc}")
        assert path.read_bytes() == before, f"mutant {index} ({kind}) was modified"
        assert sorted(p.name for p in folder.iterdir()) == ["mutant.factdesk"], (
            f"mutant {index} ({kind}) left files beside it"
        )
    print(f"\n{COUNT} mutants: " + ", ".join(f"{k}={n}" for k, n in sorted(outcomes.items())))
    assert sum(outcomes.values()) == COUNT >= 300
    assert any(k.endswith(":opened") for k in outcomes)
    assert any(k.endswith(":UnsafeProjectError") for k in outcomes)


def test_crafted_trigger_is_refused_and_file_untouched(seed_file: bytes, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    path = folder / "crafted.factdesk"
    path.write_bytes(seed_file)
    SCHEMA_EDITS[0](path)
    before = path.read_bytes()
    for view_only in (True, False):
        with pytest.raises(UnsafeProjectError, match="trigger"):
            open_for_sharing(path, view_only=view_only)
        assert path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["crafted.factdesk"]
