"""``qa retention apply/tombstones/lift``: delete expired interactions (never one under legal hold); tombstones."""

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


@retention_app.command("tombstones")
def retention_tombstones(
    include_lifted: bool = typer.Option(False, "--all", help="Also lifted ones / También las levantadas."),
    database_url: str = DB_OPTION,
) -> None:
    """List what ingest refuses because retention purged it / Lista las lápidas que la ingesta respeta."""
    from qa.workflow.tombstones import list_tombstones

    with workflow_session(database_url) as s:
        rows = list_tombstones(s, operator(), include_lifted=include_lifted)
    for t in rows:
        lifted = f"lifted / levantada {t.lifted_at:%Y-%m-%d} by {t.lifted_by}" if t.lifted_at else "active / activa"
        typer.echo(f"{t.id:>6} run {t.run_id:<4} {t.source_id:<24} {t.content_hash[:16]} {lifted}")


@retention_app.command("lift")
def retention_lift(
    source_id: str = typer.Option(None, "--id", help="Interaction id / Id de la interacción."),
    content_hash: str = typer.Option(None, "--hash", help="Content hash / Hash del contenido."),
    reason: str = typer.Option(..., "--reason", help="Why / Motivo."),
    database_url: str = DB_OPTION,
) -> None:
    """Let a purged interaction be ingested again (audited) / Permite volver a ingerir una interacción purgada."""
    from qa.workflow.tombstones import lift

    with workflow_session(database_url) as s:
        n = lift(s, operator(), source_id=source_id, content_hash=content_hash, reason=reason)
    typer.echo(f"lifted / levantadas: {n}")


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
