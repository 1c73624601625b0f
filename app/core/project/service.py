"""The project service: everything the window and the command line do to a project.

:class:`ProjectService` is the one door to a project's data. Each public method is one
short transaction that is committed before it returns, so an edit the window shows as
done is on disk. Methods return plain records (:mod:`app.core.records`) and, for edits,
a :class:`~app.core.records.Changes` saying what changed so views refresh only that.
Every change is written to the change log with its author.

Editing methods take an optional ``expected_revision``: when given and the stored record
has moved on (someone else saved first), nothing is written and
:class:`~app.core.errors.StaleEditError` names who changed it and when.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import select
from sqlmodel import col

from app.core.errors import NotFoundError
from app.core.project.articles import ArticleOps
from app.core.project.claims import ClaimOps
from app.core.project.evidence import EvidenceOps
from app.core.project.project_and_scale import ProjectOps
from app.core.project.store import ProjectStore, as_uuid, project_reviewer_id
from app.core.scales import DEFAULT_SCALE, preset
from app.core.validation import single_line
from app.models.database import (
    Database,
    create_project_file,
    open_project_file,
    translate_storage_errors,
)
from app.models.history import Editor, edit_session
from app.models.ids import new_id
from app.models.tables import Project, RatingLevel, RatingScale, Reviewer

P = ParamSpec("P")
R = TypeVar("R")


def _part(
    method: Callable[Concatenate[Any, P], R], name: str
) -> Callable[Concatenate[ProjectService, P], R]:
    """A ProjectService method that calls ``method`` on the service's part ``name``."""

    def call(self: ProjectService, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return method(getattr(self, name), *args, **kwargs)

    call.__name__, call.__qualname__ = method.__name__, f"ProjectService.{method.__name__}"
    call.__doc__ = method.__doc__
    return call


class ProjectService:
    """Reads and edits one project in a :class:`~app.models.database.Database`.

    Composed of one :class:`ProjectStore` (the database, the project, the author and
    their transactions) shared by four parts; the public methods are the parts'.

    ``author`` is the display name edits are shown under; ``author_id`` the author's
    stable reviewer id (:func:`app.core.settings.who_am_i`), which tells them apart from
    anyone else of the same name. The window and every command pass it.
    """

    def __init__(
        self,
        db: Database,
        project_id: uuid.UUID,
        author: str,
        author_id: str | uuid.UUID | None = None,
    ) -> None:
        wanted = as_uuid(author_id, "reviewer") if author_id is not None else None
        self.store = ProjectStore(db, project_id, author, wanted)
        self._project = ProjectOps(self.store)
        self._articles = ArticleOps(self.store)
        self._evidence = EvidenceOps(self.store)
        self._claims = ClaimOps(self.store, self._articles, self._evidence)

    @property
    def db(self) -> Database:
        return self.store.db

    @property
    def project_id(self) -> uuid.UUID:
        return self.store.project_id

    @property
    def author(self) -> str:
        return self.store.author

    def snapshot(self) -> contextlib.AbstractContextManager[None]:
        """Reads inside ``with service.snapshot():`` (on this thread) see one consistent
        state of the project: one read transaction (a report reads several tables)."""
        return self.store.snapshot()

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Edits inside ``with service.transaction():`` (on this thread) are saved together
        or, if any of them fails, not at all: one command, one transaction."""
        return self.store.transaction()

    @property
    def author_id(self) -> uuid.UUID | None:
        """The id of the author's Reviewer row in this project, as the change log records
        it (made from the reviewer id given; without one, known once they have written)."""
        return self.store.author_id

    @property
    def person_id(self) -> uuid.UUID | None:
        """The author's stable reviewer id, as given (the same in every project)."""
        return self.store.person_id

    # --- opening and creating ---------------------------------------------------------

    @classmethod
    def create_file(
        cls,
        path: Path | str,
        *,
        name: str | None = None,
        scale: str = DEFAULT_SCALE,
        author: str,
        author_id: str | uuid.UUID | None = None,
    ) -> ProjectService:
        """Create a new ``.factdesk`` file holding one empty project."""
        scale_preset = preset(scale)  # refuse an unknown scale before making a file
        db = create_project_file(path)
        try:
            return cls._create_project(
                db, name or Path(path).stem, scale_preset.key, author, author_id
            )
        except BaseException:
            db.close()
            Path(path).unlink(missing_ok=True)
            raise

    @classmethod
    def open_file(
        cls,
        path: Path | str,
        *,
        author: str,
        author_id: str | uuid.UUID | None = None,
        read_only: bool = False,
        quick_check: bool | None = None,
    ) -> ProjectService:
        """Open a project file. ``quick_check`` None: full integrity check unless this
        machine's Factdesk closed the file cleanly and it has not changed since."""
        from app.core.known_files import unchanged_since_clean_close

        if quick_check is None:
            quick_check = not unchanged_since_clean_close(Path(path))
        db = open_project_file(path, read_only=read_only, quick_check=quick_check)
        return cls.for_database(db, author=author, author_id=author_id)

    @classmethod
    def open_file_for_window(
        cls, path: Path | str, *, author: str, author_id: str | uuid.UUID | None = None
    ) -> ProjectService:
        """Open a file the way the window does: editing, unless it cannot be edited.

        The window holds an editing lock on the file while it is open. A second window
        (or another user's session on a shared folder) then opens it read-only, and so
        does a read-only file; ``db.read_only_reason`` says why, for the banner. The
        lock is an ``flock`` that the operating system drops if the process dies.
        """
        from app.core.known_files import unchanged_since_clean_close
        from app.core.sharing.safeopen import open_for_sharing

        path = Path(path)
        db = open_for_sharing(
            path, check_rows=False, quick_check=not unchanged_since_clean_close(path)
        )
        return cls.for_database(db, author=author, author_id=author_id)

    @classmethod
    def for_database(
        cls,
        db: Database,
        *,
        author: str,
        author_id: str | uuid.UUID | None = None,
        project_id: str | None = None,
    ) -> ProjectService:
        """The service for ``project_id`` in ``db``, or its only project."""
        with translate_storage_errors(db), db.session() as s:
            ids = list(
                s.execute(select(col(Project.id)).order_by(col(Project.created_at))).scalars()
            )
        if project_id is not None:
            wanted = as_uuid(project_id, "project")
            if wanted not in ids:
                db.close()
                raise NotFoundError(f"{db.label}: no project with id {project_id}.")
            return cls(db, wanted, author, author_id)
        if not ids:
            db.close()
            raise NotFoundError(f"{db.label}: holds no project.")
        return cls(db, ids[0], author, author_id)

    @classmethod
    def create_in_database(
        cls,
        db: Database,
        *,
        name: str,
        scale: str = DEFAULT_SCALE,
        author: str,
        author_id: str | uuid.UUID | None = None,
    ) -> ProjectService:
        return cls._create_project(db, name, preset(scale).key, author, author_id)

    @classmethod
    def _create_project(
        cls,
        db: Database,
        name: str,
        scale_key: str,
        author: str,
        author_id: str | uuid.UUID | None,
    ) -> ProjectService:
        chosen = preset(scale_key)
        project = Project(name=single_line(name, "project name") or "Untitled project")
        person = as_uuid(author_id, "reviewer") if author_id is not None else None
        reviewer = Reviewer(
            id=project_reviewer_id(person, project.id) if person is not None else new_id(),
            project_id=project.id,
            display_name=author.strip() or "Unknown reviewer",
        )
        editor = Editor(project.id, reviewer.id, author)
        with translate_storage_errors(db), edit_session(db.engine, editor) as s:
            scale = RatingScale(
                project_id=project.id,
                name=chosen.name,
                preset=chosen.key,
                best_value=chosen.best_value,
                worst_value=chosen.worst_value,
            )
            project.scale_id = scale.id
            s.add(scale)
            s.flush()  # the project refers to its scale
            s.add_all([project, reviewer])
            for position, spec in enumerate(chosen.levels):
                s.add(
                    RatingLevel(
                        scale_id=scale.id,
                        position=position,
                        label=spec.label,
                        colour=spec.colour,
                        value=spec.value,
                        description=spec.description,
                    )
                )
        service = cls(db, project.id, reviewer.display_name, person)
        service.store.author_id = reviewer.id  # the row just made (also without a person id)
        return service

    def close(self) -> None:
        self.db.close()
        if self.db.path is not None and not self.db.read_only:
            from app.core.known_files import remember_clean_close

            remember_clean_close(self.db.path)

    # --- the parts' operations ----------------------------------------------------------

    info = _part(ProjectOps.info, "_project")
    rename = _part(ProjectOps.rename, "_project")
    rename_author = _part(ProjectOps.rename_author, "_project")
    scale = _part(ProjectOps.scale, "_project")
    set_scale_levels = _part(ProjectOps.set_scale_levels, "_project")
    history = _part(ProjectOps.history, "_project")

    find_article_by_sha256 = _part(ArticleOps.find_article_by_sha256, "_articles")
    add_article = _part(ArticleOps.add_article, "_articles")
    articles = _part(ArticleOps.articles, "_articles")
    article = _part(ArticleOps.article, "_articles")
    article_text = _part(ArticleOps.article_text, "_articles")
    update_article = _part(ArticleOps.update_article, "_articles")
    delete_article = _part(ArticleOps.delete_article, "_articles")
    restore_article = _part(ArticleOps.restore_article, "_articles")

    claim_ids = _part(ClaimOps.claim_ids, "_claims")
    claims_by_ids = _part(ClaimOps.claims_by_ids, "_claims")
    claims = _part(ClaimOps.claims, "_claims")
    claim_counts = _part(ClaimOps.claim_counts, "_claims")
    rating_counts = _part(ClaimOps.rating_counts, "_claims")
    claim = _part(ClaimOps.claim, "_claims")
    claimants_named = _part(ClaimOps.claimants_named, "_claims")
    claimant_corrections = _part(ClaimOps.claimant_corrections, "_claims")
    add_claim = _part(ClaimOps.add_claim, "_claims")
    update_claim = _part(ClaimOps.update_claim, "_claims")
    set_rating = _part(ClaimOps.set_rating, "_claims")
    dismiss_claim = _part(ClaimOps.dismiss_claim, "_claims")
    restore_claim = _part(ClaimOps.restore_claim, "_claims")
    delete_claim = _part(ClaimOps.delete_claim, "_claims")
    reinsert_claim = _part(ClaimOps.reinsert_claim, "_claims")
    merge_claims = _part(ClaimOps.merge_claims, "_claims")
    split_claim = _part(ClaimOps.split_claim, "_claims")

    add_evidence = _part(EvidenceOps.add_evidence, "_evidence")
    evidence = _part(EvidenceOps.evidence, "_evidence")
    update_evidence = _part(EvidenceOps.update_evidence, "_evidence")
    remove_evidence = _part(EvidenceOps.remove_evidence, "_evidence")
    reinsert_evidence = _part(EvidenceOps.reinsert_evidence, "_evidence")
    store_attachment = _part(EvidenceOps.store_attachment, "_evidence")
    attach_file = _part(EvidenceOps.attach_file, "_evidence")
    attachment_data = _part(EvidenceOps.attachment_data, "_evidence")


__all__ = ["ProjectService"]
