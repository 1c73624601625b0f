"""Connecting to a team's PostgreSQL server.

The password never appears in a URL that is stored or printed: it comes from the
keyring (stored under the URL without password) or libpq's own ways (``PGPASSWORD``,
``~/.pgpass``). A password typed into the URL on the command line is refused, since it
would sit in the shell history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import col

from app.core.errors import DatabaseUnavailableError, SecretStoreError, ValidationError
from app.core.secrets import delete_secret, get_secret, server_secret_name, set_secret
from app.core.settings import load_settings, save_settings
from app.core.wording import quoted
from app.models.database import Database, open_server, translate_storage_errors
from app.models.migrations import server_schema_version
from app.models.tables import Project


def normalise_server_url(url: str) -> str:
    try:
        sa_url = make_url(url)
    except ArgumentError as exc:
        raise ValidationError(f"{quoted(url[:80])} is not a database URL.") from exc
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
    return _without_password(open_server(clean, create=create, password=keyring_password(clean)))


def _without_password(db: Database) -> Database:
    # URL.set(password=None) keeps the old password, so open_server's ``url`` may hold
    # the keyring's password; only the clean URL may be shown or remembered.
    if db.url is not None:
        clean = make_url(db.url)._replace(password=None)
        db.url = clean.render_as_string(hide_password=False)
    return db


# --- connection settings (the window's Connect to Server dialog) ------------------------

TLS_MODES = ("prefer", "require", "verify-ca", "verify-full", "disable")


def build_server_url(host: str, port: int, database: str, user: str, tls_mode: str) -> str:
    """The URL (never with a password) for the dialog's fields."""
    host, database, user = host.strip(), database.strip(), user.strip()
    if not host or not database or not user:
        raise ValidationError("a server connection needs a host, a database and a user name.")
    if not 0 < port < 65536:
        raise ValidationError(f"{port} is not a port number.")
    if tls_mode not in TLS_MODES:
        raise ValidationError(f"unknown TLS mode {quoted(tls_mode)}.")
    url = URL.create(
        "postgresql+psycopg",
        username=user,
        host=host,
        port=port,
        database=database,
        query={"sslmode": tls_mode} if tls_mode != "prefer" else {},
    )
    return normalise_server_url(url.render_as_string(hide_password=False))


@dataclass(frozen=True, slots=True)
class ServerFields:
    host: str
    port: int
    database: str
    user: str
    tls_mode: str


def split_server_url(url: str) -> ServerFields:
    """The dialog's fields from a remembered URL."""
    sa_url = make_url(normalise_server_url(url))
    mode = sa_url.query.get("sslmode", "prefer")
    return ServerFields(
        host=sa_url.host or "localhost",
        port=sa_url.port or 5432,
        database=sa_url.database or "",
        user=sa_url.username or "",
        tls_mode=mode if isinstance(mode, str) else mode[0],
    )


def remember_server_url(url: str) -> None:
    """Put ``url`` (never a password) first in the settings' list of servers."""
    clean = normalise_server_url(url)
    settings = load_settings()
    settings.server_urls = [clean, *(u for u in settings.server_urls if u != clean)][:10]
    save_settings(settings)


def remembered_server_urls() -> list[str]:
    return list(load_settings().server_urls)


def store_server_password(url: str, password: str) -> None:
    """Keep the password in the keyring only (SecretStoreError when there is none)."""
    name = server_secret_name(normalise_server_url(url))
    if password:
        set_secret(name, password)
    else:
        delete_secret(name)


def check_connection(url: str, password: str | None = None) -> str:
    """Connect once and return the server's version; raise a one-line error otherwise.

    ``password`` None takes it from the keyring or libpq (PGPASSWORD, ~/.pgpass).
    """
    clean = normalise_server_url(url)
    sa_url = make_url(clean)
    if password is None:
        password = keyring_password(clean)
    if password:
        sa_url = sa_url.set(password=password)
    engine = create_engine(sa_url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar_one())
            schema = server_schema_version(conn)
    except OperationalError as exc:
        # libpq's first line names the cause (refused, timeout, authentication) and
        # never the password.
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "no answer"
        raise DatabaseUnavailableError(
            f"{make_url(clean).render_as_string(hide_password=True)}: cannot connect ({reason})."
        ) from None
    finally:
        engine.dispose()
    if schema is None:
        return f"PostgreSQL {version}; no Factdesk projects there yet"
    return f"PostgreSQL {version}; Factdesk schema version {schema}"


def open_server_database(url: str, password: str | None = None, *, create: bool = True) -> Database:
    """Open (and if asked create the schema of) the database at ``url`` for the window."""
    clean = normalise_server_url(url)
    password = password or keyring_password(clean)
    return _without_password(open_server(clean, create=create, password=password))


def server_projects(db: Database) -> list[tuple[str, str]]:
    """(id, name) of every project in a server database, oldest first."""
    with translate_storage_errors(db), db.session() as s:
        rows = s.execute(
            select(col(Project.id), col(Project.name)).order_by(col(Project.created_at))
        ).all()
    return [(str(pid), str(name)) for pid, name in rows]
