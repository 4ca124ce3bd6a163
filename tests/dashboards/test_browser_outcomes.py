"""A real headless Chromium shows the collection results (Overview, Agents) and the supervisors' Today list (issue 17).

Also a care check marked in the review queue and coaching from an outcome on Agents. Screenshots go to
``test-artifacts/screenshots/`` (``30-outcomes-overview``, ``31-outcomes-today``, ``32-outcomes-agent``,
``33-care-check``, ``34-coaching-from-outcome``).
"""

from __future__ import annotations

import pytest
from test_browser import ARGS, CHROMIUM, _go, _idle, _metric, _shot, server  # noqa: F401 - server is a fixture

pytestmark = pytest.mark.browser


def test_supervisor_sees_collection_results_and_today(server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(server)
        page.get_by_label("Usuario").wait_for(timeout=60_000)
        page.get_by_label("Usuario").fill("supervisor")
        page.get_by_label("Contraseña").fill("demo-password")
        page.get_by_role("button", name="Entrar").click()
        page.get_by_text("Resultados de cobranza").first.wait_for(timeout=60_000)
        _idle(page)
        assert _metric(page, "Tasa de contacto con el titular").endswith("%")
        assert _metric(page, "Promesas cumplidas").endswith("%")
        page.get_by_text("Resultados de cobranza").first.scroll_into_view_if_needed()
        _shot(page, "30-outcomes-overview", height=2600)
        today = page.get_by_role("heading", name="Hoy")
        today.scroll_into_view_if_needed()
        _shot(page, "31-outcomes-today", height=3200)
        _go(page, "Agentes")
        page.get_by_text("Resultados de cobranza del gestor").wait_for(timeout=60_000)
        _idle(page)
        assert _metric(page, "General") != ""
        _shot(page, "32-outcomes-agent", height=1800)
        browser.close()


def test_analyst_marks_a_care_check_and_supervisor_coaches_from_an_outcome(server):  # noqa: F811
    """Screenshots ``33-care-check`` (a hardship mention in the review queue) and ``34-coaching-from-outcome``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(server)
        page.get_by_label("Usuario").wait_for(timeout=60_000)
        page.get_by_label("Usuario").fill("analista")
        page.get_by_label("Contraseña").fill("demo-password")
        page.get_by_role("button", name="Entrar").click()
        _idle(page)
        _go(page, "Cola de revisión")
        care = page.get_by_text("Revisiones de cuidado (").first
        care.wait_for(timeout=60_000)
        care.click()
        _idle(page)
        page.get_by_text("No es una infracción").first.wait_for(timeout=60_000)
        form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Bien atendido"))
        form.get_by_label("Motivo").fill("Ofreció pausar la cuenta y derivó a asesoría")
        page.get_by_role("button", name="Bien atendido").click()
        page.get_by_text("La puntuación no cambia").first.wait_for(timeout=60_000)
        _idle(page)
        _shot(page, "33-care-check", height=1800)
        browser.close()
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(server)
        page.get_by_label("Usuario").wait_for(timeout=60_000)
        page.get_by_label("Usuario").fill("supervisor")
        page.get_by_label("Contraseña").fill("demo-password")
        page.get_by_role("button", name="Entrar").click()
        _idle(page)
        _go(page, "Agentes")
        page.get_by_text("Coaching desde un resultado").first.wait_for(timeout=60_000)
        page.get_by_text("Coaching desde un resultado").first.click()
        _idle(page)
        page.get_by_text("Contactos con el titular sin promesa de pago").first.wait_for(timeout=60_000)
        page.get_by_text("Coaching desde un resultado").first.scroll_into_view_if_needed()
        _shot(page, "34-coaching-from-outcome", height=2400)
        browser.close()
