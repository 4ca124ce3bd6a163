"""``qa audit verify`` and ``qa audit log``: the hash-chained audit trail."""

from __future__ import annotations

import typer

from qa.workflow.cli_support import DB_OPTION, operator, workflow_session

audit_app = typer.Typer(help="Audit trail / Registro de auditoría.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(database_url: str = DB_OPTION) -> None:
    """Check the chain; exit 1 if an entry was edited or deleted / Verifica la cadena."""
    from qa.workflow.audit import verify

    with workflow_session(database_url) as s:
        result = verify(s, operator())
    for problem in result.problems:
        typer.echo(f"FAIL: {problem}", err=True)
    typer.echo(
        f"{'OK' if result.ok else 'FAILED / FALLÓ'}: {result.entries} entries / entradas, head / cabecera {result.head_hash}"
    )
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("log")
def audit_log(
    action: str = typer.Option(None, "--action", help="e.g. export, review, transcript.view_unredacted"),
    limit: int = typer.Option(50, "--limit"),
    database_url: str = DB_OPTION,
) -> None:
    """Show the newest entries / Muestra las entradas más recientes."""
    from qa.workflow.audit import entries

    with workflow_session(database_url) as s:
        rows = entries(s, operator(), action=action, limit=limit)
    for e in rows:
        typer.echo(f"{e['seq']:>6} {e['at'].isoformat(timespec='seconds')} {e['actor']:<16} {e['action']:<28} "
                   f"{e['object_type']}:{e['object_id']} {e['details']}")  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
