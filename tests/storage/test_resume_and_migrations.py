"""A run killed mid-batch (SIGKILL, workers included) finishes on rerun with no duplicates or gaps; migrations go up and down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import create_engine, func, inspect, select
from storage_helpers import HERE, SCANNER_V1, chat, write_jsonl

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.storage import models as m
from qa.storage.engine import make_engine, open_database
from qa.storage.migrate import current_revision, downgrade, head_revision, upgrade

N = 1500
CLI = "import typer; from qa import cli_ingest; app = typer.Typer(); cli_ingest.register(app); app()"


def _stored(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(m.Interaction)) or 0
    except Exception:  # noqa: BLE001 - the schema may not exist yet while the child starts
        return 0
    finally:
        engine.dispose()


def test_killed_ingest_resumes_without_duplicates_or_gaps(db_url, tmp_path):
    batch = [
        chat(f"k{i}", agent=f"A{i % 4}", account=f"ACC-{i % 300}", started_at=f"2026-03-{1 + i % 28:02d}T10:00:00-05:00")
        for i in range(N)
    ]
    source = write_jsonl(tmp_path / "big.jsonl", batch)
    open_database(db_url).dispose()  # schema in place before the child starts
    env = {
        **os.environ,
        "QA_DATABASE_URL": db_url,
        "QA_SCANNER": SCANNER_V1,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "STORAGE_FAKE_SCANNER_DELAY": "0.004",  # slow enough to be caught mid-batch
    }
    args = [sys.executable, "-c", CLI, "ingest", str(source), "--workers", "2", "--chunk-size", "25", "--no-progress"]
    child = subprocess.Popen(args, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while _stored(db_url) < 100:
        assert child.poll() is None, f"ingest ended before it could be killed: {child.stdout.read().decode()}"
        assert time.monotonic() < deadline, "ingest stored nothing within 120 s"
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGKILL)  # the parent and its worker processes, mid-batch
    child.wait(30)
    partial = _stored(db_url)
    assert 0 < partial < N

    db = open_database(db_url)
    summary = ingest(db, [source], IngestOptions(scanner=SCANNER_V1, progress=False, chunk_size=200), InlineExecutor())
    assert summary.failed == 0
    assert summary.duplicates == partial and summary.stored == N - partial
    with db.session() as s:
        ids = s.scalars(select(m.Interaction.source_id)).all()
        assert sorted(ids) == sorted(r["id"] for r in batch)  # no gaps, no duplicates
        assert s.scalar(select(func.count()).select_from(m.Score)) == N
        assert s.scalar(select(func.count()).select_from(m.Turn)) == 2 * N
        statuses = dict(s.execute(select(m.IngestRun.id, m.IngestRun.status)).all())
        assert sorted(statuses.values()) == ["finished", "interrupted"]
    db.dispose()


def test_migrations_upgrade_and_downgrade(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    tables = set(inspect(engine).get_table_names())
    assert {
        "agents",
        "teams",
        "accounts",
        "interactions",
        "turns",
        "findings",
        "finding_events",
        "redactions",
        "scores",
    } <= tables
    assert {"ingest_runs", "ingest_errors", "scan_runs", "rule_pack_versions"} <= tables
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    engine.dispose()


def test_schema_matches_the_models(db_url):
    """The migrations create exactly what the models declare (no forgotten migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), m.Base.metadata)
    engine.dispose()
    assert diff == []
