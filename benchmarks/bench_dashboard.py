"""Dashboard render times: every page, as the role that uses it, on the demo database and on 1,000,000 interactions.

Each page is rendered by Streamlit's ``AppTest`` (the real page scripts, services and queries, no
browser): ``cold`` is the first render after ``st.cache_data`` was cleared (every query runs),
``warm`` a rerun served from the cache. Goal: < 1.5 s.

    python benchmarks/bench_dashboard.py demo      [--database-url URL]   # default: a fresh `qa demo-data` floor
    python benchmarks/bench_dashboard.py synthetic [--count 1000000]

Prints one line per page and database; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboards" / "app.py")
PAGES = [
    ("overview", "analista"),
    ("queue", "analista"),
    ("agents", "supervisor"),
    ("agents", "agente"),
    ("rules", "analista"),
    ("ingest", "admin"),
    ("legal", "legal"),
    ("coaching", "supervisor"),
    ("disputes", "analista"),
]
FAMILIES = ["threat", "third_party_disclosure", "off_hours", "frequency", "missing_disclosure", "false_claim"]


def render_times(url: str) -> None:
    import streamlit as st
    from sqlalchemy import text
    from streamlit.testing.v1 import AppTest

    from dashboards.navigation import BY_KEY
    from qa.storage import open_database
    from qa.workflow.users import create_demo_users, get_principal

    os.environ["QA_DATABASE_URL"] = url
    db = open_database(url)
    with db.session() as s:
        create_demo_users(s)
        who = {name: get_principal(s, name) for name in {u for _, u in PAGES}}
    for key, user in PAGES:
        spec = BY_KEY.get(key)
        if spec is None or not (ROOT / "dashboards" / spec.path).exists():
            continue
        at = AppTest.from_file(APP, default_timeout=600)
        at.session_state["principal"] = who[user]
        at.run()
        at.switch_page(spec.path)
        st.cache_data.clear()
        t0 = time.perf_counter()
        at.run()
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        at.run()
        warm = time.perf_counter() - t0
        errors = [e.value for e in at.exception]
        print(
            f"{key:<9} as {user:<10} cold {cold:6.2f} s   warm {warm:6.2f} s" + (f"   ERROR {errors[0][:80]}" if errors else "")
        )
        if key == "overview":
            # A reviewer's decision rescored one interaction: its day is recomputed at the next render.
            with db.session() as s:
                s.execute(text("UPDATE scores SET score = score WHERE id = (SELECT MIN(id) FROM scores)"))
            st.cache_data.clear()
            t0 = time.perf_counter()
            at.run()
            after = time.perf_counter() - t0
            print(f"{key:<9} as {user:<10} cold {after:6.2f} s   after one day changed (roll-up refresh included)")


def load_synthetic(path: Path, count: int) -> str:
    """Bulk-load ``count`` interactions with scores and ~0.3 findings each (25 agents, 3 teams, 90 days)."""
    from qa.storage import open_database

    url = f"sqlite:///{path}"
    open_database(url).dispose()  # schema at head
    rng = random.Random(5)
    con = sqlite3.connect(path)
    teams, created = ["Andes", "México", "US Bilingual"], "2026-08-01 00:00:00"
    con.executemany("INSERT INTO teams (id, code, name, created_at) VALUES (?, ?, ?, ?)",
                    [(i + 1, c, c, "2026-08-01 00:00:00") for i, c in enumerate(teams)])  # fmt: skip
    con.executemany("INSERT INTO agents (id, code, name, team_id, created_at) VALUES (?, ?, ?, ?, ?)",
                    [(i + 1, f"AG{i + 1:03d}", f"Agent {i + 1}", i % 3 + 1, created) for i in range(25)])  # fmt: skip
    jurisdictions = ["CO", "PE", "CL", "MX", "US-NY", "US-TX", "US-CA", "US-FL"]
    first = date(2026, 8, 2)
    batch, finding_id = 50_000, 0
    for offset in range(0, count, batch):
        inter, scores, findings = [], [], []
        for n in range(offset, min(count, offset + batch)):
            agent = n % 25 + 1
            team = (agent - 1) % 3 + 1
            day = first + timedelta(days=(n // 25) % 90)
            started = datetime(day.year, day.month, day.day, 8 + n % 12, n % 60, tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S")
            inter.append((n + 1, f"s{n}", f"{n:064d}", "call", "outbound", started, -300, day.isoformat(),
                          jurisdictions[n % 8], agent, team, "{}", 2, 0, started))  # fmt: skip
            hits = 1 if rng.random() < 0.3 else 0
            score = 100.0 if not hits else rng.choice([0.0, 60.0, 75.0])
            scores.append((n + 1, "default", "bench", "bench", score, score >= 85, score == 0, agent, team, day.isoformat(),
                           started))  # fmt: skip
            for _ in range(hits):
                finding_id += 1
                family = FAMILIES[rng.randrange(len(FAMILIES))]
                findings.append((finding_id, n + 1, f"fp{finding_id}", f"R-{family}", family, rng.choice(["critical", "major"]),
                                 "CO", "Ley 2300", 0, 1.0, 2.0, 0, 5, "texto", "explicación", 1, "bench", started))  # fmt: skip
        con.executemany(
            "INSERT INTO interactions (id, source_id, content_hash, channel, direction, started_at, utc_offset_minutes, "
            "local_date, jurisdiction, agent_id, team_id, document, turn_count, requested_by_consumer, ingested_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            inter,
        )
        con.executemany(
            "INSERT INTO scores (interaction_id, scorecard, scorecard_version, rule_pack_version, score, passed, auto_failed, "
            "agent_id, team_id, local_date, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            scores,
        )
        con.executemany(
            "INSERT INTO findings (id, interaction_id, fingerprint, rule_id, family, severity, jurisdiction, citation, turn, "
            'start, "end", span_start, span_end, evidence, explanation, active, raised_version, raised_at) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            findings,
        )
        con.commit()
    con.execute("ANALYZE")
    con.close()
    # Like the end of an ingest: build the dashboards' daily roll-ups of the loaded days.
    from qa.storage import rollups

    db = open_database(url)
    t0 = time.perf_counter()
    with db.session() as s:
        days = rollups.refresh(s)
    print(f"roll-up refresh of {days} days after the load: {time.perf_counter() - t0:.1f} s")
    db.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="which", required=True)
    demo = sub.add_parser("demo")
    demo.add_argument("--database-url")
    synthetic = sub.add_parser("synthetic")
    synthetic.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.which == "demo":
        url = args.database_url
        if not url:
            from qa.demo_data import load_demo
            from qa.storage import open_database

            folder = Path(tempfile.mkdtemp(prefix="bench-dash-"))
            url = f"sqlite:///{folder / 'qa.sqlite3'}"
            load_demo(open_database(url), folder=folder / "demo", progress=False)
        print(f"demo database: {url}")
        render_times(url)
    else:
        folder = Path(tempfile.mkdtemp(prefix="bench-dash-1m-"))
        t0 = time.perf_counter()
        url = load_synthetic(folder / "qa.sqlite3", args.count)
        print(f"loaded {args.count} synthetic interactions in {time.perf_counter() - t0:.0f} s: {url}")
        render_times(url)


if __name__ == "__main__":
    main()
