"""Benchmark: verdict reports of a project with 10,000 rated claims, three evidence each.

Floors (issue 6): each export (Markdown, HTML, ClaimReview JSON-LD) at most 1 s; the
preview of a 500-claim report at most 0.5 s. Prints figures; asserts nothing.

    .venv/bin/python bench/reports.py [--claims 10000] [--keep DIR]

The project is made through ProjectService (one article holding every claim, added in one
``add_article`` call); ratings, explanations and evidence are then written with
SQLAlchemy Core in bulk, which is only for setup speed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import bindparam, insert, update

from app.core.project import ClaimFilter, DetectedSentence, ProjectService
from app.core.records import ArticleMetadata, ClaimKind, ParagraphRole
from app.core.reports import (
    ReportOptions,
    build_report,
    markdown_to_html_fragment,
    render_claimreview,
    render_html,
    render_markdown,
)
from app.models.tables import Claim, Evidence

EXPLANATION = (
    "The figure comes from the utility's **2023 annual report**, which gives *31,000* "
    "households in district {i}.\n\n- Table 4 lists the districts.\n- See the "
    "[council minutes](https://council.example/minutes/2024-02) for the budget.\n"
)


def make_project(path: Path, n: int) -> ProjectService:
    service = ProjectService.create_file(path, name="Bench", author="Bench Reviewer")
    sentence = "Officials said {i} homes, about {p} percent of customers, were affected."
    parts, spans, pos = [], [], 0
    for i in range(n):
        s = sentence.format(i=i, p=i % 100)
        parts.append(s)
        spans.append(
            DetectedSentence(
                pos,
                pos + len(s),
                0.8,
                f"Official {i % 50}",
                (ClaimKind.STATISTIC,),
                ParagraphRole.BODY,
            )
        )
        pos += len(s) + 2
    text = "\n\n".join(parts)
    article, _ = service.add_article(
        text,
        metadata=ArticleMetadata(
            title="Bench article",
            outlet="The Bench Courier",
            author="A. Writer",
            url="https://courier.example/bench",
            published=date(2024, 3, 12),
        ),
        detected=spans,
    )
    levels = service.scale().levels
    claims = service.claims(ClaimFilter(article_id=article.id))
    now = datetime.now(UTC)
    with service.db.engine.begin() as conn:
        conn.execute(
            update(Claim)
            .where(Claim.id == bindparam("cid"))  # type: ignore[arg-type]
            .values(
                rating_id=bindparam("rid"),
                status="done",
                explanation=bindparam("expl"),
                reviewed_at=now,
            ),
            [
                {
                    "cid": uuid.UUID(c.id),
                    "rid": uuid.UUID(levels[i % len(levels)].id),
                    # Every explanation differs, so no cache can make the figures look better.
                    "expl": EXPLANATION.format(i=i),
                }
                for i, c in enumerate(claims)
            ],
        )
        rows = []
        for c in claims:
            for k in range(3):
                rows.append(
                    {
                        "id": uuid.uuid4(),
                        "project_id": service.project_id,
                        "claim_id": uuid.UUID(c.id),
                        "position": k,
                        "url": f"https://source{k}.example/doc/{c.start}",
                        "title": f"Source document {k} for claim at {c.start}",
                        "publisher": f"Publisher {k}",
                        "accessed": date(2024, 3, 13),
                        "archive_url": f"https://web.archive.org/web/2024/https://source{k}.example/doc",
                        "stance": ("supports", "refutes", "context")[k],
                        "note": "Page 4.",
                        "attachment_id": None,
                        "created_at": now,
                        "updated_at": now,
                        "created_by": "Bench Reviewer",
                        "updated_by": "Bench Reviewer",
                        "revision": 1,
                    }
                )
        conn.execute(insert(Evidence), rows)
    return service


def timed(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="factdesk-bench-"))
    path = folder / "bench-reports.factdesk"
    path.unlink(missing_ok=True)
    t0 = time.perf_counter()
    service = make_project(path, args.claims)
    print(f"setup: {args.claims} rated claims x 3 evidence in {time.perf_counter() - t0:.2f} s")

    options = ReportOptions()
    t_claims, _ = timed(
        lambda: service.claims(ClaimFilter(include_dismissed=False), with_evidence=True)
    )
    t_build, data = timed(lambda: build_report(service, options))
    assert hasattr(data, "claims")
    print(f"service.claims(with_evidence=True): {t_claims * 1000:7.0f} ms")
    print(
        f"build_report:                       {t_build * 1000:7.0f} ms  ({len(data.claims)} claims)"
    )  # type: ignore[attr-defined]

    org = {"organisation": "Bench Desk", "organisation_url": "https://desk.example/checks"}
    renders: list[tuple[str, Callable[[], str]]] = [
        ("markdown", lambda: render_markdown(data)),  # type: ignore[arg-type]
        ("html", lambda: render_html(data)),  # type: ignore[arg-type]
        ("claimreview", lambda: render_claimreview(data, **org)),  # type: ignore[arg-type]
    ]
    from app.core.reports.markup import _plain_text, _safe_url, _sanitise, explanation_html

    for name, fn in renders:
        for cache in (_sanitise, explanation_html, _safe_url, _plain_text):
            cache.cache_clear()
        t_render, text = timed(fn, 1)  # cold: every explanation parsed
        t_warm, _ = timed(fn, 2)  # warm: what a refresh after one edit costs
        total = t_build + t_render
        verdict = "ok" if total <= 1.0 else "OVER the 1 s floor"
        print(
            f"export {name:<11} render {t_render * 1000:6.0f} ms (warm {t_warm * 1000:5.0f} ms),"
            f" with build {total * 1000:6.0f} ms ({len(str(text)) / 1e6:.1f} MB)  {verdict}"
        )

    # The window's preview: a 500-claim report, Markdown rendered to an HTML fragment.
    from dataclasses import replace

    article = data.articles[0]  # type: ignore[attr-defined]
    small = replace(data, articles=(replace(article, claims=article.claims[:500]),))
    for cache in (_sanitise, explanation_html, _safe_url, _plain_text):
        cache.cache_clear()
    t_cold, _ = timed(lambda: render_html(small), 1)
    t_md, md = timed(lambda: render_markdown(small), 5)
    t_frag, _ = timed(lambda: markdown_to_html_fragment(str(md)), 5)
    t_html, _ = timed(lambda: render_html(small), 5)
    preview = t_md + t_frag
    print(
        f"preview 500 claims: markdown {t_md * 1000:.0f} ms + fragment {t_frag * 1000:.0f} ms"
        f" = {preview * 1000:.0f} ms ({'ok' if preview <= 0.5 else 'OVER the 0.5 s floor'});"
        f" render_html {t_html * 1000:.0f} ms warm, {t_cold * 1000:.0f} ms cold"
    )
    small_ids = [c.id for c in small.claims]
    t_one, _ = timed(
        lambda: build_report(service, replace(options, article_id=article.article.id)), 1
    )
    print(
        f"(build_report for the single {len(data.claims)}-claim article: {t_one * 1000:.0f} ms;"
        f" {len(small_ids)} claims previewed)"
    )
    service.close()
    print("figures: best of the runs; cold = caches cleared first")


if __name__ == "__main__":
    main()
