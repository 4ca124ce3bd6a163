"""The Ray executor on a local two-CPU Ray cluster: same rows as the local pool, nothing lost or doubled when workers die."""

from __future__ import annotations

import json

import pytest
from scale_helpers import snapshot
from sqlalchemy import func, select
from storage_helpers import SCANNER_V1, chat, write_jsonl

from qa.demo_data import generate
from qa.ingest import IngestOptions, InlineExecutor, LocalProcessExecutor, ingest
from qa.ingest.ray_executor import RayExecutor
from qa.storage import models as m
from qa.storage.engine import open_database

pytestmark = pytest.mark.usefixtures("ray_cluster")

KILLER = "scale_scanners:load_killer"


def _chats(n: int, prefix: str, accounts: int) -> list[dict]:
    words = ("", " You could go to jail.", " Listen, idiot.", "")
    return [
        chat(
            f"{prefix}{i}",
            agent=f"A{i % 3}",
            account=f"ACC-{prefix}{i % accounts}",
            started_at=f"2026-03-{1 + i % 5:02d}T{8 + i % 14:02d}:00:00-05:00",
            text=f"Hello, this is the collections office.{words[i % 4]}",
        )
        for i in range(n)
    ]


def _ingest(url: str, paths, executor, scanner: str | None = SCANNER_V1, chunk_size: int = 20):
    db = open_database(url)
    try:
        options = IngestOptions(scanner=scanner, chunk_size=chunk_size, progress=False)
        return [ingest(db, [p], options, executor) for p in paths], snapshot(db)
    finally:
        db.dispose()


class StopAfter:
    """Wrap an executor: do something to it after its n-th result (kill a worker, or stop the run)."""

    def __init__(self, inner: RayExecutor, after: int, action) -> None:
        self.inner, self.after, self.action = inner, after, action
        self.name = inner.name

    def run(self, config, tasks):
        for count, result in enumerate(self.inner.run(config, tasks), 1):
            yield result
            if count == self.after:
                self.action(self.inner)


def test_ray_stores_exactly_what_the_local_pool_stores(tmp_path):
    """Bundled rule packs on demo data, ingested in two steps so the second scans with stored account history."""
    records = generate(days=6)
    half = len(records) // 2
    first = write_jsonl(tmp_path / "first.jsonl", records[:half])
    second = write_jsonl(tmp_path / "second.jsonl", [*records[half:], "{not json", json.dumps({"id": "no-fields"})])
    local_runs, local = _ingest(f"sqlite:///{tmp_path / 'local.sqlite3'}", [first, second], LocalProcessExecutor(2), None)
    ray_runs, on_ray = _ingest(f"sqlite:///{tmp_path / 'ray.sqlite3'}", [first, second], RayExecutor(workers=2), None)

    assert [(r.stored, r.duplicates, r.failed, r.findings) for r in ray_runs] == [
        (r.stored, r.duplicates, r.failed, r.findings) for r in local_runs
    ]
    assert sum(r.stored for r in ray_runs) == len(records) and ray_runs[1].failed == 2
    assert len(local["findings"]) > 50  # the comparison covers real findings, history-dependent ones included
    for table in local:
        assert on_ray[table] == local[table], table


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(tmp_path):
    import ray

    records = _chats(300, "k", 60)
    for record in records:  # 0.4 s per task of 20: the killed worker is still busy with its next task
        record["turns"][1]["text"] = "Ok, thanks. slow-scan"
    source = write_jsonl(tmp_path / "chats.jsonl", records)
    executor = RayExecutor(workers=2)
    killer = StopAfter(executor, 1, lambda inner: ray.kill(inner.actors[0], no_restart=True))
    (run,), killed = _ingest(f"sqlite:///{tmp_path / 'ray.sqlite3'}", [source], killer, scanner=KILLER)
    (reference,), expected = _ingest(f"sqlite:///{tmp_path / 'inline.sqlite3'}", [source], InlineExecutor())

    assert executor.stats.worker_deaths == 1 and executor.stats.retried >= 1  # work in flight on it was lost, and redone
    assert (run.stored, run.duplicates, run.failed) == (300, 0, 0)
    assert killed == expected


