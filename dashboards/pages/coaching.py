"""Coaching: agents to coach ranked by risk, coaching items opened from findings, acknowledgements, before/after rates.

Supervisors coach their team; an agent sees and acknowledges only their own items; an admin reads every item.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import components as ui
from dashboards import data, outcome_coaching, state
from dashboards import formatting as fmt
from dashboards.filters import period_picker, select_all
from dashboards.i18n import label
from dashboards.literal import md
from dashboards.navigation import BY_KEY
from qa.views.coaching import risk_ranking
from qa.workflow import coaching as services
from qa.workflow.access import Right
from qa.workflow.errors import WorkflowError

spec = BY_KEY["coaching"]
who = state.require_page(*spec.rights, roles=spec.roles)
ui.page_header("page.coaching")
url = state.db_url()
lang = state.lang()
coaches = who.can(Right.COACH)
acknowledges = who.can(Right.ACKNOWLEDGE_COACHING)

flash = st.session_state.pop("co_flash", None)
if flash:
    getattr(st, flash[0])(flash[1])

items = data.coaching_items(url, who)
pending = [i for i in items if i.status != "acknowledged"]
today = date.today()
k = st.columns(4)
k[0].metric(state.tr("co.open_items"), ui.fmt_num(len(pending)))
k[1].metric(state.tr("co.acknowledged"), ui.fmt_num(len(items) - len(pending)))
k[2].metric(state.tr("co.overdue"), ui.fmt_num(sum(1 for i in pending if i.due_date and i.due_date < today)))
k[3].metric(state.tr("co.total"), ui.fmt_num(len(items)))


def _risk_section() -> None:
    directory = data.agent_directory(url, who)
    st.markdown(f"#### {state.tr('co.to_coach')}")
    chosen = period_picker("co")
    daily = data.daily_scores(url, who, None, None)
    if directory.empty or daily.empty or chosen is None:
        st.info(state.tr("ag.none"))
        return
    open_by_agent: dict[str, int] = {}
    for item in pending:
        open_by_agent[item.agent] = open_by_agent.get(item.agent, 0) + 1
    period = "month" if chosen.kind == "month" else "week"
    between = (chosen.start, chosen.end) if chosen.kind == "custom" else None
    ranked = risk_ranking(daily, open_by_agent, period, as_of=chosen.start, between=between)
    st.caption(state.tr("co.to_coach_period"))
    st.dataframe(
        fmt.styled(ranked.drop(columns=["agent", "trend"]), lang,
                   {"interactions": "int", "pass_rate": "pct", "auto_failed": "int", "change": "signed", "open_items": "int"}),
        hide_index=True, width="stretch", height=min(320, 38 + 35 * len(ranked)),
        column_config={
            "risk_rank": st.column_config.NumberColumn(state.tr("co.risk_rank"), width="small"),
            "agent_name": state.tr("col.agent"), "team": state.tr("col.team"),
            "interactions": state.tr("col.interactions"),
            "score": ui.score_column(state.tr("col.score")),
            "pass_rate": st.column_config.NumberColumn(state.tr("col.pass_rate")),
            "auto_failed": state.tr("k.auto_failed"),
            "change": st.column_config.NumberColumn(state.tr("col.change")),
            "open_items": state.tr("co.open_items"),
        },
    )  # fmt: skip
    if not coaches or ranked.empty:
        return
    ids = dict(zip(directory["code"], directory["id"], strict=True))
    names = dict(zip(ranked["agent"], ranked["agent_name"], strict=True))
    st.markdown(f"#### {state.tr('co.new_item')}")
    code = st.selectbox(state.tr("col.agent"), list(names), format_func=names.get, key="co_agent")
    findings = data.coachable_findings(url, who, int(ids[code]))
    if findings.empty:
        st.info(state.tr("co.no_findings"))
        return
    options = {
        int(r.finding_id): f"{fmt.day(r.local_date, lang)} · {r.source_id} · {label('sev', r.severity, lang)} · {r.rule_id} · "
        f"{label('state', r.review_state, lang)} · «{r.evidence[:60]}»"
        for r in findings.itertuples(index=False)
    }
    # After an item is opened the form and its widgets get new keys: they come back empty, and a second
    # click on the old button submits nothing.
    n = st.session_state.get("co_form_n", 0)
    sfx = f"_{n}" if n else ""
    with st.form(f"co_form_{code}{sfx}", border=True, clear_on_submit=True):
        chosen = st.multiselect(
            state.tr("co.findings"),
            list(options),
            format_func=options.get,
            key=f"co_findings_{code}{sfx}",
            placeholder=state.tr("co.pick_findings"),
            select_all=select_all(),
        )
        c = st.columns([3, 1])
        note = c[0].text_area(state.tr("co.note"), key=f"co_note_{code}{sfx}", height=90)
        due = c[1].date_input(state.tr("co.due"), value=today + timedelta(days=7), min_value=today, key=f"co_due_{code}{sfx}")
        if st.form_submit_button(state.tr("co.open"), type="primary", icon=":material/school:"):
            try:
                with state.db().session() as s:
                    item = services.open_coaching(s, who, chosen, note or "", due_date=due)
            except WorkflowError as exc:
                st.error(state.tr("error", msg=md(str(exc))))
            else:
                state.data_changed()
                st.session_state["co_flash"] = ("success", state.tr("co.opened", id=item.id, agent=md(names[code])))
                st.session_state["co_form_n"] = n + 1
                st.rerun()


def _acknowledge(item_id: int, version: int) -> None:
    comment = (st.session_state.get(f"co_comment_{item_id}") or "").strip() or None
    try:
        with state.db().session() as s:
            services.acknowledge(s, who, item_id, comment=comment, expected_version=version)
    except WorkflowError as exc:
        st.session_state["co_flash"] = ("error", state.tr("error", msg=md(str(exc))))
    else:
        st.session_state["co_flash"] = ("success", state.tr("co.ack_saved"))
    state.data_changed()


def _rates_chart(follow: services.FollowUp) -> None:
    frame = pd.DataFrame(
        [
            {"window": state.tr("co.before"), "rate": follow.before.rate or 0.0, "n": follow.before.interactions},
            {"window": state.tr("co.after"), "rate": follow.after.rate or 0.0, "n": follow.after.interactions},
        ]
    )
    chart = (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=3, size=28)
        .encode(
            y=alt.Y("window:N", title=None, sort=None),
            x=alt.X("rate:Q", title=state.tr("co.rate"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("window:N", legend=None, scale=alt.Scale(range=["#9aa5b1", ui.BRAND])),
            tooltip=[alt.Tooltip("rate:Q", format=".1%"), alt.Tooltip("n:Q", title=state.tr("col.interactions"))],
        )
        .properties(height=110)
    )
    ui.show_chart(chart)


def _item_card(item) -> None:
    due = fmt.day(item.due_date, lang)
    status = state.tr(f"co.status.{item.status}")
    overdue = item.status != "acknowledged" and item.due_date is not None and item.due_date < today
    title = f"#{item.id} · {md(item.agent)} · {status} · {state.tr('co.due')}: {due}" + (" ⚠" if overdue else "")
    with st.expander(title, expanded=item.status != "acknowledged" and acknowledges):
        families = ", ".join(label("fam", f, lang) for f in item.families)
        st.html(ui.CSS + f'<div class="qa-meta">{html.escape(state.tr("co.families"))}: <b>{html.escape(families)}</b> · '
                f'{html.escape(state.tr("co.by"))}: <b>{html.escape(item.created_by or "—")}</b> · '
                f'{html.escape(fmt.day(item.created_at, lang))} · {html.escape(fmt.number(len(item.finding_ids), lang))} '
                f'{html.escape(state.tr("col.findings").lower())}</div>')  # fmt: skip
        st.markdown("> " + md(item.note).replace("  \n", "  \n> "))
        if item.acknowledged_at:
            ack = state.tr("co.ack_on", when=f"{fmt.when(item.acknowledged_at, lang)} UTC")
            st.caption(ack + (f" · «{md(item.agent_comment)}»" if item.agent_comment else ""))
        follow = data.coaching_follow_up(url, who, item.id)
        outcome_coaching.follow_up_measures(item, follow)  # opened from outcomes: promise / kept rate (issue 17)
        if item.families:  # opened from findings: the violation rate
            c = st.columns([1, 1, 1, 2])
            c[0].metric(state.tr("co.before"), ui.fmt_pct(follow.before.rate), help=state.tr("co.rate_help"))
            delta = None if follow.change is None else fmt.signed(100 * follow.change, lang, 1, "pp")
            c[1].metric(state.tr("co.after"), ui.fmt_pct(follow.after.rate), delta=delta, delta_color="inverse")
            c[2].metric(
                state.tr("col.interactions"),
                f"{fmt.number(follow.before.interactions, lang)} → {fmt.number(follow.after.interactions, lang)}",
            )
            with c[3]:
                _rates_chart(follow)
        if acknowledges and item.status != "acknowledged":
            with st.form(f"co_ack_form_{item.id}", border=False):
                st.text_input(state.tr("co.comment"), key=f"co_comment_{item.id}")
                st.form_submit_button(state.tr("co.acknowledge"), type="primary", icon=":material/task_alt:",
                                      on_click=_acknowledge, args=(item.id, item.version))  # fmt: skip


if who.can(Right.COACH) or not acknowledges:
    if not coaches:
        st.caption(state.tr("co.read_only"))
    _risk_section()
st.markdown(f"#### {state.tr('co.your_items') if acknowledges else state.tr('co.items')}")
if not items:
    st.info(state.tr("co.none"))
for item in items:
    _item_card(item)
