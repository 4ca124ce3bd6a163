"""``qa coaching open|list|follow-up``: coaching items from findings or from outcomes (a missed or broken promise)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from qa.workflow.cli_support import DB_OPTION, USER_OPTION, sign_in, workflow_session

coaching_app = typer.Typer(help="Coaching items / Ítems de coaching.", no_args_is_help=True)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _interaction_ids(session, source_ids: list[str]) -> list[int]:  # noqa: ANN001
    from sqlalchemy import select

    from qa.storage import models as m
    from qa.workflow.errors import NotFound

    found = []
    for source_id in source_ids:
        pk = session.scalar(select(m.Interaction.id).where(m.Interaction.source_id == source_id))
        if pk is None:
            raise NotFound(f"interaction {source_id!r} not found / interacción {source_id!r} no encontrada")
        found.append(pk)
    return found


@coaching_app.command("open")
def coaching_open(
    note: str = typer.Option(..., "--note", help="What to work on / Qué trabajar."),
    finding: Annotated[
        list[int] | None, typer.Option("--finding", help="A finding id (repeatable) / Un hallazgo (repetible).")
    ] = None,
    from_outcome: Annotated[
        list[str] | None,
        typer.Option(
            "--from-outcome",
            help="An interaction id whose outcome is a missed or broken promise (repeatable) / "
            "Una interacción con una promesa no obtenida o incumplida (repetible).",
        ),
    ] = None,
    due: str = typer.Option(None, "--due", help="Due date YYYY-MM-DD / Fecha límite."),
    user: str = USER_OPTION,
    database_url: str = DB_OPTION,
) -> None:
    """Open a coaching item for one agent from findings or from outcomes / Abre un ítem de coaching."""
    from qa.workflow import coaching

    if bool(finding) == bool(from_outcome):
        typer.echo("error: give --finding or --from-outcome (not both) / indique --finding o --from-outcome", err=True)
        raise typer.Exit(2)
    try:
        due_date = date.fromisoformat(due) if due else None
    except ValueError:
        typer.echo(f"error: --due {due!r} is not YYYY-MM-DD / no es AAAA-MM-DD", err=True)
        raise typer.Exit(2) from None
    with workflow_session(database_url) as s:
        who = sign_in(s, user)
        if finding:
            item = coaching.open_coaching(s, who, list(finding), note, due_date=due_date)
        else:
            item = coaching.open_coaching_from_outcomes(s, who, _interaction_ids(s, list(from_outcome)), note, due_date=due_date)
    typer.echo(f"coaching item / ítem de coaching {item.id}: agent / agente {item.agent}")
    for _, source_id, kind in item.outcomes:
        typer.echo(f"  {source_id}: {kind}")
    if item.families:
        typer.echo(f"  families / familias: {', '.join(item.families)}")
    if item.measures:
        typer.echo(f"  followed up on / seguimiento de: {', '.join(item.measures)}")


@coaching_app.command("list")
def coaching_list(
    status: str = typer.Option(None, "--status", help="Only this status: open | acknowledged / Solo este estado."),
    user: str = USER_OPTION,
    database_url: str = DB_OPTION,
) -> None:
    """The coaching items you may see / Los ítems de coaching que puede ver."""
    from qa.workflow import coaching

    with workflow_session(database_url) as s:
        items = coaching.list_coaching(s, sign_in(s, user), status=status)
    for item in items:
        what = ", ".join(item.families) or ", ".join(f"{source}: {kind}" for _, source, kind in item.outcomes)
        typer.echo(f"{item.id}\t{item.agent}\t{item.status}\t{item.due_date or '-'}\t{what}")


@coaching_app.command("follow-up")
def coaching_follow_up(
    item_id: int = typer.Argument(..., help="Coaching item / Ítem de coaching."),
    window_days: int = typer.Option(30, "--window-days", min=1, max=365, help="Days before and after / Días antes y después."),
    user: str = USER_OPTION,
    database_url: str = DB_OPTION,
) -> None:
    """Before and after: violation rate, and promise or kept rate for items from outcomes / Antes y después."""
    from qa.workflow import coaching

    with workflow_session(database_url) as s:
        follow = coaching.follow_up(s, sign_in(s, user), item_id, window_days=window_days)
    if follow.families:
        typer.echo(
            f"violation rate / tasa de infracción ({', '.join(follow.families)}): {_pct(follow.before.rate)} "
            f"({follow.before.interactions}) -> {_pct(follow.after.rate)} ({follow.after.interactions})"
        )
    for measure in follow.measures:
        typer.echo(
            f"{measure.measure}: {_pct(measure.before.rate)} ({measure.before.hits}/{measure.before.base}) -> "
            f"{_pct(measure.after.rate)} ({measure.after.hits}/{measure.after.base})"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(coaching_app, name="coaching")
