"""The dashboards' daily roll-ups equal the base tables' aggregates after every kind of write."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update
from storage_helpers import SCANNER_V1, SCANNER_V2, chat, write_jsonl

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.rescan import RescanOptions, rescan
from qa.storage import models as m
from qa.storage.rollups import aggregates, refresh, refresh_quietly, stale_days


def _direct(session) -> dict[str, set[tuple]]:
    """The same aggregates computed now over every stored day, straight from the base tables."""
    return {name: {tuple(r) for r in session.execute(q)} for name, q in _named(*aggregates().values())}


def _rolled(session) -> dict[str, set[tuple]]:
    c, s, f, r = m.RollupContacts, m.RollupScores, m.RollupFindings, m.RollupRuleHits
    queries = (
        select(c.local_date, c.agent_id, c.team_id, c.jurisdiction, c.contacts),
        select(s.local_date, s.agent_id, s.team_id, s.jurisdiction, s.scorecard, s.scored, s.score_sum, s.passed, s.auto_failed),
        select(f.local_date, f.agent_id, f.team_id, f.jurisdiction, f.family, f.severity, f.findings),
        select(r.local_date, r.agent_id, r.team_id, r.rule_id, r.hits, r.interactions, r.dropped),
    )
    return {name: {tuple(row) for row in session.execute(q)} for name, q in _named(*queries)}


def _named(*queries):
    return zip(("contacts", "scores", "findings", "rules"), queries, strict=True)


def _seed(db, tmp_path):
    batch = [
        chat("jail", agent="A1", text="You are going to jail.", started_at="2026-03-02T10:00:00-05:00"),
        chat("insult", agent="A1", account="ACC-2", text="Listen, idiot, pay now.", started_at="2026-03-03T11:00:00-05:00"),
        chat("lawyer", agent="A2", account="ACC-3", text="I am the lawyer on your case.", team="South"),
        chat("clean", agent="A2", account="ACC-4", team="South", started_at="2026-03-04T09:30:00-05:00"),
        chat("late", agent="A3", account="ACC-5", team=None, started_at="2026-03-04T23:30:00-05:00"),
    ]
    options = IngestOptions(scanner=SCANNER_V1, progress=False)
    ingest(db, [write_jsonl(tmp_path / "seed.jsonl", batch)], options, InlineExecutor())


def test_rollups_follow_ingest_rescan_and_any_other_write(db, tmp_path):
    _seed(db, tmp_path)
    with db.session() as s:
        assert stale_days(s) == 0  # ingest refreshed the days it touched
        rolled, direct = _rolled(s), _direct(s)
    assert rolled == direct
    assert sum(row[-1] for row in rolled["contacts"]) == 5
    assert {row[-3] for row in rolled["rules"] if row[-3]} == {1}  # T-JAIL, T-IDIOT: one hit each

    rescan(db, RescanOptions(scanner=SCANNER_V2, progress=False), InlineExecutor())  # raises one, drops one
    with db.session() as s:
        assert _rolled(s) == _direct(s)
        assert any(row[-1] for row in _rolled(s)["rules"])  # the dropped finding is counted as dropped

    # Writes that bypass every service: the triggers still mark their days.
    with db.session() as s:
        jail = s.scalar(select(m.Interaction.id).where(m.Interaction.source_id == "jail"))
        s.execute(update(m.Score).where(m.Score.interaction_id == jail).values(score=55.0, passed=False))
        s.execute(update(m.Finding).where(m.Finding.interaction_id == jail).values(severity="minor"))
        s.execute(delete(m.Interaction).where(m.Interaction.source_id == "clean"))
        s.execute(update(m.Interaction).where(m.Interaction.source_id == "late").values(local_date=date(2026, 3, 9)))
    with db.session() as s:
        assert stale_days(s) == 3  # 2 March (jail), 4 March (clean, late), 9 March (late)
        assert _rolled(s) != _direct(s)  # stale until refreshed
    assert refresh_quietly(db) == 3
    with db.session() as s:
        assert stale_days(s) == 0
        assert _rolled(s) == _direct(s)


def test_full_rebuild_matches_incremental_refresh(db, tmp_path):
    _seed(db, tmp_path)
    with db.session() as s:
        incremental = _rolled(s)
        assert refresh(s, everything=True) == 3
    with db.session() as s:
        assert _rolled(s) == incremental == _direct(s)
