"""Fixtures for the window tests: offscreen Qt, temporary settings, small projects.

Projects are built with ``ProjectService.add_article(..., detected=[...])`` so the tests
do not depend on the claim detector.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import re
import shutil
from pathlib import Path

import pytest

from app.core.project import DetectedSentence, ProjectService
from app.core.records import ClaimKind, Paragraph, ParagraphRole
from tests.support.isolation import settings_of_its_own

ARTICLE = (
    "Water bills rose by 40 percent last year\n"
    "\n"
    "The council said bills rose by 40 percent in 2023. "
    "Officials blamed the new treatment plant for the rise. "
    "The mayor will visit the plant on Friday.\n"
    "\n"
    '"Prices will double by 2030," said Jane Smith, the utility\'s director. '
    "Rain was light in spring.\n"
    "\n"
    "Photo: City archive\n"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """Naive sentence spans: enough for fixtures."""
    spans = []
    for para in re.finditer(r"[^\n]+", text):
        for m in re.finditer(r"[^.!?]+[.!?\"]*\s*", para.group()):
            s = para.start() + m.start()
            e = para.start() + m.end()
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((s, e))
    return spans


def paragraphs(text: str) -> list[Paragraph]:
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    out = []
    for i, (s, e) in enumerate(paras):
        role = ParagraphRole.BODY
        if i == 0:
            role = ParagraphRole.HEADLINE
        elif text[s:e].startswith("Photo:"):
            role = ParagraphRole.CREDIT
        out.append(Paragraph(s, e, role))
    return out


def add_article(service: ProjectService, text: str = ARTICLE, title: str = "Water bills") -> str:
    from app.core.records import ArticleMetadata

    paras = paragraphs(text)
    body = [
        (s, e)
        for s, e in sentences(text)
        if not any(p.start <= s < p.end and p.role != ParagraphRole.BODY for p in paras)
    ]
    detected = [
        DetectedSentence(s, e, 0.9 - i * 0.01, None, (ClaimKind.STATISTIC,), ParagraphRole.BODY)
        for i, (s, e) in enumerate(body)
    ]
    article, _ = service.add_article(
        text,
        metadata=ArticleMetadata(title=title, outlet="The Gazette"),
        paragraphs=paras,
        detected=detected,
    )
    return article.id


@pytest.fixture(scope="session")
def helpers():
    """The fixture builders, for tests that make more projects (conftest is not importable)."""
    return {"ARTICLE": ARTICLE, "add_article": add_article}


@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project, built once per test module (tests get copies: ``project``).

    Built with its own settings and runtime folders: the per-test ones do not exist yet.
    """
    folder = tmp_path_factory.mktemp("built-project")
    with settings_of_its_own(folder):
        path = folder / "test.factdesk"
        service = ProjectService.create_file(path, author="Tester")
        add_article(service)
        service.close()
    return path


@pytest.fixture
def project(tmp_path: Path, built_project: Path) -> Path:
    """This test's own copy of the fixture project (no test sees another's changes)."""
    from app.core.known_files import remember_clean_close

    path = tmp_path / "test.factdesk"
    shutil.copyfile(built_project, path)
    # As when the test built it itself: this machine's Factdesk closed it cleanly.
    remember_clean_close(path)
    return path


@pytest.fixture
def service(project: Path):
    svc = ProjectService.open_file(project, author="Tester")
    yield svc
    svc.close()


@pytest.fixture
def qsettings(tmp_path: Path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Collects what would be shown in message boxes (which would block a test)."""
    shown: list[str] = []
    from app.ui import dialogs

    monkeypatch.setattr(dialogs, "show_error", lambda _p, text: shown.append(text))
    monkeypatch.setattr(dialogs, "show_info", lambda _p, text: shown.append(text))
    monkeypatch.setattr(dialogs, "ask", lambda _p, text, yes="OK": shown.append(text) or False)
    import app.ui.claim_editor as ce

    monkeypatch.setattr(ce, "show_error", lambda _p, text: shown.append(text))
    return shown


@pytest.fixture
def window(qtbot, qsettings, project: Path, errors):
    from app.ui.main_window import MainWindow

    win = MainWindow(qsettings, "Tester")
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    assert win.open_project(str(project))
    yield win
    win.close_project()
