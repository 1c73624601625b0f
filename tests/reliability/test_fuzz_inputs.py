"""Fuzzing with hypothesis: importer inputs per format, project files, every user field.

Extends the existing property tests rather than repeating them:

- importers: ``tests/core/importers`` fuzzes raw byte prefixes; here each format is built
  properly (python-docx, the PDF maker, MHTML, HTML, Markdown, text in several encodings)
  and then damaged (truncate, flip, splice, repeat), then read from a real file;
- project files: the sharing suite's mutations (``mutate`` and its ``_use``), plus the
  ordinary open the window and the command line use, read-only;
- reports: every field a user can type goes in through :class:`ProjectService` (so its
  validation runs), then out through the Markdown, HTML and ClaimReview exporters, checked
  with the report suite's own checkers.

Only the typed, documented errors may escape, and input files are never modified.
Default runs are bounded for CI; ``FACTDESK_FUZZ_FULL=1`` (``make fuzz``) runs far more.
Each test prints its counts.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import (
    ArticleImportError,
    FactdeskError,
    ProjectFileError,
    ValidationError,
)
from app.core.importers import read_article
from app.core.project import ProjectService
from app.core.records import ArticleMetadata, Stance
from app.core.reports import ReportOptions, build_report, export
from tests.core.reports.report_checks import check_html, check_jsonld, check_markdown
from tests.core.reports.report_jsonld import validate
from tests.core.reports.test_hostile_property import NASTY
from tests.core.sharing.test_sharing_fuzz import PAGE, _use, mutate
from tests.support.builders import add_sample_article

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "importers"))
from importer_fixtures import article_pages, make_docx, make_pdf

FULL = os.environ.get("FACTDESK_FUZZ_FULL", "") not in ("", "0")
IMPORT_EXAMPLES = 400 if FULL else 40
PROJECT_EXAMPLES = 600 if FULL else 60
REPORT_EXAMPLES = 300 if FULL else 25
SETTINGS = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
}

words = st.lists(
    st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=8),
        st.sampled_from(["The council said", "rose by 40%", "in 2023.", "\n\n"]),
    ),
    min_size=1,
    max_size=12,
).map("".join)


# --- importers ------------------------------------------------------------------------


def _paragraphs(texts: list[str]) -> list[str]:
    return [" ".join(t.split()) or "x" for t in texts]


def build_document(fmt: str, texts: list[str], encoding: str) -> tuple[str, bytes]:
    """A well-formed document of ``fmt`` holding ``texts`` (before any damage)."""
    paras = _paragraphs(texts)
    if fmt == "text":
        return "a.txt", "\n\n".join(paras).encode(encoding, errors="replace")
    if fmt == "markdown":
        body = (
            "# "
            + paras[0]
            + "\n\n"
            + "\n\n".join(f"- {p}\n\n[l](https://x.example/{i})" for i, p in enumerate(paras[1:]))
        )
        return "a.md", body.encode("utf-8")
    if fmt == "html":
        from html import escape

        body = "".join(f"<p>{escape(p)}</p>" for p in paras)
        return "a.html", (
            f"<html><head><title>{escape(paras[0])}</title></head><body>"
            f"<article><h1>{escape(paras[0])}</h1>{body}</article>"
            "<script>var x = 1;</script></body></html>"
        ).encode()
    if fmt == "mhtml":
        from html import escape

        body = "".join(f"<p>{escape(p)}</p>" for p in paras)
        return "a.mhtml", (
            'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            f"<html><body>{body}</body></html>\r\n--b--\r\n"
        ).encode()
    if fmt == "docx":
        # python-docx itself refuses XML-illegal characters; damage comes afterwards.
        paras = ["".join(ch for ch in p if ch.isprintable()) or "x" for p in paras]

        def fill(document: object) -> None:
            document.add_heading(paras[0], 1)  # type: ignore[attr-defined]
            for p in paras[1:]:
                document.add_paragraph(p)  # type: ignore[attr-defined]

        return "a.docx", make_docx(fill)
    assert fmt == "pdf"
    printable = ["".join(ch if 32 <= ord(ch) < 127 else "?" for ch in p) or "x" for p in paras]
    return "a.pdf", make_pdf(article_pages([[p] for p in printable]))


def damage(data: bytes, ops: list[tuple[str, float, bytes]]) -> bytes:
    buf = bytearray(data)
    for op, where, blob in ops:
        if not buf:
            buf.extend(blob)
            continue
        pos = int(where * (len(buf) - 1))
        if op == "truncate":
            del buf[pos:]
        elif op == "flip":
            buf[pos] ^= 1 << (blob[0] % 8 if blob else 0)
        elif op == "splice":
            buf[pos:pos] = blob
        elif op == "overwrite":
            buf[pos : pos + len(blob)] = blob
        elif op == "repeat":
            buf[pos:pos] = bytes(buf[pos : pos + 64]) * 8
    return bytes(buf)


damage_ops = st.lists(
    st.tuples(
        st.sampled_from(["truncate", "flip", "splice", "overwrite", "repeat"]),
        st.floats(0, 1),
        st.binary(max_size=24),
    ),
    max_size=4,
)
FORMATS = ["text", "markdown", "html", "mhtml", "docx", "pdf"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_fuzz_importer_per_format(fmt: str, tmp_path: Path) -> None:
    counts: Counter[str] = Counter()
    serial = iter(range(10**9))

    @settings(max_examples=IMPORT_EXAMPLES, **SETTINGS)
    @given(
        texts=st.lists(words, min_size=1, max_size=5),
        ops=damage_ops,
        encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1", "utf-8-sig"]),
        rename=st.booleans(),
    )
    def run(
        texts: list[str], ops: list[tuple[str, float, bytes]], encoding: str, rename: bool
    ) -> None:
        name, data = build_document(fmt, texts, encoding)
        data = damage(data, ops)
        folder = tmp_path / f"x{next(serial)}"
        folder.mkdir()
        # Content decides the format, not the name: sometimes lie about it.
        path = folder / ("document.bin" if rename else name)
        path.write_bytes(data)
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
        try:
            article = read_article(path)
        except ArticleImportError as error:
            message = str(error)
            assert message and "\n" not in message and "Traceback" not in message
            counts[type(error).__name__] += 1
        else:
            assert article.text.strip()
            counts["imported"] += 1
        assert path.read_bytes() == data, "the input file was modified"
        assert path.stat().st_mtime_ns == 1_000_000_000
        assert [p.name for p in folder.iterdir()] == [path.name]

    run()
    total = sum(counts.values())
    print(
        f"\nimporter fuzz {fmt}: {total} inputs: "
        + ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    )
    assert total >= min(IMPORT_EXAMPLES, 10)


# --- project files --------------------------------------------------------------------


@pytest.fixture(scope="module")
def project_seed(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("seed") / "seed.factdesk"
    service = ProjectService.create_file(path, author="Fuzz")
    add_sample_article(service)
    claim = service.claims()[0]
    service.set_rating(claim.id, "Mostly false")
    service.update_claim(claim.id, explanation="Because **records** say so.")
    service.add_evidence(claim.id, url="https://example.org/e", title="Records")
    service.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA page_size={PAGE}")
        conn.execute("VACUUM")
    conn.close()
    return path.read_bytes()


KNOWN_ESCAPES: tuple[type[BaseException], ...] = ()  # none: damaged values are typed errors


def test_fuzz_project_files(project_seed: bytes, tmp_path: Path) -> None:
    counts: Counter[str] = Counter()
    known: Counter[str] = Counter()
    serial = iter(range(10**9))

    @settings(max_examples=PROJECT_EXAMPLES, **SETTINGS)
    @given(seed=st.integers(0, 2**32), index=st.integers(0, 10_000))
    def run(seed: int, index: int) -> None:
        folder = tmp_path / f"m{next(serial)}"
        folder.mkdir()
        path = folder / "mutant.factdesk"
        kind = mutate(project_seed, random.Random(seed), index, path)
        before = path.read_bytes()
        outcome = []
        # The sharing path (view only), then the ordinary read-only open and an export.
        for opener in ("shared", "opened"):
            try:
                if opener == "shared":
                    _use(path)
                else:
                    service = ProjectService.open_file(path, author="Fuzz", read_only=True)
                    try:
                        export(service, "markdown")
                    finally:
                        service.close()
                outcome.append(opener)
            except ProjectFileError as error:
                outcome.append(type(error).__name__)
            except FactdeskError as error:
                # The sharing open promises a ProjectFileError; the ordinary open any typed,
                # one-line error (a file with no project row: NotFoundError).
                if opener == "shared" or "\n" in str(error):
                    pytest.fail(f"{kind} mutant via {opener}: {type(error).__name__}: {error}")
                outcome.append(type(error).__name__)
            except KNOWN_ESCAPES as error:
                if opener != "opened":
                    raise
                known[f"{kind}: {type(error).__name__}: {str(error)[:50]}"] += 1
                outcome.append("KNOWN-ISSUE")
            assert path.read_bytes() == before, f"{kind} mutant modified via {opener}"
        leftovers = sorted(p.name for p in folder.iterdir())
        assert leftovers == ["mutant.factdesk"], leftovers
        counts[f"{kind}:{'/'.join(outcome)}"] += 1

    run()
    total = sum(counts.values())
    print(
        f"\nproject file fuzz: {total} mutants: "
        + ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    )
    if known:
        print(f"known issue hit: {dict(known)}")
    assert total >= min(PROJECT_EXAMPLES, 10)


# --- every user field into the reports ------------------------------------------------

urls = st.one_of(
    st.none(),
    words,
    st.sampled_from(
        [
            "https://ok.example/a?b=1&c=<2>",
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            "data:text/html,<script>x</script>",
            "file:///etc/passwd",
            "//evil.example/",
            "http://ok.example/a_(b)",
            " https://ok.example/ ",
        ]
    ),
)


def _try(counts: Counter[str], what: str, call: object, *args: object, **kwargs: object) -> object:
    """Run a service edit; a ValidationError is a documented refusal and is counted."""
    try:
        return call(*args, **kwargs)  # type: ignore[operator]
    except ValidationError:
        counts[f"refused:{what}"] += 1
        return None


@pytest.fixture(scope="module")
def new_projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A just-created, closed project file per scale: each example gets its own copy.

    Creating the file (schema, project, scale) is the same for every example and took
    most of an example's time; the fuzzed fields all go in after it, through the service.
    """
    folder = tmp_path_factory.mktemp("new-projects")
    blank = {}
    for scale in ("five-level", "conclusion-only"):
        path = folder / f"{scale}.factdesk"
        ProjectService.create_file(path, scale=scale, author="Fuzz").close()
        blank[scale] = path.read_bytes()
    return blank


