"""Engines and sessions.

``open_database()`` is the one entry point services, the CLI and the dashboards use:
it resolves the URL (see :mod:`qa.storage.config`), creates the engine with the
per-backend settings, brings the schema to the latest migration and returns a
:class:`Database` holding the engine and a session factory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from qa.storage.config import database_url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers (dashboards) work while an ingest writes; NORMAL sync is durable
    # across application crashes in WAL mode; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # A 64 MiB page cache (default 2 MiB): ingest inserts keys in random order into the
    # content-hash and fingerprint indexes, and once those outgrow the cache every insert
    # rereads pages (100,000 chats: 14 s of commits and 14 s of inserts with the default).
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def make_engine(url: str | None = None, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` (or the configured database) with the backend's settings."""
    resolved = database_url(url)
    parsed = make_url(resolved)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(resolved, echo=echo, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(resolved, echo=echo, pool_pre_ping=True)


@dataclass
class Database:
    """An engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Open a session in a transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True, echo: bool = False) -> Database:
    """Open the configured database, upgrading its schema to the latest migration unless ``migrate`` is false."""
    engine = make_engine(url, echo=echo)
    if migrate:
        from qa.storage.migrate import upgrade

        upgrade(engine)
    return Database(engine, sessionmaker(engine, expire_on_commit=False))
