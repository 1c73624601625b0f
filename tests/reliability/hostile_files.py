"""Builders of hostile project files: a good project, then copies edited with sqlite3.

Each case is what an attacker (or a damaged disk, or a careless script) can do to a
``.factdesk`` file with the ``sqlite3`` shell: change a column's storage type, redefine
an index or a table, replace a table by a view that never ends, put values outside their
domain, break the offsets of a claim, nest JSON beyond reason, store infinite numbers,
or change an attachment's bytes. Every case keeps the file a valid SQLite database with
the right header, so only Factdesk's own validation stands between it and the views.

``CASES`` maps a case's name to a function editing a copy of the good project in place.
``build_good_project`` makes the good project through the project service.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.core.project import DetectedSentence, ProjectService
from app.core.records import ArticleMetadata, ParagraphRole

ARTICLE = (
    "Harbour budget doubles\n\n"
    "Unemployment fell by 3% last year, the minister said. "
    "Crime in the city doubled since 2019. "
    "The new bridge will cost twice as much as the old one. "
    "Experts predict the river will flood again next spring.\n"
)


def _sentences(text: str) -> list[DetectedSentence]:
    return [
        DetectedSentence(m.start(), m.end(), 0.8, "the minister", (), ParagraphRole.BODY)
        for m in re.finditer(r"[A-Z][^.\n]*\.", text)
    ]


def build_good_project(path: Path, author: str = "Ann") -> None:
    """A small project with every table in use: rated, explained, evidence, a file."""
    service = ProjectService.create_file(path, author=author)
    try:
        service.add_article(
            ARTICLE,
            metadata=ArticleMetadata(title="Harbour", outlet="Gazette", published=date(2026, 3, 1)),
            detected=_sentences(ARTICLE),
        )
        claims = service.claims()
        service.set_rating(claims[0].id, "False")
        service.update_claim(claims[0].id, explanation="The statistics office says 1%.")
        service.add_evidence(
            claims[0].id,
            url="https://stats.example.org/unemployment",
            title="Labour survey",
            accessed=date(2026, 3, 2),
        )
        att = service.store_attachment(b"%PDF-1.4 fake report", "report.pdf", "application/pdf")
        service.add_evidence(claims[1].id, attachment_id=att.id, note="police figures")
    finally:
        service.close()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- editing a copy with sqlite3 -------------------------------------------------------


@contextlib.contextmanager
def _edit(path: Path, *, writable_schema: bool = False):  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        if writable_schema:
            conn.execute("PRAGMA writable_schema=ON")
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")
    finally:
        conn.close()


def _sql(*statements: str) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        with _edit(path) as conn:
            for statement in statements:
                conn.execute(statement)

    return apply


def _claim_sql(assignment: str) -> Callable[[Path], None]:
    """Set ``assignment`` on the first claim (in article order)."""
    return _sql(
        f"UPDATE claim SET {assignment} WHERE id = "
        "(SELECT id FROM claim ORDER BY start_offset LIMIT 1)"
    )


def _new_claim_with(column: str, value_sql: str) -> Callable[[Path], None]:
    """A colleague's new claim (a copy of the first, new id) whose ``column`` is hostile."""

    def apply(path: Path) -> None:
        with _edit(path) as conn:
            columns = [r[1] for r in conn.execute("PRAGMA table_info(claim)")]
            picked = ", ".join(
                "lower(hex(randomblob(16)))" if c == "id" else value_sql if c == column else c
                for c in columns
            )
            conn.execute(
                f"INSERT INTO claim ({', '.join(columns)}) SELECT {picked} FROM claim "
                "ORDER BY start_offset LIMIT 1"
            )

    return apply


