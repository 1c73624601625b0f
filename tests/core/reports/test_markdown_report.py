"""The Markdown report of a real project: structure, options, and hostile fields."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.core.errors import NotFoundError
from app.core.project import DetectedSentence, ProjectService
from app.core.records import ArticleMetadata, ClaimStatus, ParagraphRole
from app.core.reports import ReportOptions, build_report, render_html, render_markdown
from tests.core.reports.report_checks import STRICT, check_markdown
from tests.core.reports.report_projects import make_sample_project

HOSTILE = [
    "a | b || c",
    "line one\nline two\r\nline three",
    "# not a heading",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "* not a list",
    "1. not a list",
    "2) not a list",
    "===",
    "---",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![pixel](https://tracker.example/p.gif)",
    "<javascript:alert(1)>",
    "<https://autolink.example/>",
    "&lt;b&gt; &amp; &#60;",
    "back\\slash\\",
    "`code` ``` fence",
    "**bold** _em_ ~~strike~~",
    "[ref]: https://evil.example/",
    "    indented code",
    "tab\there",
    "nul\x00 esc\x1b bell\x07",
    "bidi \u202eevil\u202c",
    "emoji 😀 e\u0301 中文 עברית",
    "trailing backslash \\",
    "<!-- comment -->",
    "|---|---|",
]


def _project(tmp_path: Path) -> ProjectService:
    service = ProjectService.create_file(tmp_path / "h.factdesk", author="Eve <script>")
    text = "\n\n".join(
        f"Sentence number {i} says 40 percent of {i} things." for i in range(len(HOSTILE))
    )
    spans = []
    pos = 0
    for i in range(len(HOSTILE)):
        s = f"Sentence number {i} says 40 percent of {i} things."
        start = text.index(s, pos)
        spans.append(DetectedSentence(start, start + len(s), 0.9, None, (), ParagraphRole.BODY))
        pos = start + len(s)
    article, _ = service.add_article(
        text,
        metadata=ArticleMetadata(
            title="<script>alert('title')</script> | # title",
            outlet="[Outlet](javascript:alert(1))",
            author="> **Author** |",
            url="https://news.example/a?x=<b>|c",
            published=date(2024, 1, 2),
        ),
        detected=spans,
    )
    for claim, nasty in zip(service.claims(), HOSTILE, strict=True):
        service.set_rating(claim.id, "False")
        service.update_claim(
            claim.id,
            wording=nasty,
            claimant=nasty,
            explanation=nasty + "\n\n" + nasty,
            status=ClaimStatus.DONE,
        )
        service.add_evidence(
            claim.id,
            url="https://src.example/x_(1)|<y>",
            title=nasty,
            publisher=nasty,
            note=nasty,
            archive_url="https://archive.example/x",
        )
        service.add_evidence(claim.id, note=nasty, title="note only " + nasty)
    assert article.id
    return service


def test_sample_report_structure(sample: ProjectService) -> None:
    data = build_report(sample, ReportOptions(include_unrated=True, include_dismissed=True))
    md = render_markdown(data)
    counts = check_markdown(md, data)
    assert counts["rows"] == 6
    assert "| 1 | About 42,000 households are under the boil-water notice. |" in md
    assert "[Northbridge Water annual report 2023](<https://water.example/annual-2023.pdf>)" in md
    assert "`a8007bb8" in md or "SHA-256 `" in md
    assert md.endswith("\n") and "Factdesk 0.1.0" in md


def test_options_choose_claims(sample: ProjectService) -> None:
    everything = build_report(sample, ReportOptions(include_unrated=True, include_dismissed=True))
    live = build_report(sample, ReportOptions(include_unrated=True))
    done = build_report(sample, ReportOptions(only_done=True))
    default = build_report(sample, ReportOptions())
    assert len(everything.claims) == 6
    assert len(live.claims) == 5
    assert all(c.status != ClaimStatus.DISMISSED for c in live.claims)
    assert len(done.claims) == 3 and all(c.status == ClaimStatus.DONE for c in done.claims)
    # By default the report leads with verdicts: the rated claims only.
    assert len(default.claims) == 3 and all(c.rating_label for c in default.claims)
    for data in (everything, live, done, default):
        check_markdown(render_markdown(data), data)
    assert "Scope: finished claims only" in render_markdown(done)


def test_one_article(sample: ProjectService) -> None:
    article = sample.articles()[0]
    data = build_report(sample, ReportOptions(article_id=article.id.upper()))
    md = render_markdown(data)
    check_markdown(md, data)
    assert md.startswith("# Verdict report: Northbridge boil-water notice")
    assert "- **Project:** Northbridge water" in md
    with pytest.raises(NotFoundError):
        build_report(sample, ReportOptions(article_id="not-an-id"))


def test_signature_status_in_footer(sample: ProjectService) -> None:
    data = build_report(sample, ReportOptions(signature_status="Signed by Ana — <valid>"))
    md = render_markdown(data)
    assert md.rstrip().endswith("**Signature:** Signed by Ana — \\<valid\\>")
    assert "Signature" not in render_markdown(build_report(sample))


def test_empty_project(tmp_path: Path) -> None:
    service = ProjectService.create_file(tmp_path / "e.factdesk", author="Ana")
    data = build_report(service)
    md = render_markdown(data)
    check_markdown(md, data)
    assert "no articles yet" in md
    service.close()


def test_hostile_fields_through_the_service(tmp_path: Path) -> None:
    service = _project(tmp_path)
    data = build_report(service)
    md = render_markdown(data)
    counts = check_markdown(md, data)
    assert counts["rows"] == len(HOSTILE)
    # The only links are the recorded web addresses.
    hrefs = {
        t.attrGet("href")
        for tok in STRICT.parse(md)
        for t in (tok.children or [])
        if t.type == "link_open"
    }
    assert hrefs == {
        "https://news.example/a?x=%3Cb%3E%7Cc",
        "https://src.example/x_(1)%7C%3Cy%3E",
        "https://archive.example/x",
        # web links written in explanations stay links (the image becomes a plain link)
        "https://autolink.example/",
        "https://tracker.example/p.gif",
    }
    assert "<script>" not in md and "\x00" not in md and "\u202e" not in md
    service.close()


def _window_numbers(service: ProjectService, article_id: str) -> dict[str, int]:
    """Claim id -> the number the window's claim list shows (its row, from 1)."""
    from app.core.records import ClaimFilter

    listed = sorted(service.claims(ClaimFilter(article_id=article_id)), key=lambda c: c.start)
    return {c.id: row for row, c in enumerate(listed, 1)}


