"""Collection results beside compliance (issue 17): panels the Overview and Agents pages call in one line each.

``overview_panel``: the period's contacts per day, right-party-contact, promise and kept rates, promised and
collected amounts, and the table per collector (or team) with compliance and the overall score; then the
supervisors' "Today" list. ``agent_panel``: the same measures for one collector. Every query is scoped to the
viewer (an agent sees only their own rows, a supervisor their team).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from dashboards import components as ui
from dashboards import formatting as fmt
from dashboards import state
from dashboards.data import TTL
from dashboards.outcome_coaching import coach_from_outcomes
from dashboards.state import db, scope_of
from qa.workflow.access import Principal, Role

_COLUMNS = ["key", "name", "team", "contacts", "contacts_per_day", "right_party_rate", "promise_rate", "kept_rate"]


def _money(amounts: dict[str, float], lang: str) -> str:
    return fmt.amounts(amounts, lang)


def _due(text: str | None, lang: str) -> str:
    """A "Today" item's due date, or a callback's local time (both ISO text), in the viewer's locale."""
    if not text:
        return fmt.MISSING
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return fmt.day(moment, lang) if len(str(text)) <= 10 else fmt.when(moment, lang)


def _compact(amounts: dict[str, float], lang: str) -> str:
    """Amounts short enough for a metric tile (``COP 9,5 M · USD 12 k``); the full figures go in its help."""
    return fmt.amounts(amounts, lang, short=True)


@st.cache_data(ttl=TTL, show_spinner=False)
def performance_rows(url: str, who: Principal, start: date, end: date, by: str = "agent", lang: str = "es") -> pd.DataFrame:
    from qa.performance import performance

    with db().session() as s:
        rows = performance(s, start, end, by=by, scope=scope_of(who))
    frame = pd.DataFrame([r.as_dict() for r in rows])
    if frame.empty:
        return frame
    frame["promised_text"] = frame["promised"].map(lambda a: _money(a, lang))
    frame["collected_text"] = frame["collected"].map(lambda a: _money(a, lang))
    return frame


@st.cache_data(ttl=TTL, show_spinner=False)
def today_rows(url: str, who: Principal, today: date) -> tuple[pd.DataFrame, date]:
    """The "Today" list as of ``today``, or as of the last day with outcomes when the data ends before it (a demo)."""
    from qa.performance import today_list
    from qa.storage.outcome_models import OutcomeRow

    with db().session() as s:
        last = s.scalar(select(func.max(OutcomeRow.local_date)))
        day = min(today, last) if last is not None else today
        items = today_list(s, day, scope=scope_of(who))
    return pd.DataFrame([asdict(i) for i in items]), day


def _totals(frame: pd.DataFrame) -> dict[str, float | None]:
    contacts, right = frame["contacts"].sum(), (frame["right_party_rate"].fillna(0) * frame["contacts"]).sum()
    promises, kept = frame["promises"].sum(), frame["kept"].sum()
    settled = (frame["kept"] + frame["partly_kept"] + frame["broken"]).sum()
    days = (frame["contacts"] / frame["contacts_per_day"]).sum()
    return {
        "per_day": contacts / days if days else None,
        "rpc": right / contacts if contacts else None,
        "promise": promises / right if right else None,
        "kept": kept / settled if settled else None,
    }


def _sum_amounts(series: pd.Series) -> dict[str, float]:
    total: dict[str, float] = {}
    for amounts in series:
        for currency, value in amounts.items():
            total[currency] = total.get(currency, 0.0) + value
    return total


def _caption() -> str:
    from qa.scoring import load_scorecard

    config = load_scorecard("default").performance
    lang = state.lang()
    weights = ", ".join(f"{state.tr('oc.' + _WEIGHT_KEYS[k])} {fmt.plain(v, lang)}" for k, v in config.weights.items())
    return state.tr("oc.caption", gate=fmt.plain(config.gate, lang), weights=weights)


_WEIGHT_KEYS = {"compliance": "compliance", "right_party_rate": "rpc", "promise_rate": "promise_rate", "kept_rate": "kept_rate"}


def _metrics(frame: pd.DataFrame) -> None:
    totals = _totals(frame)
    cols = st.columns(6)
    cols[0].metric(state.tr("oc.per_day"), ui.fmt_num(totals["per_day"], 1))
    cols[1].metric(state.tr("oc.rpc"), ui.fmt_pct(totals["rpc"]))
    cols[2].metric(state.tr("oc.promise_rate"), ui.fmt_pct(totals["promise"]))
    cols[3].metric(state.tr("oc.kept_rate"), ui.fmt_pct(totals["kept"]), help=state.tr("oc.kept_help"))
    promised, collected = _sum_amounts(frame["promised"]), _sum_amounts(frame["collected"])
    lang = state.lang()
    cols[4].metric(state.tr("oc.promised"), _compact(promised, lang), help=_money(promised, lang))
    cols[5].metric(state.tr("oc.collected"), _compact(collected, lang), help=_money(collected, lang))


