"""A real headless Chromium drives the dashboards: an analyst signs in, opens the queue, plays the recording
from the flagged second, confirms the finding, dismisses another and sees the score change; screenshots of
every page go to ``test-artifacts/screenshots/``.

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and the ``playwright`` package; Playwright's
own browser downloads are never used.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(600)  # let charts finish their transition
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _idle(page) -> None:
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)


def _go(page, title: str) -> None:
    page.get_by_role("link", name=title).click()
    _idle(page)


def _pick_queue_item(page, source_id: str) -> None:
    page.locator('[class*="st-key-q_pick_"]').first.click()
    page.keyboard.type(source_id)
    page.get_by_role("option").filter(has_text=source_id).first.click()
    page.get_by_text(f"Interacción {source_id}").wait_for()
    _idle(page)
    page.wait_for_timeout(500)


def _metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_analyst_reviews_a_recorded_call_in_a_real_browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(server)
        page.get_by_label("Usuario").wait_for(timeout=60_000)
        _shot(page, "00-login")
        page.get_by_label("Usuario").fill("analista")
        page.get_by_label("Contraseña").fill("demo-password")
        page.get_by_role("button", name="Entrar").click()
        page.get_by_text("Infracciones / 100 contactos").first.wait_for(timeout=60_000)
        _idle(page)
        _shot(page, "01-overview")

        _go(page, "Cola de revisión")
        page.get_by_text("Pendientes de revisión").wait_for()
        _pick_queue_item(page, "demo-rec-001")
        assert _metric(page, "Precisión de la regla") == "—"
        audio = page.locator("audio").first
        audio.wait_for(state="attached")
        audio.evaluate("a => a.play()")
        page.wait_for_function(
            "() => { const a = document.querySelector('audio'); return a && !a.paused && a.currentTime > 18; }"
        )
        _shot(page, "02-review-queue")

        page.get_by_label("Motivo").fill("Amenaza de cárcel audible en el segundo 18")
        page.get_by_role("button", name="Confirmar").click()
        page.get_by_text("Guardado: Confirmado").wait_for()
        _idle(page)
        # The confirmed finding left the queue at once: it is no longer offered.
        page.locator('[class*="st-key-q_pick_"]').first.click()
        page.keyboard.type("demo-rec-001")
        assert page.get_by_role("option").filter(has_text="demo-rec-001").count() == 0
        page.keyboard.press("Escape")

        # A dismissed false positive stops counting: the interaction's score changes on screen.
        _pick_queue_item(page, "demo-rec-003")
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
        for title, name in (("Legal", "07-legal"), ("Disputas y calibración", "08-disputes")):
            if page.get_by_role("link", name=title).count():
                _go(page, title)
                _shot(page, name)
        browser.close()
