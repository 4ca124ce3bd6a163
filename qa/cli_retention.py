"""``qa retention apply``: delete expired interactions, never one under legal hold."""

from __future__ import annotations

import typer

from qa.workflow.cli_support import DB_OPTION, operator, workflow_session

retention_app = typer.Typer(help="Retention / Conservación de datos.", no_args_is_help=True)


@retention_app.command("apply")
def retention_apply(
    days: int = typer.Option(None, "--days", help="Retention period (default QA_RETENTION_DAYS or 1825) / Periodo en días."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only list what would go / Solo lista lo que se borraría."),
    database_url: str = DB_OPTION,
) -> None:
    """Delete interactions older than the period, sparing legal holds, and record what went / Aplica la retención."""
    from qa.workflow.retention import apply_retention

    with workflow_session(database_url) as s:
        result = apply_retention(s, operator(), days=days, dry_run=dry_run)
    verb = "would delete / se borrarían" if dry_run else "deleted / borradas"
    typer.echo(f"cutoff / corte: {result.cutoff.isoformat(timespec='seconds')} ({result.days} days / días)")
    typer.echo(f"{verb}: {len(result.deleted)}; kept under legal hold / conservadas por retención legal: {len(result.held)}")
    for source_id in result.held:
        typer.echo(f"  held / retenida: {source_id}")
    if result.run_id is not None:
        typer.echo(f"retention run / ejecución: {result.run_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