def test_default_report_has_the_verdicts_numbered_as_in_the_window(
    sample: ProjectService,
) -> None:
    article = sample.articles()[0]
    claims = sample.claims()
    sample.set_rating(claims[4].id, "Mostly false")  # the fifth claim, after two unrated
    numbers = _window_numbers(sample, article.id)
    data = build_report(sample)
    md = render_markdown(data)
    check_markdown(md, data)
    rated = [c for c in claims if c.rating_label or c.id == claims[4].id]
    expected = [numbers[c.id] for c in rated if c.status != ClaimStatus.DISMISSED]
    assert expected == [1, 2, 3, 5]
    assert [n for a in data.articles for n, _c in a.claims] == expected
    assert "#### Claim 5 — Mostly false" in md and "#### Claim 4" not in md
    assert "| 5 | " in md and "No explanation written yet" in md  # claim 5 has none
    assert md.count("No explanation written yet") == 1
    html = render_html(data)
    assert '<span class="claim-number">Claim 5</span>' in html
    with_unrated = render_markdown(build_report(sample, ReportOptions(include_unrated=True)))
    assert "#### Claim 4 — Unrated" in with_unrated


def test_title_comes_from_the_article_not_the_file_name(tmp_path: Path) -> None:
    service = ProjectService.create_file(tmp_path / "p.factdesk", author="Ana Lima")
    text = "The council said 40 percent of homes were affected last year."
    service.add_article(
        text,
        metadata=ArticleMetadata(title="Council repairs behind schedule"),
        detected=[DetectedSentence(0, len(text), 0.9, None, (), ParagraphRole.BODY)],
    )
    service.set_rating(service.claims()[0].id, "False")
    md = render_markdown(build_report(service))
    assert md.startswith("# Verdict report: Council repairs behind schedule\n")
    assert "<title>Verdict report: Council repairs behind schedule</title>" in render_html(
        build_report(service)
    )
    # Two articles: the project's own name.
    service.add_article("A second text that says 12 things.", metadata=ArticleMetadata(title="B"))
    assert render_markdown(build_report(service)).startswith("# Verdict report: p\n")
    service.close()


