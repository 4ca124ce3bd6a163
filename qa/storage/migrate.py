"""Alembic migrations run programmatically (no ``alembic.ini``).

``upgrade(engine)`` and ``downgrade(engine, "base")`` are what ``open_database`` and
``qa db upgrade`` / ``qa db downgrade`` call. New migrations go in
``qa/storage/migrations/versions/`` (create one with :func:`revision`).

Several processes may open a fresh database at the same moment (two ``qa ingest`` started
together, an ingest and the dashboards). Migrations therefore run under a lock that every
process takes first: a session-level advisory lock on PostgreSQL, an exclusive ``flock`` on a
file beside the database on SQLite (``<database>-migrate.lock``, created only when a migration
is due). The process that gets the lock second finds the schema at head and does nothing. A
database already at head is not locked at all (the common case, and read-only deployments).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Key of the PostgreSQL advisory lock held while migrations run (any constant other code does not use).
MIGRATION_LOCK = 0x51A_0_0DB1


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


@contextlib.contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold the lock that serialises migrations of ``engine``'s database across processes."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(select(func.pg_advisory_lock(MIGRATION_LOCK)))
            connection.commit()  # a session-level lock outlives the transaction; do not sit idle in one
            try:
                yield
            finally:
                connection.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK)))
                connection.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield  # a private in-memory database (or a URI form this does not parse): no other process shares it
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: no cross-process lock; concurrent first starts are not supported there
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + "-migrate.lock")
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # waits as long as the other process's migrations take
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision``; a database already at head is left alone without taking the lock."""
    if revision == "head" and current_revision(engine) == head_revision(engine):
        return
    with migration_lock(engine):
        command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with migration_lock(engine):
        command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def revision(engine: Engine, message: str, *, autogenerate: bool = True) -> None:
    """Write a new migration script comparing the models with ``engine``'s database (developer tool)."""
    command.revision(alembic_config(engine), message=message, autogenerate=autogenerate)
