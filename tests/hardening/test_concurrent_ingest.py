"""Issue 13: two `qa ingest` processes started together on a fresh database both finish, and store each record once.

Each round creates an empty database (a SQLite file, or a fresh PostgreSQL schema) and has two
real `qa ingest` processes ingest into it. Both import everything first, then wait at a barrier
(a file that appears) so that they open the database, run the migrations and record the rule-pack
version at the same moment. In odd rounds the schema is already migrated, so the two runs reach
the (new) rule-pack version row together. Each ingests a shared file (the same records) and a file of its own,
and the accounts overlap, so the two runs race on migrations, the rule-pack version row,
dimensions, account states and identical interactions. Both must exit 0, every record must be
stored exactly once, and no record may be reported as failed (in particular not as
"already stored with different content").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.ingest.batches import TOMBSTONE_REASON
from qa.storage import models as m
from qa.storage import repository as repo
from qa.storage.account_state import AccountState
from qa.storage.engine import make_engine, open_database
from qa.storage.migrate import alembic_config, current_revision, head_revision, migration_lock
from qa.storage.workflow_models import RetentionDeletion, RetentionRun

HERE = Path(__file__).parent
STORAGE = HERE.parent / "storage"
sys.path.insert(0, str(STORAGE))
from storage_helpers import SCANNER_V1, chat, write_jsonl  # noqa: E402

ROUNDS = 4
SHARED, OWN = 30, 15

# A child imports the CLI once (the slow part), then for each round: says it is ready, waits for
# the start signal, and runs `qa ingest` on that round's fresh database.
CHILD = """
import json, sys, time
from pathlib import Path
import typer
from qa import cli_ingest
import qa.ingest, qa.storage.migrate, qa.storage.engine  # noqa: F401 - imported before the barrier
app = typer.Typer()
cli_ingest.register(app)
for step in json.loads(Path(sys.argv[1]).read_text()):
    Path(step["ready"]).touch()
    while not Path(step["go"]).exists():
        time.sleep(0.001)
    app(step["args"], standalone_mode=False)
    print("round done", flush=True)
    Path(step["done"]).touch()
"""


@contextmanager
def _fresh_databases(db_url: str, tmp: Path, count: int) -> Iterator[list[str]]:
    """Empty databases of ``db_url``'s backend: new SQLite files, or new schemas on the same PostgreSQL server."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        yield [f"sqlite:///{tmp / f'round{n}.sqlite3'}" for n in range(count)]
        return
    old = url.query["options"].split("search_path=")[1]  # the fixture's schema, named in the URL's options
    schemas = [f"c_{uuid.uuid4().hex[:12]}" for _ in range(count)]
    admin = create_engine(db_url)
    with admin.begin() as conn:
        for schema in schemas:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield [db_url.replace(old, schema) for schema in schemas]
    finally:
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _records(prefix: str, count: int) -> list[dict]:
    return [
        chat(f"{prefix}{i}", agent=f"A{i % 3}", account=f"ACC-{i % 5}", started_at=f"2026-03-{1 + i % 9:02d}T10:00:00-05:00")
        for i in range(count)
    ]


def _start(tmp: Path, name: str, rounds: list[dict]) -> tuple[subprocess.Popen, Path]:
    plan = tmp / f"{name}.json"
    plan.write_text(json.dumps(rounds), encoding="utf-8")
    env = {
        **os.environ,
        "QA_SCANNER": SCANNER_V1,
        "QA_DATA_DIR": str(tmp / "data"),
        "PYTHONPATH": os.pathsep.join([str(STORAGE), os.environ.get("PYTHONPATH", "")]),
        "STORAGE_FAKE_SCANNER_DELAY": "0.002",
    }
    log = tmp / f"{name}.log"
    with log.open("w") as out:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(plan)], env=env, stdout=out, stderr=subprocess.STDOUT)
    return child, log


