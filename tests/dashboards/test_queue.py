"""The review queue paged on the server, its filters, sorts and jump to an interaction id; local times with the zone;
forms cleared after submit (coaching item, case, uploader).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from dash_helpers import metrics, number, open_page
from sqlalchemy import select

from qa.storage import models as m
from qa.storage import open_database
from qa.views import Scope
from qa.views.coaching import coachable_findings
from qa.views.queue import QueueQuery, count_queue, queue_page
from qa.workflow import users
from qa.workflow.errors import WorkflowError


@pytest.fixture
def session(db_url):
    db = open_database(db_url)
    with db.session() as s:
        yield s
    db.dispose()


class _All:
    def __init__(self, rows):
        self.rows, self.total = rows, len(rows)


def _everything(session, who, query=None):
    """Every row of the queue, page after page."""
    query = query or QueueQuery()
    first = queue_page(session, who, query, page=0, page_size=500)
    rows = list(first.rows)
    for page in range(1, first.pages):
        rows += queue_page(session, who, query, page=page, page_size=500).rows
    return _All(rows)


def test_pages_cover_the_whole_queue_once_in_order(session):
    analyst = users.get_principal(session, "analista")
    total = count_queue(session, analyst, QueueQuery())
    assert total > 200  # more than the old fixed cut of 200 items
    seen = []
    first = queue_page(session, analyst, QueueQuery(), page=0, page_size=97)
    for page in range(first.pages):
        chunk = queue_page(session, analyst, QueueQuery(), page=page, page_size=97)
        assert chunk.total == total and chunk.page == page
        seen += [r.finding_id for r in chunk.rows]
    assert len(seen) == len(set(seen)) == total
    severities = [r.severity for r in _everything(session, analyst).rows]
    rank = {"critical": 0, "major": 1, "minor": 2}
    assert [rank[s] for s in severities] == sorted(rank[s] for s in severities)
    # A page past the end is the last page.
    assert queue_page(session, analyst, QueueQuery(), page=10_000, page_size=97).page == first.pages - 1


def test_every_filter_restricts_the_rows_it_names(session):
    analyst = users.get_principal(session, "analista")
    every = _everything(session, analyst).rows
    sample = every[len(every) // 2]
    cases = {
        "jurisdiction": (QueueQuery(jurisdiction=sample.jurisdiction), lambda r: r.jurisdiction == sample.jurisdiction),
        "team": (QueueQuery(team=sample.team), lambda r: r.team == sample.team),
        "agent": (QueueQuery(agent=sample.agent), lambda r: r.agent == sample.agent),
        "family": (QueueQuery(family=sample.family), lambda r: r.family == sample.family),
        "severity": (QueueQuery(severity=sample.severity), lambda r: r.severity == sample.severity),
        "channel": (QueueQuery(channel="call"), lambda r: r.channel == "call"),
        "recording": (QueueQuery(has_recording=True), lambda r: r.has_recording),
        "learned": (QueueQuery(source="learned"), lambda r: r.learned),
        "rule": (QueueQuery(source="rule"), lambda r: not r.learned),
        "dates": (QueueQuery(start=date(2026, 10, 20), end=date(2026, 10, 22)),
                  lambda r: date(2026, 10, 20) <= r.local_time.date() <= date(2026, 10, 22)),
    }  # fmt: skip
    for name, (query, keep) in cases.items():
        rows = _everything(session, analyst, query).rows
        assert rows, name
        assert all(keep(r) for r in rows), name
        if name != "dates":
            assert {r.finding_id for r in rows} == {r.finding_id for r in every if keep(r)}, name
    recorded = _everything(session, analyst, QueueQuery(has_recording=True)).rows
    assert {r.interaction for r in recorded} <= {f"demo-rec-{n:03d}" for n in range(1, 10)}
    jumped = _everything(session, analyst, QueueQuery(interaction="  DEMO-REC-001 ")).rows
    assert jumped and {r.interaction for r in jumped} == {"demo-rec-001"}
    assert _everything(session, analyst, QueueQuery(states=("confirmed",))).total == 0  # nothing decided yet


def test_sorts_and_local_times(session):
    analyst = users.get_principal(session, "analista")
    newest = _everything(session, analyst, QueueQuery(sort="newest")).rows
    assert [r.started_at for r in newest] == sorted((r.started_at for r in newest), reverse=True)
    oldest = _everything(session, analyst, QueueQuery(sort="oldest")).rows
    assert [r.started_at for r in oldest] == sorted(r.started_at for r in oldest)
    by_rule = _everything(session, analyst, QueueQuery(sort="rule")).rows
    assert [r.rule_id for r in by_rule] == sorted(r.rule_id for r in by_rule)
    colombian = next(r for r in newest if r.jurisdiction == "CO")
    assert colombian.timezone == "America/Bogota"
    assert colombian.local_time == colombian.started_at.astimezone(ZoneInfo("America/Bogota"))


def test_only_reviewers_read_the_queue(session):
    with pytest.raises(WorkflowError):
        queue_page(session, users.get_principal(session, "agente"), QueueQuery())


def test_queue_page_pages_filters_to_recordings_and_jumps_to_an_id(principals):
    at = open_page(principals["analista"], "queue")
    total = int(number(metrics(at)["Pendientes de revisión"]))
    assert total > 200
    next(b for b in at.button if b.key == "q_next_page").click().run()
    assert any("Hallazgo 51 de" in c.value for c in at.caption)
    assert any("Página 2 de" in c.value for c in at.caption)
    at.selectbox(key="q_rec").select("yes").run()
    pick = next(s for s in at.selectbox if s.key and s.key.startswith("q_pick_"))
    assert pick.options and all("demo-rec-" in o and "🎧" in o for o in pick.options)
    assert int(number(metrics(at)["Pendientes de revisión"])) == len(pick.options) < total
    at.text_input(key="q_jump").input("demo-rec-002").run()
    assert not at.exception
    assert any(m.value.replace("\\", "").strip("# ").startswith("Interacción demo-rec-002") for m in at.markdown)
    caption = next(c.value for c in at.caption if c.value.startswith("Hallazgo 1 de"))
    assert "UTC-" in caption or "UTC+" in caption  # the consumer's local time, with its zone


def test_forms_are_cleared_after_submit(principals, db_url):
    # A coaching item: the note and the findings are gone once it is opened, so a second click opens nothing.
    agent = principals["agente"]
    db = open_database(db_url)
    with db.session() as s:
        code = s.scalar(select(m.Agent.code).where(m.Agent.id == agent.agent_id))
        first = int(coachable_findings(s, Scope.everything(), agent.agent_id)["finding_id"].iloc[0])
    db.dispose()
    at = open_page(principals["supervisor"], "coaching")
    at.selectbox(key="co_agent").select(code).run()
    at.multiselect(key=f"co_findings_{code}").select(first)
    at.text_area(key=f"co_note_{code}").input("Confirmar identidad antes de hablar de la deuda.")
    next(b for b in at.button if b.label == "Abrir ítem de coaching").click().run()
    assert at.success and "abierto" in at.success[0].value
    assert at.text_area(key=f"co_note_{code}_1").value == ""  # the same form, drawn anew: empty
    assert at.multiselect(key=f"co_findings_{code}_1").value == []
    assert not any(t.key == f"co_note_{code}" for t in at.text_area)
    # A case: the hold and its reason are reset after the case is opened.
    at = open_page(principals["legal"], "legal")
    at.text_input(key="lg_phrase").input("carcel")
    next(b for b in at.button if b.label == "Buscar").click().run()
    at.checkbox(key="lg_case_hold").check()
    at.text_input(key="lg_case_reason").input("Reclamación formal")
    next(b for b in at.button if b.label == "Abrir caso").click().run()
    assert at.success and "abierto con" in at.success[0].value
    assert at.checkbox(key="lg_case_hold_1").value is False and at.text_input(key="lg_case_reason_1").value == ""
    assert not any(t.key == "lg_case_reason" for t in at.text_input)
