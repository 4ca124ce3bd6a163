"""The filter bar shared by pages: date range, teams and jurisdictions (options from the viewer's scope)."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboards import data, state
from qa.views import Filters


def filter_bar(key: str, *, default_days: int | None = None, show_teams: bool = True) -> Filters:
    who = state.principal()
    options = data.filter_options(state.db_url(), who)
    first, last = options["start"], options["end"]
    if first is None:
        return Filters()
    begin = max(first, last - timedelta(days=default_days - 1)) if default_days else first
    cols = st.columns([1.3, 1, 1] if show_teams else [1.3, 1])
    with cols[0]:
        picked = st.date_input(
            state.tr("f.dates"), value=(begin, last), min_value=first, max_value=last, key=f"{key}_dates", format="YYYY-MM-DD"
        )
    start, end = _range(picked, begin, last)
    teams: tuple[str, ...] = ()
    if show_teams:
        with cols[1]:
            teams = tuple(
                st.multiselect(state.tr("f.teams"), options["teams"], key=f"{key}_teams", placeholder=state.tr("f.all"))
            )
    with cols[-1]:
        jurisdictions = tuple(
            st.multiselect(state.tr("f.jurisdictions"), options["jurisdictions"], key=f"{key}_jur", placeholder=state.tr("f.all"))
        )
    return Filters(start=start, end=end, teams=teams, jurisdictions=jurisdictions)


def _range(picked, default_start: date, default_end: date) -> tuple[date, date]:
    if isinstance(picked, tuple | list):
        if len(picked) == 2:
            return picked[0], picked[1]
        if len(picked) == 1:
            return picked[0], picked[0]
        return default_start, default_end
    return picked, picked
