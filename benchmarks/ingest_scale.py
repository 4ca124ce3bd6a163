"""Steady-state ingest and peak memory (issue 14), run from ``bench_ingest.py steady`` and ``bench_ingest.py memory``.

``steady``: weeks of chats for one fixed population of accounts, ingested one week at a time into
the same database; each week's time is printed, week 1 (empty database) against week N (N-1 weeks
stored). ``memory``: peak resident memory (``/usr/bin/time -f %M``) of ``qa ingest`` (one worker,
so the figure is the one process that reads, scans and stores) and ``qa scan`` at each size.

Both run each measure in a fresh process; with ``--old-tree DIR`` (a copy of the code before this
work, e.g. ``git archive HEAD``) the same measure runs again with that code, side by side.
Nothing is asserted; the figures go to BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve()
WEEK_START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday


def write_weeks(folder: Path, weeks: int, accounts: int, per_week: int, seed: int = 5) -> list[Path]:
    """One JSONL file per week, in time order: ``per_week`` chats over ``accounts`` fixed accounts."""
    from qa.demo_data import _accounts, _agents, _Writer

    rng = random.Random(seed)
    agents, population = _agents(rng), _accounts(rng, accounts)
    writer = _Writer(rng)
    files = []
    for week in range(weeks):
        start = WEEK_START + timedelta(weeks=week)
        moments = sorted(start + timedelta(minutes=rng.randrange(5 * 24 * 60)) for _ in range(per_week))
        path = folder / f"week{week + 1:02d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for n, moment in enumerate(moments):
                account = population[rng.randrange(len(population))]
                breach = rng.choice(["threat", "abusive", "false_claim"]) if rng.random() < 0.05 else None
                record = writer.interaction(agents[n % len(agents)], account, moment, "chat", "outbound", breach)
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        files.append(path)
    return files


def write_items(path: Path, count: int, accounts: int, seed: int = 9) -> Path:
    """``count`` chats over ``accounts`` accounts, two minutes apart, one JSONL file."""
    from qa.demo_data import _accounts, _agents, _Writer

    rng = random.Random(seed)
    agents, population = _agents(rng), _accounts(rng, accounts)
    writer = _Writer(rng)
    with path.open("w", encoding="utf-8") as fh:
        for n in range(count):
            moment = WEEK_START + timedelta(minutes=2 * n)
            account = population[rng.randrange(len(population))]
            breach = rng.choice(["threat", "abusive", "false_claim"]) if rng.random() < 0.05 else None
            record = writer.interaction(agents[n % len(agents)], account, moment, "chat", "outbound", breach)
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def child_ingest(database: str, files: list[str], workers: int) -> None:
    """In a fresh process (code from PYTHONPATH): ingest each file in turn, print one JSON line of per-file seconds."""
    from qa.ingest import IngestOptions, ingest
    from qa.ingest.worker import WorkerConfig, init_worker
    from qa.storage import open_database

    db = open_database(database)
    init_worker(WorkerConfig())  # load the scanner before the clock starts (a daily job pays it once)
    timings, cpu, stored, findings = [], [], [], []
    for path in files:
        t0, c0 = time.perf_counter(), time.process_time()
        summary = ingest(db, [Path(path)], IngestOptions(workers=workers, progress=False, chunk_size=1000))
        timings.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        stored.append(summary.stored)
        findings.append(summary.findings)
    print(json.dumps({"seconds": timings, "cpu": cpu, "stored": stored, "findings": findings}))


def _env(tree: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    else:
        env["PYTHONPATH"] = str(HERE.parent.parent)
    return env


def _run_child(args: list[str], tree: Path | None) -> tuple[str, int]:
    """Run this script's child mode under /usr/bin/time; return its stdout and its peak RSS in KiB."""
    command = ["/usr/bin/time", "-f", "MAXRSS %M", sys.executable, str(HERE.parent / "bench_ingest.py"), *args]
    done = subprocess.run(command, env=_env(tree), capture_output=True, text=True, check=False, cwd="/")
    if done.returncode != 0:
        raise RuntimeError(f"child failed ({done.returncode}): {done.stderr[-2000:]}")
    peak = int(next(line for line in done.stderr.splitlines() if line.startswith("MAXRSS")).split()[1])
    return done.stdout, peak


