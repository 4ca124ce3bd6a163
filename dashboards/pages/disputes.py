"""Disputes and calibration: the agent's dispute form, the arbitrator's queue, calibration sessions and their agreement.

Agents dispute their own confirmed findings within the window; supervisors (their team) and QA
analysts (as arbitrators, never on their own review) uphold or overturn; calibration is in
:mod:`dashboards.calibration_panel`.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dashboards import calibration_panel, data, interaction_panel, state
from dashboards import components as ui
from dashboards import formatting as fmt
from dashboards.i18n import label
from dashboards.literal import md
from dashboards.navigation import BY_KEY
from qa.workflow import disputes as services
from qa.workflow.access import Right
from qa.workflow.errors import WorkflowError

spec = BY_KEY["disputes"]
who = state.require_page(*spec.rights, roles=spec.roles)
ui.page_header("page.disputes")
url = state.db_url()
lang = state.lang()


def _flash() -> None:
    flash = st.session_state.pop("dp_flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])


def _history(rows: list) -> None:
    if not rows:
        return
    frame = pd.DataFrame([{"id": d.id, "interaction": d.interaction, "rule_id": d.rule_id, "opened_by": d.opened_by,
                           "opened_at": d.opened_at, "status": state.tr(f"dp.status.{d.status}"), "decided_by": d.decided_by,
                           "reason": d.decision_reason or "", "comment": d.comment} for d in rows])  # fmt: skip
    st.dataframe(
        fmt.styled(frame, lang, {"opened_at": "utc"}), hide_index=True, width="stretch", height=min(300, 38 + 35 * len(frame)),
        column_config={
            "id": st.column_config.NumberColumn("#", width="small"), "interaction": state.tr("col.interaction"),
            "rule_id": state.tr("col.rule"), "opened_by": state.tr("dp.opened_by"),
            "opened_at": st.column_config.DatetimeColumn(state.tr("col.date")),
            "status": state.tr("col.state"), "decided_by": state.tr("dp.decided_by"), "reason": state.tr("dp.reason"),
            "comment": state.tr("dp.comment"),
        },
    )  # fmt: skip


def _agent_form() -> None:
    st.markdown(f"#### {state.tr('dp.new')}")
    findings = data.disputable_findings(url, who)
    if findings.empty:
        st.info(state.tr("dp.nothing_to_dispute"))
    else:
        options = {
            int(r.finding_id): f"{fmt.day(r.local_date, lang)} · {r.source_id} · {r.rule_id} · "
            f"{state.tr('dp.deadline')} {fmt.when(r.deadline, lang)} UTC"
            for r in findings.itertuples(index=False)
        }
        finding_id = st.selectbox(state.tr("dp.finding"), list(options), format_func=options.get, key="dp_finding")
        row = findings.set_index("finding_id").loc[finding_id]
        st.html(ui.CSS + f'<div class="qa-finding">{ui.severity_badge(row["severity"])} '
                f"<b>{html.escape(label('fam', row['family'], lang))}</b> · "
                f"{html.escape(label('state', row['review_state'], lang))}<br>"
                f'<span class="rule">{html.escape(row["rule_id"])}</span><br>'
                f"<i>«{html.escape(row['evidence'])}»</i><br>"
                f"{ui.explanation_html(row['rule_id'], row['explanation'], row['evidence'])}</div>")  # fmt: skip
        with st.form(f"dp_form_{finding_id}", border=True):
            comment = st.text_area(state.tr("dp.comment"), key=f"dp_comment_{finding_id}", height=90,
                                   placeholder=state.tr("dp.comment_hint"))  # fmt: skip
            if st.form_submit_button(state.tr("dp.submit"), type="primary", icon=":material/gavel:"):
                try:
                    with state.db().session() as s:
                        dispute = services.open_dispute(s, who, finding_id, comment or "")
                except WorkflowError as exc:
                    st.error(state.tr("error", msg=md(str(exc))))
                else:
                    state.data_changed()
                    st.session_state["dp_flash"] = ("success", state.tr("dp.opened", id=dispute.id))
                    st.rerun()
    st.markdown(f"#### {state.tr('dp.yours')}")
    mine = data.disputes(url, who)
    if mine:
        _history(mine)
    else:
        st.caption(state.tr("dp.none"))


def _decide(dispute_id: int, outcome: str) -> None:
    reason = (st.session_state.get(f"dp_reason_{dispute_id}") or "").strip()
    if not reason:
        st.session_state["dp_flash"] = ("error", state.tr("q.reason_needed"))
        return
    try:
        with state.db().session() as s:
            services.decide_dispute(s, who, dispute_id, outcome, reason=reason)
    except WorkflowError as exc:
        st.session_state["dp_flash"] = ("error", state.tr("error", msg=md(str(exc))))
    else:
        st.session_state["dp_flash"] = (
            "success",
            state.tr("dp.decided", id=dispute_id, outcome=state.tr(f"dp.status.{outcome}")),
        )
    state.data_changed()


def _arbitrator_queue() -> None:
    queue = data.disputes(url, who, "open")
    k = st.columns(3)
    decided = [d for d in data.disputes(url, who) if d.status != "open"]
    k[0].metric(state.tr("dp.open_count"), ui.fmt_num(len(queue)))
    k[1].metric(state.tr("dp.status.upheld"), ui.fmt_num(sum(d.status == "upheld" for d in decided)))
    k[2].metric(state.tr("dp.status.overturned"), ui.fmt_num(sum(d.status == "overturned" for d in decided)))
    st.markdown(f"#### {state.tr('dp.queue')}")
    if not queue:
        st.success(state.tr("dp.queue_empty"))
    else:
        by_id = {d.id: d for d in queue}
        dispute_id = st.selectbox(state.tr("dp.dispute"), list(by_id), key="dp_pick",
                                  format_func=lambda i: f"#{i} · {by_id[i].interaction} · {by_id[i].rule_id} · "
                                  f"{by_id[i].opened_by} · {fmt.when(by_id[i].opened_at, lang)} UTC")  # fmt: skip
        d = by_id[dispute_id]
        st.markdown(f"**{state.tr('dp.agent_says', who=md(d.opened_by))}** «{md(d.comment)}»")
        with st.container(border=True):
            interaction_panel.show(who, d.interaction_id, focus_id=d.finding_id, key="dp")
        with st.form(f"dp_decide_{d.id}", border=True):
            st.text_input(state.tr("dp.reason"), key=f"dp_reason_{d.id}")
            c = st.columns(2)
            c[0].form_submit_button(state.tr("dp.uphold"), type="primary", icon=":material/check:", width="stretch",
                                    on_click=_decide, args=(d.id, "upheld"))  # fmt: skip
            c[1].form_submit_button(state.tr("dp.overturn"), icon=":material/undo:", width="stretch",
                                    on_click=_decide, args=(d.id, "overturned"))  # fmt: skip
    if decided:
        st.markdown(f"#### {state.tr('dp.history')}")
        _history(decided)


_flash()
if who.can(Right.OPEN_DISPUTE):
    _agent_form()
else:
    disputes_tab, calibration_tab = st.tabs([state.tr("dp.tab_disputes"), state.tr("dp.tab_calibration")])
    with disputes_tab:
        if who.can(Right.DECIDE_DISPUTE):
            _arbitrator_queue()
        else:
            st.caption(state.tr("dp.no_decide_right"))
            _history(data.disputes(url, who))
    with calibration_tab:
        calibration_panel.show(who)
