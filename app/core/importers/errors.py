"""Import errors beyond the generic ones in :mod:`app.core.errors`.

All derive from :class:`~app.core.errors.ArticleImportError`, so the command line and
the window need to catch only that one class; the subclasses let tests and callers tell
the cases apart.
"""

from __future__ import annotations

from app.core.errors import ArticleImportError


class ArticleNotReadableError(ArticleImportError):
    """The path is missing, is not a regular file, or cannot be read."""


class CorruptArticleError(ArticleImportError):
    """The file claims a known format but is truncated or damaged."""


class EncryptedArticleError(ArticleImportError):
    """The document is protected by a password."""


class NoTextLayerError(ArticleImportError):
    """A PDF holds only images (a scan): there is no text to read without OCR."""


class UnsafeArchiveError(ArticleImportError):
    """A .docx archive would expand to far more than its size (a zip bomb)."""
