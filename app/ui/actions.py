"""Every action of the window, created in one place and keyed by :class:`ActionId`.

Picard's pattern: menus, toolbar, the Keyboard Shortcuts dialog and tests all reach an
action through the registry, never by building their own. Each action carries an
``objectName`` (for tests and accessibility) and a standard key sequence where the
platform has one; the user's overrides live in QSettings under ``shortcuts/<id>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

Std = QKeySequence.StandardKey


class ActionId(StrEnum):
    NEW = "new"
    OPEN = "open"
    CONNECT_SERVER = "connect_server"
    IMPORT_ARTICLE = "import_article"
    PASTE_ARTICLE = "paste_article"
    EXPORT_REPORT = "export_report"
    SIGN_PROJECT = "sign_project"
    MERGE_PROJECT = "merge_project"
    CLOSE_PROJECT = "close_project"
    QUIT = "quit"
    UNDO = "undo"
    REDO = "redo"
    FIND = "find"
    NEXT_CLAIM = "next_claim"
    PREVIOUS_CLAIM = "previous_claim"
    NEXT_UNRATED = "next_unrated"
    BACK_TO_LIST = "back_to_list"
    ACCEPT = "accept"
    DONE_AND_NEXT = "done_and_next"
    MARK_CLAIM = "mark_claim"
    DISMISS = "dismiss"
    RESTORE = "restore"
    MERGE_NEXT = "merge_next"
    SPLIT = "split"
    JUMP_EXPLANATION = "jump_explanation"
    ADD_EVIDENCE = "add_evidence"
    CLEAR_RATING = "clear_rating"
    RATE_1 = "rate_1"
    RATE_2 = "rate_2"
    RATE_3 = "rate_3"
    RATE_4 = "rate_4"
    RATE_5 = "rate_5"
    RATE_6 = "rate_6"
    RATE_7 = "rate_7"
    RATE_8 = "rate_8"
    RATE_9 = "rate_9"
    SHOW_DISMISSED = "show_dismissed"
    EDIT_ARTICLE = "edit_article"
    DELETE_ARTICLE = "delete_article"
    IMPORT_FACT_CHECKS = "import_fact_checks"
    REPORT_PREVIEW = "report_preview"
    THEME_SYSTEM = "theme_system"
    THEME_LIGHT = "theme_light"
    THEME_DARK = "theme_dark"
    TEXT_LARGER = "text_larger"
    TEXT_SMALLER = "text_smaller"
    TEXT_RESET = "text_reset"
    SHORTCUTS = "shortcuts"
    SETTINGS = "settings"
    ABOUT = "about"


RATE_IDS = tuple(ActionId(f"rate_{n}") for n in range(1, 10))


@dataclass(frozen=True, slots=True)
class ActionSpec:
    text: str
    tip: str
    keys: tuple[QKeySequence.StandardKey | str, ...] = ()
    checkable: bool = False


def _specs() -> dict[ActionId, ActionSpec]:
    s = {
        ActionId.NEW: ActionSpec("&New Project…", "Create a new project file", (Std.New,)),
        ActionId.OPEN: ActionSpec("&Open Project…", "Open a project file", (Std.Open,)),
        ActionId.CONNECT_SERVER: ActionSpec(
            "Connect to &Server…", "Open a project on a team's PostgreSQL server"
        ),
        ActionId.IMPORT_ARTICLE: ActionSpec(
            "&Import Article…", "Import an article file into the project", ("Ctrl+I",)
        ),
        ActionId.PASTE_ARTICLE: ActionSpec(
            "&Paste as Article", "Make a new article from the clipboard", ("Ctrl+Shift+V",)
        ),
        ActionId.EXPORT_REPORT: ActionSpec(
            "&Export Report…", "Export the verdict report", ("Ctrl+E",)
        ),
        ActionId.SIGN_PROJECT: ActionSpec(
            "&Sign Project…", "Sign the project with your key so colleagues can verify it"
        ),
        ActionId.MERGE_PROJECT: ActionSpec(
            "&Merge Project…", "Merge another copy of this project into it"
        ),
        ActionId.CLOSE_PROJECT: ActionSpec("&Close Project", "Close the project", (Std.Close,)),
        ActionId.QUIT: ActionSpec("&Quit", "Quit Factdesk", (Std.Quit, "Ctrl+Q")),
        ActionId.UNDO: ActionSpec("&Undo", "Undo the last change", (Std.Undo,)),
        ActionId.REDO: ActionSpec("&Redo", "Redo the change undone last", (Std.Redo,)),
        ActionId.FIND: ActionSpec("&Find Claims…", "Filter the claims by text", (Std.Find,)),
        ActionId.NEXT_CLAIM: ActionSpec("&Next Claim", "Go to the next claim", ("Ctrl+Down", "J")),
        ActionId.PREVIOUS_CLAIM: ActionSpec(
            "&Previous Claim", "Go to the previous claim", ("Ctrl+Up", "K")
        ),
        ActionId.NEXT_UNRATED: ActionSpec(
            "Next &Unrated Claim", "Go to the next claim with no verdict yet", ("N",)
        ),
        ActionId.BACK_TO_LIST: ActionSpec(
            "Back to the Claims &List", "Leave the field you are typing in", ("Esc",)
        ),
        ActionId.ACCEPT: ActionSpec(
            "&Accept Claim", "Keep a detected claim for review (status: in review)", ("A",)
        ),
        ActionId.DONE_AND_NEXT: ActionSpec(
            "Mark Done and &Next", "Mark the claim done and go to the next one", ("Ctrl+Return",)
        ),
        ActionId.MARK_CLAIM: ActionSpec(
            "&Mark Selection as Claim", "Make the selected article text a claim", ("Ctrl+M",)
        ),
        ActionId.DISMISS: ActionSpec(
            "&Dismiss Claim", "Dismiss the claim: not worth checking", ("Ctrl+D",)
        ),
        ActionId.RESTORE: ActionSpec(
            "&Restore Claim", "Bring a dismissed claim back", ("Ctrl+Shift+D",)
        ),
        ActionId.MERGE_NEXT: ActionSpec(
            "Merge with Next Claim", "Join the claim with the one after it", ("Ctrl+Shift+M",)
        ),
        ActionId.SPLIT: ActionSpec(
            "Split Claim at Cursor", "Split the claim where the text cursor is", ("Ctrl+Shift+S",)
        ),
        ActionId.JUMP_EXPLANATION: ActionSpec(
            "Edit E&xplanation", "Move the keyboard focus to the explanation", ("Ctrl+J",)
        ),
        ActionId.ADD_EVIDENCE: ActionSpec(
            "Add &Evidence…", "Add a source to the claim", ("Ctrl+Shift+E",)
        ),
        ActionId.CLEAR_RATING: ActionSpec("Clear Rating", "Remove the claim's rating", ("0",)),
        ActionId.IMPORT_FACT_CHECKS: ActionSpec(
            "Import &Fact-Checks…",
            "Add published verdicts (ClaimReview, CSV, other projects) to the library",
        ),
        ActionId.EDIT_ARTICLE: ActionSpec(
            "Article &Details…", "Edit the article's title, outlet, author, address and date"
        ),
        # Del only where the articles list has the focus (window_menus): pressed in the
        # claims list it would otherwise take a whole article.
        ActionId.DELETE_ARTICLE: ActionSpec(
            "De&lete Article…",
            "Delete the article with its claims, verdicts and evidence (Undo brings it back)",
            ("Del",),
        ),
        ActionId.SHOW_DISMISSED: ActionSpec(
            "Show &Dismissed Claims", "List dismissed claims too", ("Ctrl+Shift+H",), True
        ),
        ActionId.REPORT_PREVIEW: ActionSpec(
            "Report &Preview", "Show the verdict report beside the article", ("Ctrl+Shift+R",), True
        ),
        ActionId.THEME_SYSTEM: ActionSpec("Follow &System", "Use the system theme", (), True),
        ActionId.THEME_LIGHT: ActionSpec("&Light", "Use the light theme", (), True),
        ActionId.THEME_DARK: ActionSpec("&Dark", "Use the dark theme", (), True),
        ActionId.TEXT_LARGER: ActionSpec("&Larger Text", "Make the text larger", (Std.ZoomIn,)),
        ActionId.TEXT_SMALLER: ActionSpec("&Smaller Text", "Make the text smaller", (Std.ZoomOut,)),
        ActionId.TEXT_RESET: ActionSpec("&Normal Text Size", "Reset the text size", ("Ctrl+0",)),
        ActionId.SHORTCUTS: ActionSpec(
            "&Keyboard Shortcuts…", "List and change the keyboard shortcuts", ("Ctrl+/",)
        ),
        ActionId.ABOUT: ActionSpec("&About Factdesk", "Version and credits"),
        ActionId.SETTINGS: ActionSpec(
            "&Settings…", "Your name, organisation, theme and text size", (Std.Preferences,)
        ),
    }
    for n, aid in enumerate(RATE_IDS, start=1):
        s[aid] = ActionSpec(f"Rating {n}", f"Give the claim the scale's level {n}", (str(n),))
    return s


SPECS = _specs()


def default_shortcuts(aid: ActionId) -> list[QKeySequence]:
    out: list[QKeySequence] = []
    for key in SPECS[aid].keys:
        if isinstance(key, str):
            out.append(QKeySequence(key))
        else:
            # Only the Ctrl (Cmd on macOS) bindings: the others are dedicated keys few
            # keyboards have ("Undo" is F14 on X11) or legacy ones (Alt+Backspace), and
            # made the shortcut list read "Ctrl+Z; Alt+Backspace; F14".
            out.extend(
                k
                for k in QKeySequence.keyBindings(key)
                if "Ctrl+" in k.toString(QKeySequence.SequenceFormat.PortableText)
            )
    # Drop duplicates (StandardKey.Quit is already Ctrl+Q on some platforms).
    seen: set[str] = set()
    return [
        k for k in out if not k.isEmpty() and not (k.toString() in seen or seen.add(k.toString()))
    ]


class ActionRegistry(QObject):
    """Owns one QAction per :class:`ActionId`; applies and stores shortcut overrides."""

    def __init__(self, parent: QObject, settings: QSettings) -> None:
        super().__init__(parent)
        self._settings = settings
        self._actions: dict[ActionId, QAction] = {}
        for aid, spec in SPECS.items():
            action = QAction(spec.text, parent)
            action.setObjectName(f"action_{aid.value}")
            action.setToolTip(spec.tip)
            action.setStatusTip(spec.tip)
            action.setCheckable(spec.checkable)
            self._actions[aid] = action
        self.theme_group = QActionGroup(parent)
        for aid in (ActionId.THEME_SYSTEM, ActionId.THEME_LIGHT, ActionId.THEME_DARK):
            self.theme_group.addAction(self._actions[aid])
        self.apply_shortcuts()

    def __getitem__(self, aid: ActionId) -> QAction:
        return self._actions[aid]

    def items(self) -> list[tuple[ActionId, QAction]]:
        return list(self._actions.items())

    def adopt(self, aid: ActionId, action: QAction) -> None:
        """Replace a registry action by one Qt made (the undo stack's undo/redo actions)."""
        spec = SPECS[aid]
        action.setObjectName(f"action_{aid.value}")
        action.setStatusTip(spec.tip)
        self._actions[aid] = action
        self.apply_shortcuts([aid])

    def shortcuts(self, aid: ActionId) -> list[QKeySequence]:
        stored = self._settings.value(f"shortcuts/{aid.value}")
        if stored is None:
            return default_shortcuts(aid)
        text = str(stored)
        return [QKeySequence(part) for part in text.split(";") if part.strip()]

    def set_shortcut(self, aid: ActionId, keys: str | None) -> None:
        """Store the user's key sequence (``None`` restores the default)."""
        if keys is None:
            self._settings.remove(f"shortcuts/{aid.value}")
        else:
            self._settings.setValue(f"shortcuts/{aid.value}", keys)
        self.apply_shortcuts([aid])

    def apply_shortcuts(self, ids: list[ActionId] | None = None) -> None:
        for aid in ids or list(self._actions):
            self._actions[aid].setShortcuts(self.shortcuts(aid))
