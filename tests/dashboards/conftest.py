"""Dashboard test fixtures: one small demo database (real scanner, fixture recordings), demo users, principals.

The database is built once per session (a three-week demo floor plus the four fixture
recordings, transcribed by the bundled Whisper model); tests that write get their own copy.
Dashboards tests run on SQLite only.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from qa.demo_data import load_demo
from qa.storage import open_database
from qa.workflow import users

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
ROLES = ("agente", "supervisor", "analista", "legal", "admin")


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dash")
    path = folder / "qa.sqlite3"
    db = open_database(f"sqlite:///{path}")
    saved = users._HASHER
    users._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        with pytest.MonkeyPatch.context() as mp:
            # The masked copies of the recordings go to this session's media store (see db_url).
            mp.setenv("QA_MEDIA_DIR", str(folder / "media"))
            load_demo(db, days=21, folder=folder / "demo", recordings=True, workers=2, progress=False)
        with db.session() as s:
            users.create_demo_users(s)
    finally:
        users._HASHER = saved
    db.dispose()
    return path


@pytest.fixture
def db_url(demo_db_file, tmp_path, monkeypatch) -> Iterator[str]:
    """Yield a private copy of the demo database, made the app's database through ``QA_DATABASE_URL``."""
    copy = tmp_path / "qa.sqlite3"
    shutil.copy(demo_db_file, copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("QA_DATABASE_URL", url)
    monkeypatch.setenv("QA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QA_MEDIA_DIR", str(demo_db_file.parent / "media"))  # the demo's masked recordings
    yield url


@pytest.fixture
def principals(db_url):
    db = open_database(db_url)
    with db.session() as s:
        out = {name: users.get_principal(s, name) for name in ROLES}
    db.dispose()
    return out
