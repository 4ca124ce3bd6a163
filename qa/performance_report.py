"""The collection-results table printed under ``qa report agents`` and ``qa report teams`` (issue 17)."""

from __future__ import annotations

from datetime import date, timedelta

HEADERS = {
    "en": ["Agent", "Team", "Contacts", "Per day", "RPC %", "Promise %", "Kept %", "Promised", "Collected", "Compl.", "Overall"],
    "es": [
        "Agente",
        "Equipo",
        "Contactos",
        "Por día",
        "% CPC",
        "% promesa",
        "% cumplidas",
        "Prometido",
        "Recaudado",
        "Cumpl.",
        "General",
    ],
}
TITLE = {
    "en": "Collection results (RPC: right-party contact; overall: {gate} compliance gate, weights {weights})",
    "es": "Resultados de cobranza (CPC: contacto con el titular; general: umbral de cumplimiento {gate}, pesos {weights})",
}
EMPTY = {"en": "No call outcomes stored for that period.", "es": "No hay resultados de llamadas en ese periodo."}


def period_bounds(period: str, day: date | None, between: tuple[date, date] | None) -> tuple[date, date] | None:
    """The local days of the ranked period: ``between``, or the day, ISO week (Monday first) or month holding ``day``."""
    if between is not None:
        return between
    if day is None:
        return None
    if period == "day":
        return day, day
    if period == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def money(amounts: dict[str, float]) -> str:
    return "; ".join(f"{currency} {value:,.0f}" for currency, value in sorted(amounts.items())) or "—"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def performance_text(
    database_url: str | None,
    period: str,
    day: date | None,
    between: tuple[date, date] | None,
    *,
    team: str | None = None,
    scorecard: str = "default",
    lang: str = "en",
    by: str = "agent",
) -> str:
    """The table (or a line saying there is nothing), for the same period as the compliance ranking above it."""
    from qa.cli_report import _table
    from qa.performance import performance
    from qa.scoring import load_scorecard
    from qa.storage import open_database

    lang = "es" if lang == "es" else "en"
    bounds = period_bounds(period, day, between)
    if bounds is None:
        return EMPTY[lang]
    config = load_scorecard(scorecard).performance
    card = load_scorecard(scorecard).name
    db = open_database(database_url)
    try:
        with db.session() as session:
            rows = performance(session, *bounds, by=by, team=team, scorecard=card, config=config)
    finally:
        db.dispose()
    if not rows:
        return EMPTY[lang]
    headers = HEADERS[lang] if by == "agent" else HEADERS[lang][1:]
    body = []
    for p in rows:
        cells = [
            p.key if by == "agent" else None,
            p.team or "—",
            str(p.contacts),
            num(p.contacts_per_day),
            pct(p.right_party_rate),
            pct(p.promise_rate),
            pct(p.kept_rate),
            money(p.promised),
            money(p.collected),
            num(p.compliance),
            num(p.overall),
        ]
        body.append([c for c in cells if c is not None] if by == "agent" else cells[1:])
    weights = ", ".join(f"{k} {v:g}" for k, v in config.weights.items())
    title = TITLE[lang].format(gate=f"{config.gate:g}", weights=weights)
    return f"\n{title} — {bounds[0]} – {bounds[1]}\n" + _table(headers, body)
