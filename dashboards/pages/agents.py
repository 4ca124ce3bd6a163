"""Agents: ranking, one agent's scorecard and trend, findings by family and rule, worst interactions one click away.

An agent sees only their own scorecard: the agent list, the ranking and every query are scoped.
"""

from __future__ import annotations

import streamlit as st

from dashboards import components as ui
from dashboards import data, interaction_panel, state
from dashboards.filters import filter_bar
from dashboards.i18n import label
from qa import rankings
from qa.views import agents as agent_views
from qa.workflow.access import Role

who = state.require_page()
ui.page_header("page.agents")
url = state.db_url()
filters = filter_bar("ag", show_teams=False)
directory = data.agent_directory(url, who)
if directory.empty:
    st.info(state.tr("ag.none"))
    st.stop()
period = (
    st.segmented_control(
        state.tr("f.period"), ["week", "month"], format_func=lambda p: state.tr(f"period.{p}"), default="week", key="ag_period"
    )
    or "week"
)
daily = data.daily_scores(url, who, filters.start, filters.end)
if daily.empty:
    st.info(state.tr("no_data"))
    st.stop()

if who.role != Role.AGENT:
    ranked = rankings.ranking(daily, period, trend_periods=8)
    st.markdown(f"#### {state.tr('ag.ranking')} · {ranked['period'].iloc[0] if not ranked.empty else ''}")
    table = ranked[["rank", "agent_name", "team", "interactions", "score", "pass_rate", "auto_failed", "change", "trend"]]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(table)),
        column_config={
            "rank": st.column_config.NumberColumn(state.tr("col.rank"), width="small"),
            "agent_name": state.tr("col.agent"),
            "team": state.tr("col.team"),
            "interactions": state.tr("col.interactions"),
            "score": st.column_config.ProgressColumn(state.tr("col.score"), min_value=0, max_value=100, format="%.1f"),
            "pass_rate": st.column_config.NumberColumn(state.tr("col.pass_rate"), format="percent"),
            "auto_failed": state.tr("k.auto_failed"),
            "change": st.column_config.NumberColumn(state.tr("col.change"), format="%+.1f"),
            "trend": state.tr("col.trend"),
        },
    )

names = dict(zip(directory["id"], directory["name"] + " · " + directory["team"].fillna("—"), strict=True))
if who.role == Role.AGENT:
    agent_id = int(directory["id"].iloc[0])
    st.markdown(f"#### {state.tr('ag.your_page')}: {names[agent_id]}")
else:
    agent_id = st.selectbox(state.tr("ag.scorecard"), list(names), format_func=names.get, key="ag_agent")
code = directory.loc[directory["id"] == agent_id, "code"].iloc[0]

trend = agent_views.agent_trend(daily, code, period)
if not trend.empty:
    last = trend.iloc[-1]
    previous = trend.iloc[-2] if len(trend) > 1 else None
    cols = st.columns(4)
    delta = None if previous is None else round(float(last["score"] - previous["score"]), 1)
    cols[0].metric(state.tr("col.score"), ui.fmt_num(last["score"], 1), delta=delta)
    cols[1].metric(state.tr("col.pass_rate"), ui.fmt_pct(last["pass_rate"]))
    cols[2].metric(state.tr("col.interactions"), ui.fmt_num(last["interactions"]))
    cols[3].metric(state.tr("col.floor"), ui.fmt_num(last["floor_score"], 1))

left, right = st.columns([1.2, 1])
with left:
    long = trend.melt(id_vars=["period_start"], value_vars=["score", "floor_score"], var_name="series", value_name="value")
    long["series"] = long["series"].map({"score": names[agent_id].split(" · ")[0], "floor_score": state.tr("col.floor")})
    ui.line_chart(long, "period_start", "value", "series", state.tr("ag.trend"), y_title=state.tr("col.score"))
with right:
    breakdown = data.agent_breakdown(url, who, agent_id, filters.start, filters.end)
    if breakdown.empty:
        st.info(state.tr("no_data"))
    else:
        fam = ui.family_labels(breakdown.groupby("family", as_index=False)["findings"].sum())
        ui.bar_chart(fam, "family", "findings", state.tr("ag.breakdown"), value_title=state.tr("col.findings"), height=220)
        rules = breakdown.assign(severity=breakdown["severity"].map(lambda s: label("sev", s, state.lang())))
        st.dataframe(
            rules[["rule_id", "severity", "findings"]],
            hide_index=True,
            width="stretch",
            height=min(240, 38 + 35 * len(rules)),
            column_config={
                "rule_id": state.tr("col.rule"),
                "severity": state.tr("col.severity"),
                "findings": state.tr("col.findings"),
            },
        )

st.markdown(f"#### {state.tr('ag.worst')}")
worst = data.worst_interactions(url, who, agent_id)
for row in worst.itertuples(index=False):
    cols = st.columns([1.4, 1, 0.8, 0.8, 0.8, 0.6])
    cols[0].markdown(f"`{row.source_id}`")
    cols[1].write(str(row.local_date))
    cols[2].write(row.channel)
    cols[3].write(row.jurisdiction or "—")
    cols[4].write(f"{row.score:.0f} · {row.findings} ⚑")
    if cols[5].button(state.tr("ag.open"), key=f"ag_open_{row.interaction_id}", icon=":material/open_in_new:"):
        st.session_state["ag_interaction"] = int(row.interaction_id)
opened = st.session_state.get("ag_interaction")
if opened is not None and opened in set(worst["interaction_id"]):
    with st.container(border=True):
        interaction_panel.show(who, opened, key="ag")
