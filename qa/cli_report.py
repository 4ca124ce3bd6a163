"""``qa report``: agent and team rankings with their trend, from stored scores."""

from __future__ import annotations

from datetime import date

import typer

report_app = typer.Typer(help="Rankings and trends / Rankings y tendencias.", no_args_is_help=True)

_HEADERS = {
    "en": ["#", "Agent", "Name", "Team", "Int.", "Score", "Pass %", "Auto-fail", "Prev.", "Change", "Trend"],
    "es": ["#", "Agente", "Nombre", "Equipo", "Int.", "Puntaje", "% aprob.", "Fallo aut.", "Anterior", "Cambio", "Tendencia"],
}
_TEAM_HEADERS = {
    "en": ["#", "Team", "Int.", "Score", "Pass %", "Auto-fail", "Prev.", "Change", "Trend"],
    "es": ["#", "Equipo", "Int.", "Puntaje", "% aprob.", "Fallo aut.", "Anterior", "Cambio", "Tendencia"],
}
_PERIOD_NAMES = {"en": {"day": "day", "week": "week", "month": "month"}, "es": {"day": "día", "week": "semana", "month": "mes"}}


def _fmt(value, kind: str) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if kind == "pct":
        return f"{100 * value:.0f}%"
    if kind == "delta":
        return f"{value:+.1f}"
    if kind == "float":
        return f"{value:.1f}"
    if kind == "int":
        return str(int(value))
    return str(value)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    return "\n".join(lines)


def _load(database_url: str | None, scorecard: str):
    from qa.rankings import daily_frame
    from qa.storage import open_database
    from qa.storage.queries import daily_agent_scores

    db = open_database(database_url)
    with db.session() as session:
        rows = daily_agent_scores(session, scorecard=scorecard)
    db.dispose()
    return daily_frame(rows)


@report_app.command("agents")
def report_agents(
    period: str = typer.Option("week", "--period", "-p", help="day | week | month"),
    as_of: str = typer.Option(None, "--as-of", help="A date in the period to rank (default: latest) / Fecha del periodo."),
    team: str = typer.Option(None, "--team", help="Only this team / Solo este equipo."),
    trend_periods: int = typer.Option(6, "--trend", help="Periods in the trend column / Periodos de la tendencia."),
    scorecard: str = typer.Option("default", "--scorecard", help="Scorecard name / Tarjeta de puntuación."),
    lang: str = typer.Option("en", "--lang", help="en | es"),
    database_url: str = typer.Option(None, "--database-url", help="Database URL / URL de la base de datos."),
) -> None:
    """Rank agents by QA score for a period, with change and trend / Ranking de agentes por periodo con tendencia."""
    from qa.rankings import ranking

    if period not in ("day", "week", "month"):
        raise typer.BadParameter("period must be day, week or month / el periodo debe ser day, week o month")
    lang = "es" if lang == "es" else "en"
    daily = _load(database_url, scorecard)
    if team:
        daily = daily[daily["team"] == team]
    table = ranking(daily, period, as_of=date.fromisoformat(as_of) if as_of else None, trend_periods=trend_periods)  # type: ignore[arg-type]
    if table.empty:
        typer.echo("No scored interactions for that period / No hay interacciones puntuadas en ese periodo.")
        raise typer.Exit(1)
    title = {"en": "Agent ranking", "es": "Ranking de agentes"}[lang]
    typer.echo(f"{title} — {_PERIOD_NAMES[lang][period]} {table['period'].iloc[0]} ({scorecard})")
    kinds = ["int", "str", "str", "str", "int", "float", "pct", "int", "float", "delta", "str"]
    columns = [
        "rank",
        "agent",
        "agent_name",
        "team",
        "interactions",
        "score",
        "pass_rate",
        "auto_failed",
        "previous",
        "change",
        "trend",
    ]
    rows = [[_fmt(row[c], k) for c, k in zip(columns, kinds, strict=True)] for _, row in table.iterrows()]
    typer.echo(_table(_HEADERS[lang], rows))


@report_app.command("teams")
def report_teams(
    period: str = typer.Option("week", "--period", "-p", help="day | week | month"),
    as_of: str = typer.Option(None, "--as-of", help="A date in the period to rank (default: latest) / Fecha del periodo."),
    trend_periods: int = typer.Option(6, "--trend", help="Periods in the trend column / Periodos de la tendencia."),
    scorecard: str = typer.Option("default", "--scorecard", help="Scorecard name / Tarjeta de puntuación."),
    lang: str = typer.Option("en", "--lang", help="en | es"),
    database_url: str = typer.Option(None, "--database-url", help="Database URL / URL de la base de datos."),
) -> None:
    """Rank teams by QA score for a period / Ranking de equipos por periodo."""
    from qa.rankings import ranking

    if period not in ("day", "week", "month"):
        raise typer.BadParameter("period must be day, week or month / el periodo debe ser day, week o month")
    lang = "es" if lang == "es" else "en"
    table = ranking(
        _load(database_url, scorecard),
        period,
        as_of=date.fromisoformat(as_of) if as_of else None,  # type: ignore[arg-type]
        trend_periods=trend_periods,
        keys=("team",),
    )
    if table.empty:
        typer.echo("No scored interactions for that period / No hay interacciones puntuadas en ese periodo.")
        raise typer.Exit(1)
    title = {"en": "Team ranking", "es": "Ranking de equipos"}[lang]
    typer.echo(f"{title} — {_PERIOD_NAMES[lang][period]} {table['period'].iloc[0]} ({scorecard})")
    kinds = ["int", "str", "int", "float", "pct", "int", "float", "delta", "str"]
    columns = ["rank", "team", "interactions", "score", "pass_rate", "auto_failed", "previous", "change", "trend"]
    rows = [[_fmt(row[c], k) for c, k in zip(columns, kinds, strict=True)] for _, row in table.iterrows()]
    typer.echo(_table(_TEAM_HEADERS[lang], rows))


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
