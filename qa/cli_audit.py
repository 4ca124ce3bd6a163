"""``qa audit verify``, ``qa audit anchor`` and ``qa audit log``: the hash-chained audit trail."""

from __future__ import annotations

from pathlib import Path

import typer

from qa.workflow.cli_support import DB_OPTION, operator, workflow_session

audit_app = typer.Typer(help="Audit trail / Registro de auditoría.", no_args_is_help=True)


@audit_app.command("anchor")
def audit_anchor(
    out: str = typer.Option(None, "--out", "-o", help="Append the anchor line to this file / Añade el ancla a este archivo."),
    database_url: str = DB_OPTION,
) -> None:
    """Print (or append to a file) the head hash, to keep outside the database / Ancla la cabecera fuera de la base."""
    from qa.workflow.audit import anchor

    with workflow_session(database_url) as s:
        line = anchor(s, operator())
    if out:
        with Path(out).open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    typer.echo(line)


@audit_app.command("verify")
def audit_verify(
    anchor: str = typer.Option(
        None, "--anchor", help="Anchor line, or a file whose last anchor line is checked / Ancla, o archivo de anclas."
    ),
    database_url: str = DB_OPTION,
) -> None:
    """Check the chain (and an anchor); exit 1 if an entry was edited or deleted / Verifica la cadena."""
    from qa.workflow.audit import ANCHOR_FORMAT, verify

    anchor_text = None
    if anchor is not None:
        anchor_text = anchor
        if not anchor.startswith(ANCHOR_FORMAT):
            try:
                lines = [ln for ln in Path(anchor).read_text(encoding="utf-8").splitlines() if ln.startswith(ANCHOR_FORMAT)]
            except (OSError, UnicodeDecodeError) as exc:
                typer.echo(f"error: cannot read the anchor file / no se puede leer el ancla: {exc}", err=True)
                raise typer.Exit(2) from None
            anchor_text = lines[-1] if lines else ""
    with workflow_session(database_url) as s:
        result = verify(s, operator(), anchor_text=anchor_text)
    for problem in result.problems:
        typer.echo(f"FAIL: {problem}", err=True)
    typer.echo(
        f"{'OK' if result.ok else 'FAILED / FALLÓ'}: {result.entries} entries / entradas, head / cabecera {result.head_hash}"
    )
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("log")
def audit_log(
    action: str = typer.Option(
        None, "--action", help="Only this action, e.g. export, review, transcript.view_unredacted / Solo esta acción."
    ),
    limit: int = typer.Option(50, "--limit", help="Most recent entries shown / Entradas más recientes mostradas."),
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
