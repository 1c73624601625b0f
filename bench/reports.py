"""Benchmark: verdict reports of a project with 10,000 rated claims, three evidence each.

Budgets (issue 15): each export (Markdown, HTML, ClaimReview JSON-LD) of 10,000 claims at
most 2 s; the preview of a 500-claim report at most 0.5 s. Prints figures; asserts nothing.

Same-run references, printed beside the exports: the project service's read of the claims
with their evidence (what build_report reads) and markdown-it-py parsing the 10,000
explanations once with the reports' own parser configuration (``MarkdownIt.parse``, what
each format must do at least once per explanation). Their sum is the floor a clear
implementation cannot go below on this machine; the ratio to it is the figure to compare
across runs on a busy machine. Every explanation is a different text (the count of
distinct ones is printed), so no cache by content can make a figure look better.

    .venv/bin/python bench/reports.py [--claims 10000] [--repeat 5] [--keep DIR]

An export is timed as a user meets it: everything ``factdesk export PROJECT --format X -o
FILE`` does once the project is open (read the claims and evidence, build the report
data, render, write the file atomically), with the report caches emptied before each run
as in a fresh process. Each figure is the best of ``--repeat`` runs, in CPU time
(``time.process_time``, steady on a busy machine) and wall time; the load average is
printed at the start and the end. A breakdown times the same steps one by one.

The project is made through ProjectService (one article holding every claim, added in one
``add_article`` call); ratings, explanations and evidence are then written with
SQLAlchemy Core in bulk, which is only for setup speed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import bindparam, insert, update

from app.core.project import ClaimFilter, DetectedSentence, ProjectService
from app.core.records import ArticleMetadata, ClaimInfo, ClaimKind, ParagraphRole
from app.core.reports import (
    FORMATS,
    ReportData,
    ReportOptions,
    build_report,
    export,
    render_claimreview,
    render_html,
    render_markdown,
)
from app.core.reports.escaping import clean_text
from app.core.reports.explanations import dialect_parser
from app.core.reports.export import write_atomically
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


def clear_caches() -> None:
    """Empty every cache in the report modules: each ``factdesk export`` is a fresh process."""
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("app.core.reports"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


@dataclass
class Timing:
    """Best of the runs, in seconds: CPU time (the figure to compare on a busy machine) and
    wall time (what a user waits on a quiet one)."""

    cpu: float = float("inf")
    wall: float = float("inf")

    def add(self, cpu: float, wall: float) -> None:
        self.cpu = min(self.cpu, cpu)
        self.wall = min(self.wall, wall)


def timed(fn: Callable[[], object], repeat: int, cold: bool = True) -> tuple[Timing, object]:
    timing, result = Timing(), None
    for _ in range(repeat):
        if cold:
            clear_caches()
        cpu, wall = time.process_time(), time.perf_counter()
        result = fn()
        timing.add(time.process_time() - cpu, time.perf_counter() - wall)
    return timing, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f} ms"


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--preview-claims", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (best is shown)")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="factdesk-bench-"))
    path = folder / "bench-reports.factdesk"
    path.unlink(missing_ok=True)
    t0 = time.perf_counter()
    service = make_project(path, args.claims)
    print(f"setup: {args.claims} rated claims x 3 evidence in {time.perf_counter() - t0:.2f} s")
    print(f"load average at start (1, 5, 15 min): {load()} on {os.cpu_count()} cores")
    n = args.repeat

    # What `factdesk export PROJECT --format X -o FILE` does once the project is open:
    # export() (read + build + render), then write_atomically() (write, fsync, rename).
    options = ReportOptions()
    settings = SimpleNamespace(
        organisation="Bench Desk", organisation_url="https://desk.example/checks"
    )
    out = folder / "report.out"
    t_read, claims = timed(lambda: read_claims(service, True), n)
    explanations = [clean_text(c.explanation) for c in claims]  # type: ignore[attr-defined]
    md = dialect_parser()
    t_parse, _ = timed(lambda: [md.parse(e) for e in explanations], n)
    floor = t_read.cpu + t_parse.cpu
    print(
        f"references (same run): service.claims(with_evidence=True) {ms(t_read.cpu)} CPU;"
        f" markdown-it parse (MarkdownIt.parse alone) of the {len(explanations)} explanations"
        f" ({len(set(explanations))} distinct texts) {ms(t_parse.cpu)} CPU,"
        f" {ms(t_parse.wall)} wall; floor (sum) {ms(floor)}"
    )
    for fmt in FORMATS:
        bench_export(service, fmt, options, settings, out, n, floor, t_parse.cpu)
    service.close()

    # The window's preview: the Report Preview dock builds the current article's report and
    # shows render_html() (app/ui/report_dialog.py). A project whose one article has
    # --preview-claims claims, read and rendered from scratch as on the first refresh.
    small_path = folder / "bench-preview.factdesk"
    small_path.unlink(missing_ok=True)
    small = make_project(small_path, args.preview_claims)
    article_id = small.articles()[0].id
    small_options = ReportOptions(article_id=article_id)
    t_cold, small_html = timed(lambda: render_html(build_report(small, small_options)), n)
    t_warm, _ = timed(lambda: render_html(build_report(small, small_options)), n, cold=False)
    verdict = "ok" if t_cold.wall <= 0.5 else "OVER the 0.5 s floor"
    print(
        f"preview {args.preview_claims} claims (build + render_html): {ms(t_cold.cpu)} CPU,"
        f" {ms(t_cold.wall)} wall  {verdict}; refresh with warm caches {ms(t_warm.cpu)} CPU"
    )
    small.close()
    print(f"load average at end (1, 5, 15 min): {load()}; {len(str(small_html)) / 1e6:.1f} MB")
    print("figures: best of the runs; caches emptied before each run unless marked warm")


def bench_export(
    service: ProjectService,
    fmt: str,
    options: ReportOptions,
    settings: SimpleNamespace,
    out: Path,
    n: int,
    floor: float,
    parse: float,
) -> None:
    def full() -> str:
        text = export(service, fmt, options, settings=settings)
        write_atomically(out, text)
        return text

    t_full, text = timed(full, n)
    # The same steps one by one, for the breakdown (each best of its own runs).
    # ClaimReview shows no evidence, and export() does not read it for that format.
    with_evidence = fmt != "claimreview"
    t_read, _ = timed(lambda: read_claims(service, with_evidence), n)
    t_build, data = timed(lambda: build_report(service, options, with_evidence=with_evidence), n)
    assert isinstance(data, ReportData)
    render = RENDERERS[fmt]
    t_render, _ = timed(lambda: render(data, settings), n)
    t_write, _ = timed(lambda: write_atomically(out, str(text)), n)
    verdict = "ok" if t_full.wall <= 2.0 else "OVER the 2 s budget"
    print(
        f"export {fmt} (read + build + render + write): {ms(t_full.cpu)} CPU,"
        f" {ms(t_full.wall)} wall ({len(str(text)) / 1e6:.1f} MB)  {verdict};"
        f" {t_full.cpu / floor:.2f}x the read + parse floor"
    )
    print(
        f"  {fmt} breakdown (CPU): read {ms(t_read.cpu)}, rest of build"
        f" {ms(max(t_build.cpu - t_read.cpu, 0))}, render {ms(t_render.cpu)}"
        f" (of which markdown-it's parse {ms(parse)}), write {ms(t_write.cpu)};"
        f" the export without the parse {ms(t_full.cpu - parse)}"
    )
    if fmt == "markdown":
        t_warm, _ = timed(lambda: render(data, settings), n, cold=False)
        print(f"  {fmt} render with warm caches (a refresh): {ms(t_warm.cpu)} CPU")


def read_claims(service: ProjectService, with_evidence: bool) -> list[ClaimInfo]:
    """The read step of build_report on its own."""
    return service.claims(ClaimFilter(include_dismissed=True), with_evidence=with_evidence)


RENDERERS: dict[str, Callable[[ReportData, SimpleNamespace], str]] = {
    "markdown": lambda data, _s: render_markdown(data),
    "html": lambda data, _s: render_html(data),
    "claimreview": lambda data, s: render_claimreview(
        data, organisation=s.organisation, organisation_url=s.organisation_url
    ),
}


if __name__ == "__main__":
    main()
