"""A real headless Chromium drives the dashboards: an analyst signs in, opens the queue, plays the recording
from the flagged second, confirms the finding, dismisses the only finding of another call and sees its score
change; screenshots of every page go to ``test-artifacts/screenshots/``.

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and the ``playwright`` package; Playwright's
own browser downloads are never used.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_i18n import dropdown_problems

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]  # fmt: skip

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(db_url, tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must install it (apt-get install -y chromium)")
        pytest.skip("chromium not installed")
    port = _free_port()
    env = {**os.environ, "QA_DATABASE_URL": db_url, "QA_DEMO": "1"}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboards" / "app.py"), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--client.toolbarMode", "viewer"]  # fmt: skip
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + (tmp_path / "streamlit.log").read_text())
    yield url
    proc.terminate()
    proc.wait(timeout=15)
    log.close()


def _shot(page, name: str, height: int = 900) -> None:
    """Save a screenshot; ``height`` > 900 enlarges the window first (Streamlit scrolls inside its main block)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if height != 900:
        page.set_viewport_size({"width": 1440, "height": height})
        _idle(page)
    page.wait_for_timeout(600)  # let charts finish their transition
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if height != 900:
        page.set_viewport_size({"width": 1440, "height": 900})


def _idle(page) -> None:
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)


def _go(page, title: str) -> None:
    page.get_by_role("link", name=title).click()
    _idle(page)


def _pick_queue_item(page, source_id: str) -> None:
    """Jump to an interaction by its id (the queue's jump field), whatever page it is on."""
    field = page.locator(".st-key-q_jump input")
    field.fill(source_id)
    field.press("Enter")
    page.get_by_text(f"Interacción {source_id}").wait_for()
    _idle(page)
    page.wait_for_timeout(500)


