"""Collector performance beside compliance (issue 17): rates, amounts, overall score, the Today list, ``qa report``."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from storage_helpers import SCANNER_V1, chat, write_jsonl
from test_payments import HEADER, promise_row
from typer.testing import CliRunner

from qa.cli import _register_all, app
from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.payments import import_payments
from qa.performance import performance, today_list
from qa.performance_config import PerformanceConfig
from qa.storage import models as m
from qa.storage.outcome_models import OutcomeRow
from qa.views.scope import Scope


def _set(s, source_id: str, **values) -> None:
    pk = s.scalar(select(m.Interaction.id).where(m.Interaction.source_id == source_id))
    row = s.get(OutcomeRow, pk)
    for key, value in values.items():
        setattr(row, key, value)


@pytest.fixture
def floor(db, tmp_path):
    """Agent A1 (team North): 4 contacts on 2 days, 3 right-party, 2 promises (one kept, one broken).

    Agent B2 (team South): 2 contacts on 1 day, 1 right-party, no promise; one callback agreed for 10 March.
    """
    at = "2026-03-{:02d}T10:00:00-05:00"
    records = [
        chat("a1", agent="A1", account="ACC-1", started_at=at.format(2), tz="America/Bogota"),
        chat("a2", agent="A1", account="ACC-2", started_at=at.format(2), tz="America/Bogota"),
        chat("a3", agent="A1", account="ACC-3", started_at=at.format(3), tz="America/Bogota"),
        chat("a4", agent="A1", account="ACC-4", started_at=at.format(3), tz="America/Bogota"),
        chat("b1", agent="B2", account="ACC-5", team="South", started_at=at.format(3), tz="America/Bogota"),
        chat("b2", agent="B2", account="ACC-6", team="South", started_at=at.format(3), tz="America/Bogota"),
    ]
    ingest(db, [write_jsonl(tmp_path / "in.jsonl", records)], IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor())
    with db.session() as s:
        promise_row(s, "a1", 100_000, date(2026, 3, 5))
        promise_row(s, "a2", 200_000, date(2026, 3, 5))
        promise_row(s, "a3", None, None)
        promise_row(s, "a4", None, None)
        promise_row(s, "b1", None, None)
        promise_row(s, "b2", None, None)
        # a3 reached the consumer without a promise; a4 reached nobody; b1 right party, b2 third party.
        _set(s, "a3", promise=False, promise_status=None)
        _set(s, "a4", promise=False, promise_status=None, contact="no_contact")
        _set(s, "b1", promise=False, promise_status=None)
        _set(s, "b2", promise=False, promise_status=None, contact="third_party")
        _set(s, "b1", callback_at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC), hardship=True)
    csv = tmp_path / "p.csv"
    csv.write_text(HEADER + "ACC-1,2026-03-04T10:00:00-05:00,100000,COP\n")
    with db.session() as s:
        import_payments(s, csv, now=datetime(2026, 3, 12, tzinfo=UTC), grace_days=3)
    return db


def test_rates_amounts_and_overall_per_collector_and_team(floor):
    config = PerformanceConfig(gate=50, weights={"compliance": 1, "kept_rate": 1})
    with floor.session() as s:
        rows = {p.key: p for p in performance(s, date(2026, 3, 1), date(2026, 3, 31), config=config)}
        teams = {p.key: p for p in performance(s, date(2026, 3, 1), date(2026, 3, 31), by="team", config=config)}
    a = rows["A1"]
    assert (a.contacts, a.days, a.contacts_per_day) == (4, 2, 2.0)
    assert a.right_party_rate == 0.75 and a.promise_rate == pytest.approx(2 / 3) and a.kept_rate == 0.5
    assert a.promised == {"COP": 300000.0} and a.collected == {"COP": 100000.0}
    assert a.team == "North" and a.compliance is not None
    # Overall: the mean of compliance and the kept rate (as 0-100), equal weights.
    assert a.overall == pytest.approx(round((a.compliance + 50) / 2, 1))
    b = rows["B2"]
    assert (b.contacts, b.right_party_rate, b.promise_rate, b.kept_rate, b.hardship) == (2, 0.5, 0.0, None, 1)
    assert b.overall == b.compliance  # no promise settled: the kept-rate weight is left out
    assert teams["North"].contacts == 4 and teams["South"].contacts == 2
    with floor.session() as s:
        assert performance(s, date(2026, 4, 1), date(2026, 4, 30), config=config) == []


def test_compliance_is_a_gate():
    config = PerformanceConfig(gate=85, weights={"compliance": 0.5, "promise_rate": 0.5})
    assert config.overall(84.9, {"promise_rate": 1.0}) == 0.0
    assert config.overall(90, {"promise_rate": 0.5}) == 70.0
    assert config.overall(None, {"promise_rate": 0.5}) is None
    with pytest.raises(ValueError, match="unknown performance weight"):
        PerformanceConfig(weights={"collected": 1})


def test_a_viewer_scope_limits_the_rows(floor):
    with floor.session() as s:
        a1 = s.scalar(select(m.Agent.id).where(m.Agent.code == "A1"))
        rows = performance(s, date(2026, 3, 1), date(2026, 3, 31), scope=Scope(agent_ids=frozenset({a1})))
        none = performance(s, date(2026, 3, 1), date(2026, 3, 31), scope=Scope(agent_ids=frozenset()))
    assert [p.key for p in rows] == ["A1"] and none == []


def test_today_lists_broken_promises_and_callbacks_due_per_collector(floor):
    with floor.session() as s:
        on_tenth = today_list(s, date(2026, 3, 10))
        on_ninth = today_list(s, date(2026, 3, 9))
        on_twelfth = today_list(s, date(2026, 3, 12))
    kinds = {(t.agent, t.kind, t.interaction) for t in on_tenth}
    # a2's promise (due 5 March) is broken with no contact since; b1's callback is due on 10 March (15:00 Bogotá).
    assert kinds == {("A1", "broken_promise", "a2"), ("B2", "callback_due", "b1")}
    assert next(t for t in on_tenth if t.kind == "callback_due").due == "2026-03-10T15:00-05:00"
    assert {t.kind for t in on_ninth} == {"broken_promise"}  # the callback is not due yet
    assert {(t.kind, t.interaction) for t in on_twelfth} == {("broken_promise", "a2"), ("callback_overdue", "b1")}
    with floor.session() as s:
        # Due more than the look-back (7 days) ago: off the list.
        assert all(t.kind != "broken_promise" for t in today_list(s, date(2026, 3, 20)))


def test_a_new_contact_on_the_account_takes_a_broken_promise_off_today(floor, tmp_path):
    later = chat("a2-again", agent="A1", account="ACC-2", started_at="2026-03-09T10:00:00-05:00", tz="America/Bogota")
    ingest(
        floor,
        [write_jsonl(tmp_path / "more.jsonl", [later])],
        IngestOptions(scanner=SCANNER_V1, progress=False),
        InlineExecutor(),
    )
    with floor.session() as s:
        assert [t.interaction for t in today_list(s, date(2026, 3, 10)) if t.kind == "broken_promise"] == []


def test_report_agents_prints_collection_results_beside_compliance(floor, db_url):
    if not any(group.name == "report" for group in app.registered_groups):
        _register_all()
    args = ["report", "agents", "--from", "2026-03-01", "--to", "2026-03-31", "--database-url", db_url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Collection results" in result.output
    line = next(line for line in result.output.splitlines() if line.startswith("A1 ") and "COP" in line)
    assert "75%" in line and "67%" in line and "50%" in line and "COP 300,000" in line and "COP 100,000" in line
    spanish = CliRunner().invoke(app, [*args, "--lang", "es"])
    assert "Resultados de cobranza" in spanish.output and "% CPC" in spanish.output
