"""``qa dashboard``: start the Streamlit dashboards (and, with ``--demo-users``, create one demo user per role)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

APP = Path(__file__).resolve().parents[1] / "dashboards" / "app.py"


def dashboard_command(
    port: int = typer.Option(8501, "--port", help="HTTP port / Puerto HTTP."),
    address: str = typer.Option("localhost", "--address", help="Address to listen on / Dirección de escucha."),
    headless: bool = typer.Option(False, "--headless", help="Do not open a browser / No abrir el navegador."),
    demo_users: bool = typer.Option(
        False, "--demo-users", help="Create the demo users first (one per role) / Crear usuarios demo."
    ),
    database_url: str = typer.Option(None, "--database-url", help="Database URL / URL de la base de datos."),
) -> None:
    """Start the dashboards in the browser (Streamlit).

    Inicia los paneles en el navegador (Streamlit).
    """
    env = dict(os.environ)
    if database_url:
        env["QA_DATABASE_URL"] = database_url
    if demo_users:
        from qa.storage import open_database
        from qa.workflow.users import DEMO_PASSWORD, create_demo_users

        db = open_database(database_url)
        with db.session() as s:
            users = create_demo_users(s)
        for user in users:
            typer.echo(f"  {user.username:<11} {user.role:<11} {user.agent_code or user.team_code or ''}")
        typer.echo(f"Demo password / contraseña demo: {DEMO_PASSWORD}")
        env["QA_DEMO"] = "1"
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port), "--server.address", address,
               "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
               "--server.headless", "true" if headless else "false"]  # fmt: skip
    raise typer.Exit(subprocess.call(command, env=env))


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard_command)
