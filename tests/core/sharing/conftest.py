"""Fixtures for the sharing tests: an in-memory keyring, private config/runtime folders,
and small projects built through the project service (no analysis needed)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from app.core.project import DetectedSentence, ProjectService
from app.core.records import ParagraphRole
from tests.support.isolation import settings_of_its_own
from tests.support.memory_keyring import MemoryKeyring

ARTICLE = (
    "Unemployment fell by 3% last year, the minister said. "
    "Crime in the city doubled since 2019. "
    "The new bridge will cost twice as much as the old one. "
    "Experts predict the river will flood again next spring."
)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("FACTDESK_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("FACTDESK_REVIEWER", "Ann")


def sentences(text: str) -> list[DetectedSentence]:
    return [
        DetectedSentence(m.start(), m.end(), 0.8, None, (), ParagraphRole.BODY)
        for m in re.finditer(r"\S[^.]*\.", text)
    ]


def ensure_reviewer(service: ProjectService) -> None:
    """Create the author's reviewer row in its own transaction first.

    Works around the service flushing a claim's reviewer_id before inserting a new
    reviewer row (a foreign-key failure the first time a new author rates a claim).
    """
    with service.store.write() as s:
        service.store.reviewer_id(s)


def build_project(path: Path, author: str = "Ann", text: str = ARTICLE) -> ProjectService:
    service = ProjectService.create_file(path, author=author)
    service.add_article(text, detected=sentences(text))
    claims = service.claims()
    service.set_rating(claims[0].id, "False")
    service.update_claim(claims[0].id, explanation="The statistics office says 1%.")
    service.add_evidence(
        claims[0].id, url="https://stats.example.org/unemployment", title="Labour survey"
    )
    att = service.store_attachment(b"%PDF-1.4 fake report", "report.pdf", "application/pdf")
    service.add_evidence(claims[1].id, attachment_id=att.id, note="police figures")
    return service


@pytest.fixture
def project(tmp_path: Path) -> Iterator[ProjectService]:
    service = build_project(tmp_path / "mine.factdesk")
    yield service
    service.close()


@pytest.fixture(scope="session")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of :func:`build_project`'s file, closed: built once for the session.

    Every merge test starts from two copies of the same small project; building it took
    most of such a test's time. Each test writes its own copies, so none sees another's.
    """
    folder = tmp_path_factory.mktemp("base-project")
    with settings_of_its_own(folder):  # its clean close is remembered there
        build_project(folder / "base.factdesk").close()
    return (folder / "base.factdesk").read_bytes()


@pytest.fixture
def two_copies(
    tmp_path: Path, base_project: bytes
) -> Iterator[Callable[..., tuple[ProjectService, Path]]]:
    """``make(mine_author, theirs_author)`` -> (my open service, path of their copy)."""
    opened: list[ProjectService] = []

    def make(
        edit_theirs: Callable[[ProjectService], Any] | None = None,
        theirs_author: str = "Bob",
    ) -> tuple[ProjectService, Path]:
        (tmp_path / "mine.factdesk").write_bytes(base_project)
        theirs_path = tmp_path / "theirs.factdesk"
        shutil.copy(tmp_path / "mine.factdesk", theirs_path)
        if edit_theirs is not None:
            theirs = ProjectService.open_file(theirs_path, author=theirs_author)
            ensure_reviewer(theirs)
            try:
                edit_theirs(theirs)
            finally:
                theirs.close()
        mine = ProjectService.open_file(tmp_path / "mine.factdesk", author="Ann")
        opened.append(mine)
        return mine, theirs_path

    yield make
    for service in opened:
        service.close()


@pytest.fixture(scope="session")
def build() -> Callable[..., ProjectService]:
    """``build(path, author="Ann")``: a small rated project with evidence and a file."""
    return build_project


@pytest.fixture(scope="session")
def add_reviewer() -> Callable[[ProjectService], None]:
    return ensure_reviewer