def test_a_task_that_kills_its_worker_process_runs_again_elsewhere(db_url, tmp_path):
    marker = tmp_path / "killed-once"
    records = _chats(120, "p", 30)
    records[37]["turns"][0]["text"] = f"Hello. kill-worker-once:{marker} You could go to jail."
    source = write_jsonl(tmp_path / "chats.jsonl", records)
    executor = RayExecutor(workers=2)
    (run,), stored = _ingest(db_url, [source], executor, scanner=KILLER)
    assert marker.exists()  # the first attempt did kill its worker process
    (reference,), expected = _ingest(f"sqlite:///{tmp_path / 'inline.sqlite3'}", [source], InlineExecutor())

    assert executor.stats.worker_deaths == 1 and executor.stats.poisoned == 0
    assert (run.stored, run.failed, run.findings) == (120, 0, reference.findings)
    assert stored == expected


def test_an_input_that_always_kills_its_worker_fails_alone_with_its_reason(tmp_path):
    records = _chats(60, "x", 6)  # ten per account, three tasks of twenty
    records[13]["turns"][0]["text"] = "Hello. kill-worker-always"
    source = write_jsonl(tmp_path / "chats.jsonl", records)
    executor = RayExecutor(workers=2, max_attempts=2)
    (run,), stored = _ingest(f"sqlite:///{tmp_path / 'ray.sqlite3'}", [source], executor, scanner=KILLER)

    assert (run.stored, run.failed) == (59, 1)
    assert executor.stats.poisoned == 1
    (error,) = stored["ingest_errors"]
    error = dict(error)
    assert error["record_id"] == repr("x13")
    assert "the worker died 2 times while processing it" in error["reason"]
    # Its account's other new interactions were scanned together, as they would have been without it.
    rest = write_jsonl(tmp_path / "rest.jsonl", [r for i, r in enumerate(records) if i != 13])
    (reference,), expected = _ingest(f"sqlite:///{tmp_path / 'inline.sqlite3'}", [rest], InlineExecutor())
    assert stored["findings"] == expected["findings"] and stored["scores"] == expected["scores"]


def test_an_input_that_makes_the_worker_raise_fails_alone_with_its_reason(tmp_path):
    records = _chats(40, "e", 4)
    records[6]["turns"][0]["text"] = "Hello. bad-finding"
    source = write_jsonl(tmp_path / "chats.jsonl", records)
    executor = RayExecutor(workers=2)
    (run,), stored = _ingest(f"sqlite:///{tmp_path / 'ray.sqlite3'}", [source], executor, scanner=KILLER)

    assert (run.stored, run.failed) == (39, 1)
    assert (executor.stats.poisoned, executor.stats.worker_deaths) == (1, 0)
    (error,) = stored["ingest_errors"]
    assert dict(error)["record_id"] == repr("e6")
    assert "worker error: AttributeError" in dict(error)["reason"]


def test_a_stopped_run_resumes_where_it_stopped(tmp_path):
    """Stopped after three results, resumed on Ray: what one inline pass stores (see also test_resume_order.py)."""
    source = write_jsonl(tmp_path / "chats.jsonl", _chats(200, "s", 40))
    url = f"sqlite:///{tmp_path / 'ray.sqlite3'}"

    def stop(_inner):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _ingest(url, [source], StopAfter(RayExecutor(workers=2), 3, stop))
    db = open_database(url)
    with db.session() as s:
        partial = s.scalar(select(func.count()).select_from(m.Interaction))
    db.dispose()
    assert 0 < partial < 200

    (resumed,), stored = _ingest(url, [source], RayExecutor(workers=2))
    (reference,), expected = _ingest(f"sqlite:///{tmp_path / 'inline.sqlite3'}", [source], InlineExecutor())
    assert (resumed.duplicates, resumed.stored, resumed.failed) == (partial, 200 - partial, 0)
    assert stored["interactions"] == expected["interactions"]
    assert stored["findings"] == expected["findings"] and stored["scores"] == expected["scores"]


