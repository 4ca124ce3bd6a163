"""Real browser (issue 13): Markdown and HTML stored in user text fields show as typed and fetch nothing.

Uses the Chromium set-up and the ``server`` fixture of ``test_browser.py``; the payload is the
AppTest suite's (``test_security_pages.py``): an image pointing at an outside address, emphasis,
an ``<img onerror>`` tag, a colour directive and a link, stored as a case title and hold reason,
a dispute comment, a coaching note and an agent's comment, and an interaction id.
"""

from __future__ import annotations

import pytest
from test_browser import ARGS, CHROMIUM, _go, _guard_requests, _idle, server  # noqa: F401 (server is a fixture)
from test_security_pages import PAYLOAD, _stored_payloads

pytestmark = pytest.mark.browser


def _sign_in(page, base: str, user: str) -> None:
    page.goto(base)
    page.get_by_label("Usuario").wait_for(timeout=60_000)
    page.get_by_label("Usuario").fill(user)
    page.get_by_label("Contraseña").fill("demo-password")
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("link", name="Resumen").wait_for(timeout=90_000)
    _idle(page)


def _assert_literal(page, outside: list[str]) -> None:
    shown = page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")  # the invisible link breakers
    assert PAYLOAD in shown, shown[:3000]
    images = page.evaluate("() => [...document.querySelectorAll('img')].map(i => i.getAttribute('src') || '')")
    assert not [src for src in images if "203.0.113.9" in src or src == "x"]
    assert not [a for a in page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)") if "203.0.113.9" in a]
    assert outside == []


def test_stored_markdown_shows_as_text_in_a_real_browser(server, db_url, principals):  # noqa: F811
    _stored_payloads(db_url, principals)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1600})
        outside = _guard_requests(page)

        _sign_in(page, server, "legal")
        _go(page, "Legal")
        page.get_by_role("tab", name="Casos").click()
        _idle(page)
        page.locator('[class*="st-key-lg_case_pick"]').first.wait_for()
        _assert_literal(page, outside)

        page.context.clear_cookies()
        page = browser.new_page(viewport={"width": 1440, "height": 1600})
        outside = _guard_requests(page)
        _sign_in(page, server, "agente")
        _go(page, "Coaching")
        item = page.locator('[data-testid="stExpander"] summary').first
        item.wait_for(timeout=60_000)
        item.click()  # the acknowledged item is collapsed
        _idle(page)
        _assert_literal(page, outside)
        browser.close()