def _choose(page, key: str, text: str) -> None:
    """Pick an option of a selectbox (opening it again if a rerun closed the list)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    option = page.get_by_role("option", name=text)
    for attempt in range(4):
        _idle(page)
        page.locator(f".st-key-{key}").click()
        try:
            option.wait_for(timeout=10_000)
            option.click()
            break
        except PlaywrightTimeoutError:
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
    _idle(page)


def _page_and_filter_the_queue(page) -> None:
    """More than 200 findings, paged on the server; filtered to the recorded calls."""
    total = int(_metric(page, "Pendientes de revisión").replace(" ", "").replace(",", ""))
    assert total > 200
    for number in range(2, 6):
        page.get_by_role("button", name="Página siguiente").click()
        page.get_by_text(f"Página {number} de").wait_for()
        _idle(page)
    page.get_by_text("Hallazgo 201 de").wait_for()
    page.get_by_text("Filtros y orden").click()
    _choose(page, "q_rec", "Con grabación")
    page.get_by_text("Hallazgo 1 de").wait_for()
    recorded = int(_metric(page, "Pendientes de revisión").replace(" ", ""))
    assert 0 < recorded < total
    page.locator('[class*="st-key-q_pick_"]').first.click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert options and all("demo-rec-" in o for o in options)


LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _guard_requests(page) -> list[str]:
    """Record and block every request to another host (nothing may leave the machine while pages load)."""
    outside: list[str] = []

    def _local(url: str) -> bool:
        return url.startswith(("data:", "blob:", "about:")) or urlparse(url).hostname in LOCAL_HOSTS

    def _route(route) -> None:
        if _local(route.request.url):
            route.continue_()
        else:
            route.abort()

    page.on("request", lambda request: None if _local(request.url) else outside.append(request.url))
    page.context.route("**/*", _route)
    return outside


def _outside_references(page) -> list[str]:
    """Icons, fonts, styles, scripts and images the page points at on another host (the favicon included)."""
    urls = page.evaluate(
        """() => [...document.querySelectorAll('link[href], script[src], img[src], source[src], audio[src]')]
                 .map(e => e.href || e.src)"""
    )
    return [u for u in urls if u.startswith("http") and urlparse(u).hostname not in LOCAL_HOSTS]


def _metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_analyst_reviews_a_recorded_call_in_a_real_browser(server, db_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        outside = _guard_requests(page)
        page.goto(server)
        page.get_by_label("Usuario").wait_for(timeout=60_000)
        _shot(page, "00-login")
        page.get_by_label("Usuario").fill("analista")
        page.get_by_label("Contraseña").fill("demo-password")
        page.get_by_role("button", name="Entrar").click()
        page.get_by_text("Infracciones / 100 contactos").first.wait_for(timeout=60_000)
        _idle(page)
        _shot(page, "01-overview")
        assert _outside_references(page) == []  # the favicon too: an inline emoji, not fonts.gstatic.com

        _go(page, "Cola de revisión")
        page.get_by_text("Pendientes de revisión").wait_for()
        _page_and_filter_the_queue(page)
        _shot(page, "02a-review-queue-recordings")
        _pick_queue_item(page, "demo-rec-001")
        assert _metric(page, "Precisión de la regla") == "—"
        audio = page.locator("audio").first
        audio.wait_for(state="attached")
        audio.evaluate("a => a.play()")
        page.wait_for_function(
            "() => { const a = document.querySelector('audio'); return a && !a.paused && a.currentTime > 18; }"
        )
        # What the browser plays is the masked copy from the media store, not the uploaded recording.
        played = page.request.get(audio.evaluate("a => a.currentSrc || a.src")).body()
        assert played == _masked_bytes(db_url, "demo-rec-001")
        _shot(page, "02-review-queue")

        page.get_by_label("Motivo").fill("Amenaza de cárcel audible en el segundo 18")
        page.get_by_role("button", name="Confirmar").click()
        page.get_by_text("Guardado: Confirmado").wait_for()
        _idle(page)
        # The confirmed finding left the queue at once: the jump to its interaction finds nothing left to review.
        page.get_by_text("no tiene hallazgos con estos filtros").wait_for()

        # A dismissed finding stops counting: an interaction whose only finding is dismissed scores higher.
        _pick_queue_item(page, _single_finding_item(db_url))
        before = _metric(page, "Puntuación")
        page.get_by_label("Motivo").fill("Falso positivo: el consumidor es el titular")
        page.get_by_role("button", name="Descartar").click()
        message = page.get_by_text("Guardado: Descartado")
        message.wait_for()
        text = message.inner_text()
        assert f"Puntuación {before} →" in text and not text.rstrip(".").endswith(f"→ {before}")
        _shot(page, "03-review-decision")

        for title, name in (("Agentes", "04-agents"), ("Reglas", "05-rules"), ("Carga de datos", "06-ingest")):
            _go(page, title)
            _shot(page, name)
        from dashboards.screenshots import busiest_account

        account = busiest_account(db_url)
        assert account is not None
        _go(page, "Legal")
        _search_account(page, account)
        _shot(page, "07-legal-search", height=2300)
        _seed_dispute(db_url)
        _go(page, "Disputas y calibración")
        page.get_by_text("alega").wait_for()
        _shot(page, "08-disputes", height=1600)

        # Legal opens a case under hold from the account's contacts and builds the evidence ZIP.
        _sign_in_as(page, "legal")
        _go(page, "Legal")
        _search_account(page, account)
        page.locator('[class*="st-key-lg_case_hold"] label').first.click()
        page.locator('[class*="st-key-lg_case_reason"] input').first.fill("Reclamación formal")
        page.get_by_role("button", name="Abrir caso").click()
        page.get_by_text("abierto con").wait_for()
        _idle(page)
        page.get_by_role("tab", name="Casos").click()
        page.get_by_role("button", name="Generar ZIP de evidencias").click()
        page.get_by_role("button", name="Verificar").click()
        page.get_by_text("Íntegro").wait_for()
        _idle(page)
        _shot(page, "09-legal-case", height=1500)

        # The supervisor's coaching page.
        _sign_in_as(page, "supervisor")
        _go(page, "Coaching")
        page.get_by_text("Agentes a acompañar").wait_for()
        _shot(page, "10-coaching", height=1200)
        assert _outside_references(page) == []
        browser.close()
    # Every page above loaded without one request to another host (fonts, icons and favicon are served locally).
    assert sorted(set(outside)) == []


def _masked_bytes(db_url: str, source_id: str) -> bytes:
    from sqlalchemy import select

    from qa.storage import models as m
    from qa.storage import open_database
    from transcription.masking import stored_masked

    db = open_database(db_url)
    with db.session() as s:
        stored = s.scalar(select(m.Interaction.audio_path).where(m.Interaction.source_id == source_id))
    db.dispose()
    path = stored_masked(stored)
    assert path is not None and path.parent.name == "masked"
    original = ROOT / "tests" / "fixtures" / "audio" / "es_stereo_threat.wav"
    assert path.read_bytes() != original.read_bytes()
    return path.read_bytes()


def _single_finding_item(db_url: str) -> str:
    """A queued interaction (not the one confirmed above) with exactly one active finding."""
    from qa.storage import open_database
    from qa.workflow import interactions, reviews, users

    db = open_database(db_url)
    with db.session() as s:
        analyst = users.get_principal(s, "analista")
        for item in reviews.review_queue(s, analyst, limit=500):
            if item.interaction == "demo-rec-001":
                continue
            active = [f for f in interactions.interaction_findings(s, analyst, item.interaction_id) if f.active]
            if len(active) == 1:
                db.dispose()
                return item.interaction
    db.dispose()
    raise AssertionError("the demo queue has no interaction with a single finding")


def _seed_dispute(db_url: str) -> None:
    """The admin confirms a finding of the demo agent, who disputes it (so the arbitration queue has an item)."""
    from sqlalchemy import select

    from qa.storage import models as m
    from qa.storage import open_database
    from qa.workflow import disputes, reviews, users

    db = open_database(db_url)
    with db.session() as s:
        agent, admin = users.get_principal(s, "agente"), users.get_principal(s, "admin")
        finding = s.scalar(
            select(m.Finding.id)
            .join(m.Interaction, m.Interaction.id == m.Finding.interaction_id)
            .where(m.Interaction.agent_id == agent.agent_id, m.Finding.active.is_(True))
            .order_by(m.Finding.severity, m.Finding.id)
            .limit(1)
        )
        version = reviews.get_review(s, admin, finding).version
        reviews.review_finding(s, admin, finding, "confirmed", reason="Confirmado en la escucha", expected_version=version)
        disputes.open_dispute(s, agent, finding, "El consumidor había aceptado la llamada a esa hora.")
    db.dispose()


def _search_account(page, account: str) -> None:
    page.get_by_label("Cuenta", exact=True).first.fill(account)
    page.get_by_role("button", name="Buscar").click()
    page.get_by_text("interacciones encontradas").wait_for()
    _idle(page)


def _sign_in_as(page, user: str) -> None:
    page.get_by_role("button", name="Cerrar sesión").click()
    page.get_by_label("Usuario").wait_for()
    page.get_by_label("Usuario").fill(user)
    page.get_by_label("Contraseña").fill("demo-password")
    page.get_by_role("button", name="Entrar").click()
    try:
        # Streamlit may keep the last page's address (e.g. Legal) when the new user may open it: go to Overview.
        page.get_by_role("button", name="Cerrar sesión").wait_for(timeout=120_000)
        _go(page, "Resumen")
        page.get_by_text("Infracciones / 100 contactos").first.wait_for(timeout=120_000)
    except Exception:
        _shot(page, f"zz-failed-sign-in-{user}")  # what the page showed instead
        raise
    _idle(page)


# Streamlit's own widget texts, English whatever the page's language.
STREAMLIT_ENGLISH = ("Choose options", "Choose an option", "Select all", "Browse files", "Drag and drop file", "per file",
                     "No results", "Upload")  # fmt: skip
WIDGET_TEXT = """() => [...document.querySelector('[data-testid="stMainBlockContainer"]').querySelectorAll(
    'label, button, [role="tab"], summary, [data-testid="stMetricLabel"], input[placeholder], [data-baseweb="select"]')]
    .map(e => (e.getAttribute('placeholder') || e.innerText || '').trim()).filter(Boolean)"""


def _language_problems(page, lang: str) -> list[str]:
    """English widget text on a Spanish page (or Spanish on an English one), and "None" anywhere on the page."""
    from dashboards.i18n import STRINGS

    other = {en if lang == "es" else es for es, en in STRINGS.values() if es != en and "{" not in es}
    texts = page.evaluate(WIDGET_TEXT)
    problems = [f"{lang}: widget text in the other language: {t!r}" for t in texts if t in other]
    body = page.locator('[data-testid="stMainBlockContainer"]').inner_text()
    if lang == "es":
        problems += [f"es: Streamlit's English text {w!r}" for w in STREAMLIT_ENGLISH if w in body]
    if re.search(r"\bNone\b", body):
        problems.append(f"{lang}: 'None' on the page")
    return problems


def test_every_page_loads_without_a_request_to_another_host(server):
    """An administrator opens every page in both languages; not one request may go to another host, no widget text is
    in the other language and no "None" is shown; every dropdown is opened and its options checked the same way.
    """
    from playwright.sync_api import sync_playwright

    from dashboards.i18n import t
    from dashboards.navigation import PAGES

    root = Path(__file__).resolve().parents[2] / "dashboards"
    keys = [spec.key for spec in PAGES if (root / spec.path).exists()]
    problems: list[str] = []
    opened = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        outside = _guard_requests(page)
        page.goto(server)
        page.get_by_label("Usuario").wait_for(timeout=60_000)
        page.get_by_label("Usuario").fill("admin")
        page.get_by_label("Contraseña").fill("demo-password")
        page.get_by_role("button", name="Entrar").click()
        page.get_by_text("Infracciones / 100 contactos").first.wait_for(timeout=60_000)
        _idle(page)
        for lang in ("es", "en"):
            if lang == "en":
                page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
                page.get_by_role("link", name=t("page.overview", "en")).wait_for()
                _idle(page)
            for key in keys:
                _go(page, t(f"page.{key}", lang))
                page.wait_for_timeout(300)
                assert _outside_references(page) == [], key
                problems += [f"{key} {p}" for p in _language_problems(page, lang)]
                found, count = dropdown_problems(page, lang, f"{lang}/{key}")  # every option list, opened
                problems += found
                opened += count
        browser.close()
    assert sorted(set(outside)) == []
    assert problems == []
    assert opened >= 20  # the option lists were really opened (queue filters, pickers, rules, legal, users...)
