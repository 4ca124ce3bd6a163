"""Coaching from outcomes on the dashboards (issue 17): open an item from a missed or broken promise, and follow it up.

``coach_from_outcomes`` (Agents page, under the collector's results): a supervisor picks the collector's
right-party contacts without a promise and broken promises, writes a note and opens a coaching item
(:func:`qa.workflow.coaching.open_coaching_from_outcomes`). ``follow_up_measures`` (Coaching page, in an
item's card): the promise rate and kept rate before and after coaching.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st
from sqlalchemy import select

from dashboards import components as ui
from dashboards import formatting as fmt
from dashboards import state
from dashboards.data import TTL
from dashboards.filters import select_all
from dashboards.literal import md
from qa.storage import models as m
from qa.workflow import coaching
from qa.workflow.access import Principal, Right
from qa.workflow.coaching_outcomes import CoachableOutcome, coachable_outcomes
from qa.workflow.errors import WorkflowError


@st.cache_data(ttl=TTL, show_spinner=False)
def coachable(url: str, who: Principal, agent_code: str) -> list[CoachableOutcome]:
    with state.db().session() as s:
        agent_id = s.scalar(select(m.Agent.id).where(m.Agent.code == agent_code))
        return [] if agent_id is None else coachable_outcomes(s, who, agent_id)


def _option(c: CoachableOutcome, lang: str) -> str:
    text = f"{fmt.day(c.local_date, lang)} · {c.source_id} · {state.tr('oco.kind.' + c.kind)}"
    if c.kind == "broken_promise" and c.amount is not None:
        text += f" · {fmt.money(c.amount, c.currency, lang)}"
    return text


def coach_from_outcomes(who: Principal, agent_code: str) -> None:
    """For a coach: open a coaching item from the collector's missed or broken promises."""
    if not who.can(Right.COACH):
        return
    lang = state.lang()
    flash = st.session_state.pop("oco_flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    found = coachable(state.db_url(), who, agent_code)
    with st.expander(state.tr("oco.title"), icon=":material/school:"):
        st.caption(state.tr("oco.caption"))
        if not found:
            st.info(state.tr("oco.none"))
            return
        options = {c.interaction_id: _option(c, lang) for c in found}
        n = st.session_state.get("oco_form_n", 0)  # new keys after each item: the form comes back empty
        with st.form(f"oco_form_{agent_code}_{n}", border=False):
            chosen = st.multiselect(state.tr("oco.pick"), list(options), format_func=options.get,
                                    key=f"oco_pick_{agent_code}_{n}", placeholder=state.tr("oco.pick_hint"),
                                    select_all=select_all())  # fmt: skip
            cols = st.columns([3, 1])
            note = cols[0].text_area(state.tr("co.note"), key=f"oco_note_{agent_code}_{n}", height=80)
            today = date.today()
            due = cols[1].date_input(state.tr("co.due"), value=today + timedelta(days=7), min_value=today,
                                     key=f"oco_due_{agent_code}_{n}")  # fmt: skip
            if st.form_submit_button(state.tr("co.open"), type="primary", icon=":material/school:"):
                try:
                    with state.db().session() as s:
                        item = coaching.open_coaching_from_outcomes(s, who, chosen, note or "", due_date=due)
                except WorkflowError as exc:
                    st.error(state.tr("error", msg=md(str(exc))))
                else:
                    state.data_changed()
                    st.session_state["oco_flash"] = ("success", state.tr("co.opened", id=item.id, agent=md(item.agent)))
                    st.session_state["oco_form_n"] = n + 1
                    st.rerun()


def follow_up_measures(item: coaching.CoachingView, follow: coaching.FollowUp) -> None:
    """The contacts an item was opened from, and its promise / kept rate before and after coaching."""
    if not item.outcomes:
        return
    lang = state.lang()
    opened = ", ".join(f"{md(source)} ({state.tr('oco.kind.' + kind)})" for _, source, kind in item.outcomes)
    st.caption(state.tr("oco.opened_from", what=opened))
    for measure in follow.measures:
        name = state.tr("oc.promise_rate" if measure.measure == "promise_rate" else "oc.kept_rate")
        c = st.columns([1, 1, 1, 2])
        c[0].metric(
            f"{name} · {state.tr('co.before')}", ui.fmt_pct(measure.before.rate), help=state.tr(f"oco.{measure.measure}_help")
        )
        delta = None if measure.change is None else fmt.signed(100 * measure.change, lang, 1, "pp")
        c[1].metric(f"{name} · {state.tr('co.after')}", ui.fmt_pct(measure.after.rate), delta=delta)
        c[2].metric(
            state.tr("oco.counts"),
            f"{fmt.number(measure.before.hits, lang)}/{fmt.number(measure.before.base, lang)} → "
            f"{fmt.number(measure.after.hits, lang)}/{fmt.number(measure.after.base, lang)}",
        )
