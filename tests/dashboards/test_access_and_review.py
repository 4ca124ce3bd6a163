"""An agent never sees another agent's data through any page; an analyst's decision shows at once in queue and score."""

from __future__ import annotations

import pytest
from dash_helpers import all_text, metrics, open_app, open_page
from sqlalchemy import select

from dashboards import interaction_panel
from qa.storage import models as m
from qa.storage import open_database
from qa.views import Scope
from qa.views.interactions import recording
from qa.views.legal import contact_timeline


def _other_agents(db_url, agent_id):
    db = open_database(db_url)
    with db.session() as s:
        others = s.execute(select(m.Agent.id, m.Agent.code, m.Agent.name).where(m.Agent.id != agent_id)).all()
        other_interaction = s.scalar(select(m.Interaction.id).where(m.Interaction.agent_id != agent_id).limit(1))
        recorded = s.scalar(select(m.Interaction.id).where(m.Interaction.audio_path.is_not(None)).limit(1))
    db.dispose()
    return others, other_interaction, recorded


def test_an_agent_sees_only_their_own_data_on_every_page(principals, db_url):
    agent = principals["agente"]
    others, other_interaction, _ = _other_agents(db_url, agent.agent_id)
    for page in ("overview", "agents", "coaching", "disputes"):
        at = open_page(agent, page)
        text = all_text(at)
        leaked = [name for _, code, name in others if code in text or (name and name in text)]
        assert not leaked, (page, leaked)
    at = open_page(agent, "agents")
    assert not at.selectbox or all(s.key != "ag_agent" for s in at.selectbox)  # no agent picker
    assert not at.dataframe or "rank" not in at.dataframe[0].value.columns  # no ranking of colleagues
    # Asking for another agent's interaction through the page state shows nothing of it.
    at.session_state["ag_interaction"] = other_interaction
    at.run()
    assert not [m.value for m in at.markdown if m.value.startswith("#### Interacción")]  # no interaction panel
    # And the services the panel calls refuse it.
    assert interaction_panel.load(agent, other_interaction) is None


def test_the_recording_is_out_of_scope_for_other_agents(principals, db_url):
    agent = principals["agente"]
    _, _, recorded = _other_agents(db_url, agent.agent_id)
    db = open_database(db_url)
    with db.session() as s:
        owner = s.get(m.Interaction, recorded).agent_id
        assert recording(s, Scope.everything(), recorded) is not None
        if owner != agent.agent_id:
            assert recording(s, Scope(agent_ids=frozenset({agent.agent_id})), recorded) is None
    db.dispose()


def test_confirm_and_dismiss_show_at_once_in_queue_precision_and_score(principals):
    at = open_page(principals["analista"], "queue")
    before = metrics(at)
    assert before["Precisión de la regla"] == "—"
    first_rule = before["Regla"]
    at.text_input(key=[t.key for t in at.text_input if t.key.startswith("q_reason_")][0]).input("Amenaza clara en el audio")
    next(b for b in at.button if b.label == "Confirmar").click().run()
    assert not at.exception
    assert at.success and "Confirmado" in at.success[0].value
    after = metrics(at)
    assert after["Regla"] != first_rule or after["Precisión de la regla"] == "100.0 %"
    # Dismissing the next finding removes its deduction from the interaction's score.
    score_before = metrics(at)["Puntuación"]
    reason = [t.key for t in at.text_input if t.key.startswith("q_reason_")][0]
    at.text_input(key=reason).input("Falso positivo: habla con el titular")
    next(b for b in at.button if b.label == "Descartar").click().run()
    message = at.success[0].value
    assert "Descartado" in message and f"Puntuación {score_before}" in message
    assert not message.endswith(f"→ {score_before}.")


def test_a_decision_needs_a_reason(principals):
    at = open_page(principals["analista"], "queue")
    next(b for b in at.button if b.label == "Confirmar").click().run()
    assert at.error and "motivo" in at.error[0].value


def test_an_agent_cannot_reach_the_legal_page_or_its_data(principals, db_url):
    agent = principals["agente"]
    at = open_app(agent)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/legal.py")
    _, other_interaction, _ = _other_agents(db_url, agent.agent_id)
    db = open_database(db_url)
    with db.session() as s:
        assert contact_timeline(s, Scope(agent_ids=frozenset({agent.agent_id})), [other_interaction]).empty
    db.dispose()
