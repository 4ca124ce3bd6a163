"""Coaching from outcomes on the dashboards (issue 17): Agents page opens an item from a missed and a broken promise;
the Coaching page follows it up on the promise rate and the kept rate. The service is tested in
tests/storage/test_coaching_outcomes.py; here the demo database's extracted outcomes and imported payments are used.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from dash_helpers import metrics, number, open_page
from sqlalchemy import func, select, update

from qa.storage import models as m
from qa.storage import open_database
from qa.storage.outcome_models import CoachingOutcome, OutcomeRow
from qa.storage.workflow_models import CoachingItem
from qa.workflow import coaching
from qa.workflow.coaching_outcomes import coachable_outcomes


def test_a_supervisor_opens_coaching_from_outcomes_and_follows_it_up(principals, db_url):
    agent, boss = principals["agente"], principals["supervisor"]
    db = open_database(db_url)
    with db.session() as s:
        code = s.scalar(select(m.Agent.code).where(m.Agent.id == agent.agent_id))
        offered = coachable_outcomes(s, boss, agent.agent_id)
    kinds = {c.kind: c.interaction_id for c in reversed(offered)}  # the newest of each kind
    assert set(kinds) == {"missed_promise", "broken_promise"}  # the demo has both for this collector
    at = open_page(boss, "agents")
    at.selectbox(key="ag_agent").select(agent.agent_id).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Coaching desde un resultado" in [e.label for e in at.expander]
    pick = at.multiselect(key=f"oco_pick_{code}_0")
    assert len(pick.options) == len(offered)
    pick.set_value([kinds["missed_promise"], kinds["broken_promise"]])
    at.text_area(key=f"oco_note_{code}_0").input("Cierre con fecha y monto; confirme la promesa")
    at.button(key=f"FormSubmitter:oco_form_{code}_0-Abrir ítem de coaching").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Ítem #") for s in at.success)
    with db.session() as s:
        linked = dict(s.execute(select(CoachingOutcome.interaction_id, CoachingOutcome.kind)).all())
        (item,) = coaching.list_coaching(s, boss)
        # The demo's contacts end before today: date the item the day after the last one, so the window before it
        # holds the demo's weeks (the window after it is then empty: no contact since).
        last = s.scalar(select(func.max(OutcomeRow.started_at)))
        last = last if last.tzinfo else last.replace(tzinfo=UTC)  # SQLite's MAX returns the stored naive UTC value
        s.execute(update(CoachingItem).where(CoachingItem.id == item.id).values(created_at=last + timedelta(days=1)))
    with db.session() as s:
        follow = coaching.follow_up(s, boss, item.id)
    db.dispose()
    assert linked == {kinds["missed_promise"]: "missed_promise", kinds["broken_promise"]: "broken_promise"}
    assert item.measures == ("promise_rate", "kept_rate") and item.families == []
    # The Coaching page shows both rates before and after, as the service computes them.
    page = open_page(boss, "coaching")
    shown = metrics(page)
    by_measure = {f.measure: f for f in follow.measures}
    before = by_measure["promise_rate"].before.rate
    assert before is not None  # the demo's weeks before the item hold right-party contacts
    assert number(shown["Tasa de promesas · Antes"]) == pytest.approx(round(100 * before, 1))
    kept = by_measure["kept_rate"].before.rate
    assert kept is not None and number(shown["Promesas cumplidas · Antes"]) == pytest.approx(round(100 * kept, 1))
    assert shown["Promesas cumplidas · Después"] == "—"  # nothing settled since
    assert "Antes" not in shown  # no violation rate for an item opened from outcomes only
    assert any("Abierto desde" in c.value and "Promesa incumplida" in c.value for c in page.caption)
