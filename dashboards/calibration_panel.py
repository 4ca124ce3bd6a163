"""Calibration sessions on the Disputes page: create, decide blind, close, and the agreement report (Cohen, Fleiss)."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dashboards import components as ui
from dashboards import data, state
from dashboards import formatting as fmt
from dashboards.filters import select_all
from dashboards.i18n import label
from dashboards.literal import md
from qa.workflow import calibration as services
from qa.workflow.access import Principal, Right, Role
from qa.workflow.errors import WorkflowError


def _fmt_kappa(value: float | None) -> str:
    return fmt.number(value, state.lang(), 2)


def _create(who: Principal, url: str) -> None:
    candidates = data.calibration_candidates(url, who)
    reviewers = data.calibration_reviewers(url)
    if candidates.empty:
        return
    with st.expander(state.tr("cal.new"), icon=":material/add_circle:"), st.form("cal_create", border=False):
        name = st.text_input(state.tr("cal.name"), key="cal_name")
        lang = state.lang()
        options = {int(r.interaction_id): f"{r.source_id} · {fmt.day(r.local_date, lang)} · {r.agent or '—'} · "
                   f"{r.jurisdiction or '—'} · {fmt.number(r.findings, lang)} ⚑"
                   for r in candidates.itertuples(index=False)}  # fmt: skip
        chosen = st.multiselect(
            state.tr("cal.interactions"),
            list(options),
            format_func=options.get,
            key="cal_interactions",
            placeholder=state.tr("cal.pick"),
            select_all=select_all(),
        )
        people = {u: f"{u} · {label('role', r, state.lang())}" for u, r in reviewers}
        picked = st.multiselect(
            state.tr("cal.reviewers"),
            list(people),
            format_func=people.get,
            key="cal_reviewers",
            placeholder=state.tr("cal.pick"),
            select_all=select_all(),
        )
        if st.form_submit_button(state.tr("cal.create"), type="primary", icon=":material/group_add:"):
            try:
                with state.db().session() as s:
                    cal = services.create_calibration(s, who, (name or "").strip() or state.tr("cal.untitled"), chosen, picked)
            except WorkflowError as exc:
                st.error(state.tr("error", msg=md(str(exc))))
            else:
                state.data_changed()
                st.session_state["cal_pick"] = cal.id
                st.session_state["dp_flash"] = ("success", state.tr("cal.created", id=cal.id, n=len(cal.finding_ids)))
                st.rerun()


def _decide_items(who: Principal, url: str, cal) -> None:
    items = data.calibration_items(url, who, cal.id)
    done = sum(i.my_decision is not None for i in items)
    st.progress(done / len(items) if items else 0.0, text=state.tr("cal.progress", done=done, total=len(items)))
    lang = state.lang()
    with st.form(f"cal_items_{cal.id}", border=True):
        for item in items:
            c = st.columns([3, 2])
            c[0].html(ui.CSS + f'<div class="qa-finding">{ui.severity_badge(item.severity)} '
                      f"<b>{html.escape(label('fam', item.family, lang))}</b> · {html.escape(item.interaction)}<br>"
                      f'<span class="rule">{html.escape(item.rule_id)}</span><br>'
                      f"<i>«{html.escape(item.evidence)}»</i><br>"
                      f"{ui.explanation_html(item.rule_id, item.explanation, item.evidence)}</div>")  # fmt: skip
            c[1].radio(state.tr("cal.decision"), services.DECISIONS, key=f"cal_{cal.id}_{item.finding_id}",
                       index=services.DECISIONS.index(item.my_decision) if item.my_decision else None,
                       format_func=lambda d: label("state", d, lang), horizontal=True)  # fmt: skip
        if st.form_submit_button(state.tr("cal.save"), type="primary", icon=":material/save:"):
            changed = 0
            try:
                with state.db().session() as s:
                    for item in items:
                        decision = st.session_state.get(f"cal_{cal.id}_{item.finding_id}")
                        if decision and decision != item.my_decision:
                            services.record_calibration_decision(s, who, cal.id, item.finding_id, decision)
                            changed += 1
            except WorkflowError as exc:
                st.error(state.tr("error", msg=md(str(exc))))
            else:
                state.data_changed()
                st.session_state["dp_flash"] = ("success", state.tr("cal.saved", n=changed))
                st.rerun()


def _report(who: Principal, url: str, cal) -> None:
    try:
        report = data.calibration_report(url, who, cal.id)
    except WorkflowError:
        st.caption(state.tr("cal.report_blind"))
        return
    st.markdown(f"**{state.tr('cal.report')}**")
    k = st.columns(4)
    k[0].metric(state.tr("cal.fleiss"), _fmt_kappa(report.fleiss_kappa), help=state.tr("cal.kappa_help"))
    k[1].metric(state.tr("cal.items"), ui.fmt_num(report.items))
    k[2].metric(state.tr("cal.divergent"), ui.fmt_num(len(report.divergent)))
    k[3].metric(state.tr("cal.reviewers"), ui.fmt_num(len(report.reviewers)))
    left, right = st.columns(2)

    lang = state.lang()
    # Numbers keep their values (the tables sort by them); the text shown is the viewer's locale's.
    shown = {"cohen_kappa": "num2", "mean_cohen_kappa": "num2", "fleiss_kappa": "num2", "observed_agreement": "pct",
             "agreement_with_scanner": "pct", "decided": "int", "items": "int", "divergent": "int"}  # fmt: skip

    def pct(text: str):
        return st.column_config.NumberColumn(text)

    def kappa(text: str):
        return st.column_config.NumberColumn(text)

    with left:
        st.caption(state.tr("cal.pairs"))
        pairs = pd.DataFrame(report.pairs, columns=["a", "b", "cohen_kappa", "observed_agreement"])
        st.dataframe(fmt.styled(pairs, lang, shown), hide_index=True, width="stretch",
                     column_config={"a": state.tr("cal.reviewer"), "b": state.tr("cal.reviewer"),
                                    "cohen_kappa": kappa("Cohen κ"),
                                    "observed_agreement": pct(state.tr("cal.agreement"))})  # fmt: skip
    with right:
        st.caption(state.tr("cal.per_reviewer"))
        people = pd.DataFrame(report.per_reviewer, columns=["reviewer", "decided", "agreement_with_scanner", "mean_cohen_kappa"])
        st.dataframe(fmt.styled(people, lang, shown), hide_index=True, width="stretch",
                     column_config={"reviewer": state.tr("cal.reviewer"), "decided": state.tr("cal.decided"),
                                    "agreement_with_scanner": pct(state.tr("cal.with_scanner")),
                                    "mean_cohen_kappa": kappa(state.tr("cal.mean_cohen"))})  # fmt: skip
    if report.per_rule:
        st.caption(state.tr("cal.per_rule"))
        rules = pd.DataFrame(report.per_rule, columns=["rule_id", "items", "fleiss_kappa", "mean_cohen_kappa", "divergent"])
        st.dataframe(fmt.styled(rules, lang, shown), hide_index=True, width="stretch",
                     column_config={"rule_id": state.tr("col.rule"), "items": state.tr("cal.items"),
                                    "fleiss_kappa": kappa("Fleiss κ"),
                                    "mean_cohen_kappa": kappa(state.tr("cal.mean_cohen")),
                                    "divergent": state.tr("cal.divergent")})  # fmt: skip


def show(who: Principal) -> None:
    url = state.db_url()
    if who.can(Right.CALIBRATE):
        _create(who, url)
    sessions = {c.id: c for c in data.calibrations(url, who, "open") + data.calibrations(url, who, "closed")}
    if not sessions:
        st.info(state.tr("cal.none"))
        return
    default = st.session_state.get("cal_pick")
    ids = sorted(sessions, reverse=True)
    cal_id = st.selectbox(state.tr("cal.session"), ids, index=ids.index(default) if default in sessions else 0,
                          key="cal_session", format_func=lambda i: f"#{i} · {sessions[i].name} · "
                          f"{state.tr('cal.status.' + sessions[i].status)}")  # fmt: skip
    cal = sessions[cal_id]
    meta = {"by": md(cal.created_by or "—"), "when": fmt.day(cal.created_at, state.lang()),
            "reviewers": md(", ".join(cal.reviewers))}  # fmt: skip
    st.caption(state.tr("cal.meta", n=fmt.number(len(cal.finding_ids), state.lang()), **meta))
    if cal.status == "open" and who.username in cal.reviewers:
        _decide_items(who, url, cal)
    if cal.status == "open" and (cal.created_by == who.username or who.role == Role.ADMIN) and who.can(Right.CALIBRATE):
        if st.button(state.tr("cal.close"), icon=":material/lock:", key=f"cal_close_{cal.id}"):
            try:
                with state.db().session() as s:
                    services.close_calibration(s, who, cal.id)
            except WorkflowError as exc:
                st.error(state.tr("error", msg=md(str(exc))))
            else:
                state.data_changed()
                st.rerun()
    _report(who, url, cal)