def test_cli_ingest_runs_on_ray(db_url, tmp_path, monkeypatch):
    import typer
    from typer.testing import CliRunner

    from qa import cli_ingest

    app = typer.Typer()
    cli_ingest.register(app)
    source = write_jsonl(tmp_path / "chats.jsonl", _chats(50, "c", 10))
    monkeypatch.setenv("QA_SCANNER", SCANNER_V1)
    args = ["ingest", str(source), "--executor", "ray", "--workers", "2", "--no-progress", "--database-url", db_url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "50 stored / guardadas" in result.output
    assert "Ray: 2 workers / trabajadores (0 GPU each / c/u), 0 died" in result.output
    db = open_database(db_url)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Interaction)) == 50
        assert s.scalar(select(m.IngestRun.executor)) == "ray:local"
    db.dispose()
    bad = CliRunner().invoke(app, ["ingest", str(source), "--address", "127.0.0.1:1", "--database-url", db_url])
    assert bad.exit_code != 0 and "--executor ray" in bad.output


@pytest.mark.model
def test_recordings_are_transcribed_and_scanned_on_the_ray_workers(tmp_path):
    """The embedded Whisper base model in a CPU actor; a broken recording fails alone with its reason."""
    import shutil
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "audio" / "es_stereo_threat.wav"
    shutil.copy(fixture, tmp_path / fixture.name)  # ingest takes recordings only from its input folder or the media root
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not really a wave file")
    header = "file,agent,account,started_at,direction,jurisdiction,timezone,channels\n"
    rows = [
        f"{tmp_path / fixture.name},A9,ACC-REC,2026-03-02T10:00:00-05:00,outbound,CO,America/Bogota,0=agent;1=consumer",
        f"{broken},A9,ACC-REC2,2026-03-02T11:00:00-05:00,outbound,CO,America/Bogota,",
    ]
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    (run,), stored = _ingest(f"sqlite:///{tmp_path / 'ray.sqlite3'}", [manifest], RayExecutor(workers=2))

    assert (run.stored, run.failed) == (1, 1)
    assert "transcription failed" in dict(stored["ingest_errors"][0])["reason"]
    speakers = {dict(t)["speaker"] for t in stored["turns"]}
    assert speakers == {"'agent'", "'consumer'"}
    assert [dict(f)["rule_id"] for f in stored["findings"]] == ["'T-JAIL'"]  # "cárcel", said on the agent channel


def test_without_ray_the_executor_says_how_to_install_it(monkeypatch):
    import sys

    from qa.ingest.ray_executor import RayUnavailableError
    from qa.ingest.worker import WorkerConfig

    monkeypatch.setitem(sys.modules, "ray", None)  # what an install without the scale extra sees
    with pytest.raises(RayUnavailableError, match=r"collections-qa\[scale\]"):
        next(RayExecutor().run(WorkerConfig(), iter([])))


class _FakeCluster:
    """Only what the executor's layout reads from Ray: the cluster's resources."""

    def __init__(self, **resources: float) -> None:
        self.resources = resources

    def cluster_resources(self) -> dict[str, float]:
        return self.resources


@pytest.mark.parametrize(
    ("resources", "env", "expected"),
    [
        ({"CPU": 16, "GPU": 2}, {}, (2, {"num_cpus": 1, "num_gpus": 1.0}, "cuda", 0)),
        ({"CPU": 16, "GPU": 2}, {"QA_RAY_GPUS_PER_WORKER": "0.5"}, (4, {"num_cpus": 1, "num_gpus": 0.5}, "cuda", 0)),
        ({"CPU": 8}, {}, (8, {"num_cpus": 1}, "cpu", 1)),
    ],
)
def test_gpu_actors_where_the_cluster_has_gpus_cpu_actors_otherwise(resources, env, expected, monkeypatch):
    from qa.ingest.worker import WorkerConfig

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("QA_SCANNER", SCANNER_V1)
    monkeypatch.setenv("QA_WHISPER_MODEL", "/srv/models/whisper-large-v3-turbo")
    count, options, config = RayExecutor()._layout(_FakeCluster(**resources), WorkerConfig())
    runtime_env = options.pop("runtime_env")
    assert (count, options, config.whisper_device, config.whisper_cpu_threads) == expected
    assert config.scanner == SCANNER_V1  # the driver's scanner is the one the workers load
    assert runtime_env == {"env_vars": {"QA_WHISPER_MODEL": "/srv/models/whisper-large-v3-turbo"}}
