"""Storage and ingest benchmark.

1. ``ingest``: 100,000 chat interactions (JSONL, the data contract) into a fresh SQLite
   database through the real pipeline (read, hash, scan, score, store). Goal: ≤ 60 s.
2. ``queries``: 1,000,000 scored interactions (bulk-loaded rows, 25 agents, 3 teams, 90 days)
   on SQLite and on PostgreSQL, timing the scoring and ranking queries the reports and
   dashboards run.

    python benchmarks/bench_ingest.py ingest [--count 100000] [--workers N] [--scanner module:callable]
    python benchmarks/bench_ingest.py queries [--count 1000000] [--postgres URL]
    python benchmarks/bench_ingest.py steady [--weeks 12] [--per-week 1500] [--old-tree DIR]
    python benchmarks/bench_ingest.py memory [--sizes 10000 100000] [--old-tree DIR]

3. ``steady`` and ``memory`` (issue 14, ``benchmarks/ingest_scale.py``): week N into a database
   holding N-1 weeks of the same accounts, and peak memory of ``qa ingest`` and ``qa scan``.

Prints one line per measure; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from qa.demo_data import _accounts, _agents, _Writer
from qa.ingest import IngestOptions, ingest, worker
from qa.rankings import daily_frame, ranking
from qa.storage import models as m
from qa.storage import open_database
from qa.storage import repository as repo
from qa.storage.queries import daily_agent_scores


def chats(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    agents, accounts = _agents(rng), _accounts(rng, 20000)
    writer = _Writer(rng)
    start = datetime(2026, 8, 1, 9, 0, tzinfo=UTC)
    out = []
    for n in range(count):
        agent = agents[n % len(agents)]
        account = accounts[rng.randrange(len(accounts))]
        started = start + timedelta(minutes=n * 2)
        breach = rng.choice(["threat", "abusive", "false_claim"]) if rng.random() < 0.05 else None
        out.append(writer.interaction(agent, account, started.astimezone(), "chat", "outbound", breach))
    return out


@contextmanager
def _baseline_settings():
    """The pipeline as it was before the ingest work: CPython's default collector thresholds,
    SQLAlchemy's own executemany for every insert, tasks of 500 interactions.
    """
    saved = worker.INGEST_GC_THRESHOLD, repo.bulk_insert
    worker.INGEST_GC_THRESHOLD = (700, 10, 10)
    repo.bulk_insert = lambda session, table, rows: session.execute(insert(table), rows) if rows else None
    try:
        yield
    finally:
        worker.INGEST_GC_THRESHOLD, repo.bulk_insert = saved


def _ingest_once(source: Path, folder: Path, name: str, options: IngestOptions, repeat: bool) -> float:
    db = open_database(f"sqlite:///{folder / f'{name}.sqlite3'}")
    t0 = time.perf_counter()
    summary = ingest(db, [source], options)
    elapsed = time.perf_counter() - t0
    print(
        f"{name}: {summary.stored} stored, {summary.duplicates} duplicates, {summary.failed} failed, "
        f"{summary.findings} findings, rule pack {summary.rule_pack_version}, chunks of {options.chunk_size}: "
        f"{elapsed:.1f} s ({summary.stored / elapsed:.0f} interactions/s, workers={options.workers or os.cpu_count()})"
    )
    if repeat:
        t0 = time.perf_counter()
        again = ingest(db, [source], options)
        print(f"{name} re-ingest (all duplicates: {again.duplicates}): {time.perf_counter() - t0:.1f} s")
    db.dispose()
    return elapsed


def bench_ingest(args) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    source = folder / "chats.jsonl"
    t0 = time.perf_counter()
    with source.open("w", encoding="utf-8") as fh:
        for record in chats(args.count):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"generated {args.count} chats ({source.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
    options = IngestOptions(workers=args.workers, scanner=args.scanner, progress=False, chunk_size=args.chunk_size)
    if not args.compare:
        _ingest_once(source, folder, "ingest sqlite", options, repeat=True)
        return
    # Side by side on the same file, each into a fresh database, alternating, best of --rounds.
    current, baseline = [], []
    for _ in range(args.rounds):
        current.append(_ingest_once(source, folder / f"c{len(current)}", "current", options, repeat=False))
        with _baseline_settings():
            base_options = replace(options, chunk_size=500)
            baseline.append(_ingest_once(source, folder / f"b{len(baseline)}", "baseline", base_options, repeat=False))
    print(f"best: current {min(current):.1f} s, baseline {min(baseline):.1f} s, speed-up {min(baseline) / min(current):.2f}x")


def _load_scores(db, count: int) -> None:
    """Bulk-load ``count`` interactions with scores (the rows the ranking queries read)."""
    rng = random.Random(11)
    with db.session() as s:
        s.add_all(m.Team(code=c, name=c) for c in ("Andes", "México", "US Bilingual"))
        s.flush()
        teams = [t.id for t in s.query(m.Team).order_by(m.Team.id)]
        s.add_all(m.Agent(code=f"AG{i:03d}", name=f"Agent {i}", team_id=teams[i % 3]) for i in range(25))
        s.flush()
        agents = [(a.id, a.team_id) for a in s.query(m.Agent).order_by(m.Agent.id)]
        s.add(m.IngestRun(kind="bench", status="finished"))
    quality = [0.97 if i % 6 else 0.8 for i in range(25)]
    first = date(2026, 8, 2)
    batch = 20000
    postgres = db.backend == "postgresql"
    for offset in range(0, count, batch):
        inter, scores = [], []
        for n in range(offset, min(count, offset + batch)):
            a = n % 25
            agent_id, team_id = agents[a]
            day = first + timedelta(days=(n // 25) % 90)
            started = datetime(day.year, day.month, day.day, 15, tzinfo=UTC)
            ok = rng.random() < quality[a]
            score = 100.0 if ok else rng.choice([0.0, 60.0, 75.0, 85.0])
            inter.append((n + 1, f"b{n}", f"{n:064d}", "chat", "outbound", started, -300, day, "US", agent_id, team_id, "{}", 2))
            scores.append((n + 1, "default", "bench", "bench", score, score >= 85, score == 0, agent_id, team_id, day, started))
        if postgres:
            raw = db.engine.raw_connection()
            try:
                cur = raw.cursor()
                cols_i = (
                    "id, source_id, content_hash, channel, direction, started_at, utc_offset_minutes, local_date, "
                    "jurisdiction, agent_id, team_id, document, turn_count, requested_by_consumer, ingested_at"
                )
                with cur.copy(f"COPY interactions ({cols_i}) FROM STDIN") as copy:
                    for row in inter:
                        copy.write_row((*row, False, row[5]))
                cols_s = (
                    "interaction_id, scorecard, scorecard_version, rule_pack_version, score, passed, auto_failed, "
                    "agent_id, team_id, local_date, computed_at"
                )
                with cur.copy(f"COPY scores ({cols_s}) FROM STDIN") as copy:
                    for row in scores:
                        copy.write_row(row)
                raw.commit()
            finally:
                raw.close()
        else:
            with db.session() as s:
                keys_i = [
                    "id",
                    "source_id",
                    "content_hash",
                    "channel",
                    "direction",
                    "started_at",
                    "utc_offset_minutes",
                    "local_date",
                    "jurisdiction",
                    "agent_id",
                    "team_id",
                    "document",
                    "turn_count",
                ]
                rows_i = [dict(zip(keys_i, r, strict=True)) | {"document": {}} for r in inter]
                s.execute(insert(m.Interaction), rows_i)
                keys_s = [
                    "interaction_id",
                    "scorecard",
                    "scorecard_version",
                    "rule_pack_version",
                    "score",
                    "passed",
                    "auto_failed",
                    "agent_id",
                    "team_id",
                    "local_date",
                    "computed_at",
                ]
                s.execute(insert(m.Score), [dict(zip(keys_s, r, strict=True)) for r in scores])
    if postgres:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def _time(label: str, fn, repeat: int = 3):
    best, result = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    print(f"  {label}: {best * 1000:.0f} ms (best of {repeat})")
    return result


def bench_queries(args) -> None:
    sqlite_file = Path(args.sqlite) if args.sqlite else Path(tempfile.mkdtemp(prefix="bench-q-")) / "q.sqlite3"
    urls = [("sqlite", f"sqlite:///{sqlite_file}")]
    if args.postgres:
        urls.append(("postgresql", args.postgres))
    for name, url in urls:
        db = open_database(url)
        with db.session() as s:
            existing = s.query(m.Score).count()
        if existing != args.count:
            if existing:
                raise SystemExit(f"{name}: database already holds {existing} scores; give an empty database")
            t0 = time.perf_counter()
            _load_scores(db, args.count)
            print(f"{name}: loaded {args.count} interactions + scores in {time.perf_counter() - t0:.0f} s")
        print(f"{name}: {args.count} scored interactions", flush=True)

        def daily(db=db):
            with db.session() as s:
                return daily_agent_scores(s)

        def week_window(db=db):
            with db.session() as s:
                return daily_agent_scores(s, start=date(2026, 10, 19), end=date(2026, 10, 25))

        rows = _time("agent-day aggregate, 90 days (SQL)", daily)
        _time("agent-day aggregate, one week (SQL)", week_window)
        frame = _time("daily frame (pandas)", lambda rows=rows: daily_frame(rows))
        _time("agent ranking by week with 6-week trend (pandas)", lambda frame=frame: ranking(frame, "week"))
        _time("agent ranking by month (pandas)", lambda frame=frame: ranking(frame, "month"))
        _time("team ranking by week (pandas)", lambda frame=frame: ranking(frame, "week", keys=("team",)))
        _time("end to end: query + agent ranking by week", lambda daily=daily: ranking(daily_frame(daily()), "week"))
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("ingest")
    p.add_argument("--count", type=int, default=100_000)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--chunk-size", type=int, default=1000)
    p.add_argument("--scanner", default=None, help="module:callable (default: the bundled rule packs)")
    p.add_argument("--compare", action="store_true", help="also run the baseline settings, side by side")
    p.add_argument("--rounds", type=int, default=2)
    q = sub.add_parser("queries")
    q.add_argument("--count", type=int, default=1_000_000)
    q.add_argument("--sqlite", default=None, help="a SQLite file to use (reused when it already holds --count scores)")
    q.add_argument("--postgres", default=os.environ.get("QA_BENCH_POSTGRES_URL"), help="an empty PostgreSQL database URL")
    st = sub.add_parser("steady", help="week N into a database holding N-1 weeks of the same accounts")
    st.add_argument("--weeks", type=int, default=12)
    st.add_argument("--accounts", type=int, default=1500)
    st.add_argument("--per-week", type=int, default=1500)
    st.add_argument("--workers", type=int, default=1)
    st.add_argument("--old-tree", default=None, help="a copy of the code before issue 14 (git archive HEAD), run side by side")
    st.add_argument("--new-tree", default=None, help="a snapshot of this code to run instead of the checkout")
    me = sub.add_parser("memory", help="peak RSS of qa ingest and qa scan at each size")
    me.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    me.add_argument("--old-tree", default=None)
    me.add_argument("--new-tree", default=None)
    me.add_argument("--no-scan", action="store_true")
    me.add_argument("--no-ingest", action="store_true")
    me.add_argument("--trees", nargs="+", choices=["new", "old"], default=None, help="measure only these trees")
    ch = sub.add_parser("_child-ingest")  # internal: one measured ingest in a fresh process
    ch.add_argument("--database", required=True)
    ch.add_argument("--workers", type=int, default=1)
    ch.add_argument("files", nargs="+")
    args = parser.parse_args()
    if args.what == "_child-ingest":
        from ingest_scale import child_ingest

        child_ingest(args.database, args.files, args.workers)
        return
    if args.what in ("steady", "memory"):
        import ingest_scale

        getattr(ingest_scale, args.what)(args)
        return
    {"ingest": bench_ingest, "queries": bench_queries}[args.what](args)


if __name__ == "__main__":
    main()
