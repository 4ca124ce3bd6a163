"""Scale-out benchmark: ingest throughput with 1 and 2 workers, on the local pool and on a local Ray cluster.

The same input (the seeded demo set: calls, chats, SMS and e-mail with their accounts'
history, scanned by the bundled rule packs) is ingested into a fresh SQLite database per
measure, through the real pipeline (read, hash, scan with account history, score, store).
Ray runs on a local cluster started here (``num_cpus`` = the machine's cores, no dashboard),
with one CPU actor per worker; its wall time includes starting the actors and loading the
rule packs in each, as a real run does; that fixed cost is also measured alone (the same mode
on a one-interaction file) and subtracted for the "net" rate. The driver loads the rule packs
once before any measure, so the inline mode does not pay for it. Afterwards the database size per interaction is
measured on the stored demo set (SQLite file; PostgreSQL tables too with ``--postgres``).

    python benchmarks/bench_scale.py [--days 360] [--rounds 2] [--modes local1,local2,ray1,ray2] [--postgres URL]

Audio-hours per GPU-hour needs a GPU worker; none is used here (see BENCHMARKS.md).
Prints one line per measure; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from qa.demo_data import generate, write_jsonl
from qa.ingest import IngestOptions, InlineExecutor, LocalProcessExecutor, ingest
from qa.ingest.worker import WorkerConfig, init_worker
from qa.storage import open_database


def _executor(mode: str):
    workers = int(mode[-1])
    if mode.startswith("ray"):
        from qa.ingest.ray_executor import RayExecutor

        return RayExecutor(workers=workers)
    return InlineExecutor() if workers == 1 else LocalProcessExecutor(workers)


def _measure(mode: str, source: Path, url: str, chunk_size: int) -> tuple[float, int, int]:
    db = open_database(url)
    try:
        began = time.perf_counter()
        summary = ingest(db, [source], IngestOptions(progress=False, chunk_size=chunk_size), _executor(mode))
        return time.perf_counter() - began, summary.stored, summary.findings
    finally:
        db.dispose()


def _sqlite_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _postgres_bytes(base: str, source: Path, chunk_size: int) -> tuple[int, int]:
    """Ingest into a fresh schema and return (bytes of its tables with indexes and TOAST, interactions)."""
    from sqlalchemy import create_engine, text

    from qa.storage.config import normalise_url

    base = normalise_url(base)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
        _, stored, _ = _measure("local2", source, url, chunk_size)
        with admin.begin() as conn:
            conn.execute(text(f'ANALYZE "{schema}".interactions'))
            size = conn.scalar(
                text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :s AND c.relkind = 'r'"
                ),
                {"s": schema},
            )
        return int(size or 0), stored
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=360, help="days of demo data (90: about 3,800 interactions)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--modes", default="local1,local2,ray1,ray2")
    parser.add_argument("--chunk-size", type=int, default=100)
    parser.add_argument("--postgres", help="a PostgreSQL URL: also measure the database size there")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    source = write_jsonl(generate(days=args.days), folder)
    modes = args.modes.split(",")
    print(f"input: {source} ({source.stat().st_size / 1e6:.1f} MB); cores: {os.cpu_count()}; load: {os.getloadavg()}")
    if any(m.startswith("ray") for m in modes):
        import ray

        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)

    init_worker(WorkerConfig())  # the driver's rule packs, loaded once (ingest reuses them)
    one = folder / "one" / "one.jsonl"
    one.parent.mkdir()
    one.write_text(source.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    _measure("local1", one, f"sqlite:///{folder / 'warm-up.sqlite3'}", 1)  # imports, migrations: paid once, not timed
    times: dict[str, list[float]] = {m: [] for m in modes}
    fixed: dict[str, list[float]] = {m: [] for m in modes}
    stored = findings = 0
    last_db: Path | None = None
    for round_no in range(1, args.rounds + 1):
        for mode in modes:
            fixed[mode].append(_measure(mode, one, f"sqlite:///{folder / f'{mode}-{round_no}-one.sqlite3'}", 1)[0])
            last_db = folder / f"{mode}-{round_no}.sqlite3"
            elapsed, stored, findings = _measure(mode, source, f"sqlite:///{last_db}", args.chunk_size)
            times[mode].append(elapsed)
            print(
                f"round {round_no} {mode}: {elapsed:.1f} s (fixed cost {fixed[mode][-1]:.1f} s), {stored} stored, "
                f"{findings} findings, {stored / elapsed:.1f} interactions/s (load {os.getloadavg()[0]:.1f})"
            )
    median = {m: statistics.median(t) for m, t in times.items()}
    net = {m: max(1e-3, median[m] - statistics.median(fixed[m])) for m in modes}
    for mode in modes:
        runs = ", ".join(f"{t:.1f}" for t in times[mode])
        print(
            f"{mode}: median {median[mode]:.1f} s ({runs}), {stored / median[mode]:.1f} interactions/s; "
            f"fixed cost {statistics.median(fixed[mode]):.1f} s, net {stored / net[mode]:.1f} interactions/s"
        )
    for kind in ("local", "ray"):
        if f"{kind}1" in median and f"{kind}2" in median:
            print(
                f"{kind}: 2 workers / 1 worker throughput = {median[f'{kind}1'] / median[f'{kind}2']:.2f}x "
                f"(net of fixed cost {net[f'{kind}1'] / net[f'{kind}2']:.2f}x)"
            )

    if last_db is not None and stored:
        size = _sqlite_bytes(last_db)
        print(f"SQLite: {size / 1e6:.1f} MB for {stored} interactions = {size / stored / 1024:.1f} KiB each")
    if args.postgres:
        size, count = _postgres_bytes(args.postgres, source, args.chunk_size)
        print(f"PostgreSQL: {size / 1e6:.1f} MB for {count} interactions = {size / count / 1024:.1f} KiB each")


if __name__ == "__main__":
    main()
