"""Agents: ranking, one agent's scorecard and trend, findings by family and rule, worst interactions one click away.

An agent sees only their own scorecard: the agent list, the ranking and every query are scoped.
"""

from __future__ import annotations

import streamlit as st

from dashboards import components as ui
from dashboards import data, interaction_panel, state
from dashboards import formatting as fmt
from dashboards.filters import period_picker
from dashboards.i18n import label
from dashboards.literal import md
from dashboards.outcomes_panel import agent_panel
from qa import rankings
from qa.views import agents as agent_views
from qa.views.periods import period_of, trend_start
from qa.workflow.access import Role

who = state.require_page()
ui.page_header("page.agents")
url = state.db_url()
lang = state.lang()
directory = data.agent_directory(url, who)
if directory.empty:
    st.info(state.tr("ag.none"))
    st.stop()
chosen = period_picker("ag")
if chosen is None:
    st.info(state.tr("no_data"))
    st.stop()
# Trend granularity: months for a month, weeks otherwise; eight periods lead up to the chosen one.
period = "month" if chosen.kind == "month" else "week"
since = trend_start(chosen, 8) if chosen.kind != "custom" else trend_start(period_of("week", chosen.start), 8)
daily = data.daily_scores(url, who, since, chosen.end)
floor_daily = data.floor_daily(url, since, chosen.end)
if daily.empty:
    st.info(state.tr("no_data"))
    st.stop()

if who.role != Role.AGENT:
    between = (chosen.start, chosen.end) if chosen.kind == "custom" else None
    ranked = rankings.ranking(daily, period, as_of=chosen.start, between=between, trend_periods=8)
    st.markdown(f"#### {state.tr('ag.ranking')} · {chosen.label(state.lang())}")
    table = ranked[["rank", "agent_name", "team", "interactions", "score", "pass_rate", "auto_failed", "change", "trend"]]
    st.dataframe(
        fmt.styled(table, lang, {"interactions": "int", "pass_rate": "pct", "auto_failed": "int", "change": "signed"}),
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(table)),
        column_config={
            "rank": st.column_config.NumberColumn(state.tr("col.rank"), width="small"),
            "agent_name": state.tr("col.agent"),
            "team": state.tr("col.team"),
            "interactions": state.tr("col.interactions"),
            # Whole points on the bar: no decimal separator to write in one language or the other.
            "score": ui.score_column(state.tr("col.score")),
            "pass_rate": st.column_config.NumberColumn(state.tr("col.pass_rate")),
            "auto_failed": state.tr("k.auto_failed"),
            "change": st.column_config.NumberColumn(state.tr("col.change")),
            "trend": state.tr("col.trend"),
        },
    )

names = dict(zip(directory["id"], directory["name"] + " · " + directory["team"].fillna("—"), strict=True))
if who.role == Role.AGENT:
    agent_id = int(directory["id"].iloc[0])
    st.markdown(f"#### {state.tr('ag.your_page')}: {md(names[agent_id])}")
else:
    agent_id = st.selectbox(state.tr("ag.scorecard"), list(names), format_func=names.get, key="ag_agent")
code = directory.loc[directory["id"] == agent_id, "code"].iloc[0]

trend = agent_views.agent_trend(daily, code, period, floor_daily)
summary = agent_views.agent_summary(daily, floor_daily, code, chosen)
cols = st.columns(4)
change = None if fmt.missing(summary["change"]) else fmt.signed(summary["change"], lang)
cols[0].metric(state.tr("col.score"), ui.fmt_num(summary["score"], 1), delta=change)
cols[1].metric(state.tr("col.pass_rate"), ui.fmt_pct(summary["pass_rate"]))
cols[2].metric(state.tr("col.interactions"), ui.fmt_num(summary["interactions"]))
cols[3].metric(state.tr("col.floor"), ui.fmt_num(summary["floor_score"], 1), help=state.tr("ag.floor_note"))
agent_panel(who, code, chosen.start, chosen.end)  # collection results beside compliance (issue 17)

left, right = st.columns([1.2, 1])
with left:
    long = trend.melt(id_vars=["period_start"], value_vars=["score", "floor_score"], var_name="series", value_name="value")
    long["series"] = long["series"].map({"score": names[agent_id].split(" · ")[0], "floor_score": state.tr("col.floor")})
    ui.line_chart(long, "period_start", "value", "series", state.tr("ag.trend"), y_title=state.tr("col.score"))
with right:
    breakdown = data.agent_breakdown(url, who, agent_id, chosen.start, chosen.end)
    if breakdown.empty:
        st.info(state.tr("no_data"))
    else:
        fam = ui.family_labels(breakdown.groupby("family", as_index=False)["findings"].sum())
        ui.bar_chart(fam, "family", "findings", state.tr("ag.breakdown"), value_title=state.tr("col.findings"), height=220)
        rules = breakdown.assign(severity=breakdown["severity"].map(lambda s: label("sev", s, state.lang())))
        st.dataframe(
            fmt.styled(rules[["rule_id", "severity", "findings"]], lang, {"findings": "int"}),
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
WORST_COLUMNS = [1.4, 1, 0.8, 0.8, 0.8, 0.6]
if not worst.empty:
    heads = ("col.interaction", "col.date", "col.channel", "col.jurisdiction", "ag.score_findings")
    for column, key in zip(st.columns(WORST_COLUMNS), heads, strict=False):
        column.caption(state.tr(key))
for row in worst.itertuples(index=False):
    cols = st.columns(WORST_COLUMNS)
    cols[0].text(row.source_id)
    cols[1].write(fmt.day(row.local_date, lang))
    cols[2].write(label("channel", row.channel, state.lang()))
    cols[3].write(row.jurisdiction or "—")
    cols[4].write(f"{fmt.number(row.score, lang)} · {fmt.number(row.findings, lang)} ⚑")
    if cols[5].button(state.tr("ag.open"), key=f"ag_open_{row.interaction_id}", icon=":material/open_in_new:"):
        st.session_state["ag_interaction"] = int(row.interaction_id)
opened = st.session_state.get("ag_interaction")
if opened is not None and opened in set(worst["interaction_id"]):
    with st.container(border=True):
        interaction_panel.show(who, opened, key="ag")
