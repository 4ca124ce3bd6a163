"""Legal page: search, contact timeline against the allowed window, cases with legal hold, evidence export and verify.

Also the views behind it (``qa.views.legal``): windows from the rule packs and the scoped timeline.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

from dash_helpers import metrics, open_page
from sqlalchemy import func, select

from compliance_rules import Scanner
from qa.storage import models as m
from qa.storage import open_database
from qa.views import Scope
from qa.views.legal import FAMILY_ORDER, contact_timeline, contact_windows, window_bands, windows_for


def _busiest_account(db_url) -> tuple[str, int]:
    """The account with most contacts, and how many."""
    db = open_database(db_url)
    with db.session() as s:
        code, n = s.execute(
            select(m.Account.code, func.count())
            .join(m.Interaction, m.Interaction.account_id == m.Account.id)
            .group_by(m.Account.code)
            .order_by(func.count().desc(), m.Account.code)
            .limit(1)
        ).one()
    db.dispose()
    return code, n


def _search(at, **fields):
    for key, value in fields.items():
        at.text_input(key=f"lg_{key}").input(value)
    next(b for b in at.button if b.label in ("Buscar", "Search")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _charts(at) -> list:
    return at.get("vega_lite_chart")


def test_windows_come_from_the_off_hours_rules():
    windows = contact_windows(Scanner.load().rules)
    assert windows["CO"]["mon"] == (7.0, 19.0) and windows["CO"]["sun"] is None
    assert windows_for(windows, "US-MA") == windows["US"]  # a state falls back to its country
    assert windows_for(windows, None) is None
    bands = window_bands(windows["CO"], date(2025, 3, 1), date(2025, 3, 3))  # Sat, Sun, Mon
    assert bands["start_hour"].tolist() == [8.0, 7.0] and bands["end_hour"].tolist() == [15.0, 19.0]


def test_timeline_is_scoped_and_local(principals, db_url):
    agent = principals["agente"]
    db = open_database(db_url)
    with db.session() as s:
        mine = list(s.scalars(select(m.Interaction.id).where(m.Interaction.agent_id == agent.agent_id).limit(3)))
        other = list(s.scalars(select(m.Interaction.id).where(m.Interaction.agent_id != agent.agent_id).limit(3)))
        everything = contact_timeline(s, Scope.everything(), mine + other)
        scoped = contact_timeline(s, Scope(agent_ids=frozenset({agent.agent_id})), mine + other)
    db.dispose()
    assert len(everything) == 6 and sorted(scoped["interaction_id"]) == sorted(mine)
    assert everything["hour"].between(0, 24).all() and set(everything["breach"]) <= {"none", *FAMILY_ORDER}


def test_legal_searches_opens_a_case_with_hold_and_exports_verified_evidence(principals, db_url):
    account, contacts = _busiest_account(db_url)
    at = _search(open_page(principals["legal"], "legal"), account=account)
    results = at.dataframe[0].value
    assert len(results) == contacts and set(results["account"]) == {account}
    assert _charts(at), "the contact timeline chart is drawn"
    assert metrics(at)["Contactos"] == str(contacts)
    assert any(t.key == "lg_unmasked" for t in at.toggle)  # legal may read the unmasked text
    at.checkbox(key="lg_case_hold").check()
    at.text_input(key="lg_case_reason").input("Reclamación formal del consumidor")
    next(b for b in at.button if b.label == "Abrir caso").click().run()
    assert at.success and "abierto con" in at.success[0].value
    cases = at.dataframe[1].value
    assert cases["legal_hold"].tolist() == [True] and cases["interactions"].tolist() == [contacts]

    next(b for b in at.button if b.label == "Generar ZIP de evidencias").click().run()
    assert not at.exception
    assert [d for d in at.get("download_button")], "the ZIP is offered for download"
    path = at.session_state["lg_export"][1]
    with zipfile.ZipFile(path) as z:
        assert {"manifest.json", "case.json", "report.html"} <= set(z.namelist())
    next(b for b in at.button if b.label == "Verificar").click().run()
    assert at.success and "Íntegro" in at.success[-1].value

    # Tampering with the ZIP is caught by the same button.
    tampered = Path(path).with_name("tampered.zip")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            dst.writestr(item, body + b" " if item.filename == "case.json" else body)
    at.session_state["lg_export"] = (at.session_state["lg_export"][0], str(tampered), 0, "0" * 64)
    at.run()
    next(b for b in at.button if b.label == "Verificar").click().run()
    assert at.error and "Manipulado" in at.error[0].value

    # Releasing the hold needs a reason and shows at once.
    hold_reason = next(t for t in at.text_input if t.key and t.key.startswith("lg_hold_reason_"))
    hold_reason.input("Caso resuelto")
    next(b for b in at.button if b.label == "Levantar retención legal").click().run()
    assert at.dataframe[1].value["legal_hold"].tolist() == [False]


def test_analyst_searches_masked_without_cases_or_export(principals, db_url):
    account, contacts = _busiest_account(db_url)
    at = _search(open_page(principals["analista"], "legal", lang="en"), account=account)
    assert len(at.dataframe[0].value) == contacts
    assert not at.tabs, "no cases tab without the manage_cases right"
    assert not any(t.key == "lg_unmasked" for t in at.toggle)
    labels = {b.label for b in at.button}
    assert "Open case" not in labels and "Build evidence ZIP" not in labels


def test_phrase_search_and_supervisor_scope(principals, db_url):
    at = _search(open_page(principals["analista"], "legal"), phrase="carcel")
    everyone = at.dataframe[0].value if at.dataframe else None
    at = _search(open_page(principals["supervisor"], "legal"), phrase="carcel")
    team = at.dataframe[0].value if at.dataframe else None
    assert everyone is not None and len(everyone) > 0
    team_codes = set(team["agent"]) if team is not None else set()
    db = open_database(db_url)
    with db.session() as s:
        allowed = set(s.scalars(select(m.Agent.code).where(m.Agent.team_id == principals["supervisor"].team_id)))
    db.dispose()
    assert team_codes <= allowed and len(team_codes) < len(set(everyone["agent"]))
