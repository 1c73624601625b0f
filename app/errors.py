"""Typed errors that Factdesk shows to people.

Every error that can reach a user derives from :class:`FactdeskError` and carries a
one-line message written for a person, not a programmer. The command line prints
``str(error)`` on stderr and exits with ``error.exit_status``; the window shows the
same text in a message box. Nothing secret (passwords, keys) may ever go into one.

Each kind of failure has its own type, so a message never blames the wrong thing:
damaged data is a :class:`CorruptProjectError` (the only one that says "damaged"), a
write that met another write's unique key a :class:`ConstraintConflictError`, a lost
server a :class:`DatabaseUnavailableError`. A bug in Factdesk is none of these: it stays
the Python exception it is (the command line reports it as an unexpected error).
"""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` with control and format characters escaped (``\\x1b``, ``\\u202e``).

    Messages carry file names and stored values from anywhere; written raw, an escape
    sequence in a file name would drive the user's terminal and a right-to-left override
    would disguise the name.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


class FactdeskError(Exception):
    """Base of every error Factdesk reports to a person."""

    exit_status = 2

    def __init__(self, message: str) -> None:
        # One line only: the CLI contract is "a one-line error on stderr".
        super().__init__(printable(" ".join(message.split())))

    @property
    def message(self) -> str:
        return str(self)


# --- Opening project files -------------------------------------------------------


class ProjectFileError(FactdeskError):
    """A project file could not be opened; the file was left unchanged."""


class ProjectNotFoundError(ProjectFileError):
    """The path does not exist or is not a regular file."""


class NotAProjectError(ProjectFileError):
    """The file is not a Factdesk project (another format or another application)."""


class CorruptProjectError(ProjectFileError):
    """The file is a Factdesk project but is truncated or damaged."""


class NewerProjectError(ProjectFileError):
    """The file was written by a newer Factdesk whose schema this build cannot read."""


class ProjectReadOnlyError(ProjectFileError):
    """The file (or its folder) cannot be written, so it cannot be opened for editing."""


class UnsafeProjectError(ProjectFileError):
    """The file carries schema objects (triggers, views, virtual tables) Factdesk never makes."""


class ProjectExistsError(ProjectFileError):
    """Refused to create a project over an existing file."""


class MigrationError(ProjectFileError):
    """Upgrading an older project failed; the backup copy made before is kept."""


# --- Editing ------------------------------------------------------------------------


class NotFoundError(FactdeskError):
    """A record (article, claim, evidence, level) asked for does not exist."""


class ValidationError(FactdeskError):
    """A value given by the user is not acceptable (bad URL, bad offsets, unknown rating)."""


class StaleEditError(FactdeskError):
    """Someone else changed the record since it was read; nothing was written."""

    exit_status = 1

    def __init__(
        self, message: str, *, changed_by: str | None = None, changed_at: str | None = None
    ) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class ConstraintConflictError(FactdeskError):
    """A write met a uniqueness or reference rule another write had just satisfied
    (two imports of one article at once); nothing was written and the project is sound."""

    exit_status = 1


class DuplicateArticleError(FactdeskError):
    """The same article text is already in the project."""

    def __init__(self, message: str, *, existing_id: str) -> None:
        super().__init__(message)
        self.existing_id = existing_id


# --- Importing and analysing articles -------------------------------------------


class ArticleImportError(FactdeskError):
    """An article file could not be imported; the project was not changed."""


class UnsupportedFormatError(ArticleImportError):
    """The file's content is in no format Factdesk can import."""


class EmptyArticleError(ArticleImportError):
    """The file holds no text to check."""


class ArticleTooLargeError(ArticleImportError):
    """The file is larger than the documented limit."""


class AnalysisError(FactdeskError):
    """Claim detection could not run on the given text."""


# --- Storage back ends --------------------------------------------------------------


class DatabaseUnavailableError(FactdeskError):
    """The database server cannot be reached (stopped, restarting, network down)."""


class ServerRefusedError(FactdeskError):
    """The database server answered but refused the request (permissions, limits)."""


class SecretStoreError(FactdeskError):
    """The operating system's keyring is missing or refused the request."""


# --- Installation -------------------------------------------------------------------


class MissingComponentError(FactdeskError):
    """A library Factdesk needs is not installed: the installation, not the file, is at fault."""

    exit_status = 1

    def __init__(self, component: str) -> None:
        super().__init__(f"Factdesk is missing a component: {component}; reinstall Factdesk.")
        self.component = component


def missing_component(exc: BaseException) -> str | None:
    """The module whose absence caused ``exc`` (an ImportError or one it led to), if any.

    Libraries often re-raise a missing optional module as a plain ImportError with advice
    (lxml does for lxml_html_clean); the module's name is on the original error.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    found: str | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ImportError) and current.name:
            found = current.name.split(".")[0]
        current = current.__cause__ or current.__context__
    return found


__all__ = [
    "AnalysisError",
    "ArticleImportError",
    "ArticleTooLargeError",
    "ConstraintConflictError",
    "CorruptProjectError",
    "DatabaseUnavailableError",
    "DuplicateArticleError",
    "EmptyArticleError",
    "FactdeskError",
    "MigrationError",
    "MissingComponentError",
    "NewerProjectError",
    "NotAProjectError",
    "NotFoundError",
    "ProjectExistsError",
    "ProjectFileError",
    "ProjectNotFoundError",
    "ProjectReadOnlyError",
    "SecretStoreError",
    "ServerRefusedError",
    "StaleEditError",
    "UnsafeProjectError",
    "UnsupportedFormatError",
    "ValidationError",
    "missing_component",
    "printable",
]
