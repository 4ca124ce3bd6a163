"""``qa payments``: import payments and mark promises to pay kept, partly kept or broken (issue 17, docs/outcomes.md)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

payments_app = typer.Typer(help="Payments and promise standing / Pagos y estado de las promesas.", no_args_is_help=True)

_DB_HELP = "Database URL / URL de la base de datos."
_GRACE_HELP = (
    "Days after the due date before an unpaid promise is broken (default: the scorecard's performance.grace_days) / "
    "Días de gracia tras la fecha comprometida (por defecto: performance.grace_days de la tarjeta)."
)
_AS_OF_HELP = "Evaluate as of this moment, ISO 8601 with offset (default: now) / Evaluar a esta fecha y hora (con zona)."
_STATUS = {
    "pending": "pending / pendientes",
    "kept": "kept / cumplidas",
    "partly_kept": "partly kept / cumplidas en parte",
    "broken": "broken / incumplidas",
}


def _as_of(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"--as-of must be ISO 8601 / --as-of debe ser ISO 8601: {text[:40]!r}") from None
    if value.utcoffset() is None:
        raise typer.BadParameter("--as-of needs a UTC offset / --as-of necesita la zona (p. ej. -05:00)")
    return value


def _grace(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 90:
        raise typer.BadParameter("--grace-days must be 0-90 / --grace-days debe estar entre 0 y 90")
    return value


def _print_standings(standings: dict[str, int]) -> None:
    text = ", ".join(f"{standings.get(k, 0)} {label}" for k, label in _STATUS.items())
    typer.echo(f"Promises / Promesas: {text}")


@payments_app.command("import")
def payments_import(
    file: Annotated[Path, typer.Argument(help="Payments CSV: account, paid_at, amount, currency / CSV de pagos.")],
    grace_days: int = typer.Option(None, "--grace-days", help=_GRACE_HELP),
    as_of: str = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    database_url: str = typer.Option(None, "--database-url", help=_DB_HELP),
) -> None:
    """Import payments, then mark each promise kept, partly kept or broken / Importa pagos y evalúa las promesas.

    Bad rows are reported with their line and reason and the rest is imported; exit code 1 when any row was bad.
    """
    from qa.payments import import_payments
    from qa.storage import open_database

    if not file.is_file():
        typer.echo(f"error: {file}: no such file / no existe el archivo", err=True)
        raise typer.Exit(2)
    moment, grace = _as_of(as_of), _grace(grace_days)
    db = open_database(database_url)
    try:
        with db.session() as session:
            summary = import_payments(session, file, now=moment, grace_days=grace)
    finally:
        db.dispose()
    for error in summary.errors:
        typer.echo(f"skipped / omitido: {error}", err=True)
    typer.echo(
        f"Payments / Pagos: {summary.read} read / leídos, {summary.imported} imported / importados, "
        f"{summary.already} already imported / ya importados, {len(summary.errors)} bad rows / filas con errores"
    )
    _print_standings(summary.standings)
    if summary.errors:
        raise typer.Exit(1)


@payments_app.command("evaluate")
def payments_evaluate(
    grace_days: int = typer.Option(None, "--grace-days", help=_GRACE_HELP),
    as_of: str = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    database_url: str = typer.Option(None, "--database-url", help=_DB_HELP),
) -> None:
    """Re-evaluate every promise against the stored payments (run daily) / Reevalúa todas las promesas (a diario)."""
    from qa.payments import evaluate_promises
    from qa.storage import open_database

    moment, grace = _as_of(as_of), _grace(grace_days)
    db = open_database(database_url)
    try:
        with db.session() as session:
            standings = evaluate_promises(session, now=moment, grace_days=grace)
    finally:
        db.dispose()
    _print_standings(standings)


def register(app: typer.Typer) -> None:
    app.add_typer(payments_app, name="payments")