def _wait(paths: list[Path], children, logs, what: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not all(p.exists() for p in paths):
        if any(c.poll() is not None for c in children) or time.monotonic() > deadline:
            for c in children:
                c.kill()
                c.wait()
            raise AssertionError(f"{what}:\n" + "\n".join(log.read_text() for log in logs))
        time.sleep(0.01)


def _check(url: str, expected: list[str], n: int, logs: list[Path]) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ids = sorted(conn.scalars(select(m.Interaction.source_id)))
            assert ids == expected, f"round {n}: stored {len(ids)} of {len(expected)}\n" + "\n".join(p.read_text() for p in logs)
            assert conn.scalar(select(func.count()).select_from(m.Score)) == len(expected)
            assert conn.scalar(select(func.count()).select_from(m.Turn)) == 2 * len(expected)
            errors = conn.execute(select(m.IngestError.record_id, m.IngestError.reason)).all()
            assert errors == [], f"round {n}: records reported as failed: {errors}"
            runs = conn.execute(select(m.IngestRun.status, m.IngestRun.stored)).all()
            assert sorted(status for status, _ in runs) == ["finished", "finished"]
            assert sum(stored for _, stored in runs) == len(expected)  # each record counted stored by exactly one run
            assert conn.scalar(select(func.count()).select_from(m.RulePackVersion)) == 1
            assert conn.scalar(select(func.count(AccountState.account_id))) == 5
    finally:
        engine.dispose()


def test_two_ingests_started_together_on_a_fresh_database(db_url, tmp_path):
    shared, own = _records("s", SHARED), {"a": _records("a", OWN), "b": _records("b", OWN)}
    shared_path = write_jsonl(tmp_path / "shared.jsonl", shared)
    files = {name: write_jsonl(tmp_path / f"{name}.jsonl", records) for name, records in own.items()}
    expected = sorted(r["id"] for r in shared + own["a"] + own["b"])
    with _fresh_databases(db_url, tmp_path, ROUNDS) as urls:
        plans: dict[str, list[dict]] = {"a": [], "b": []}
        for n, url in enumerate(urls):
            for name in plans:
                # Odd rounds: b reads its own file first, so the runs also cross over each other's order.
                inputs = [files[name], shared_path] if name == "b" and n % 2 else [shared_path, files[name]]
                args = ["ingest", *map(str, inputs), "--database-url", url, "--workers", "1", "--chunk-size", "7"]
                step = {"ready": f"{tmp_path}/{name}.ready{n}", "go": f"{tmp_path}/go{n}", "done": f"{tmp_path}/{name}.done{n}"}
                plans[name].append({**step, "args": [*args, "--no-progress"]})
        for url in urls[1::2]:  # odd rounds: the schema is in place and only the rule-pack version is new
            open_database(url).dispose()
        started = [_start(tmp_path, name, plan) for name, plan in plans.items()]
        children, logs = [c for c, _ in started], [log for _, log in started]
        try:
            for n, url in enumerate(urls):
                _wait([Path(p[n]["ready"]) for p in plans.values()], children, logs, f"round {n}: not ready")
                Path(plans["a"][n]["go"]).touch()  # both leave the barrier together
                _wait([Path(p[n]["done"]) for p in plans.values()], children, logs, f"round {n}: an ingest failed")
                _check(url, expected, n, logs)
            for child in children:
                assert child.wait(30) == 0
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
    for log in logs:
        assert "failed / fallida:" not in log.read_text()


# --- The same races made deterministic: another writer acts between the batcher's check and the store.


class _Meddling(InlineExecutor):
    """Scans like ``InlineExecutor``, and runs ``meddle`` once, after the first task is scanned and before it is stored."""

    def __init__(self, meddle) -> None:
        self.meddle = meddle

    def run(self, config, tasks):
        for n, result in enumerate(super().run(config, tasks)):
            if n == 0:
                self.meddle()
            yield result


def test_a_record_another_run_stores_meanwhile_is_a_duplicate(db, tmp_path):
    source = write_jsonl(tmp_path / "batch.jsonl", _records("m", 5))
    options = IngestOptions(scanner=SCANNER_V1, progress=False, chunk_size=10)
    other: list = []
    meddling = _Meddling(lambda: other.append(ingest(db, [source], options, InlineExecutor())))
    summary = ingest(db, [source], options, meddling)
    assert other[0].stored == 5
    assert (summary.stored, summary.duplicates, summary.failed, summary.errors) == (0, 5, 0, [])
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Interaction)) == 5
        assert s.scalar(select(func.count()).select_from(m.IngestError)) == 0


