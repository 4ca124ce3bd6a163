"""The filter bar shared by pages: the period picker, teams and jurisdictions (options from the viewer's scope).

The period is a week, a calendar month or a custom range of local days; by default the last
complete period with data in the viewer's scope (:mod:`qa.views.periods`), never simply "the
latest period with data", so a few new contacts dated later do not replace the whole floor.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from dashboards import data, state
from qa.views import Filters
from qa.views.periods import KINDS, Period, period_of, periods_between

DATE_FORMAT = {"es": "DD/MM/YYYY", "en": "MM/DD/YYYY"}


def period_picker(key: str) -> Period | None:
    """Draw the period picker; return the chosen period (None when the viewer's scope holds no data)."""
    who = state.principal()
    options = data.filter_options(state.db_url(), who)
    first, last = options["start"], options["end"]
    if first is None:
        return None
    lang = state.lang()
    cols = st.columns([1, 1.6])
    with cols[0]:
        kind = st.segmented_control(
            state.tr("f.period"), list(KINDS), format_func=lambda k: state.tr(f"period.{k}"), default="week", key=f"{key}_kind"
        )
    kind = kind or "week"
    default = data.default_period(state.db_url(), who, "month" if kind == "month" else "week", date.today())
    default = default or period_of("week", last)
    with cols[1]:
        if kind == "custom":
            start = max(first, min(default.start, last))
            picked = st.date_input(
                state.tr("f.range"),
                value=(start, min(default.end, last)),
                min_value=first,
                max_value=last,
                key=f"{key}_dates",
                format=DATE_FORMAT.get(lang, "YYYY-MM-DD"),
                help=state.tr("f.period_note"),
            )
            begin, end = _range(picked, start, min(default.end, last))
            return Period("custom", begin, end)
        choices = periods_between(kind, first, last)
        index = choices.index(default) if default in choices else 0
        return st.selectbox(
            state.tr(f"f.which_{kind}"),
            choices,
            index=index,
            format_func=lambda p: p.label(lang),
            key=f"{key}_{kind}",
            help=state.tr("f.period_note"),
        )


def filter_bar(key: str, *, show_teams: bool = True) -> tuple[Filters, Period | None]:
    """The period picker, then teams and jurisdictions; the filters span the chosen period."""
    who = state.principal()
    options = data.filter_options(state.db_url(), who)
    period = period_picker(key)
    if period is None:
        return Filters(), None
    cols = st.columns(2 if show_teams else 1)
    teams: tuple[str, ...] = ()
    if show_teams:
        with cols[0]:
            teams = tuple(
                st.multiselect(
                    state.tr("f.teams"),
                    options["teams"],
                    key=f"{key}_teams",
                    placeholder=state.tr("f.all"),
                    select_all=select_all(),
                )  # fmt: skip
            )
    with cols[-1]:
        jurisdictions = tuple(
            st.multiselect(
                state.tr("f.jurisdictions"),
                options["jurisdictions"],
                key=f"{key}_jur",
                placeholder=state.tr("f.all"),
                select_all=select_all(),
            )  # fmt: skip
        )
    return Filters(start=period.start, end=period.end, teams=teams, jurisdictions=jurisdictions), period


def select_all() -> bool:
    """Whether a multiselect offers Streamlit's "Select all": its text is English only, so only on English pages."""
    return state.lang() == "en"


def widened(filters: Filters, start: date) -> Filters:
    """The same filters from an earlier first day (for trends that lead up to the chosen period)."""
    return replace(filters, start=min(start, filters.start) if filters.start else start)


def _range(picked, default_start: date, default_end: date) -> tuple[date, date]:
    if isinstance(picked, tuple | list):
        if len(picked) == 2:
            return picked[0], picked[1]
        if len(picked) == 1:
            return picked[0], picked[0]
        return default_start, default_end
    return picked, picked
