"""Merging a colleague's copy of a project into mine: three-way, by record UUID.

* :mod:`~app.core.sharing.merge.common_history`: what the two change logs share, and
  how records nest (article -> claims -> evidence);
* :mod:`~app.core.sharing.merge.planning`: :func:`plan_merge` compares the two and
  decides each field, verdict and record, writing nothing;
* :mod:`~app.core.sharing.merge.conflicts`: the conflicts found, named as the window
  and the reports name claims (``#3`` and their text);
* :mod:`~app.core.sharing.merge.writing`: :func:`apply_merge` and :func:`undo_merge`,
  both through the project's one write path, both forward edits.
"""

from app.core.sharing.merge.conflicts import (
    RECORD,
    VERDICT,
    Conflict,
    Side,
    UnresolvedConflictsError,
    conflicts_text,
)
from app.core.sharing.merge.planning import MergePlan, plan_merge
from app.core.sharing.merge.writing import (
    MergeResult,
    MergeUndo,
    apply_merge,
    merge_projects,
    undo_merge,
)

__all__ = [
    "RECORD",
    "VERDICT",
    "Conflict",
    "MergePlan",
    "MergeResult",
    "MergeUndo",
    "Side",
    "UnresolvedConflictsError",
    "apply_merge",
    "conflicts_text",
    "merge_projects",
    "plan_merge",
    "undo_merge",
]
