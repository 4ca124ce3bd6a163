"""What the workflow's CLI commands share: the database, signing in, and errors turned into exit codes.

Commands acting for a person take ``--user NAME``; the password comes from ``QA_PASSWORD`` or
a hidden prompt. Maintenance commands (``qa users``, ``qa retention``, ``qa audit verify``)
run as the system operator: whoever can reach the database already holds every right.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from qa.workflow.access import Principal
from qa.workflow.errors import WorkflowError

USER_OPTION = typer.Option(..., "--user", "-u", help="Acting user (password from QA_PASSWORD or a prompt) / Usuario que actúa.")
DB_OPTION = typer.Option(None, "--database-url", help="Database URL / URL de la base de datos.")


@contextmanager
def workflow_session(database_url: str | None) -> Iterator:
    """Open the database and one transaction; a :class:`WorkflowError` becomes ``error: ...`` and exit code 2."""
    from qa.storage import open_database

    db = open_database(database_url)
    try:
        with db.session() as session:
            yield session
    except WorkflowError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        db.dispose()


def sign_in(session, username: str) -> Principal:
    """Sign in through the throttle (address ``cli``); the attempt is recorded even when the command then fails."""
    from qa.workflow.signin import sign_in as checked_sign_in

    password = os.environ.get("QA_PASSWORD") or typer.prompt(f"Password for / Contraseña de {username}", hide_input=True)
    return checked_sign_in(session.get_bind(), username, password, address="cli")


def operator() -> Principal:
    return Principal.system(os.environ.get("USER") or "cli")