@pytest.mark.parametrize("scale", ["five-level", "conclusion-only"])
def test_fuzz_user_fields_into_reports(
    scale: str, new_projects: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts: Counter[str] = Counter()
    serial = iter(range(10**9))
    from app.core.settings import Settings

    @settings(max_examples=REPORT_EXAMPLES, **SETTINGS)
    @given(
        project_name=words,
        title=words,
        outlet=words,
        author=words,
        url=urls,
        claim=st.fixed_dictionaries(
            {"wording": words, "claimant": words, "explanation": words, "rating": words}
        ),
        evidence=st.lists(
            st.tuples(urls, words, st.sampled_from(list(Stance)), words, urls), max_size=3
        ),
        organisation=st.one_of(st.just("Desk"), words),
        org_url=st.one_of(st.just("https://desk.example/checks"), urls),
    )
    def run(
        project_name: str,
        title: str,
        outlet: str,
        author: str,
        url: str | None,
        claim: dict[str, str],
        evidence: list[tuple[str | None, str, Stance, str, str | None]],
        organisation: str,
        org_url: str | None,
    ) -> None:
        path = tmp_path / f"r{next(serial)}.factdesk"
        path.write_bytes(new_projects[scale])
        service = ProjectService.open_file(path, author="Fuzz")
        try:
            _try(counts, "name", service.rename, project_name)
            text = "Headline\n\nThe rate rose by 4% in 2023, the council said. Then more."
            meta = dict(
                title=title, outlet=outlet, author=author, url=url, published=date(2024, 1, 2)
            )
            added = _try(
                counts, "article", service.add_article, text, metadata=ArticleMetadata(**meta)
            )  # type: ignore[arg-type]
            if added is None:
                added = service.add_article(text, metadata=ArticleMetadata(title="t"))
            start = text.index("The rate")
            info, _ = service.add_claim(added[0].id, start, start + 30)  # type: ignore[index]
            label = claim["rating"] if scale == "conclusion-only" else "Mostly false"
            _try(counts, "rating", service.set_rating, info.id, label)
            for name in ("wording", "claimant", "explanation"):
                _try(counts, name, service.update_claim, info.id, **{name: claim[name]})
            for link, link_title, stance, note, archive in evidence:
                _try(
                    counts,
                    "evidence",
                    service.add_evidence,
                    info.id,
                    url=link,
                    title=link_title,
                    stance=stance,
                    publisher=note[:50],
                    note=note,
                    archive_url=archive,
                )
            data = build_report(service, ReportOptions())
            md = export(service, "markdown")
            md_counts = check_markdown(md, data)
            check_html(export(service, "html"), data)
            org = Settings(organisation=organisation, organisation_url=org_url or "")
            try:
                jsonld = export(service, "claimreview", settings=org)
            except ValidationError:
                counts["refused:organisation"] += 1
            else:
                validate(check_jsonld(jsonld))
            counts["links"] += md_counts["links"]
            counts["examples"] += 1
        finally:
            service.close()

    run()
    print(f"\nreport fuzz ({scale}): " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    assert counts["examples"] >= min(REPORT_EXAMPLES, 10)
