"""Screenshots of every dashboard page in Spanish and English, for the tour in docs/dashboards.md.

    .venv/bin/qa demo-data --database-url sqlite:///PATH          # the demo floor (as `make demo` loads it)
    .venv/bin/python -m dashboards.screenshots --database-url sqlite:///PATH --out docs/screenshots --seed-workflow

Starts the app on a free local port against that database, signs in with the demo users in Debian's Chromium
(driven by Playwright; nothing is fetched from another host, every such request is blocked), opens every page
in both languages and saves ``<lang>-<nn>-<page>.png``. Each picture is the top of the page at 1280 px wide
(at most ``--height`` px tall), reduced to a 256-colour palette and optimised, so the set stays small.
``--seed-workflow`` first records, through the workflow services and as the demo users, what an ordinary day
leaves behind (reviews, a dispute, a coaching item, a case on legal hold, a calibration session), so those pages
are not empty; without it the database is only read.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
# (page key, user who shows it best): every page is opened by the admin except the agent's own scorecard view.
SHOTS = [("overview", "admin"), ("queue", "analista"), ("agents", "admin"), ("agents", "agente"), ("coaching", "supervisor"),
         ("disputes", "supervisor"), ("legal", "legal"), ("rules", "admin"), ("ingest", "admin"), ("users", "admin")]  # fmt: skip


def seed_workflow(url: str) -> None:
    """Reviews, a dispute, a coaching item, a case on hold and a calibration session, recorded by the demo users."""
    from sqlalchemy import select

    from qa.storage import models as m
    from qa.storage import open_database
    from qa.workflow import calibration, cases, coaching, disputes, reviews, users

    db = open_database(url)
    with db.session() as s:
        users.create_demo_users(s)  # idempotent, as `qa dashboard --demo-users`
    with db.session() as s:
        who = {name: users.get_principal(s, name) for name in ("agente", "supervisor", "analista", "legal", "admin")}
        own = (
            select(m.Finding.id)
            .join(m.Interaction, m.Interaction.id == m.Finding.interaction_id)
            .where(m.Interaction.agent_id == who["agente"].agent_id, m.Finding.active.is_(True), m.Finding.learned.is_(False))
            .order_by(m.Interaction.started_at.desc(), m.Finding.id)
        )
        findings = list(s.scalars(own.limit(6)))
        for n, finding in enumerate(findings[:4]):
            version = reviews.get_review(s, who["analista"], finding).version
            decision = "dismissed" if n == 3 else "confirmed"
            reviews.review_finding(
                s, who["analista"], finding, decision, reason="Revisado en la escucha", expected_version=version
            )
        disputes.open_dispute(s, who["agente"], findings[0], "El consumidor pidió que lo llamáramos a esa hora.")
        coaching.open_coaching(s, who["supervisor"], findings[1:3], "Repasar el horario permitido y cómo cerrar la llamada.",
                               due_date=date.today() + timedelta(days=7))  # fmt: skip
        account = busiest_account(url)
        cases.open_case(s, who["legal"], f"Reclamo de la cuenta {account}", account=account, legal_hold=True,
                        hold_reason="Queja ante la Superintendencia")  # fmt: skip
        interactions = list(s.scalars(select(m.Finding.interaction_id).where(m.Finding.active.is_(True)).distinct().limit(3)))
        calibration.create_calibration(s, who["analista"], "Calibración semanal", interactions, ["analista", "supervisor"])
    db.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "QA_DATABASE_URL": url, "QA_DEMO": "1"}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboards" / "app.py"), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--client.toolbarMode", "viewer"]  # fmt: skip
    proc = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("streamlit did not start: " + log.read_text())


def _idle(page) -> None:
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=120_000)


def _sign_in(page, base: str, user: str, lang: str) -> None:
    from dashboards.i18n import t

    page.context.clear_cookies()
    page.goto(base)
    page.get_by_label("Usuario").wait_for(timeout=120_000)
    page.get_by_label("Usuario").fill(user)
    page.get_by_label("Contraseña").fill("demo-password")
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("link", name=t("page.overview", "es")).wait_for(timeout=120_000)
    _idle(page)
    if lang == "en":
        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).first.click()
        page.get_by_role("link", name=t("page.overview", "en")).wait_for()
        _idle(page)


def _settle(page) -> None:
    """Wait until the run is over and no element is still a loading placeholder (tables, charts)."""
    for _ in range(3):
        page.wait_for_timeout(1000)
        _idle(page)
        try:
            page.wait_for_selector('[data-testid="stSkeleton"]', state="detached", timeout=30_000)
        except Exception:  # noqa: BLE001 - a placeholder that stays is photographed as it is
            pass
    page.wait_for_timeout(800)  # charts finish their transition


def busiest_account(url: str) -> str | None:
    """The account with the most contacts (the Legal page's search in the tour)."""
    from sqlalchemy import func, select

    from qa.storage import models as m
    from qa.storage import open_database

    db = open_database(url)
    with db.session() as s:
        code = s.scalar(
            select(m.Account.code)
            .join(m.Interaction, m.Interaction.account_id == m.Account.id)
            .group_by(m.Account.code)
            .order_by(func.count().desc(), m.Account.code)
            .limit(1)
        )
    db.dispose()
    return code


def _prepare(page, key: str, lang: str, account: str | None) -> None:
    """What a user does first on the page before it is worth a picture: Legal searches the busiest account."""
    from dashboards.i18n import t

    if key == "legal" and account:
        page.get_by_label(t("lg.account", lang), exact=True).first.fill(account)
        page.get_by_role("button", name=t("lg.search", lang)).click()
        _idle(page)


def _save(page, path: Path, height: int) -> int:
    """Screenshot the top ``height`` px of the page, as a 256-colour optimised PNG; return its size in bytes."""
    from PIL import Image

    _settle(page)
    page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 1280, "height": height})
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return path.stat().st_size


def capture(url: str, out: Path, height: int = 1500) -> list[tuple[str, int]]:
    from playwright.sync_api import sync_playwright

    from dashboards.i18n import t

    out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    proc = _serve(url, port, Path(tempfile.mkstemp(prefix="qa-screenshots-", suffix=".log")[1]))
    base, saved, outside = f"http://127.0.0.1:{port}", [], []
    account = busiest_account(url)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": height})

            def _route(route) -> None:
                local = urlparse(route.request.url).hostname in ("127.0.0.1", "localhost")
                if local or route.request.url.startswith(("data:", "blob:")):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.context.route("**/*", _route)
            for lang in ("es", "en"):
                user = None
                for n, (key, who) in enumerate(SHOTS, start=1):
                    if who != user:
                        _sign_in(page, base, who, lang)
                        user = who
                    page.get_by_role("link", name=t(f"page.{key}", lang)).click()
                    _idle(page)
                    _prepare(page, key, lang, account)
                    name = f"{lang}-{str(n).zfill(2)}-{key}" + ("-agent" if who == "agente" else "") + ".png"
                    saved.append((name, _save(page, out / name, height)))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    if outside:
        raise SystemExit(f"requests to another host were made (and blocked): {sorted(set(outside))}")
    return saved


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--height", type=int, default=1500)
    parser.add_argument("--seed-workflow", action="store_true")
    args = parser.parse_args(argv)
    if args.seed_workflow:
        seed_workflow(args.database_url)
    shots = capture(args.database_url, Path(args.out), args.height)
    for name, size in shots:
        print(f"{name}\t{round(size / 1024)} KiB")
    print(f"total\t{round(sum(size for _, size in shots) / 1024 / 1024, 2)} MiB in {len(shots)} files")


if __name__ == "__main__":
    main()