def test_reviewed_by_names_who_gave_the_verdict(tmp_path: Path) -> None:
    path = tmp_path / "r.factdesk"
    service = make_sample_project(path)  # rated by "Ana Reviewer"
    service.close()
    other = ProjectService.open_file(path, author="jdoe")  # a login name, editing later
    claim = next(c for c in other.claims() if c.rating_label)
    other.update_claim(claim.id, explanation="Checked again.")
    md = render_markdown(build_report(other))
    assert md.count("- **Reviewed by:** Ana Reviewer, ") == 3
    assert "jdoe" not in md
    other.close()


def test_reviewer_is_the_accounts_full_name_rather_than_the_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a name in the settings, verdicts are signed with the account's full name
    (the login name only when the system has none)."""
    import getpass
    import pwd

    from app.core.settings import Settings, reviewer_name

    monkeypatch.delenv("FACTDESK_REVIEWER", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "alima")
    account = pwd.struct_passwd(("alima", "x", 1000, 1000, "Ana Lima,,,", "/home/a", "/bin/sh"))
    monkeypatch.setattr(pwd, "getpwuid", lambda _uid: account)
    name = reviewer_name(Settings())
    assert name == "Ana Lima"
    service = ProjectService.create_file(tmp_path / "n.factdesk", author=name)
    text = "The council said 40 percent of homes were affected last year."
    service.add_article(
        text, detected=[DetectedSentence(0, len(text), 0.9, None, (), ParagraphRole.BODY)]
    )
    service.set_rating(service.claims()[0].id, "False")
    md = render_markdown(build_report(service))
    assert "- **Reviewed by:** Ana Lima, " in md and "alima" not in md
    service.close()
    bare = pwd.struct_passwd(("alima", "x", 1000, 1000, "", "/home/a", "/bin/sh"))
    monkeypatch.setattr(pwd, "getpwuid", lambda _uid: bare)
    assert reviewer_name(Settings()) == "alima"
    assert reviewer_name(Settings(reviewer_name=" Ana  ")) == "Ana"


def test_report_reads_one_consistent_state(sample: ProjectService, tmp_path: Path) -> None:
    """A colleague's edit made while the report is being read is either all in it or
    not at all: here it lands between the report's read of the articles and of the
    claims, and the report still shows the project as it was when reading began."""
    from app.core.records import ClaimFilter

    unrated = next(c for c in sample.claims() if not c.rating_label and c.status == "new")
    real_claims = sample.claims

    def claims_after_a_colleagues_edit(*args, **kwargs):  # type: ignore[no-untyped-def]
        colleague = ProjectService.open_file(tmp_path / "sample.factdesk", author="Colleague")
        colleague.set_rating(unrated.id, "True")
        colleague.close()
        return real_claims(*args, **kwargs)

    sample.claims = claims_after_a_colleagues_edit  # type: ignore[method-assign]
    data = build_report(sample, ReportOptions(include_unrated=True))
    (shown,) = [c for c in data.claims if c.id == unrated.id]
    assert shown.rating_label is None  # as when the report began
    sample.claims = real_claims  # type: ignore[method-assign]
    assert sample.claims(ClaimFilter())[0].id  # the colleague's edit is stored all the same
    assert next(c for c in sample.claims() if c.id == unrated.id).rating_label == "True"