def _rewrite_table_sql(table: str, old: str, new: str) -> Callable[[Path], None]:
    """Change a table's CREATE statement in place (what ``writable_schema`` allows)."""

    def apply(path: Path) -> None:
        with _edit(path, writable_schema=True) as conn:
            (sql,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            changed = re.sub(old, new, sql)
            assert changed != sql, f"{old!r} not in {table}'s definition"
            conn.execute(
                "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                (changed, table),
            )
            (version,) = conn.execute("PRAGMA schema_version").fetchone()
            conn.execute(f"PRAGMA schema_version={version + 1}")

    return apply


def _recursive_view(path: Path) -> None:
    """The claim table replaced by a view whose recursion never ends."""
    with _edit(path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(claim)")]
        selected = ", ".join(f"n AS {c}" for c in columns)
        conn.execute("DROP TABLE claim")
        conn.execute(
            "CREATE VIEW claim AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
            f"SELECT {selected} FROM r"
        )


def _same_named_index(path: Path) -> None:
    with _edit(path) as conn:
        conn.execute("DROP INDEX ix_claim_project_status")
        conn.execute("CREATE INDEX ix_claim_project_status ON claim (quote)")


def _attachment_bytes(path: Path) -> None:
    with _edit(path) as conn:
        conn.execute("UPDATE attachment SET data = X'00112233445566778899aabbccddeeff0011223344'")


DEEP = "[" * 5000 + "]" * 5000

CASES: dict[str, Callable[[Path], None]] = {
    # storage types (the default merge used to accept these and poison the project)
    "new-claim-wording-blob": _new_claim_with("wording", "X'deadbeef00ff'"),
    "new-claim-offset-text": _new_claim_with("start_offset", "'twelve'"),
    "new-claim-explanation-blob": _new_claim_with("explanation", "X'00ff'"),
    "new-claim-claimant-blob": _new_claim_with("claimant", "X'ff'"),
    "claim-score-text": _claim_sql("score = 'high'"),
    "reviewer-key-text": _sql("UPDATE reviewer SET public_key = 'not bytes'"),
    # schema definitions: same names, other definitions
    "same-named-index-other-columns": _same_named_index,
    "default-clause-added": _rewrite_table_sql(
        "claim", r"status VARCHAR\(20\) NOT NULL", "status VARCHAR(20) NOT NULL DEFAULT 'done'"
    ),
    "check-clause-added": _rewrite_table_sql(
        "claim", r"score FLOAT,", "score FLOAT CHECK (score < 2),"
    ),
    "not-null-removed": _rewrite_table_sql("claim", r"quote TEXT NOT NULL", "quote TEXT"),
    "foreign-key-removed": _rewrite_table_sql(
        "claim", r",\s*FOREIGN KEY\(article_id\) REFERENCES article \(id\) ON DELETE CASCADE", ""
    ),
    "table-replaced-by-recursive-view": _recursive_view,
    "trigger-added": _sql("CREATE TRIGGER t AFTER UPDATE ON claim BEGIN DELETE FROM evidence; END"),
    # value domains
    "status-unknown": _claim_sql("status = 'hacked'"),
    "origin-unknown": _claim_sql("origin = 'stolen'"),
    "role-unknown": _claim_sql("role = 'footer'"),
    "kind-unknown": _claim_sql("kinds = 'statistic,evil'"),
    "stance-unknown": _sql("UPDATE evidence SET stance = 'maybe'"),
    "id-not-a-uuid": _sql("UPDATE reviewer SET id = 'not-a-uuid' WHERE rowid = 1"),
    "project-id-not-a-uuid": _sql("UPDATE changelog SET project_id = 'x' WHERE rowid = 1"),
    "date-malformed": _claim_sql("created_at = 'yesterday'"),
    "date-impossible-day": _claim_sql("reviewed_at = '2026-02-31 10:00:00.000000'"),
    "date-hour-24": _claim_sql("updated_at = '2026-02-01 24:00:00.000000'"),
    "published-month-13": _sql("UPDATE article SET published = '2026-13-01'"),
    "accessed-year-0": _sql("UPDATE evidence SET accessed = '0000-01-01'"),
    "scale-id-null": _sql("UPDATE project SET scale_id = NULL"),
    # the scale's side of the project/scale pair is no foreign key (found by the fuzzer:
    # merge then deleted the scale and reported a stale edit instead of refusing the file)
    "scale-of-no-project": _sql(f"UPDATE ratingscale SET project_id = '{'0' * 32}'"),
    # nor is a reviewer's, a change-log entry's or a signature's (found by the fuzzer: a
    # reviewer of no project made merge report a stale edit, exit 1, instead of refusing)
    "reviewer-of-no-project": _sql(f"UPDATE reviewer SET project_id = '{'0' * 32}'"),
    "log-entry-of-no-project": _sql(
        f"UPDATE changelog SET project_id = '{'0' * 32}' "
        "WHERE rowid = (SELECT max(rowid) FROM changelog)"
    ),
    "reference-broken": _sql("UPDATE evidence SET claim_id = lower(hex(randomblob(16)))"),
    "claimant-too-long": _claim_sql("claimant = printf('%.600c', 'x')"),
    "revision-huge": _claim_sql("revision = 4611686018427387904"),
    "position-negative": _sql("UPDATE evidence SET position = -1"),
    "text-invalid-utf8": _claim_sql("wording = CAST(X'41c328ff' AS TEXT)"),
    "article-text-invalid-utf8": _sql("UPDATE article SET title = CAST(X'c3' AS TEXT)"),
    # offsets and quotes
    "offsets-past-the-text": _claim_sql("end_offset = 1000000000"),
    "offsets-reversed": _claim_sql("start_offset = end_offset + 1"),
    "offsets-negative": _claim_sql("start_offset = -5"),
    "quote-not-the-text": _claim_sql("quote = 'Something nobody said.'"),
    # nesting and numbers
    "structure-deeply-nested": _sql(f"UPDATE article SET structure = '{DEEP}'"),
    "structure-outside-text": _sql("UPDATE article SET structure = '[[0, 99999, \"body\"]]'"),
    "changelog-deeply-nested": _sql(f"UPDATE changelog SET new_value = '{DEEP}'"),
    "changelog-json-nan": _sql("UPDATE changelog SET new_value = '[NaN]'"),
    "score-infinite": _claim_sql("score = 9e999"),
    "level-value-minus-infinite": _sql("UPDATE ratinglevel SET value = -9e999"),
    "scale-best-value-infinite": _sql("UPDATE ratingscale SET best_value = 9e999"),
    # attachments
    "attachment-bytes-changed": _attachment_bytes,
    "attachment-size-wrong": _sql("UPDATE attachment SET size = size + 1"),
}


def make_case(good: Path, folder: Path, name: str, *, file_name: str | None = None) -> Path:
    """A copy of ``good`` in ``folder`` edited as case ``name``."""
    target = folder / (file_name or f"{name}.factdesk")
    shutil.copyfile(good, target)
    CASES[name](target)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    return target
