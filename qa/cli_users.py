"""``qa users add/list/disable/reset-password/demo``: workflow users and their roles."""

from __future__ import annotations

import os

import typer

from qa.workflow.cli_support import DB_OPTION, operator, workflow_session

users_app = typer.Typer(help="Users and roles / Usuarios y roles.", no_args_is_help=True)


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Login name / Nombre de usuario."),
    role: str = typer.Option(
        ..., "--role", "-r", help="Role: agent | supervisor | qa_analyst | legal | admin / Rol del usuario."
    ),
    agent: str = typer.Option(None, "--agent", help="Agent code, for agents / Código del agente."),
    team: str = typer.Option(None, "--team", help="Team code, for supervisors / Código del equipo."),
    name: str = typer.Option(None, "--name", help="Display name / Nombre visible."),
    database_url: str = DB_OPTION,
) -> None:
    """Add a user; the password comes from QA_NEW_PASSWORD or a prompt / Añade un usuario."""
    from qa.workflow.users import add_user

    password = os.environ.get("QA_NEW_PASSWORD") or typer.prompt(
        "Password / Contraseña", hide_input=True, confirmation_prompt=True
    )
    with workflow_session(database_url) as s:
        user = add_user(s, operator(), username, password, role, display_name=name, agent_code=agent, team_code=team)
    typer.echo(f"added / creado: {user.username} ({user.role})")


@users_app.command("list")
def users_list(database_url: str = DB_OPTION) -> None:
    """List users / Lista los usuarios."""
    from qa.workflow.users import list_users

    with workflow_session(database_url) as s:
        users = list_users(s, operator())
    for u in users:
        scope = u.agent_code or u.team_code or "-"
        typer.echo(f"{u.username:<20} {u.role:<11} {scope:<12} {'active/activo' if u.active else 'disabled/desactivado'}")


@users_app.command("disable")
def users_disable(
    username: str = typer.Argument(..., help="Login name / Nombre de usuario."), database_url: str = DB_OPTION
) -> None:
    """Disable a user (kept for the audit trail) / Desactiva un usuario."""
    from qa.workflow.users import disable_user

    with workflow_session(database_url) as s:
        disable_user(s, operator(), username)
    typer.echo(f"disabled / desactivado: {username}")


@users_app.command("reset-password")
def users_reset_password(
    username: str = typer.Argument(..., help="Login name / Nombre de usuario."), database_url: str = DB_OPTION
) -> None:
    """Set a new password (from QA_NEW_PASSWORD or a prompt); audited / Restablece la contraseña de un usuario."""
    from qa.workflow.users import set_password

    password = os.environ.get("QA_NEW_PASSWORD") or typer.prompt(
        "New password / Contraseña nueva", hide_input=True, confirmation_prompt=True
    )
    with workflow_session(database_url) as s:
        set_password(s, operator(), username, password)
    typer.echo(f"password reset / contraseña restablecida: {username}")


@users_app.command("demo")
def users_demo(database_url: str = DB_OPTION) -> None:
    """Create one demo user per role (password 'demo-password') / Crea un usuario de demostración por rol."""
    from qa.workflow.users import DEMO_PASSWORD, create_demo_users

    with workflow_session(database_url) as s:
        users = create_demo_users(s)
    for u in users:
        typer.echo(f"{u.username:<12} {u.role:<11} {u.agent_code or u.team_code or ''}")
    typer.echo(f"password / contraseña: {DEMO_PASSWORD}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
