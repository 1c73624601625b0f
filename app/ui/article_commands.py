"""Undo commands on whole articles: their details, and deleting them.

Thin like :mod:`app.ui.commands`: ``redo`` calls the service, ``undo`` its inverse with
what was captured. Deleting an article takes its claims, verdicts, evidence and the
files only it cited; the undo puts every one of them back through the service
(:meth:`~app.core.project.ProjectService.restore_article`) as new entries of the change
log, and a redo deletes again only what the undo put back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.core.records import ArticleInfo, Changes, ClaimFilter
from app.core.wording import plural
from app.ui.commands import Notify, OnError, ServiceCommand

if TYPE_CHECKING:  # the storage stack is imported after the window shows
    from app.core.project import DeletedArticle


class EditArticleCommand(ServiceCommand):
    """Change an article's details (title, outlet, author, address, publication date)."""

    def __init__(
        self,
        service: Any,
        before: ArticleInfo,
        fields: dict[str, Any],
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        super().__init__(service, "Edit article details", notify, on_error)
        self.article_id = before.id
        self.new = dict(fields)
        self.old = {name: getattr(before, name) for name in fields}
        self.expected_revision: int | None = before.revision

    def _do(self) -> Changes:
        rev, self.expected_revision = self.expected_revision, None  # checked on the first only
        return self.service.update_article(self.article_id, expected_revision=rev, **self.new)

    def _undo(self) -> Changes:
        return self.service.update_article(self.article_id, **self.old)


class DeleteArticleCommand(ServiceCommand):
    """Delete an article with everything that belongs to it; undo brings it all back."""

    def __init__(
        self,
        service: Any,
        article: ArticleInfo,
        current_claim_id: str | None = None,
        notify: Notify | None = None,
        on_error: OnError | None = None,
    ) -> None:
        # A short text: it is the Undo and Redo buttons' label, and a title would push the
        # toolbar's other buttons out of sight. The status bar names the article.
        super().__init__(service, "Delete article", notify, on_error)
        # Not ``article_id``: after a redo there is no article to go to. An undo goes to
        # the claim that was current when it was deleted (undo_feedback reads claim_id),
        # or, for an article without claims, to the article (``restored_article_id``).
        self.deleted_article_id = article.id
        self.title = article.title
        self.claim_id = current_claim_id
        self.gone: DeletedArticle | None = None

    def _do(self) -> Changes:
        # The first deletion is of what the person confirmed; a redo deletes only what
        # the undo put back, as this user's steps left it (a colleague's later edit or a
        # claim added since refuses it, naming them).
        expected = None
        if self.gone is not None:
            expected = {i: self.known.get(i, 0) for i in _ids(self.gone)}
        self.gone, changes = self.service.delete_article(
            self.deleted_article_id, expected_revisions=expected
        )
        return changes

    def _undo(self) -> Changes:
        assert self.gone is not None
        changes = self.service.restore_article(self.gone)
        self.known[self.gone.id] = self.service.article(self.gone.id).revision
        claims = self.service.claims(ClaimFilter(article_id=self.gone.id), with_evidence=True)
        for claim in claims:
            self._saw_claim(claim)
        return changes

    @property
    def restored_article_id(self) -> str | None:
        return self.deleted_article_id if self.claim_id is None else None

    def describe(self, *, undone: bool) -> str:
        """The status bar's words for this step undone or redone."""
        what = "no claims"
        if self.gone is not None and self.gone.claims:
            what = f"{plural(len(self.gone.claims), 'claim')}, "
            what += plural(self.gone.rated, "verdict")
        if undone:
            return f"Undid deletion of article “{self.title}” ({what} back)"
        return f"Redid deletion of article “{self.title}” ({what})"


def _ids(gone: DeletedArticle) -> list[str]:
    return [str(r["id"]) for r in (gone.article, *gone.claims, *gone.evidence)]
