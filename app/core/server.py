"""Connecting to a team's PostgreSQL server.

The password never appears in a URL that is stored or printed: it comes from the
keyring (stored under the URL without password) or libpq's own ways (``PGPASSWORD``,
``~/.pgpass``). A password typed into the URL on the command line is refused, since it
would sit in the shell history.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.core.errors import SecretStoreError, ValidationError
from app.core.secrets import get_secret, server_secret_name
from app.models.database import Database, open_server


def normalise_server_url(url: str) -> str:
    try:
        sa_url = make_url(url)
    except ArgumentError as exc:
        raise ValidationError(f"{url[:80]!r} is not a database URL.") from exc
    if sa_url.get_backend_name() != "postgresql":
        raise ValidationError(
            "only PostgreSQL servers are supported (postgresql+psycopg://user@host:port/db)."
        )
    if sa_url.password:
        raise ValidationError(
            "do not put the password in the URL; store it in the keyring "
            "from the window, or use PGPASSWORD or ~/.pgpass."
        )
    return sa_url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def keyring_password(url: str) -> str | None:
    try:
        return get_secret(server_secret_name(url))
    except SecretStoreError:
        return None  # libpq's own ways may still supply it


def open_server_for_cli(url: str, *, create: bool = False) -> Database:
    clean = normalise_server_url(url)
    return open_server(clean, create=create, password=keyring_password(clean))
