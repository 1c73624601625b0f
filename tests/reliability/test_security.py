"""Security checks: inert reports, web links only, secrets stay secret, no network.

- Hostile text in every field a user can type, exported in every format through the
  command line: no raw HTML or script from the user, links only http and https.
- A server password stored through the keyring never appears in a log file, the
  settings, a project file or an exception message, after connections that fail.
- Factdesk opens no network connection while starting, importing, analysing, exporting
  (in-process with socket guards, and the real window in a subprocess with a
  ``sitecustomize`` guard that exits with status 97 on any non-Unix connect).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import textwrap
import traceback
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from app.cli import main as cli_main
from app.core.errors import FactdeskError
from tests.conftest import REPO, cli_env
from tests.support.cli_runner import run_factdesk

SAMPLE = REPO / "resources" / "samples" / "northbridge-water.txt"
PASSWORD = "Pw-9f3K!unique-secret-7731"
HOSTILE = (
    '<script>alert("x")</script><img src=x onerror=alert(1)>'
    "[click](javascript:alert(1)) <a href='javascript:evil()'>a</a> "
    "![p](https://tracker.example/p.gif) <iframe src=//evil.example></iframe>"
)
BAD_LINKS = [
    "javascript:alert(1)",
    "data:text/html,<script>x</script>",
    "vbscript:x",
    "file:///etc/passwd",
]
WEB = ("http://", "https://")


# --- reports --------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("href", "src", "action", "formaction", "srcset") and value:
                self.links.append(value)


def _set_organisation(name: str) -> None:
    from app.core.settings import load_settings, save_settings

    settings = load_settings()
    settings.organisation = name
    settings.organisation_url = "https://desk.example/checks"
    save_settings(settings)


def _hostile_project(tmp_path: Path) -> tuple[Path, int]:
    from app.core.project import ProjectService
    from app.core.records import ArticleMetadata

    _set_organisation("Desk " + HOSTILE[:80])
    path = tmp_path / "hostile.factdesk"
    service = ProjectService.create_file(path, name=f"Desk {HOSTILE}"[:200], author="Sec")
    refused = 0
    try:
        text = "Headline\n\nThe rate rose by 4% in 2023, the council said. It fell later."
        article, _ = service.add_article(
            text,
            metadata=ArticleMetadata(
                title=HOSTILE[:200],
                outlet=HOSTILE[:200],
                author=HOSTILE[:200],
                url="https://news.example/a?x=<b>",
            ),
        )
        start = text.index("The rate")
        claim, _ = service.add_claim(article.id, start, start + 50)
        service.set_rating(claim.id, "Mostly false")
        service.update_claim(
            claim.id,
            wording=HOSTILE,
            claimant=HOSTILE[:200],
            explanation=HOSTILE + "\n\n<style>body{}</style>\n\n" + HOSTILE,
        )
        service.add_evidence(
            claim.id,
            url="https://ok.example/e",
            title=HOSTILE,
            publisher=HOSTILE[:100],
            note=HOSTILE,
        )
        for link in BAD_LINKS:
            for field in ("url", "archive_url"):
                try:
                    service.add_evidence(claim.id, **{field: link}, title="bad")
                except FactdeskError:
                    refused += 1
    finally:
        service.close()
    return path, refused


def test_reports_carry_no_user_html_and_only_web_links(tmp_path: Path) -> None:
    project, refused = _hostile_project(tmp_path)
    assert refused == 2 * len(BAD_LINKS), "non-web evidence links must be refused"
    outputs = {}
    for fmt in ("markdown", "html", "claimreview"):
        out = tmp_path / f"report.{fmt}"
        result = run_factdesk("export", str(project), "--format", fmt, "-o", str(out))
        assert result.returncode == 0, result.stderr
        outputs[fmt] = out.read_text(encoding="utf-8")
    checked = 0
    # HTML: only the report's own tags, no handlers, no scripts, web or in-page links only.
    page = _Links()
    page.feed(outputs["html"])
    assert not {"script", "iframe", "img", "object", "embed", "form"} & set(page.tags)
    assert page.handlers == []
    for link in page.links:
        assert link.startswith((*WEB, "#")), link
        checked += 1
    assert "<script" not in outputs["html"].lower() and "<iframe" not in outputs["html"].lower()
    # Markdown: no HTML tokens at all; every link and image goes to the web.
    tokens = MarkdownIt("commonmark").enable("table").parse(outputs["markdown"])
    for token in tokens:
        for child in [token, *(token.children or [])]:
            assert child.type not in ("html_block", "html_inline"), child.content[:80]
            if child.type in ("link_open", "image"):
                target = str(child.attrGet("href") or child.attrGet("src"))
                assert target.startswith((*WEB, "#")), target
                checked += 1

    # ClaimReview: every address is a web address.
    def walk(node: object) -> None:
        nonlocal checked
        if isinstance(node, dict):
            for key, value in node.items():
                if (
                    key in ("url", "sameAs", "@id")
                    and isinstance(value, str)
                    and ":" in value
                    and not value.startswith(("urn:", "_:"))
                ):
                    assert value.startswith(WEB), (key, value)
                    checked += 1
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(outputs["claimreview"]))
    # User text is data in JSON-LD, but the file must be safe to paste into a
    # <script type="application/ld+json"> element: no raw "<" at all.
    assert "<" not in outputs["claimreview"]
    print(
        f"\nreport security: {checked} links checked in 3 formats, {refused} non-web links refused"
    )


# --- secrets --------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _all_text(exc: BaseException) -> str:
    parts = ["".join(traceback.format_exception(exc)), repr(exc), str(exc)]
    for arg in exc.args:
        parts.append(repr(arg))
    return "\n".join(parts)


def test_server_password_never_leaks(
    tmp_path: Path, isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core.paths import user_log_dir
    from app.core.secrets import get_secret, server_secret_name, set_secret
    from app.core.server import connection as server

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    log_dir = user_log_dir()
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_dir / "factdesk.log", encoding="utf-8")
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in ("sqlalchemy.engine", "sqlalchemy.pool", "psycopg"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    messages: list[str] = []
    try:
        url = f"postgresql+psycopg://checker@127.0.0.1:{_closed_port()}/desk"
        server.store_server_password(url, PASSWORD)  # through app.core.secrets.set_secret
        clean = server.normalise_server_url(url)
        set_secret(server_secret_name(clean), PASSWORD)
        assert get_secret(server_secret_name(clean)) == PASSWORD
        server.remember_server_url(url)
        attempts = [
            lambda: server.check_connection(url),
            lambda: server.check_connection(url, PASSWORD),
            lambda: server.open_server_for_cli(url),
            lambda: server.open_server_database(url, PASSWORD),
            lambda: server.normalise_server_url(url.replace("checker@", f"checker:{PASSWORD}@")),
            lambda: server.check_connection(
                "postgresql+psycopg://checker@127.0.0.1:1/desk?connect_timeout=2"
            ),
        ]
        for attempt in attempts:
            with pytest.raises(FactdeskError) as caught:
                attempt()
            messages.append(_all_text(caught.value))
        # The command line, where the password can only come from the keyring or libpq:
        # what a fresh process would print (tests/support/cli_runner.py); its log lines
        # go to the log file above, at DEBUG.
        project = tmp_path / "projects" / "p.factdesk"
        project.parent.mkdir()
        for argv in (
            ["new", str(project)],
            ["claims", "--db", url, "--json"],
            ["new", "--db", url],
        ):
            result = run_factdesk(
                *argv, env={"PGPASSWORD": PASSWORD, "HOME": str(tmp_path / "home")}
            )
            messages.append(result.stdout + result.stderr)
        assert "cannot connect" in "\n".join(messages)
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(old_level)
        for name in ("sqlalchemy.engine", "sqlalchemy.pool", "psycopg"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    searched = 0
    for folder in (isolated_settings, tmp_path, log_dir):
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert PASSWORD.encode() not in data, f"password found in {path}"
                assert PASSWORD.encode("utf-16-le") not in data, f"password found in {path}"
                searched += 1
    for message in messages:
        assert PASSWORD not in message, message
    assert (log_dir / "factdesk.log").stat().st_size > 0, "nothing was logged: check the setup"
    print(f"\nsecret check: {searched} files and {len(messages)} error messages searched")


# --- no network -----------------------------------------------------------------------


def _guard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: object) -> None:
        if self.family != socket.AF_UNIX:
            attempts.append(f"connect {address!r}")
            raise OSError("network use is forbidden in this test")
        real_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        if self.family != socket.AF_UNIX:
            attempts.append(f"connect_ex {address!r}")
            raise OSError("network use is forbidden in this test")
        return int(real_connect_ex(self, address))  # type: ignore[arg-type]

    def refuse(*args: object, **_kwargs: object) -> None:
        attempts.append(f"lookup/create {args[:1]!r}")
        raise OSError("network use is forbidden in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_pipeline_opens_no_network_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))  # signing keeps a lock there
    attempts = _guard(monkeypatch)
    _set_organisation("Offline Desk")
    project = str(tmp_path / "desk.factdesk")
    assert cli_main(["new", project]) == 0
    assert cli_main(["detect", str(SAMPLE), "--json"]) == 0
    assert cli_main(["import", str(SAMPLE), "--project", project, "--json"]) == 0
    out = capsys.readouterr().out
    claims = json.loads(out.strip().splitlines()[-1])
    assert cli_main(["claims", project, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    items = listed["claims"] if isinstance(listed, dict) else listed
    assert items, claims
    assert (
        cli_main(
            [
                "rate",
                project,
                items[0]["id"],
                "Mostly false",
                "--explanation",
                "See [x](https://example.org)",
                "--evidence",
                "https://example.org/e",
            ]
        )
        == 0
    )
    for fmt in ("markdown", "html", "claimreview"):
        assert cli_main(["export", project, "--format", fmt, "-o", str(tmp_path / f"r.{fmt}")]) == 0
    assert cli_main(["sign", project]) == 0
    assert cli_main(["verify", project]) == 0
    assert attempts == [], attempts


SITECUSTOMIZE = """
import os, socket, sys

