"""Coaching page: risk ranking, a supervisor opens an item from findings, the agent acknowledges, before/after rates.

Also the views behind it (``qa.views.coaching``) and that an agent reaches only their own items.
"""

from __future__ import annotations

from dash_helpers import all_text, metrics, open_page
from sqlalchemy import select

from qa.storage import models as m
from qa.storage import open_database
from qa.views import Scope
from qa.views.agents import daily_scores
from qa.views.coaching import coachable_findings, risk_ranking
from qa.workflow import coaching


def _agent_code(db_url, agent_id) -> str:
    db = open_database(db_url)
    with db.session() as s:
        code = s.scalar(select(m.Agent.code).where(m.Agent.id == agent_id))
    db.dispose()
    return code


def test_risk_ranking_and_findings_are_scoped(principals, db_url):
    agent = principals["agente"]
    db = open_database(db_url)
    with db.session() as s:
        ranked = risk_ranking(daily_scores(s, Scope(team_ids=frozenset({principals["supervisor"].team_id}))), {"x": 1})
        own = coachable_findings(s, Scope(agent_ids=frozenset({agent.agent_id})), agent.agent_id)
        other = s.scalar(select(m.Agent.id).where(m.Agent.id != agent.agent_id))
        assert coachable_findings(s, Scope(agent_ids=frozenset({agent.agent_id})), other).empty
    db.dispose()
    assert ranked["risk_rank"].tolist() == list(range(1, len(ranked) + 1))
    assert ranked["score"].is_monotonic_increasing and (ranked["open_items"] == 0).all()
    assert not own.empty and "dismissed" not in set(own["review_state"])


def test_supervisor_opens_an_item_the_agent_acknowledges(principals, db_url):
    agent = principals["agente"]
    code = _agent_code(db_url, agent.agent_id)
    at = open_page(principals["supervisor"], "coaching")
    ranking = at.dataframe[0].value
    assert len(ranking) > 1 and ranking["risk_rank"].tolist()[0] == 1
    at.selectbox(key="co_agent").select(code).run()
    db = open_database(db_url)
    with db.session() as s:
        first = int(coachable_findings(s, Scope.everything(), agent.agent_id)["finding_id"].iloc[0])
    db.dispose()
    at.multiselect(key=f"co_findings_{code}").select(first)
    at.text_area(key=f"co_note_{code}").input("Revisar el guion de identificación antes de hablar de la deuda.")
    next(b for b in at.button if b.label == "Abrir ítem de coaching").click().run()
    assert not at.exception and at.success and "abierto" in at.success[0].value
    assert metrics(at)["Ítems pendientes"] == "1"

    at = open_page(agent, "coaching")
    assert not at.dataframe, "an agent sees no ranking of colleagues"
    assert "Antes" in metrics(at) and "Después" in metrics(at)
    at.text_input(key=[t.key for t in at.text_input if t.key.startswith("co_comment_")][0]).input("Entendido")
    next(b for b in at.button if b.label == "Confirmar recepción").click().run()
    assert at.success and "confirmada" in at.success[0].value
    assert metrics(at)["Recibidos"] == "1" and "Entendido" in all_text(at)


def test_an_agent_sees_only_their_own_coaching_items(principals, db_url):
    agent = principals["agente"]
    db = open_database(db_url)
    with db.session() as s:
        other_finding = s.scalar(
            select(m.Finding.id)
            .join(m.Interaction, m.Interaction.id == m.Finding.interaction_id)
            .join(m.Agent, m.Agent.id == m.Interaction.agent_id)
            .where(m.Interaction.agent_id != agent.agent_id, m.Agent.team_id == principals["supervisor"].team_id)
            .limit(1)
        )
        other_code = s.scalar(
            select(m.Agent.code).join(m.Interaction, m.Interaction.agent_id == m.Agent.id).join(
                m.Finding, m.Finding.interaction_id == m.Interaction.id).where(m.Finding.id == other_finding)
        )  # fmt: skip
        coaching.open_coaching(s, principals["supervisor"], [other_finding], "Nota privada de otro agente")
        s.commit()
    db.dispose()
    at = open_page(agent, "coaching")
    text = all_text(at) + " ".join(e.label for e in at.expander)
    assert "Nota privada" not in text and other_code not in text
    assert metrics(at)["Ítems de coaching"] == "0"
    admin = open_page(principals["admin"], "coaching")
    assert metrics(admin)["Ítems de coaching"] == "1" and not [b for b in admin.button if b.label == "Abrir ítem de coaching"]
