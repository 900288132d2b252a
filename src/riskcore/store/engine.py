"""Opening the practice register: SQLite by default, PostgreSQL when shared.

:func:`connect` resolves the location (argument, else ``RISKCORE_DB``, else
``riskcore.db`` in the current folder), refuses a file that is not a riskcore
store (with its path and the reason; it is never overwritten), creates a new
SQLite file owner-only (``0600``), turns on WAL and foreign keys, and brings the
schema to the newest migration with Alembic. A database written by a newer
riskcore is refused.

Writers are serialised: on SQLite every transaction starts with ``BEGIN
IMMEDIATE`` (with a 30 s busy timeout), on PostgreSQL it takes a transaction
advisory lock, so two processes appending to the chain never interleave.

.. versionadded:: 0.1
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from riskcore.errors import StoreError

__all__ = ["DEFAULT_PATH", "ENV", "HEAD", "WRITE", "connect", "location", "migrate"]

ENV = "RISKCORE_DB"
DEFAULT_PATH = "riskcore.db"
HEAD = "0002"
"""The newest migration this riskcore ships."""
_KNOWN = ("0001", "0002")
_SQLITE_MAGIC = b"SQLite format 3\x00"
PG_LOCK_KEY = 0x52534B43  # "RSKC": the advisory lock of the chain's writers
WRITE = "riskcore_write"
"""Execution option of a connection that will write (SQLite: ``BEGIN IMMEDIATE``)."""


def location(
    db: str | os.PathLike[str] | None = None, environ: Any = os.environ
) -> str:
    """The database URL: *db*, else ``RISKCORE_DB``, else ``riskcore.db`` (SQLite).

    A plain path means a SQLite file.

    >>> location("practice.db")
    'sqlite:///practice.db'
    >>> location(None, {"RISKCORE_DB": "postgresql://h/db"})
    'postgresql+psycopg://h/db'
    >>> location(None, {})
    'sqlite:///riskcore.db'
    """
    raw = (os.fspath(db) if db is not None else "") or environ.get(ENV) or DEFAULT_PATH
    if "://" not in raw:
        return f"sqlite:///{raw}"
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def _redacted(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<an invalid database URL>"


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not a SQLite database; create a new one 0600."""
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a riskcore store")
    if not path.exists():
        if not path.parent.is_dir():
            raise StoreError(f"{path}: the folder {path.parent} does not exist")
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:  # another process created it first: check it
            return _check_sqlite_file(path)
        os.close(fd)
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None
    if head and head != _SQLITE_MAGIC:
        raise StoreError(
            f"{path}: not a riskcore store (the file is not a SQLite database); "
            "refusing to use or overwrite it"
        )
    return None


def _sqlite_events(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA foreign_keys = ON")
        # journal_mode is set once the file is known to be ours (it is written
        # into the file): a foreign database is left byte for byte as it was.
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Writers take the write lock up front (no deadlock on upgrade); readers
        # do not block anyone (WAL).
        write = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def connect(db: str | os.PathLike[str] | None = None) -> sa.Engine:
    """An engine on the register at *db* (see :func:`location`), migrated to head.

    Raises :class:`~riskcore.errors.StoreError` naming the path (or the URL
    without its password) and the reason when the database cannot be used.
    """
    url = location(db)
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"{_redacted(url)}: not a database URL") from None
    where = _redacted(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise StoreError(f"{where}: the register needs a file, not memory")
        path = Path(parsed.database)
        where = str(path)
        _check_sqlite_file(path)
        # Pooled: closing a WAL connection checkpoints, so reuse them.
        engine = sa.create_engine(url)
        _sqlite_events(engine)
    elif parsed.get_backend_name() == "postgresql":
        try:
            engine = sa.create_engine(url, pool_pre_ping=True)
        except ImportError:
            raise StoreError(
                f"{where}: PostgreSQL needs psycopg (pip install 'riskcore[store]')"
            ) from None
    else:
        raise StoreError(
            f"{where}: unsupported database (SQLite files and PostgreSQL URLs only)"
        )
    try:
        migrate(engine, where)
        if engine.dialect.name == "sqlite":  # outside a transaction, as SQLite needs
            raw = engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA journal_mode = WAL")
            finally:
                raw.close()
    except StoreError:
        engine.dispose()
        raise
    except sa.exc.OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreError(f"{where}: cannot open the register ({reason})") from None
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreError(
            f"{where}: not a riskcore store or corrupt ({reason}); "
            "refusing to use or overwrite it"
        ) from None
    return engine


def _alembic_config(connection: sa.Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: sa.Engine, where: str) -> None:
    """Bring the schema to :data:`HEAD`; refuse a foreign or newer database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        current = MigrationContext.configure(conn).get_current_revision()
    if current == HEAD:
        return
    if current is None and tables:
        shown = ", ".join(sorted(tables)[:5])
        raise StoreError(
            f"{where}: not a riskcore store (a database with other tables: {shown}); "
            "refusing to use or overwrite it"
        )
    if current is not None and current not in _KNOWN:
        raise StoreError(
            f"{where}: the register is at schema revision {current!r}, newer than "
            f"this riskcore knows ({HEAD!r}): upgrade riskcore to open it"
        )
    from alembic import command

    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            conn.execute(
                sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY}
            )
        # Another process may have migrated while we waited for the lock.
        if MigrationContext.configure(conn).get_current_revision() != HEAD:
            command.upgrade(_alembic_config(conn), HEAD)
