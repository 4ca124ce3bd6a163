"""Render times of the pages that carry the collection-results panels (issue 17), at 1,000,000 interactions.

Loads the synthetic floor of ``bench_dashboard.py synthetic`` (interactions, scores, findings, roll-ups),
adds one outcome row per interaction (right-party / third-party / no contact, promises with amounts, due
dates and standings, hardship mentions, callbacks), then renders with Streamlit's ``AppTest`` each page as
its user: Overview (collection results and, for a supervisor, the Today list), Agents (the collector's
results and coaching from outcomes), the Review queue on its care checks, and Coaching. ``cold``: the first
render after ``st.cache_data`` was cleared (every query runs, and the first page to use a module imports it);
``again cold``: the cache cleared once more (queries only); ``warm``: the rerun served from the cache.
Each time is wall-clock, and for cold renders also the process's CPU time (the page runs in this process):
on a shared, loaded machine the CPU time is the steadier figure.
Goal: < 1.5 s. Prints one line per page; nothing is asserted.

    python benchmarks/bench_outcome_panels.py [--count 1000000] [--database-url URL]

``--database-url``: an existing synthetic database (already with outcome rows) to render only.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_dashboard  # noqa: E402

#: (page, user, session state set before the render)
PAGES = [
    ("overview", "analista", {}),
    ("overview", "supervisor", {}),
    ("agents", "supervisor", {}),
    ("agents", "agente", {}),
    ("queue", "analista", {"q_kind": "care"}),
    ("queue", "analista", {}),
    ("coaching", "supervisor", {}),
]


def add_outcomes(path: Path) -> int:
    """One outcome row per stored interaction, drawn with a fixed seed; returns how many."""
    rng = random.Random(17)
    con = sqlite3.connect(path)
    rows = con.execute("SELECT id, agent_id, team_id, local_date, started_at FROM interactions ORDER BY id").fetchall()
    out = []
    for pk, agent, team, day, started in rows:
        draw = rng.random()
        contact = "right_party" if draw < 0.6 else "third_party" if draw < 0.75 else "no_contact"
        promise = contact == "right_party" and rng.random() < 0.3
        amount = rng.choice([150.0, 300.0, 250_000.0, 1_200_000.0]) if promise else None
        currency = ("USD" if amount and amount < 1000 else "COP") if promise else None
        due = (date.fromisoformat(day) + timedelta(days=rng.randint(1, 6))).isoformat() if promise else None
        status = rng.choice(["kept", "kept", "partly_kept", "broken", "pending"]) if promise else None
        paid = amount if status == "kept" else (amount / 2 if status == "partly_kept" else None)
        callback = None
        if contact != "no_contact" and rng.random() < 0.05:
            callback = (datetime.fromisoformat(started) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
        out.append((pk, "bench", agent, team, None, day, started, contact, promise, amount, currency, due, 1 if promise else None,
                    contact == "right_party" and rng.random() < 0.08, rng.random() < 0.03, rng.random() < 0.03, callback,
                    status, paid, started if status else None, started))  # fmt: skip
    con.executemany(
        "INSERT INTO outcomes (interaction_id, version, agent_id, team_id, account_id, local_date, started_at, contact, promise, "
        "promise_amount, promise_currency, promise_due, promise_turn, refusal, dispute, hardship, callback_at, promise_status, "
        "paid_amount, status_at, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        out,
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return len(out)


def _timed(at, *, clear: bool) -> tuple[float, float]:  # noqa: ANN001
    """Wall and CPU seconds of one rerun (AppTest runs the page in this process: its CPU time is the page's)."""
    import streamlit as st

    if clear:
        st.cache_data.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    at.run()
    return time.perf_counter() - t0, time.process_time() - c0


def render(url: str) -> None:
    from streamlit.testing.v1 import AppTest

    from dashboards.navigation import BY_KEY
    from qa.storage import open_database
    from qa.workflow.users import create_demo_users, get_principal

    os.environ["QA_DATABASE_URL"] = url
    db = open_database(url)
    with db.session() as s:
        create_demo_users(s)
        who = {name: get_principal(s, name) for name in {u for _, u, _ in PAGES}}
    db.dispose()
    for key, user, preset in PAGES:
        at = AppTest.from_file(bench_dashboard.APP, default_timeout=600)
        at.session_state["principal"] = who[user]
        for name, value in preset.items():
            at.session_state[name] = value
        at.run()
        at.switch_page(BY_KEY[key].path)
        cold, cold_cpu = _timed(at, clear=True)
        warm, _ = _timed(at, clear=False)
        # Cold again: every query runs, the modules the page imports are already loaded.
        again, again_cpu = _timed(at, clear=True)
        errors = [e.value for e in at.exception]
        what = f"{key}{' (care checks)' if preset else ''}"
        failed = f"   ERROR {errors[0][:80]}" if errors else ""
        print(f"{what:<22} as {user:<10} cold {cold:6.2f} s (cpu {cold_cpu:5.2f})   "
              f"again cold {again:6.2f} s (cpu {again_cpu:5.2f})   warm {warm:6.2f} s{failed}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url
    if not url:
        path = Path(tempfile.mkdtemp(prefix="bench-outcomes-")) / "qa.sqlite3"
        t0 = time.perf_counter()
        url = bench_dashboard.load_synthetic(path, args.count)
        t1 = time.perf_counter()
        added = add_outcomes(path)
        took = time.perf_counter() - t1
        print(f"loaded {args.count} interactions in {t1 - t0:.0f} s, {added} outcome rows in {took:.0f} s: {url}")
    render(url)


if __name__ == "__main__":
    main()
