"""The project service: one door to a project's data, composed of small parts.

``store`` (database, project, author, transactions), ``articles``, ``claims``,
``evidence`` and ``project_and_scale`` are the parts; ``service`` joins them into
:class:`ProjectService`.
"""

from app.core.project.articles import DeletedArticle
from app.core.project.service import ProjectService
from app.core.project.store import CONTEXT_CHARS, MAX_ATTACHMENT_BYTES, DetectedSentence
from app.core.records import ClaimFilter

__all__ = [
    "CONTEXT_CHARS",
    "MAX_ATTACHMENT_BYTES",
    "ClaimFilter",
    "DeletedArticle",
    "DetectedSentence",
    "ProjectService",
]
