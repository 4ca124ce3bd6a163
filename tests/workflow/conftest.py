"""Workflow test fixtures: a seeded database on SQLite and on a real PostgreSQL server.

Same arrangement as ``tests/storage/conftest.py``: PostgreSQL comes from ``QA_TEST_POSTGRES_URL``
(``.ci/run`` starts one), one schema per test; skipped locally without it, a failure under CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from workflow_helpers import Seeded, seed

from qa.storage.config import normalise_url
from qa.storage.engine import Database, open_database
from qa.workflow import users


def _postgres_base_url() -> str:
    url = os.environ.get("QA_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("QA_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL workflow tests")
        pytest.skip("QA_TEST_POSTGRES_URL not set")
    return normalise_url(url)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    # Production argon2 parameters cost ~0.1 s a hash; the seed creates nine users per test.
    saved = users._HASHER
    users._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    users._HASHER = saved


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qa.sqlite3'}"
        return
    base = _postgres_base_url()
    schema = f"w_{uuid.uuid4().hex[:12]}"
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


@pytest.fixture
def seeded(db, tmp_path) -> Seeded:
    return seed(db, tmp_path)
