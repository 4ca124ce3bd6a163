"""Where the data lives: the data directory and the database URL.

Resolution order for the database:

1. an explicit URL passed by the caller (tests, benchmarks);
2. ``QA_DATABASE_URL`` (e.g. ``postgresql+psycopg://qa:secret@db/qa``), the multi-user deployment;
3. a SQLite file ``qa.sqlite3`` in the data directory.

The data directory is ``QA_DATA_DIR`` when set, otherwise ``./.data`` (relative to the
current directory, so each checkout or deployment keeps its own data).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "QA_DATA_DIR"
DATABASE_URL_ENV = "QA_DATABASE_URL"
DEFAULT_DATA_DIR = Path(".data")
SQLITE_FILENAME = "qa.sqlite3"


def data_dir() -> Path:
    """Return the data directory (created on first use)."""
    path = Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def database_url(explicit: str | None = None) -> str:
    """Return the database URL to use, following the resolution order above."""
    if explicit:
        return normalise_url(explicit)
    from_env = os.environ.get(DATABASE_URL_ENV)
    if from_env:
        return normalise_url(from_env)
    return sqlite_url(data_dir() / SQLITE_FILENAME)


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` / ``postgres://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
