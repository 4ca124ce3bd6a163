"""The demo data set is reproducible, covers the floor described in the issue, and loads through ingest."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import func, select
from storage_helpers import SCANNER_V1

from qa.demo_data import generate, load_demo
from qa.storage import models as m


def test_same_seed_same_data_other_seed_other_data():
    assert generate(seed=1, days=10) == generate(seed=1, days=10)
    assert generate(seed=1, days=10) != generate(seed=2, days=10)


def test_the_default_set_looks_like_a_collections_floor():
    records = generate()
    assert 3000 <= len(records) <= 6000
    dates = {datetime.fromisoformat(r["started_at"]).date() for r in records}
    assert min(dates) >= date(2026, 8, 2) and max(dates) <= date(2026, 10, 30)
    assert len({r["agent_id"] for r in records}) == 25 and len({r["team"] for r in records}) == 3
    assert {r["jurisdiction"][:2] for r in records} == {"US", "CO", "MX", "PE", "CL"}
    languages = Counter(r["language"] for r in records)
    assert languages["es"] > languages["en"] > 500
    assert {r["channel"] for r in records} == {"call", "chat", "sms", "email"}
    assert len({r["id"] for r in records}) == len(records)
    # Off-hours contacts exist, and are rare.
    late = [r for r in records if not 8 <= datetime.fromisoformat(r["started_at"]).hour < 21]
    assert 0 < len(late) < len(records) * 0.1
    # Some accounts see bursts: more than five contacts in one week.
    weekly = Counter((r["account_id"], datetime.fromisoformat(r["started_at"]).isocalendar()[:2]) for r in records)
    assert max(weekly.values()) > 5


def test_load_demo_ingests_everything(db, tmp_path):
    summaries, _ = load_demo(db, days=7, folder=tmp_path, recordings=False, workers=1, scanner=SCANNER_V1, progress=False)
    assert summaries[0].failed == 0 and summaries[0].stored == len(generate(days=7))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Score)) == summaries[0].stored
        assert s.scalar(select(func.count()).select_from(m.Agent)) == 25
