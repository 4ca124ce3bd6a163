"""``qa demo-data``: load the seeded demo floor into the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer


def demo_data_command(
    seed: int = typer.Option(None, "--seed", help="Random seed (same seed, same data) / Semilla."),
    end: str = typer.Option(None, "--end", help="Last day, YYYY-MM-DD (default 2026-10-30) / Último día."),
    days: int = typer.Option(90, "--days", help="Days of history / Días de historia."),
    out: str = typer.Option(None, "--out", help="Folder for the generated files (default: data dir/demo) / Carpeta."),
    recordings: bool = typer.Option(
        True, "--recordings/--no-recordings", help="Add the fixture recordings / Incluir grabaciones."
    ),
    workers: int = typer.Option(None, "--workers", "-j", help="Worker processes / Procesos."),
    database_url: str = typer.Option(None, "--database-url", help="Database URL / URL de la base de datos."),
) -> None:
    """Write a realistic demo data set (25 agents, 3 teams, 90 days) through the real scanner.

    Genera un conjunto de demostración realista (25 agentes, 3 equipos, 90 días) analizado por el escáner real.
    """
    from qa.cli_ingest import _print_summary
    from qa.ingest.worker import ScannerLoadError
    from qa.storage import open_database

    db = open_database(database_url)
    try:
        summaries, with_audio = _load(db, seed, end, days, out, recordings, workers)
    except ScannerLoadError as exc:
        typer.echo(f"error: {exc} / no se pudo cargar el escáner", err=True)
        raise typer.Exit(2) from None
    for summary in summaries:
        _print_summary(summary, "Demo data", "Datos de demostración")
    if recordings and not with_audio:
        typer.echo("No fixture recordings found (tests/fixtures/audio) / No se encontraron grabaciones de prueba.")


def _load(db, seed, end, days, out, recordings, workers):
    from qa.demo_data import DEFAULT_END, DEFAULT_SEED, load_demo

    return load_demo(
        db,
        seed=DEFAULT_SEED if seed is None else seed,
        end=date.fromisoformat(end) if end else DEFAULT_END,
        days=days,
        folder=Path(out) if out else None,
        recordings=recordings,
        workers=workers,
    )


def register(app: typer.Typer) -> None:
    app.command("demo-data")(demo_data_command)