def test_a_record_purged_meanwhile_is_reported_not_counted_stored(db, tmp_path):
    records = _records("p", 3)
    source = write_jsonl(tmp_path / "batch.jsonl", records)

    def purge() -> None:  # a tombstone for p1's id, as retention leaves one, before the run stores its task
        with db.session() as s:
            run = RetentionRun(actor="tests", retention_days=1, cutoff=datetime(2026, 1, 1, tzinfo=UTC))
            s.add(run)
            s.flush()
            s.add(RetentionDeletion(run_id=run.id, source_id="p1", content_hash="0" * 64, started_at=run.cutoff))

    summary = ingest(db, [source], IngestOptions(scanner=SCANNER_V1, progress=False, chunk_size=10), _Meddling(purge))
    assert (summary.stored, summary.duplicates, summary.failed) == (2, 0, 1)
    assert summary.errors == [f"{source}:2 [p1]: {TOMBSTONE_REASON}"]
    with db.session() as s:
        assert sorted(s.scalars(select(m.Interaction.source_id))) == ["p0", "p2"]
        assert s.get(m.IngestRun, summary.run_id).stored == 2
        assert s.scalars(select(m.IngestError.reason)).all() == [TOMBSTONE_REASON]


def test_an_id_stored_meanwhile_with_other_content_is_a_conflict(db, tmp_path):
    source = write_jsonl(tmp_path / "batch.jsonl", _records("c", 2))
    edited = write_jsonl(tmp_path / "edited.jsonl", [chat("c1", text="Another text altogether.")])
    options = IngestOptions(scanner=SCANNER_V1, progress=False, chunk_size=10)
    summary = ingest(db, [source], options, _Meddling(lambda: ingest(db, [edited], options, InlineExecutor())))
    assert (summary.stored, summary.duplicates, summary.failed) == (1, 0, 1)
    assert "already stored with different content" in summary.errors[0] and "[c1]" in summary.errors[0]


def test_two_runs_record_one_rule_pack_version(db):
    """The rule-pack row is insert-or-ignore: a run that checked before the other run committed does not fail."""
    inserted, release = threading.Event(), threading.Event()

    def first() -> None:
        with db.session() as s:
            repo.ensure_rule_pack(s, "v-race")  # inserted, not yet committed
            inserted.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inserted.wait(10)
        threading.Timer(1.0, release.set).start()  # the first run commits while the second waits on its insert
        with db.session() as s:
            repo.ensure_rule_pack(s, "v-race")  # saw no committed row; its insert must not raise
    finally:
        release.set()
        thread.join(10)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.RulePackVersion)) == 1


def test_the_migration_lock_serialises_processes(tmp_path):
    """While one process holds the SQLite migration lock, another's upgrade waits for it, then finds the schema at head."""
    url = f"sqlite:///{tmp_path / 'qa.sqlite3'}"
    engine = make_engine(url)
    code = "import sys; from qa.storage.engine import open_database; open_database(sys.argv[1]).dispose(); print('done')"
    try:
        with migration_lock(engine):
            child = subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE, text=True)
            time.sleep(3)
            assert child.poll() is None  # waiting for the lock (it would have migrated within 3 s otherwise)
            command.upgrade(alembic_config(engine), "head")  # the holder migrates (upgrade() would take the lock again)
        out, _ = child.communicate(timeout=60)
        assert child.returncode == 0 and "done" in out
        assert current_revision(engine) == head_revision(engine)
    finally:
        engine.dispose()