def _deny(what):
    sys.stderr.write("NETWORK ATTEMPT: %s\\n" % (what,))
    sys.stderr.flush()
    os._exit(97)

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex

def connect(self, address):
    if self.family != socket.AF_UNIX:
        _deny(address)
    return _connect(self, address)

def connect_ex(self, address):
    if self.family != socket.AF_UNIX:
        _deny(address)
    return _connect_ex(self, address)

socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.create_connection = lambda *a, **k: _deny(a[:1])
socket.getaddrinfo = lambda *a, **k: _deny(a[:1])
"""

WINDOW_RUN = """
import sys
from app.ui import application

project, article = sys.argv[1], sys.argv[2]
make_app = application._make_app

def watched_app(argv):
    app = make_app(argv)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from app.ui.main_window import MainWindow
    ticks = [0]

    def check():
        ticks[0] += 1
        for widget in QApplication.topLevelWidgets():
            service = getattr(widget, "service", None) if isinstance(widget, MainWindow) else None
            if service is not None and service.articles():
                print("IMPORTED", len(service.claims()), flush=True)
                app.quit()
                return
        if ticks[0] > 600:
            print("TIMEOUT", flush=True)
            app.exit(3)

    timer = QTimer(app)
    timer.timeout.connect(check)
    timer.start(100)
    return app

application._make_app = watched_app
sys.exit(application.run_gui([project, article]))
"""


def test_window_start_and_import_open_no_network_connection(tmp_path: Path) -> None:
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(textwrap.dedent(SITECUSTOMIZE), encoding="utf-8")
    project = tmp_path / "desk.factdesk"
    # Set-up, not under the guard: the command run as a fresh process would run it.
    created = run_factdesk("new", str(project))
    assert created.returncode == 0, created.stderr
    env = cli_env(QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(guard) + os.pathsep + env["PYTHONPATH"]
    # The guard itself must work: a plain connect attempt has to end the process with 97.
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('192.0.2.1', 9))"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 97, probe.stderr
    result = subprocess.run(
        [sys.executable, "-c", WINDOW_RUN, str(project), str(SAMPLE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert "NETWORK ATTEMPT" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert "IMPORTED" in result.stdout
    print(
        f"\nwindow offscreen: started, imported and analysed the sample with no network "
        f"({result.stdout.strip()})"
    )
