"""Shared helpers of the server tests (no fixtures: those live in the root conftest)."""

from __future__ import annotations

from typing import Any

from app.core.project import ProjectService
from app.models.database import open_server

ARTICLE = (
    "Unemployment fell to 3.1 percent last year, the minister said. "
    "Crime doubled since 2010, according to the police. "
    "The bridge cost 40 million euros, twice the budget."
)


def new_server_project(server: Any, author: str = "Alice") -> tuple[str, ProjectService]:
    """A fresh database holding one project with an article and three claims."""
    url = server.new_database()
    service = ProjectService.create_in_database(
        open_server(url, create=True), name="Desk", author=author
    )
    article, _ = service.add_article(ARTICLE)
    for start, end in ((0, 63), (64, 114), (115, len(ARTICLE))):
        service.add_claim(article.id, start, end)
    return url, service


def second_service(url: str, project_id: str, author: str) -> ProjectService:
    return ProjectService.for_database(open_server(url), author=author, project_id=project_id)
