"""Coaching opened from outcomes (issue 17): a missed or broken promise, followed up on the promise and kept rates.

Real data through the service layer: calls ingested with the bundled scanner (outcomes extracted at ingest),
payments imported from a CSV file, then coaching items opened, acknowledged and followed up.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from storage_helpers import write_jsonl
from test_outcomes_store import call
from typer.testing import CliRunner

from qa.cli import _register_all, app
from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.payments import evaluate_promises, import_payments
from qa.storage import models as m
from qa.storage.outcome_models import OutcomeRow
from qa.storage.workflow_models import AuditEntry
from qa.workflow import coaching
from qa.workflow.access import Principal
from qa.workflow.coaching_outcomes import coachable_outcomes
from qa.workflow.errors import InvalidRequest, PermissionDenied
from qa.workflow.users import add_user, get_principal

AT = "2026-03-{:02d}T10:00:00-05:00"
OPENED = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
ACKED = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)


def _promise(iid: str, account: str, day: int, name: str, amount: int, weekday: str) -> dict:
    return call(
        iid, account,
        f"agent: Hello, may I speak with {name}?",
        f"consumer: Speaking, this is {name.split()[0]}.",
        f"agent: This is an attempt to collect a debt. Your balance is $900. Can you pay ${amount} this {weekday}?",
        f"consumer: Yes, I will pay {amount} dollars on {weekday}.",
        f"agent: Great, so ${amount} on {weekday}.",
        started_at=AT.format(day),
    )  # fmt: skip


def _missed(iid: str, account: str, day: int, name: str) -> dict:
    return call(
        iid, account,
        f"agent: Hello, is this {name}?",
        f"consumer: Yes, this is {name.split()[0]}.",
        "agent: This is an attempt to collect a debt. Your balance is $500. Can you make a payment this week?",
        "consumer: No. I am not going to pay anything, do not call me about this.",
        started_at=AT.format(day),
    )  # fmt: skip


def _records() -> list[dict]:
    return [
        # Before coaching (opened 10 March): three right-party contacts, one promise, broken.
        _missed("miss-1", "ACC-11", 2, "Rosa Diaz"),
        _missed("miss-2", "ACC-12", 3, "Tom Reyes"),
        _promise("promise-1", "ACC-13", 4, "Dana Lee", 300, "Friday"),
        # After (acknowledged 11 March): three right-party contacts, two promises, one kept and one broken.
        _promise("promise-2", "ACC-14", 12, "Ada Cruz", 200, "Monday"),
        _promise("promise-3", "ACC-15", 13, "Ben Soto", 150, "Monday"),
        _missed("miss-3", "ACC-16", 13, "Eva Ruiz"),
        # Another collector's contact.
        {**_missed("other-1", "ACC-17", 3, "Ian Gil"), "agent_id": "B7", "team": "South"},
    ]


@pytest.fixture
def floor(db, tmp_path):
    ingest(db, [write_jsonl(tmp_path / "in.jsonl", _records())], IngestOptions(progress=False), InlineExecutor())
    csv = tmp_path / "payments.csv"
    csv.write_text("account,paid_at,amount,currency\nACC-14,2026-03-16T09:00:00-05:00,200,USD\n")
    with db.session() as s:
        import_payments(s, csv, now=datetime(2026, 3, 25, tzinfo=UTC), grace_days=3)
        evaluate_promises(s, now=datetime(2026, 3, 25, tzinfo=UTC), grace_days=3)
        admin = Principal.system("tests")
        add_user(s, admin, "sara", "password-123", "supervisor", team_code="North")
        add_user(s, admin, "samuel", "password-123", "supervisor", team_code="South")
        add_user(s, admin, "ana", "password-123", "agent", agent_code="A1")
    return db


def _who(db, username: str) -> Principal:
    with db.session() as s:
        return get_principal(s, username)


def _pks(db) -> dict[str, int]:
    with db.session() as s:
        return dict(s.execute(select(m.Interaction.source_id, m.Interaction.id)).all())


def test_the_extracted_outcomes_are_what_the_calls_say(floor):
    with floor.session() as s:
        rows = {sid: row for sid, row in s.execute(select(m.Interaction.source_id, OutcomeRow).join(OutcomeRow))}
    assert {sid: (r.contact, r.promise) for sid, r in rows.items() if sid != "other-1"} == {
        "miss-1": ("right_party", False), "miss-2": ("right_party", False), "miss-3": ("right_party", False),
        "promise-1": ("right_party", True), "promise-2": ("right_party", True), "promise-3": ("right_party", True),
    }  # fmt: skip
    assert {sid: rows[sid].promise_status for sid in ("promise-1", "promise-2", "promise-3")} == {
        "promise-1": "broken", "promise-2": "kept", "promise-3": "broken",
    }  # fmt: skip


def test_a_missed_and_a_broken_promise_open_an_item_followed_up_on_promise_and_kept_rates(floor):
    pks, sara = _pks(floor), _who(floor, "sara")
    with floor.session() as s:
        offered = {
            c.source_id: c.kind for c in coachable_outcomes(s, sara, s.scalar(select(m.Agent.id).where(m.Agent.code == "A1")))
        }
    # Every right-party contact without a promise, and the broken promises; never the kept one.
    assert offered == {"miss-1": "missed_promise", "miss-2": "missed_promise", "miss-3": "missed_promise",
                       "promise-1": "broken_promise", "promise-3": "broken_promise"}  # fmt: skip
    with floor.session() as s:
        item = coaching.open_coaching_from_outcomes(
            s, sara, [pks["miss-1"], pks["promise-1"]], "Ask for the payment; confirm the date", now=OPENED
        )
    assert (item.agent, item.families, item.finding_ids) == ("A1", [], [])
    assert item.outcomes == ((pks["miss-1"], "miss-1", "missed_promise"), (pks["promise-1"], "promise-1", "broken_promise"))
    assert item.measures == ("promise_rate", "kept_rate")
    with floor.session() as s:
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "coaching")).all() == ["coaching.open"]
        coaching.acknowledge(s, _who(floor, "ana"), item.id, comment="Understood", now=ACKED)
    with floor.session() as s:
        follow = coaching.follow_up(s, sara, item.id, window_days=30, as_of=datetime(2026, 3, 25, tzinfo=UTC))
    rates = {f.measure: f for f in follow.measures}
    promise, kept = rates["promise_rate"], rates["kept_rate"]
    # Before: 3 right-party contacts, 1 promise; after: 3 and 2.
    assert (promise.before.base, promise.before.hits, promise.after.base, promise.after.hits) == (3, 1, 3, 2)
    assert promise.change == pytest.approx(2 / 3 - 1 / 3)
    # Before: 1 promise settled, broken; after: 2 settled, 1 kept.
    assert (kept.before.base, kept.before.hits, kept.after.base, kept.after.hits) == (1, 0, 2, 1)
    assert kept.change == pytest.approx(0.5)
    # The windows are the compliance follow-up's.
    assert (promise.before.start, promise.before.end, promise.after.start) == (
        follow.before.start,
        follow.before.end,
        follow.after.start,
    )


def test_what_cannot_be_coached_from_an_outcome(floor):
    pks, sara = _pks(floor), _who(floor, "sara")
    with pytest.raises(InvalidRequest, match="promise-2"), floor.session() as s:  # a kept promise
        coaching.open_coaching_from_outcomes(s, sara, [pks["promise-2"]], "note")
    with pytest.raises(InvalidRequest), floor.session() as s:
        coaching.open_coaching_from_outcomes(s, sara, [pks["miss-1"]], "   ")
    with pytest.raises(InvalidRequest), floor.session() as s:
        coaching.open_coaching_from_outcomes(s, sara, [], "note")
    # Another team's contact is out of a supervisor's scope; an agent does not coach.
    with pytest.raises(PermissionDenied), floor.session() as s:
        coaching.open_coaching_from_outcomes(s, sara, [pks["other-1"]], "note")
    with pytest.raises(PermissionDenied), floor.session() as s:
        coaching.open_coaching_from_outcomes(s, _who(floor, "ana"), [pks["miss-1"]], "note")
    with floor.session() as s:
        assert coaching.list_coaching(s, sara) == []


def test_the_cli_opens_an_item_from_outcomes_and_prints_the_follow_up(floor, db_url, monkeypatch):
    _register_all()
    monkeypatch.setenv("QA_PASSWORD", "password-123")
    runner = CliRunner()
    opened = runner.invoke(app, ["coaching", "open", "--from-outcome", "miss-2", "--from-outcome", "promise-1",
                                 "--note", "Close with a date", "--user", "sara", "--database-url", db_url])  # fmt: skip
    assert opened.exit_code == 0, opened.output
    assert "miss-2: missed_promise" in opened.output and "promise-1: broken_promise" in opened.output
    with floor.session() as s:
        (item,) = coaching.list_coaching(s, _who(floor, "sara"))
    assert item.measures == ("promise_rate", "kept_rate")
    shown = runner.invoke(app, ["coaching", "follow-up", str(item.id), "--user", "sara", "--database-url", db_url])
    assert shown.exit_code == 0, shown.output
    assert "promise_rate" in shown.output and "kept_rate" in shown.output
    refused = runner.invoke(app, ["coaching", "open", "--from-outcome", "promise-2", "--note", "x", "--user", "sara",
                                  "--database-url", db_url])  # fmt: skip
    assert refused.exit_code == 2 and "promise-2" in refused.output
    unknown = runner.invoke(app, ["coaching", "open", "--from-outcome", "no-such-call", "--note", "x", "--user", "sara",
                                  "--database-url", db_url])  # fmt: skip
    assert unknown.exit_code == 2 and "no-such-call" in unknown.output