def _scan_peak(path: Path, tree: Path | None) -> tuple[float, int]:
    code = "import sys; from qa.cli import main; sys.argv = ['qa', 'scan', '--json', sys.argv[1]]; main()"
    command = ["/usr/bin/time", "-f", "MAXRSS %M", sys.executable, "-c", code, str(path)]
    t0 = time.perf_counter()
    done = subprocess.run(
        command, env=_env(tree), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False, cwd="/"
    )
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"qa scan failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, int(next(line for line in done.stderr.splitlines() if line.startswith("MAXRSS")).split()[1])


def _trees(args) -> list[tuple[str, Path | None]]:
    """The code to measure: this checkout (or a snapshot of it, ``--new-tree``) and, with ``--old-tree``, the code before."""
    new = Path(args.new_tree) if getattr(args, "new_tree", None) else None
    trees = [("new", new)] + ([("old", Path(args.old_tree))] if args.old_tree else [])
    only = getattr(args, "trees", None)
    return [t for t in trees if not only or t[0] in only]


def steady(args) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-steady-"))
    t0 = time.perf_counter()
    files = write_weeks(folder, args.weeks, args.accounts, args.per_week)
    print(
        f"generated {args.weeks} weeks x {args.per_week} chats over {args.accounts} accounts in {time.perf_counter() - t0:.1f} s"
    )
    # Each week in a fresh process, as a daily or weekly job runs: no scanner cache carried from the last week.
    runs = {name: {"seconds": [], "cpu": [], "stored": 0, "findings": 0, "peak": 0} for name, _ in _trees(args)}
    for week, path in enumerate(files, start=1):
        for name, tree in _trees(args):
            database = f"sqlite:///{folder / f'{name}.sqlite3'}"
            out, peak = _run_child(["_child-ingest", "--database", database, "--workers", str(args.workers), str(path)], tree)
            result = json.loads(out.strip().splitlines()[-1])
            run = runs[name]
            run["seconds"].append(result["seconds"][0])
            run["cpu"].append(result["cpu"][0])
            run["stored"] += result["stored"][0]
            run["findings"] += result["findings"][0]
            run["peak"] = max(run["peak"], peak)
            wall, cpu = result["seconds"][0], result["cpu"][0]
            print(f"{name} week {week}: {wall:.1f} s wall, {cpu:.1f} s CPU, {result['findings'][0]} findings", flush=True)
    for name, run in runs.items():
        print(f"{name}: stored {run['stored']}, findings {run['findings']}, peak RSS {run['peak'] / 1024:.0f} MiB")
        for kind in ("seconds", "cpu"):
            seconds = run[kind]
            weeks = " ".join(f"{s:.1f}" for s in seconds)
            print(
                f"{name} {kind}: [{weeks}]; week {len(seconds)} / week 1 {seconds[-1] / seconds[0]:.2f}x; "
                f"last 3 / first 3 weeks {sum(seconds[-3:]) / sum(seconds[:3]):.2f}x"
            )


def memory(args) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    for count in args.sizes:
        t0 = time.perf_counter()
        path = write_items(folder / f"items{count}.jsonl", count, max(1000, count // 4))
        size = path.stat().st_size / 1e6
        print(f"generated {count} chats ({size:.0f} MB) in {time.perf_counter() - t0:.1f} s")
        peaks: dict[str, dict[str, int]] = {}
        for name, tree in _trees(args):
            database = f"sqlite:///{folder / f'{name}-{count}.sqlite3'}"
            t1 = time.perf_counter()
            peak = 0
            if not args.no_ingest:
                _out, peak = _run_child(["_child-ingest", "--database", database, "--workers", "1", str(path)], tree)
            ingest_s = time.perf_counter() - t1
            scan_s, scan_peak = _scan_peak(path, tree) if not args.no_scan else (0.0, 0)
            peaks[name] = {"ingest": peak, "scan": scan_peak}
            print(
                f"{name} {count}: ingest peak RSS {peak / 1024:.0f} MiB ({ingest_s:.0f} s), "
                f"qa scan peak RSS {scan_peak / 1024:.0f} MiB ({scan_s:.0f} s)"
            )
        if "old" in peaks and "new" in peaks:
            new, old = peaks["new"], peaks["old"]
            ratios = {k: old[k] / new[k] for k in new if new[k]}
            print(f"old/new {count}: " + ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items()))
