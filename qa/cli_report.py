"""``qa report``: agent and team rankings with their trend, from stored scores."""

from __future__ import annotations

from datetime import date

import typer

from qa.performance_report import performance_text

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


def _window(daily, period: str, as_of: str | None, start: str | None, end: str | None):
    """Resolve --as-of / --from / --to into ``ranking`` arguments: (as_of, between, label).

    Without any of them the period is the last complete one with data (a week or month that has ended).
    """
    from qa.views.periods import latest_complete

    def _day(text: str, flag: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise typer.BadParameter(f"{flag} must be YYYY-MM-DD / {flag} debe ser AAAA-MM-DD: {text!r}") from None

    if (start is None) != (end is None):
        raise typer.BadParameter("--from and --to go together / --from y --to van juntos")
    if start is not None and end is not None:
        first, last = _day(start, "--from"), _day(end, "--to")
        if last < first:
            raise typer.BadParameter("--to is before --from / --to es anterior a --from")
        return None, (first, last)
    if as_of is not None:
        return _day(as_of, "--as-of"), None
    if daily.empty:
        return None, None
    days = sorted(daily["local_date"].dt.date.unique())
    if period == "day":
        before = [d for d in days if d < date.today()]
        return (before[-1] if before else days[-1]), None

    def newest_on_or_before(day: date):
        eligible = [d for d in days if d <= day]
        return eligible[-1] if eligible else None

    chosen = latest_complete(period, newest_on_or_before, days[-1], date.today())  # type: ignore[arg-type]
    return chosen.start, None


def _period_title(table, period: str, between, lang: str) -> str:
    if between is not None:
        return f"{'from' if lang == 'en' else 'del'} {between[0]} {'to' if lang == 'en' else 'al'} {between[1]}"
    return f"{_PERIOD_NAMES[lang][period]} {table['period'].iloc[0]}"


_FROM_HELP = "First local day of a custom range (with --to) / Primer día de un rango (con --to)."
_TO_HELP = "Last local day of a custom range (with --from) / Último día del rango (con --from)."
_AS_OF_HELP = "A date in the period to rank (default: the last complete period with data) / Fecha del periodo."


@report_app.command("agents")
def report_agents(
    period: str = typer.Option(
        "week", "--period", "-p", help="Period: day | week | month / Periodo: día (day), semana (week), mes (month)."
    ),
    as_of: str = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    start: str = typer.Option(None, "--from", help=_FROM_HELP),
    end: str = typer.Option(None, "--to", help=_TO_HELP),
    team: str = typer.Option(None, "--team", help="Only this team / Solo este equipo."),
    trend_periods: int = typer.Option(6, "--trend", help="Periods in the trend column / Periodos de la tendencia."),
    scorecard: str = typer.Option("default", "--scorecard", help="Scorecard name / Tarjeta de puntuación."),
    lang: str = typer.Option("en", "--lang", help="Language of the report: en | es / Idioma del informe."),
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
    day, between = _window(daily, period, as_of, start, end)
    table = ranking(daily, period, as_of=day, trend_periods=trend_periods, between=between)  # type: ignore[arg-type]
    if table.empty:
        typer.echo("No scored interactions for that period / No hay interacciones puntuadas en ese periodo.")
        raise typer.Exit(1)
    title = {"en": "Agent ranking", "es": "Ranking de agentes"}[lang]
    typer.echo(f"{title} — {_period_title(table, period, between, lang)} ({scorecard})")
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
    typer.echo(performance_text(database_url, period, day, between, team=team, scorecard=scorecard, lang=lang))  # issue 17


@report_app.command("teams")
def report_teams(
    period: str = typer.Option(
        "week", "--period", "-p", help="Period: day | week | month / Periodo: día (day), semana (week), mes (month)."
    ),
    as_of: str = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    start: str = typer.Option(None, "--from", help=_FROM_HELP),
    end: str = typer.Option(None, "--to", help=_TO_HELP),
    trend_periods: int = typer.Option(6, "--trend", help="Periods in the trend column / Periodos de la tendencia."),
    scorecard: str = typer.Option("default", "--scorecard", help="Scorecard name / Tarjeta de puntuación."),
    lang: str = typer.Option("en", "--lang", help="Language of the report: en | es / Idioma del informe."),
    database_url: str = typer.Option(None, "--database-url", help="Database URL / URL de la base de datos."),
) -> None:
    """Rank teams by QA score for a period / Ranking de equipos por periodo."""
    from qa.rankings import ranking

    if period not in ("day", "week", "month"):
        raise typer.BadParameter("period must be day, week or month / el periodo debe ser day, week o month")
    lang = "es" if lang == "es" else "en"
    daily = _load(database_url, scorecard)
    day, between = _window(daily, period, as_of, start, end)
    table = ranking(daily, period, as_of=day, trend_periods=trend_periods, keys=("team",), between=between)  # type: ignore[arg-type]
    if table.empty:
        typer.echo("No scored interactions for that period / No hay interacciones puntuadas en ese periodo.")
        raise typer.Exit(1)
    title = {"en": "Team ranking", "es": "Ranking de equipos"}[lang]
    typer.echo(f"{title} — {_period_title(table, period, between, lang)} ({scorecard})")
    kinds = ["int", "str", "int", "float", "pct", "int", "float", "delta", "str"]
    columns = ["rank", "team", "interactions", "score", "pass_rate", "auto_failed", "previous", "change", "trend"]
    rows = [[_fmt(row[c], k) for c, k in zip(columns, kinds, strict=True)] for _, row in table.iterrows()]
    typer.echo(_table(_TEAM_HEADERS[lang], rows))
    typer.echo(performance_text(database_url, period, day, between, scorecard=scorecard, lang=lang, by="team"))  # issue 17


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
