"""Storage: SQLAlchemy models, Alembic migrations, sessions, repositories and queries.

Public entry points for services, the CLI and the dashboards::

    from qa.storage import open_database
    db = open_database()            # QA_DATABASE_URL, else SQLite under QA_DATA_DIR; migrated to head
    with db.session() as session:   # one transaction
        ...

See ``docs/storage.md``.
"""

from qa.storage import models
from qa.storage.config import data_dir, database_url
from qa.storage.engine import Database, make_engine, open_database

__all__ = ["Database", "data_dir", "database_url", "make_engine", "models", "open_database"]
