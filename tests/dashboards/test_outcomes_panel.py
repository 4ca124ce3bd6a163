"""Collection results on Overview and Agents, and the supervisors' Today list (issue 17), on the demo database."""

from __future__ import annotations

from dash_helpers import all_text, metrics, open_page
from sqlalchemy import func, select

from qa.storage import open_database
from qa.storage.outcome_models import OutcomeRow

RESULTS = {"Contactos por día", "Tasa de contacto con el titular", "Tasa de promesas", "Promesas cumplidas"}


def test_the_demo_has_outcomes_and_settled_promises(db_url):
    db = open_database(db_url)
    with db.session() as s:
        statuses = dict(s.execute(select(OutcomeRow.promise_status, func.count()).group_by(OutcomeRow.promise_status)).all())
        callbacks = s.scalar(select(func.count()).where(OutcomeRow.callback_at.is_not(None)))
    db.dispose()
    assert statuses.get("kept", 0) > 0 and statuses.get("broken", 0) > 0 and statuses.get("partly_kept", 0) > 0
    assert callbacks > 0


def test_overview_shows_collection_results_and_today_for_a_supervisor(principals):
    at = open_page(principals["supervisor"], "overview")
    shown = metrics(at)
    assert RESULTS <= set(shown)
    assert shown["Tasa de contacto con el titular"].endswith("%")
    text = all_text(at)
    assert "Resultados de cobranza" in text and "Hoy" in text
    english = open_page(principals["supervisor"], "overview", lang="en")
    assert {"Contacts per day", "Right-party contact rate", "Promise rate", "Promises kept"} <= set(metrics(english))


def test_an_agent_sees_only_their_own_results_and_no_today_list(principals):
    at = open_page(principals["agente"], "overview")
    agent_rows = [f.value for f in at.dataframe if "promised_text" in f.value.columns]
    assert agent_rows and all(len(frame) == 1 for frame in agent_rows)
    assert "Hoy" not in [m.value.removeprefix("#### ") for m in at.markdown]


def test_agents_page_shows_the_collectors_results(principals):
    at = open_page(principals["analista"], "agents")
    assert {"Tasa de promesas", "General", "Cumplimiento"} <= set(metrics(at))
