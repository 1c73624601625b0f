"""The typed errors Factdesk shows to people (defined in :mod:`app.errors`).

They live at the top of the package so storage (``app.models``) can raise them without
importing the core; the core and the window import them from here.
"""

from app.errors import *  # noqa: F403
from app.errors import __all__  # noqa: F401
