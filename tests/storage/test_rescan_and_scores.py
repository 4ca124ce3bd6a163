"""Rescan keeps each finding's history across rule-pack versions; scores and rankings follow."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from storage_helpers import SCANNER_V1, SCANNER_V2, chat, write_jsonl

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.rankings import by_period, daily_frame, ranking, sparkline
from qa.rescan import RescanOptions, rescan
from qa.scoring import load_scorecard, score_findings
from qa.storage import models as m
from qa.storage.queries import daily_agent_scores, finding_history


def _seed(db, tmp_path):
    batch = [
        chat("jail", agent="A1", text="You are going to jail."),
        chat("insult", agent="A1", account="ACC-2", text="Listen, idiot, pay now."),
        chat("lawyer", agent="A2", account="ACC-3", text="I am the lawyer on your case."),
        chat("clean", agent="A2", account="ACC-4"),
    ]
    return ingest(
        db, [write_jsonl(tmp_path / "seed.jsonl", batch)], IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor()
    )


def _active(db) -> set[tuple[str, str]]:
    with db.session() as s:
        rows = s.execute(select(m.Interaction.source_id, m.Finding.rule_id).join(m.Finding).where(m.Finding.active.is_(True)))
        return set(rows.all())


def test_rescan_raises_and_drops_with_history(db, tmp_path):
    _seed(db, tmp_path)
    assert _active(db) == {("jail", "T-JAIL"), ("insult", "T-IDIOT")}
    summary = rescan(db, RescanOptions(scanner=SCANNER_V2, progress=False), InlineExecutor())
    assert (summary.interactions, summary.raised, summary.dropped, summary.failed) == (4, 1, 1, 0)
    assert _active(db) == {("jail", "T-JAIL"), ("lawyer", "T-LAWYER")}
    with db.session() as s:
        insult = s.scalars(select(m.Finding).where(m.Finding.rule_id == "T-IDIOT")).one()
        assert (insult.active, insult.raised_version, insult.dropped_version) == (False, "test-v1", "test-v2")
        assert [(e["event"], e["rule_pack_version"]) for e in finding_history(s, insult.id)] == [
            ("raised", "test-v1"),
            ("dropped", "test-v2"),
        ]
        jail = s.scalars(select(m.Finding).where(m.Finding.rule_id == "T-JAIL")).one()
        assert [e["event"] for e in finding_history(s, jail.id)] == ["raised"]  # unchanged: same row, no new event
        versions = set(s.scalars(select(m.Interaction.scanned_version)))
        assert versions == {"test-v2"}
        lawyer_score = s.scalar(select(m.Score).join(m.Interaction).where(m.Interaction.source_id == "lawyer"))
        assert lawyer_score.rule_pack_version == "test-v2" and lawyer_score.score == 76.0

    # Nothing is stale any more: a second rescan is a no-op.
    again = rescan(db, RescanOptions(scanner=SCANNER_V2, progress=False), InlineExecutor())
    assert again.interactions == 0
    # Going back to v1 reactivates the dropped row (same id) and drops the v2-only finding.
    back = rescan(db, RescanOptions(scanner=SCANNER_V1, progress=False), InlineExecutor())
    assert (back.raised, back.dropped) == (1, 1)
    with db.session() as s:
        insult = s.scalars(select(m.Finding).where(m.Finding.rule_id == "T-IDIOT")).one()
        assert insult.active and insult.dropped_version is None
        assert [(e["event"], e["rule_pack_version"]) for e in finding_history(s, insult.id)] == [
            ("raised", "test-v1"),
            ("dropped", "test-v2"),
            ("raised", "test-v1"),
        ]


def test_scorecard_deducts_by_family_and_severity_and_auto_fails():
    card = load_scorecard()

    class F:
        def __init__(self, family, severity):
            self.family, self.severity = family, severity

    assert score_findings(card, []).score == 100 and score_findings(card, []).passed
    off = score_findings(card, [F("off_hours", "major")])
    assert (off.score, off.passed, off.auto_failed) == (85.0, True, False)
    capped = score_findings(card, [F("frequency", "critical")] * 5)
    assert capped.score == 80.0 and capped.details["counts"] == {"frequency": 5}
    threat = score_findings(card, [F("threat", "major")])
    assert (threat.score, threat.passed, threat.auto_failed, threat.details["auto_fail"]) == (0.0, False, True, ["threat"])


def test_daily_scores_and_weekly_ranking(db, tmp_path):
    batch = []
    for day in range(1, 15):
        stamp = f"2026-03-{day:02d}T10:00:00-05:00"
        batch.append(chat(f"good-{day}", agent="GOOD", team="North", account=f"G{day}", started_at=stamp))
        bad_text = "You will go to jail." if day % 2 else "Hello."
        batch.append(chat(f"bad-{day}", agent="BAD", team="South", account=f"B{day}", started_at=stamp, text=bad_text))
    ingest(
        db, [write_jsonl(tmp_path / "weeks.jsonl", batch)], IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor()
    )
    with db.session() as s:
        rows = daily_agent_scores(s)
    assert len(rows) == 28
    daily = daily_frame(rows)
    weekly = by_period(daily, "week")
    assert set(weekly["period"].astype(str)) == {"2026-02-23/2026-03-01", "2026-03-02/2026-03-08", "2026-03-09/2026-03-15"}
    table = ranking(daily, "week", as_of=date(2026, 3, 10), trend_periods=3)
    assert list(table["agent"]) == ["GOOD", "BAD"]
    good, bad = table.iloc[0], table.iloc[1]
    assert (good["score"], good["interactions"], good["pass_rate"]) == (100.0, 6, 1.0)
    assert bad["auto_failed"] == 3 and bad["team"] == "South"
    assert len(bad["trend"]) == 3
    teams = ranking(daily, "month", keys=("team",))
    assert list(teams["team"]) == ["North", "South"]


def test_sparkline_scales_scores():
    assert sparkline([0, 50, 100]) == "▁▅█"
    assert sparkline([float("nan"), 100]) == " █"


def test_rule_catalogue_values_are_stored_as_plain_json(db):
    from pydantic import BaseModel

    from qa.domain import Family
    from qa.storage.repository import ensure_rule_pack

    class Message(BaseModel):
        es: str
        en: str

    class Rule:
        id, family, severity, citation, jurisdiction = "R1", Family.THREAT, "major", "Ley 1", "CO"
        message = Message(es="Amenaza", en="Threat")

    with db.session() as s:
        ensure_rule_pack(s, "v-test", [Rule()])
    with db.session() as s:
        stored = s.get(m.RulePackVersion, "v-test").rules
    assert stored == [
        {
            "id": "R1",
            "family": "threat",
            "severity": "major",
            "citation": "Ley 1",
            "jurisdiction": "CO",
            "message": {"es": "Amenaza", "en": "Threat"},
        }
    ]