def _table(frame: pd.DataFrame, by: str) -> None:
    shown = frame[[*_COLUMNS, "promised_text", "collected_text", "compliance", "overall"]]
    if by == "team":
        shown = shown.drop(columns=["name", "team"])
    rows = len(shown)
    shown = fmt.styled(shown, state.lang(), {"contacts": "int", "contacts_per_day": "num1", "right_party_rate": "pct",
                                             "promise_rate": "pct", "kept_rate": "pct", "compliance": "num1"})  # fmt: skip
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * rows),
        column_config={
            "key": state.tr("col.agent") if by == "agent" else state.tr("col.team"),
            "name": state.tr("col.agent"),
            "team": state.tr("col.team"),
            "contacts": state.tr("oc.contacts"),
            "contacts_per_day": st.column_config.NumberColumn(state.tr("oc.per_day")),
            "right_party_rate": st.column_config.NumberColumn(state.tr("oc.rpc")),
            "promise_rate": st.column_config.NumberColumn(state.tr("oc.promise_rate")),
            "kept_rate": st.column_config.NumberColumn(state.tr("oc.kept_rate")),
            "promised_text": state.tr("oc.promised"),
            "collected_text": state.tr("oc.collected"),
            "compliance": st.column_config.NumberColumn(state.tr("oc.compliance")),
            "overall": ui.score_column(state.tr("oc.overall")),
        },
    )


def overview_panel(who: Principal, start: date, end: date) -> None:
    """The period's collection results for the viewer's scope, per collector and per team, then the "Today" list."""
    st.markdown(f"#### {state.tr('oc.title')}")
    frame = performance_rows(state.db_url(), who, start, end, "agent", state.lang())
    if frame.empty:
        st.info(state.tr("oc.none"))
    else:
        st.caption(_caption())
        _metrics(frame)
        by_agent, by_team = st.tabs([state.tr("oc.by_collector"), state.tr("oc.by_team")])
        with by_agent:
            _table(frame, "agent")
        with by_team:
            teams = performance_rows(state.db_url(), who, start, end, "team", state.lang())
            if not teams.empty:
                _table(teams, "team")
    if who.role != Role.AGENT:
        today_panel(who)


def today_panel(who: Principal, today: date | None = None) -> None:
    """Broken promises and agreed callbacks due, per collector."""
    frame, day = today_rows(state.db_url(), who, today or date.today())
    st.markdown(f"#### {state.tr('today.title')}")
    lang = state.lang()
    st.caption(state.tr("today.caption", day=fmt.day(day, lang)))
    if day != (today or date.today()):
        st.caption(state.tr("today.as_of", day=fmt.day(day, lang)))
    if frame.empty:
        st.info(state.tr("today.empty"))
        return
    frame = frame.assign(
        kind=frame["kind"].map(lambda k: state.tr(f"today.{k}")),
        amount=[fmt.money(a, c, lang) if c else fmt.MISSING for a, c in zip(frame["amount"], frame["currency"], strict=True)],
        due=frame["due"].map(lambda d: _due(d, lang)),
        agent=frame["agent_name"].fillna(frame["agent"]),
    )
    st.dataframe(
        frame[["agent", "kind", "account", "interaction", "due", "amount"]],
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(frame)),
        column_config={
            "agent": state.tr("col.agent"),
            "kind": state.tr("today.kind"),
            "account": state.tr("today.account"),
            "interaction": state.tr("today.interaction"),
            "due": state.tr("today.due"),
            "amount": state.tr("today.amount"),
        },
    )


def agent_panel(who: Principal, agent_code: str, start: date, end: date) -> None:
    """One collector's collection results in the period (the rows are already scoped to the viewer)."""
    frame = performance_rows(state.db_url(), who, start, end, "agent", state.lang())
    st.markdown(f"#### {state.tr('oc.agent')}")
    mine = frame[frame["key"] == agent_code] if not frame.empty else frame
    if mine.empty:
        st.info(state.tr("oc.none"))
        return
    _metrics(mine)
    row = mine.iloc[0]
    cols = st.columns(3)
    cols[0].metric(state.tr("oc.compliance"), ui.fmt_num(row["compliance"], 1))
    cols[1].metric(state.tr("oc.overall"), ui.fmt_num(row["overall"], 1))
    cols[2].metric(state.tr("oc.hardship"), ui.fmt_num(row["hardship"]))
    coach_from_outcomes(who, agent_code)  # a missed or broken promise opens a coaching item
