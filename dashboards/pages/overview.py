"""Overview: compliance KPIs, violations per 100 contacts by family, jurisdiction and team, weekly trends."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import components as ui
from dashboards import data, state
from dashboards.filters import filter_bar, widened
from dashboards.navigation import BY_KEY
from dashboards.outcomes_panel import overview_panel
from qa.views import overview as ov
from qa.views.periods import trend_start

TREND_PERIODS = {"week": 12, "month": 6, "custom": 4}

who = state.require_page(*BY_KEY["overview"].rights)
ui.page_header("page.overview", state.tr("app.tagline"))
filters, period = filter_bar("ov")
if period is None:
    st.info(state.tr("no_data"))
    st.stop()
# The trend charts lead up to the chosen period; the figures and breakdowns are the period's own.
history, history_findings = data.overview_rows(
    state.db_url(), who, widened(filters, trend_start(period, TREND_PERIODS[period.kind]))
)
first, last = pd.Timestamp(period.start), pd.Timestamp(period.end)
contacts = history[history["local_date"].between(first, last)]
findings = history_findings[history_findings["local_date"].between(first, last)]
st.caption(period.label(state.lang()))
if contacts.empty:
    st.info(state.tr("no_data"))
    st.stop()

k = ov.kpis(contacts, findings)
prec = data.precision(state.db_url(), who, filters.start, filters.end)
reviewed = prec[["confirmed", "downgraded", "dismissed"]].sum() if not prec.empty else None
decided = int(reviewed.sum()) if reviewed is not None else 0
precision = (reviewed["confirmed"] + reviewed["downgraded"]) / decided if decided else None
cases = data.open_cases(state.db_url(), who)

cols = st.columns(6 if cases is not None else 5)
cols[0].metric(state.tr("k.contacts"), ui.fmt_num(k["contacts"]))
cols[1].metric(state.tr("k.per_100"), ui.fmt_num(k["per_100"], 1))
cols[2].metric(state.tr("k.critical"), ui.fmt_num(k["critical"]))
cols[3].metric(state.tr("k.mean_score"), ui.fmt_num(k["mean_score"], 1))
cols[4].metric(state.tr("k.precision"), ui.fmt_pct(precision), help=f"n = {ui.fmt_num(decided)}")
if cases is not None:
    cols[5].metric(state.tr("k.open_cases"), ui.fmt_num(cases["open"]), help=f"{state.tr('k.held')}: {ui.fmt_num(cases['held'])}")

left, right = st.columns([1.1, 1])
with left:
    fam = ui.family_labels(ov.per_100_by(contacts, findings, "family"))
    ui.bar_chart(fam, "family", "per_100", state.tr("ov.by_family"), value_title=state.tr("col.per_100"), height=300)
with right:
    trend = ui.family_labels(ov.weekly_trend(history, history_findings))
    ui.line_chart(trend, "week", "per_100", "family", state.tr("ov.trend"), y_title=state.tr("col.per_100"), height=300)

a, b, c = st.columns([1, 1, 1.2])
with a:
    jur = ov.per_100_by(contacts, findings, "jurisdiction")
    ui.bar_chart(jur, "jurisdiction", "per_100", state.tr("ov.by_jurisdiction"), value_title=state.tr("col.per_100"))
with b:
    team = ov.per_100_by(contacts, findings, "team")
    ui.bar_chart(team, "team", "per_100", state.tr("ov.by_team"), value_title=state.tr("col.per_100"))
with c:
    scores = ov.weekly_scores(history)
    ui.line_chart(scores, "week", "score", None, state.tr("ov.score_trend"), y_title=state.tr("col.score"), height=260)

overview_panel(who, period.start, period.end)  # collection results and the Today list (issue 17)
