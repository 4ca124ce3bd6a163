"""Disputes & calibration page: the agent's dispute form (own findings, within the window), the arbitrator's
decision, and a calibration session created, decided blind by two reviewers, closed and reported with kappa.
"""

from __future__ import annotations

from datetime import timedelta

from dash_helpers import all_text, metrics, open_page
from sqlalchemy import select

from qa.storage import models as m
from qa.storage import open_database
from qa.storage.types import utcnow
from qa.views import Scope
from qa.views.disputes import calibration_candidates, disputable_findings
from qa.workflow import reviews


def _confirm_one_each(db_url, principals) -> tuple[int, int]:
    """The analyst confirms one finding of the demo agent and one of a colleague on the same team; return both ids."""
    agent, analyst = principals["agente"], principals["analista"]
    db = open_database(db_url)
    with db.session() as s:
        base = select(m.Finding.id).join(m.Interaction, m.Interaction.id == m.Finding.interaction_id).where(m.Finding.active)
        own = s.scalar(base.where(m.Interaction.agent_id == agent.agent_id).order_by(m.Finding.id).limit(1))
        other = s.scalar(
            base.join(m.Agent, m.Agent.id == m.Interaction.agent_id)
            .where(m.Interaction.agent_id != agent.agent_id, m.Agent.team_id == principals["supervisor"].team_id)
            .order_by(m.Finding.id)
            .limit(1)
        )
        for fid in (own, other):
            reviews.review_finding(s, analyst, fid, "confirmed", reason="Confirmado en la escucha", expected_version=0)
        s.commit()
    db.dispose()
    return own, other


def test_disputable_findings_follow_the_window(principals, db_url):
    own, _ = _confirm_one_each(db_url, principals)
    agent = principals["agente"]
    db = open_database(db_url)
    with db.session() as s:
        assert disputable_findings(s, agent.agent_id)["finding_id"].tolist() == [own]
        assert disputable_findings(s, agent.agent_id, now=utcnow() + timedelta(hours=49)).empty
        assert disputable_findings(s, None).empty
        scoped = calibration_candidates(s, Scope(agent_ids=frozenset({agent.agent_id})))
        everyone = calibration_candidates(s, Scope.everything())
    db.dispose()
    assert len(everyone) > len(scoped) > 0


def test_agent_disputes_own_finding_and_supervisor_overturns(principals, db_url):
    own, other = _confirm_one_each(db_url, principals)
    at = open_page(principals["agente"], "disputes")
    assert at.selectbox(key="dp_finding").options and len(at.selectbox(key="dp_finding").options) == 1
    assert at.selectbox(key="dp_finding").value == own  # the colleague's confirmed finding is never offered
    assert not at.tabs, "an agent has no calibration tab"
    at.text_area(key=f"dp_comment_{own}").input("El consumidor pidió que le llamara a esa hora.")
    next(b for b in at.button if b.label == "Enviar impugnación").click().run()
    assert at.success and "enviada" in at.success[0].value
    assert at.dataframe[0].value["status"].tolist() == ["Abierta"]
    assert at.info and "plazo" in at.info[0].value  # nothing left to dispute

    at = open_page(principals["supervisor"], "disputes")
    assert metrics(at)["Impugnaciones abiertas"] == "1"
    reason = next(t for t in at.text_input if t.key and t.key.startswith("dp_reason_"))
    reason.input("Consta el consentimiento del consumidor")
    next(b for b in at.button if b.label == "Anular el hallazgo").click().run()
    assert not at.exception and at.success and "Anulado" in at.success[0].value
    assert metrics(at)["Anulado"] == "1" and metrics(at)["Impugnaciones abiertas"] == "0"
    assert other  # the colleague's confirmed finding stays undisputed


def test_agent_dispute_page_shows_no_colleague(principals, db_url):
    _confirm_one_each(db_url, principals)
    agent = principals["agente"]
    db = open_database(db_url)
    with db.session() as s:
        others = s.execute(select(m.Agent.code, m.Agent.name).where(m.Agent.id != agent.agent_id)).all()
    db.dispose()
    text = all_text(open_page(agent, "disputes"))
    assert not [code for code, name in others if code in text or (name and name in text)]


def test_calibration_session_blind_decisions_and_kappa_report(principals, db_url):
    at = open_page(principals["analista"], "disputes")
    candidates = at.multiselect(key="cal_interactions")
    db = open_database(db_url)
    with db.session() as s:
        ids = calibration_candidates(s, Scope.everything())["interaction_id"].tolist()[:3]
    db.dispose()
    at.text_input(key="cal_name").input("Calibración semanal")
    for pk in ids:
        candidates.select(pk)
    at.multiselect(key="cal_reviewers").select("analista").select("admin")
    next(b for b in at.button if b.label == "Crear sesión").click().run()
    assert not at.exception and at.success and "creada" in at.success[0].value

    decisions = {"analista": "confirmed", "admin": "dismissed"}
    for user, decision in decisions.items():
        at = open_page(principals[user], "disputes")
        radios = [r for r in at.radio if r.key and r.key.startswith("cal_")]
        assert radios
        for k, radio in enumerate(radios):
            radio.set_value(decision if k else "confirmed")
        next(b for b in at.button if b.label == "Guardar decisiones").click().run()
        assert at.success and "guardadas" in at.success[0].value

    at = open_page(principals["supervisor"], "disputes")  # not a reviewer of this session: it is not listed
    assert "Calibración semanal" not in all_text(at)
    at = open_page(principals["analista"], "disputes")
    next(b for b in at.button if b.label == "Cerrar la sesión").click().run()
    assert not at.exception
    shown = metrics(at)
    assert shown["Kappa de Fleiss"] != "" and shown["Hallazgos decididos por todos"] == str(len(radios))
    pairs = next(d.value for d in at.dataframe if "cohen_kappa" in d.value.columns and "a" in d.value.columns)
    assert pairs[["a", "b"]].values.tolist() == [["admin", "analista"]]
