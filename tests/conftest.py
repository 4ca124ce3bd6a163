"""Fixtures shared by every test folder: a database on SQLite and on a real PostgreSQL server.

PostgreSQL comes from ``QA_TEST_POSTGRES_URL`` (``.ci/run`` starts one). Each test gets its own
schema, so tests never see each other's rows. Without the variable the PostgreSQL cases are
skipped locally, and fail under CI (``CI`` set), where they must run. A folder may override
``db_url`` (the dashboards use a copy of a demo database).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from qa.storage.config import normalise_url
from qa.storage.engine import Database, open_database


def _postgres_base_url() -> str:
    url = os.environ.get("QA_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("QA_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("QA_TEST_POSTGRES_URL not set")
    return normalise_url(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    """Yield the URL of an empty database: a SQLite file, or a fresh schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qa.sqlite3'}"
        return
    base = _postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def db(db_url) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()
