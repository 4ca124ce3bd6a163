"""Workflow test fixtures: a seeded database on SQLite and on a real PostgreSQL server.

``db_url`` and ``db`` come from ``tests/conftest.py`` (one schema per test on PostgreSQL; skipped
locally without ``QA_TEST_POSTGRES_URL``, a failure under CI).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from workflow_helpers import Seeded, seed

from qa.workflow import users


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    # Production argon2 parameters cost ~0.1 s a hash; the seed creates nine users per test.
    saved = users._HASHER
    users._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    users._HASHER = saved


@pytest.fixture
def seeded(db, tmp_path, monkeypatch) -> Seeded:
    monkeypatch.setenv("QA_MEDIA_DIR", str(tmp_path / "media"))  # recordings served only from this media store
    return seed(db, tmp_path)
