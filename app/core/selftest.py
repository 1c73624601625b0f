"""``factdesk self-test``: the whole pipeline, headless, on a temporary project.

Meant for a freshly built standalone program (``make dist`` runs it) as much as for a
source checkout: every step goes through the same core code the window and the command
line use, so a module, data file or resource left out of a build shows up here as a
FAILED line instead of in a user's hands. Nothing outside a temporary folder is touched:
the settings and trusted keys point there, and secrets go to an in-memory keyring that
is set only while the self-test runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from app import APP_NAME, __version__
from app.core.sample_files import (
    MARKDOWN_ARTICLE,
    SAVED_PAGE,
    WORD_AND_PDF_TEXT,
    minimal_pdf,
)
from app.core.wording import plural

if TYPE_CHECKING:
    from app.core.sharing.signing import VerifyResult

SAMPLE_ARTICLE = "northbridge-water.txt"
# Every library an import path or a command needs (a module each): one left out of an
# installation or a build is named here instead of failing a user's import.
COMPONENTS = (
    "sqlmodel",
    "sqlalchemy",
    "keyring",
    "platformdirs",
    "cryptography",
    "markdown_it",
    "syntok",
    "charset_normalizer",
    "trafilatura",
    "justext",
    "lxml.html.clean",
    "docx",
    "pypdf",
    "psycopg",
    "rapidfuzz",
)
REVIEWER = "Self-test Reviewer"
COLLEAGUE = "Self-test Colleague"


class MemoryKeyring(KeyringBackend):
    """Secrets kept in a dict for the length of the self-test; nothing reaches the disk."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class StepFailed(Exception):
    """A step ran but did not give the expected result."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


@dataclass
class Outcome:
    name: str
    ok: bool
    detail: str
    seconds: float


@dataclass
class SelfTest:
    """Runs named steps in order; a step that fails stops the ones that depend on it."""

    folder: Path
    out: IO[str]
    outcomes: list[Outcome] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)

    def step(self, name: str, action: Callable[[], str]) -> bool:
        started = time.perf_counter()
        try:
            detail, ok = action(), True
        except StepFailed as exc:
            detail, ok = str(exc), False
        except Exception as exc:  # report, do not crash: the summary must still print
            last = traceback.extract_tb(exc.__traceback__)[-1:]
            where = f" at {Path(last[0].filename).name}:{last[0].lineno}" if last else ""
            detail, ok = f"{type(exc).__name__}: {exc}{where}", False
        seconds = time.perf_counter() - started
        self.outcomes.append(Outcome(name, ok, detail, seconds))
        mark = "OK    " if ok else "FAILED"
        self.out.write(f"{mark} {name}" + (f": {detail}" if detail else "") + "\n")
        self.out.flush()
        return ok

    def skip(self, name: str, because: str) -> None:
        self.outcomes.append(Outcome(name, False, f"not run ({because})", 0.0))
        self.out.write(f"FAILED {name}: not run ({because})\n")


@contextlib.contextmanager
def isolated(folder: Path) -> Iterator[None]:
    """Settings, trusted keys and the keyring point into ``folder`` for the duration."""
    saved_env = {k: os.environ.get(k) for k in ("FACTDESK_CONFIG_DIR", "FACTDESK_REVIEWER")}
    saved_keyring = keyring.get_keyring()
    os.environ["FACTDESK_CONFIG_DIR"] = str(folder / "config")
    os.environ["FACTDESK_REVIEWER"] = REVIEWER
    keyring.set_keyring(MemoryKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(saved_keyring)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# --- the steps ----------------------------------------------------------------------------


def _components(t: SelfTest) -> str:
    import importlib

    from app.core.errors import MissingComponentError, missing_component

    for module in COMPONENTS:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise StepFailed(str(MissingComponentError(missing_component(exc) or module))) from exc
    return f"{len(COMPONENTS)} libraries"


def _resources(t: SelfTest) -> str:
    from app.core.paths import resource_path

    wanted = [
        ("samples", SAMPLE_ARTICLE),
        ("scales", "five-level.json"),
        ("model", "checkworthiness.bin"),
        ("model", "checkworthiness.json"),
        ("reports", "report.css"),
    ]
    missing = [str(Path(*p)) for p in wanted if not resource_path(*p).is_file()]
    check(not missing, f"missing from {resource_path()}: {', '.join(missing)}")
    return f"{len(wanted)} files in {resource_path()}"


def _create(t: SelfTest) -> str:
    from app.core.project import ProjectService

    path = t.folder / "self-test.factdesk"
    service = ProjectService.create_file(path, name="Self-test", author=REVIEWER)
    t.state["path"], t.state["service"] = path, service
    levels = [lv.label for lv in service.info().scale.levels]
    check(len(levels) == 5, f"expected the five-level scale, got {levels}")
    return f"{path.name}, scale {', '.join(levels)}"


def _import(t: SelfTest) -> str:
    from app.core.ingest import import_article_file
    from app.core.paths import resource_path

    result = import_article_file(t.state["service"], resource_path("samples", SAMPLE_ARTICLE))
    check(result.created, "the article was not stored")
    check(
        result.article.title.startswith("Northbridge boil-water notice"),
        f"unexpected title {result.article.title!r}",
    )
    t.state["article"] = result.article
    return f"{result.article.title!r}, {result.detected} claims detected"


def _detected(t: SelfTest) -> str:
    from app.core.records import ParagraphRole

    claims = t.state["service"].claims()
    t.state["claims"] = claims
    check(len(claims) >= 8, f"only {len(claims)} claims detected in the sample article")
    marked_credits = [
        c.quote for c in claims if c.role == ParagraphRole.CREDIT or "Photo:" in c.quote
    ]
    check(not marked_credits, f"photo credits marked as claims: {marked_credits}")
    check(
        not any(c.quote.startswith("By Amira Collins") for c in claims),
        "the byline was marked as a claim",
    )
    claimants = {c.claimant for c in claims if c.claimant}
    check(len(claimants) >= 2, f"too few claimants found: {sorted(claimants)}")
    numbers = [c for c in claims if "42,000" in c.quote or "$12.4 million" in c.quote]
    check(len(numbers) >= 2, "the headline figures (42,000 homes, $12.4 million) were missed")
    shown = ", ".join(sorted(claimants)[:3])
    return f"{len(claims)} claims, credits unmarked, claimants include {shown}"


def _import_page(t: SelfTest) -> str:
    from app.core.ingest import import_article_file

    page = t.folder / "ferry-fares.html"
    page.write_text(SAVED_PAGE, encoding="utf-8")
    service = t.state["service"]
    result = import_article_file(service, page)
    check(result.created, "the saved page was not stored")
    article = result.article
    check(article.title == "Harbour ferry fares to rise by a third", f"title {article.title!r}")
    check(article.outlet == "Northbridge Courier", f"outlet {article.outlet!r}")
    text = service.article_text(article.id).text
    check("first increase since 2019" in text, "the article text was not extracted")
    for boilerplate in ("Subscribe", "Sport"):
        check(boilerplate not in text, f"page furniture kept: {boilerplate!r}")
    quotes = [c.quote for c in service.claims() if c.article_id == article.id]
    check(not any("Photo:" in q for q in quotes), "the photo credit was marked as a claim")
    check(len(quotes) >= 2, f"only {len(quotes)} claims detected in the saved page")
    return f"{article.title!r} from {article.outlet}, {len(quotes)} claims"


def _import_markdown(t: SelfTest) -> str:
    from app.core.ingest import import_article_file

    path = t.folder / "water-meters.md"
    path.write_text(MARKDOWN_ARTICLE, encoding="utf-8")
    result = import_article_file(t.state["service"], path)
    check(result.created, "the Markdown article was not stored")
    text = t.state["service"].article_text(result.article.id).text
    check("**" not in text and "#" not in text, "Markdown markup kept in the text")
    return f"{result.article.title!r}, {result.detected} claims"


def _import_word_and_pdf(t: SelfTest) -> str:
    import docx

    from app.core.importers import read_article

    document = docx.Document()
    document.add_heading("Bus fares up again", level=1)
    for line in WORD_AND_PDF_TEXT:
        document.add_paragraph(line)
    word = t.folder / "fares.docx"
    document.save(str(word))
    pdf = t.folder / "fares.pdf"
    pdf.write_bytes(minimal_pdf(WORD_AND_PDF_TEXT))
    for path in (word, pdf):
        text = " ".join(read_article(path).text.split())
        for line in WORD_AND_PDF_TEXT:
            check(line in text, f"{path.suffix} text not read back: {text[:120]!r}")
    return "both read back"


def _drivers(t: SelfTest) -> str:
    """What the steps above cannot reach without a server or a desktop session."""
    import importlib

    import psycopg
    from sqlalchemy import create_engine

    # The PostgreSQL dialect and driver load (no connection is made).
    engine = create_engine("postgresql+psycopg://factdesk@127.0.0.1:9/selftest")
    try:
        check(engine.dialect.name == "postgresql", f"dialect {engine.dialect.name}")
    finally:
        engine.dispose()
    check(psycopg.pq.__impl__ in ("c", "binary"), f"psycopg has no libpq ({psycopg.pq.__impl__})")
    # The keyring backends of the desktops Factdesk runs on.
    backends = ("keyring.backends.SecretService", "keyring.backends.kwallet")
    for name in backends:
        importlib.import_module(name)
    return f"PostgreSQL through psycopg ({psycopg.pq.__impl__} libpq), keyring backends"


def _claim_with(t: SelfTest, phrase: str) -> Any:
    claim = next((c for c in t.state["claims"] if phrase in c.quote), None)
    check(claim is not None, f"no claim quoting {phrase!r}")
    return claim


def _rate(t: SelfTest) -> str:
    from app.core.records import ClaimStatus

    service = t.state["service"]
    rated = []
    for phrase, verdict, explanation in (
        ("42,000", "Mostly true", "The notice covered **41,600 households**; rounded up."),
        ("$12.4 million", "True", "The capital plan lists the repairs at $12.4 million."),
    ):
        claim = _claim_with(t, phrase)
        service.set_rating(claim.id, verdict)
        service.update_claim(claim.id, explanation=explanation, status=ClaimStatus.DONE)
        after = service.claim(claim.id)
        check(after.rating_label == verdict, f"rating read back as {after.rating_label!r}")
        check(after.explanation == explanation, "explanation not saved")
        rated.append(after)
    t.state["rated"] = rated
    return ", ".join(f"{c.rating_label!r}" for c in rated)


def _evidence(t: SelfTest) -> str:
    service = t.state["service"]
    claim = t.state["rated"][0]
    service.add_evidence(
        claim.id,
        url="https://example.org/northbridge/boil-water-notice",
        title="Boil-water notice, Eastgate supply zone",
        publisher="City of Northbridge",
        stance="supports",
        note="Household count in the second paragraph.",
    )
    attachment = service.store_attachment(b"self-test evidence file\n", "notice.txt")
    service.add_evidence(claim.id, note="A saved copy of the notice.", attachment_id=attachment.id)
    evidence = service.claim(claim.id).evidence
    check(len(evidence) == 2, f"expected 2 pieces of evidence, found {len(evidence)}")
    _, data = service.attachment_data(attachment.id)
    check(data == b"self-test evidence file\n", "the attached file did not read back intact")
    return f"a link and an attached file (sha256 {attachment.sha256[:12]}…)"


def _export_markdown(t: SelfTest) -> str:
    from app.core.reports import export

    text = export(t.state["service"], "markdown")
    check(text.lstrip().startswith("#"), "the report does not start with a heading")
    for needle in ("Mostly true", "41,600 households", "boil-water-notice"):
        check(needle in text, f"the Markdown report lacks {needle!r}")
    return f"{len(text):,} characters"


def _export_html(t: SelfTest) -> str:
    from html.parser import HTMLParser

    from app.core.reports import export

    text = export(t.state["service"], "html")

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.seen: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.seen.add(tag)

    parser = Tags()
    parser.feed(text)
    for tag in ("html", "head", "style", "body", "h1"):
        check(tag in parser.seen, f"the HTML report has no <{tag}>")
    check("<script" not in text.lower(), "the HTML report contains a script")
    check("<strong>41,600 households</strong>" in text, "Markdown was not rendered in HTML")
    return f"{len(text):,} characters, a standalone page"


def _export_claimreview(t: SelfTest) -> str:
    from app.core.reports import build_report, render_claimreview

    text = render_claimreview(
        build_report(t.state["service"]),
        organisation="Self-test Desk",
        organisation_url="https://example.org/",
    )
    document = json.loads(text)
    check(document.get("@context") == "https://schema.org", "wrong @context")
    graph = document.get("@graph")
    check(isinstance(graph, list) and len(graph) == 2, "expected one ClaimReview per verdict")
    for review in graph:
        check(review.get("@type") == "ClaimReview", f"not a ClaimReview: {review.get('@type')}")
        rating = review.get("reviewRating") or {}
        check(rating.get("@type") == "Rating", "a review has no Rating")
        check(bool(rating.get("alternateName")), "a rating has no name")
        for key in ("bestRating", "worstRating", "ratingValue"):
            check(key in rating, f"a rating lacks {key}")
        check(bool(review.get("claimReviewed")), "a review has no claimReviewed")
        check("itemReviewed" in review, "a review has no itemReviewed")
    names = sorted(r["reviewRating"]["alternateName"] for r in graph)
    return f"{len(graph)} ClaimReview items ({', '.join(names)})"


def _sign(t: SelfTest) -> str:
    from app.core.sharing.signing import sign_project

    info = sign_project(t.state["service"], trust_own_key=False)
    t.state["fingerprint"] = info.key_fingerprint
    t.state["service"].close()
    del t.state["service"]
    return f"{info.records} records, key {info.key_fingerprint[:16]}…"


def _open(path: Path, *, view_only: bool, author: str = REVIEWER) -> Any:
    from app.core.project import ProjectService
    from app.core.sharing.safeopen import open_for_sharing

    return ProjectService.for_database(open_for_sharing(path, view_only=view_only), author=author)


def _verify(path: Path, fingerprint: str) -> VerifyResult:
    from app.core.sharing.signing import verify_project

    service = _open(path, view_only=True)
    try:
        return verify_project(service, {fingerprint: REVIEWER})
    finally:
        service.close()


def _verify_valid(t: SelfTest) -> str:
    from app.core.sharing.signing import VerifyStatus

    result = _verify(t.state["path"], t.state["fingerprint"])
    check(result.status == VerifyStatus.VALID, f"{result.status.value}: {result.message}")
    return result.status.value


def _verify_tampered(t: SelfTest) -> str:
    from app.core.sharing.signing import VerifyStatus

    copy = t.folder / "tampered.factdesk"
    shutil.copyfile(t.state["path"], copy)
    service = _open(copy, view_only=False, author="Someone Else")
    try:
        claim = t.state["rated"][1]
        service.update_claim(claim.id, explanation="Quietly rewritten after signing.")
    finally:
        service.close()
    result = _verify(copy, t.state["fingerprint"])
    check(result.status == VerifyStatus.CHANGED, f"{result.status.value}: {result.message}")
    check(len(result.changed) >= 1, "the changed record was not named")
    return f"{result.status.value}, {plural(len(result.changed), 'record')} named"


def _merge(t: SelfTest) -> str:
    theirs = t.folder / "colleague.factdesk"
    shutil.copyfile(t.state["path"], theirs)
    quote_mine, quote_theirs = "twice as many", "7-5"
    service = _open(theirs, view_only=False, author=COLLEAGUE)
    try:
        claim = _claim_with(t, quote_theirs)
        service.set_rating(claim.id, "True")
        service.update_claim(claim.id, explanation="Council minutes record the 7-5 vote.")
    finally:
        service.close()
    from app.core.sharing.merge import merge_projects

    mine = _open(t.state["path"], view_only=False)
    try:
        own = _claim_with(t, quote_mine)
        mine.set_rating(own.id, "Half true")
        result = merge_projects(mine, theirs)
        check(not result.conflicts, f"unexpected conflicts: {len(result.conflicts)}")
        merged = mine.claim(_claim_with(t, quote_theirs).id)
        check(merged.rating_label == "True", "the colleague's verdict did not arrive")
        check("7-5 vote" in merged.explanation, "the colleague's explanation did not arrive")
        kept = mine.claim(own.id)
        check(kept.rating_label == "Half true", "my own edit was lost in the merge")
    finally:
        mine.close()
    return f"{plural(result.updated_fields, 'field')} taken from the colleague, own edits kept"


STEPS: list[tuple[str, Callable[[SelfTest], str], tuple[str, ...]]] = [
    # (name, action, names of the steps it needs)
    ("libraries installed", _components, ()),
    ("resources found", _resources, ()),
    ("create project", _create, ()),
    ("import sample article", _import, ("create project",)),
    ("detected claims", _detected, ("import sample article",)),
    ("import a saved web page", _import_page, ("create project",)),
    ("import a Markdown article", _import_markdown, ("create project",)),
    ("read Word and PDF files", _import_word_and_pdf, ()),
    ("database driver and keyring backends", _drivers, ()),
    ("rate claims", _rate, ("detected claims",)),
    ("add evidence", _evidence, ("rate claims",)),
    ("export Markdown", _export_markdown, ("add evidence",)),
    ("export HTML", _export_html, ("add evidence",)),
    ("export ClaimReview", _export_claimreview, ("add evidence",)),
    ("sign", _sign, ("add evidence",)),
    ("verify signed project", _verify_valid, ("sign",)),
    ("verify tampered copy", _verify_tampered, ("sign",)),
    ("merge a colleague's copy", _merge, ("sign",)),
]


def run_self_test(out: IO[str], folder: Path | None = None) -> bool:
    """Run every step, print one line each and a summary; True when all passed."""
    out.write(f"{APP_NAME} {__version__} self-test\n")
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="factdesk-")))
        stack.enter_context(isolated(folder))
        t = SelfTest(folder, out)
        try:
            passed: set[str] = set()
            for name, action, needs in STEPS:
                missing = [n for n in needs if n not in passed]
                if missing:
                    t.skip(name, f"{missing[0]} failed")
                elif t.step(name, lambda a=action: a(t)):  # type: ignore[misc]
                    passed.add(name)
        finally:
            service = t.state.pop("service", None)
            if service is not None:
                service.close()
    failed = [o for o in t.outcomes if not o.ok]
    total = sum(o.seconds for o in t.outcomes)
    if failed:
        out.write(f"Self-test FAILED: {len(failed)} of {len(t.outcomes)} steps ({total:.1f} s)\n")
    else:
        out.write(f"Self-test passed: {len(t.outcomes)} steps ({total:.1f} s)\n")
    out.flush()
    return not failed
