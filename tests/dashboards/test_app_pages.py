"""AppTest: every page for every role, the sign-in, the language switch, and what each role may reach."""

from __future__ import annotations

from pathlib import Path

import pytest
from dash_helpers import metrics, number, open_app, open_page

from dashboards.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2] / "dashboards"
# Which demo user opens which page (the rest must not be able to navigate there).
ACCESS = {
    "overview": {"agente", "supervisor", "analista", "legal", "admin"},
    "agents": {"agente", "supervisor", "analista", "legal", "admin"},
    "queue": {"analista", "admin"},
    "coaching": {"agente", "supervisor", "admin"},
    "disputes": {"agente", "supervisor", "analista", "admin"},
    "legal": {"supervisor", "analista", "legal", "admin"},
    "rules": {"supervisor", "analista", "legal", "admin"},
    "ingest": {"analista", "admin"},
    "users": {"admin"},
}
BUILT = [p.key for p in PAGES if (ROOT / p.path).exists()]
CASES = [(page, user) for page in BUILT for user in ("agente", "supervisor", "analista", "legal", "admin")]


def test_sign_in_with_the_demo_users(principals):
    at = open_app()
    assert [t.label for t in at.text_input] == ["Usuario", "Contraseña"]
    at.text_input[0].input("analista")
    at.text_input[1].input("wrong password")
    at.button[0].click().run()
    assert at.error and "incorrectos" in at.error[0].value
    assert "principal" not in at.session_state
    at.text_input[1].input("demo-password")
    at.button[0].click().run()
    assert at.session_state["principal"].username == "analista"
    assert "Contactos" in metrics(at)  # the first page, Overview


@pytest.mark.parametrize(("page", "user"), CASES)
def test_every_page_for_every_role(principals, page, user):
    if user not in ACCESS[page]:
        at = open_app(principals[user])
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{Path(next(p.path for p in PAGES if p.key == page)).name}")
        return
    at = open_page(principals[user], page)
    assert not at.error, [e.value for e in at.error]


def test_language_switch_to_english(principals):
    at = open_page(principals["analista"], "overview", lang="en")
    assert {"Contacts", "Violations / 100 contacts", "Mean score"} <= set(metrics(at))
    at = open_page(principals["analista"], "overview")
    assert {"Contactos", "Infracciones / 100 contactos", "Puntuación media"} <= set(metrics(at))


def test_overview_is_scoped_to_the_viewer(principals):
    everyone = int(number(metrics(open_page(principals["analista"], "overview"))["Contactos"]))
    team = int(number(metrics(open_page(principals["supervisor"], "overview"))["Contactos"]))
    own = int(number(metrics(open_page(principals["agente"], "overview"))["Contactos"]))
    assert everyone > team > own > 0


def test_agents_page_shows_a_ranking_and_worst_interactions(principals):
    at = open_page(principals["supervisor"], "agents")
    ranking = at.dataframe[0].value
    assert len(ranking) > 1 and ranking["rank"].tolist() == list(range(1, len(ranking) + 1))
    opens = [b for b in at.button if b.key and b.key.startswith("ag_open_")]
    assert opens
    opens[0].click().run()
    assert not at.exception
    assert any(m.startswith("Interacción") for m in (e.value.strip("# ") for e in at.markdown))
