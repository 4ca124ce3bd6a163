"""A real headless Chromium shows the collection results (Overview, Agents) and the supervisors' Today list (issue 17).

Screenshots go to ``test-artifacts/screenshots/`` (``30-outcomes-overview``, ``31-outcomes-today``, ``32-outcomes-agent``).
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
