"""Fixtures for the report tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.project import ProjectService
from tests.core.reports.report_projects import make_sample_project


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[ProjectService]:
    service = make_sample_project(tmp_path / "sample.factdesk")
    yield service
    service.close()
