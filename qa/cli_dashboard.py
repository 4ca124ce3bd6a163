"""``qa dashboard``: start the Streamlit dashboards (and, with ``--demo-users``, create one demo user per role).

The server always starts the same way, with or without a terminal: headless (no browser is
opened unless ``--open-browser``), no e-mail prompt, no usage statistics, no file watcher. The
page fonts and the icon font are Streamlit's own static files, served by this server; the
favicon is an inline emoji, so no page asks anything of another host.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

APP = Path(__file__).resolve().parents[1] / "dashboards" / "app.py"

# Streamlit options that make a start repeatable on any machine (CI, IDE task, nohup, Docker without -it).
SERVER_FLAGS = {
    "server.headless": "true",
    "server.showEmailPrompt": "false",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "viewer",
    "global.developmentMode": "false",
}


def streamlit_command(port: int, address: str, open_browser: bool = False) -> list[str]:
    """The ``streamlit run`` command line for the dashboards."""
    flags = {**SERVER_FLAGS, "server.port": str(port), "server.address": address}
    if open_browser:
        flags["server.headless"] = "false"
    command = [sys.executable, "-m", "streamlit", "run", str(APP)]
    for name, value in flags.items():
        command += [f"--{name}", value]
    return command


def dashboard_url(address: str, port: int) -> str:
    host = "localhost" if address in ("", "0.0.0.0", "::") else address
    return f"http://{host}:{port}"


def dashboard_command(
    port: int = typer.Option(8501, "--port", help="HTTP port / Puerto HTTP."),
    address: str = typer.Option("localhost", "--address", help="Address to listen on / Dirección de escucha."),
    open_browser: bool = typer.Option(
        False,
        "--open-browser/--headless",
        help="Open a browser on this machine (default: no) / Abrir el navegador (por defecto no).",
    ),
    demo_users: bool = typer.Option(
        False, "--demo-users", help="Create the demo users first (one per role) / Crear usuarios demo."
    ),
    database_url: str = typer.Option(None, "--database-url", help="Database URL / URL de la base de datos."),
) -> None:
    """Start the dashboards (Streamlit) and print their address.

    Inicia los paneles (Streamlit) e imprime su dirección.
    """
    env = dict(os.environ)
    # Streamlit writes nothing to the user's home and reads no credentials file from it.
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    env["STREAMLIT_SERVER_SHOW_EMAIL_PROMPT"] = "false"
    if database_url:
        env["QA_DATABASE_URL"] = database_url
    if demo_users:
        from qa.storage import open_database
        from qa.workflow.users import DEMO_PASSWORD, create_demo_users

        db = open_database(database_url)
        with db.session() as s:
            users = create_demo_users(s)
        typer.echo("Demo users / Usuarios demo:")
        for user in users:
            typer.echo(f"  {user.username:<11} {user.role:<11} {user.agent_code or user.team_code or ''}")
        typer.echo(f"Demo password / contraseña demo: {DEMO_PASSWORD}")
        env["QA_DEMO"] = "1"
    url = dashboard_url(address, port)
    typer.echo(f"Dashboards / Paneles: {url}  (Ctrl+C to stop / para detener)", err=False)
    sys.stdout.flush()
    raise typer.Exit(subprocess.call(streamlit_command(port, address, open_browser), env=env, stdin=subprocess.DEVNULL))


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard_command)
