"""``qa ingest``, ``qa rescan`` and ``qa db``: load interactions into storage and keep them scanned."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

MAX_ERRORS_SHOWN = 20

_DB_HELP = "Database URL (default: QA_DATABASE_URL, else SQLite in QA_DATA_DIR) / URL de la base de datos."


def _print_summary(summary, verb_en: str, verb_es: str) -> None:
    typer.echo(
        f"{verb_en} / {verb_es}: {summary.stored} stored / guardadas, "
        f"{summary.duplicates} skipped as duplicate / omitidas por duplicadas, "
        f"{summary.failed} failed / fallidas ({summary.findings} findings / hallazgos; rule pack / paquete de reglas "
        f"{summary.rule_pack_version}; {summary.elapsed_s:.1f} s; run / corrida #{summary.run_id})"
    )
    for line in summary.errors[:MAX_ERRORS_SHOWN]:
        typer.echo(f"  failed / fallida: {line}")
    if len(summary.errors) > MAX_ERRORS_SHOWN:
        typer.echo(
            f"  … {len(summary.errors) - MAX_ERRORS_SHOWN} more / más; retry with / reintente con: qa ingest --retry-failed"
        )


def ingest_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders: .json, .jsonl, chat .csv, manifest .csv / Archivos o carpetas.")
    ] = None,
    retry_failed: bool = typer.Option(
        False, "--retry-failed", help="Also re-read the inputs of earlier failures / Reintentar fallidas."
    ),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes (default: CPU count) / Procesos."),
    chunk_size: int = typer.Option(1000, "--chunk-size", help="Interactions per task and transaction / Interacciones por tarea."),
    scorecard: str = typer.Option("default", "--scorecard", help="Scorecard name or YAML path / Tarjeta de puntuación."),
    database_url: str = typer.Option(None, "--database-url", help=_DB_HELP),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar / Barra de progreso."),
    executor_name: str = typer.Option(
        "local",
        "--executor",
        help="local: process pool on this machine; ray: Ray cluster (--workers = actors) / Dónde se procesa: local o ray.",
    ),
    address: str = typer.Option(
        None, "--address", help="Ray cluster address (default: RAY_ADDRESS, else a local Ray) / Dirección del clúster Ray."
    ),
) -> None:
    """Store interactions once, scanned and scored; rerunning finishes an interrupted run.

    Guarda las interacciones una sola vez, analizadas y puntuadas; repetir el comando completa una corrida interrumpida.
    """
    from qa.ingest import IngestOptions, ingest
    from qa.storage import open_database

    if not paths and not retry_failed:
        raise typer.BadParameter("give at least one PATH, or --retry-failed / indique una RUTA o --retry-failed")
    from qa.cli_paths import require_paths

    require_paths(paths or [])
    if executor_name not in ("local", "ray"):
        raise typer.BadParameter("--executor must be local or ray / --executor debe ser local o ray")
    if address and executor_name != "ray":
        raise typer.BadParameter("--address needs --executor ray / --address requiere --executor ray")
    db = open_database(database_url)
    options = IngestOptions(
        workers=workers, chunk_size=chunk_size, scorecard=scorecard, progress=progress, retry_failed=retry_failed
    )
    from qa.ingest.ray_executor import RayExecutor, RayUnavailableError  # imports Ray only when it runs
    from qa.ingest.worker import ScannerLoadError

    executor = RayExecutor(address=address, workers=workers) if executor_name == "ray" else None
    try:
        summary = ingest(db, list(paths or []), options, executor)
    except ScannerLoadError as exc:
        typer.echo(f"error: {exc} / no se pudo cargar el escáner", err=True)
        raise typer.Exit(2) from None
    except RayUnavailableError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    _print_summary(summary, "Ingest", "Ingesta")
    if executor is not None:
        st = executor.stats
        typer.echo(
            f"Ray: {st.workers} workers / trabajadores ({st.gpus_per_worker:g} GPU each / c/u), "
            f"{st.worker_deaths} died and replaced / caídos y reemplazados, {st.retried} tasks retried / tareas "
            f"reintentadas, {st.poisoned} inputs failed by a worker crash or error / entradas fallidas por caída o error "
            "del trabajador"
        )


def rescan_command(
    all_: bool = typer.Option(
        False, "--all", help="Rescan everything, not only what an older rule pack scanned / Reanalizar todo."
    ),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes / Procesos."),
    chunk_size: int = typer.Option(500, "--chunk-size", help="Interactions per task / Interacciones por tarea."),
    scorecard: str = typer.Option("default", "--scorecard", help="Scorecard name or YAML path / Tarjeta de puntuación."),
    database_url: str = typer.Option(None, "--database-url", help=_DB_HELP),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar / Barra de progreso."),
) -> None:
    """Rescan stored interactions with the current rule packs, recording raised and dropped findings.

    Reanaliza las interacciones guardadas con las reglas actuales y registra los hallazgos nuevos y retirados.
    """
    from qa.rescan import RescanOptions, rescan
    from qa.storage import open_database

    db = open_database(database_url)
    from qa.ingest.worker import ScannerLoadError

    try:
        summary = rescan(
            db, RescanOptions(workers=workers, chunk_size=chunk_size, scorecard=scorecard, progress=progress, all=all_)
        )
    except ScannerLoadError as exc:
        typer.echo(f"error: {exc} / no se pudo cargar el escáner", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"Rescan / Reanálisis: {summary.interactions} interactions / interacciones with rule pack / con el paquete "
        f"{summary.rule_pack_version}: {summary.raised} findings raised / hallazgos nuevos, "
        f"{summary.dropped} dropped / retirados, "
        f"{summary.failed} failed / fallidas ({summary.elapsed_s:.1f} s)"
    )
    for line in summary.errors[:MAX_ERRORS_SHOWN]:
        typer.echo(f"  failed / fallida: {line}")


db_app = typer.Typer(help="Database schema / Esquema de la base de datos.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(
    revision: str = typer.Argument("head", help="Target revision / Revisión destino."),
    database_url: str = typer.Option(None, "--database-url", help=_DB_HELP),
) -> None:
    """Apply migrations up to REVISION / Aplica las migraciones hasta REVISION."""
    from qa.storage import make_engine, migrate

    engine = make_engine(database_url)
    migrate.upgrade(engine, revision)
    typer.echo(f"{engine.url.render_as_string(hide_password=True)}: {migrate.current_revision(engine)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: str = typer.Argument(..., help="Target revision, e.g. base (drops every table) / Revisión destino."),
    database_url: str = typer.Option(None, "--database-url", help=_DB_HELP),
) -> None:
    """Revert migrations down to REVISION / Revierte las migraciones hasta REVISION."""
    from qa.storage import make_engine, migrate

    engine = make_engine(database_url)
    migrate.downgrade(engine, revision)
    typer.echo(f"{engine.url.render_as_string(hide_password=True)}: {migrate.current_revision(engine) or 'base'}")


@db_app.command("info")
def db_info(database_url: str = typer.Option(None, "--database-url", help=_DB_HELP)) -> None:
    """Show the database URL, schema revision and row counts / Muestra la base, su revisión y conteos."""
    from qa.storage import open_database
    from qa.storage.queries import table_counts

    db = open_database(database_url)
    typer.echo(f"database / base: {db.url}")
    from qa.storage import migrate

    typer.echo(f"revision / revisión: {migrate.current_revision(db.engine)}")
    with db.session() as s:
        for table, count in table_counts(s).items():
            typer.echo(f"  {table}: {count}")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.command("rescan")(rescan_command)
    app.add_typer(db_app, name="db")
