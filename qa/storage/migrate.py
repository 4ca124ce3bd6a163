"""Alembic migrations run programmatically (no ``alembic.ini``).

``upgrade(engine)`` and ``downgrade(engine, "base")`` are what ``open_database`` and
``qa db upgrade`` / ``qa db downgrade`` call. New migrations go in
``qa/storage/migrations/versions/`` (create one with :func:`revision`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def revision(engine: Engine, message: str, *, autogenerate: bool = True) -> None:
    """Write a new migration script comparing the models with ``engine``'s database (developer tool)."""
    command.revision(alembic_config(engine), message=message, autogenerate=autogenerate)
