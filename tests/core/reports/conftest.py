"""Fixtures for the report tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.project import ProjectService
from tests.core.reports.report_projects import make_sample_project
from tests.support.isolation import settings_of_its_own


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of :func:`make_sample_project`'s file, closed: built once for the session.

    Building it (an article, ratings, evidence, a file) took most of a report test's
    time; each test opens its own copy, so none sees another's edits.
    """
    folder = tmp_path_factory.mktemp("report-sample")
    with settings_of_its_own(folder):  # its clean close is remembered there
        make_sample_project(folder / "sample.factdesk").close()
    return (folder / "sample.factdesk").read_bytes()


@pytest.fixture
def sample(tmp_path: Path, sample_file: bytes) -> Iterator[ProjectService]:
    path = tmp_path / "sample.factdesk"
    path.write_bytes(sample_file)
    # The author who built it, as in the service that built it.
    service = ProjectService.open_file(path, author="Ana Reviewer")
    yield service
    service.close()
