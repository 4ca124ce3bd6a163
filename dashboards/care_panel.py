"""Care checks in the review queue (issue 17): a hardship mention, "was it handled well?", never a violation.

The review-queue page draws :func:`kind_picker` (findings or care checks) and, for care checks,
:func:`care_panel`: one contact at a time, its transcript and findings, and two verdicts — handled
well / not handled well — with a reason (:mod:`qa.workflow.care`). A verdict never changes a score.
"""

from __future__ import annotations

import streamlit as st

from dashboards import components as ui
from dashboards import formatting as fmt
from dashboards import interaction_panel, state
from dashboards.data import TTL
from dashboards.i18n import label
from dashboards.literal import md
from qa.storage.outcome_models import CARE_VERDICTS
from qa.workflow import care
from qa.workflow.access import Principal
from qa.workflow.errors import ConflictError, WorkflowError

PAGE_SIZE = 50
KINDS = ("findings", "care")


@st.cache_data(ttl=TTL, show_spinner=False)
def care_page(url: str, who: Principal, query: care.CareQuery, page: int, page_size: int = PAGE_SIZE) -> care.CarePage:
    with state.db().session() as s:
        return care.care_queue(s, who, query, page=page, page_size=page_size)


@st.cache_data(ttl=TTL, show_spinner=False)
def pending_care(url: str, who: Principal) -> int:
    with state.db().session() as s:
        return care.count_care_checks(s, who)


def kind_picker(who: Principal) -> str:
    """Findings (the default) or care checks, the latter with how many are still to check."""
    waiting = pending_care(state.db_url(), who)
    shown = {"findings": state.tr("care.kind.findings"), "care": state.tr("care.kind.care", n=ui.fmt_num(waiting))}
    picked = st.segmented_control(state.tr("care.kind"), KINDS, default="findings", key="q_kind", format_func=shown.get,
                                  label_visibility="collapsed")  # fmt: skip
    return picked or "findings"


def _decide(who: Principal, item: care.CareItem, verdict: str) -> None:
    """Form callback: record the verdict before the panel reruns."""
    reason = (st.session_state.get(f"care_reason_{item.interaction_id}") or "").strip()
    if not reason:
        st.session_state["care_flash"] = ("error", state.tr("q.reason_needed"))
        return
    try:
        with state.db().session() as s:
            saved = care.check_care(s, who, item.interaction_id, verdict, reason=reason, expected_version=item.version)
    except ConflictError:
        st.session_state["care_flash"] = ("warning", state.tr("care.conflict"))
    except WorkflowError as exc:
        st.session_state["care_flash"] = ("error", state.tr("error", msg=md(str(exc))))
    else:
        st.session_state["care_flash"] = ("success", state.tr("care.saved", state=state.tr(f"care.state.{saved.state}")))
    state.data_changed()


def _go(pos: int) -> None:
    st.session_state["care_pos"] = pos


def _label(index: int, item: care.CareItem, lang: str) -> str:
    agent = f"{item.agent_name} ({item.agent})" if item.agent_name and item.agent_name != item.agent else (item.agent or "—")
    local = fmt.when(fmt.to_zone(item.local_time, item.timezone), lang) if item.local_time is not None else fmt.MISSING
    return (f"{index + 1}. {state.tr(f'care.state.{item.state}')} · {item.interaction} · "
            f"{label('channel', item.channel, lang)} · {agent} · {local} {item.timezone}")  # fmt: skip


@st.fragment
def care_panel(who: Principal) -> None:
    lang = state.lang()
    show = st.radio(state.tr("care.show"), ("new", "decided"), horizontal=True, key="care_show",
                    format_func=lambda v: state.tr(f"care.show.{v}"))  # fmt: skip
    query = care.CareQuery(states=("new",) if show == "new" else CARE_VERDICTS)
    if st.session_state.get("care_last_show") != show:
        st.session_state["care_last_show"] = show
        st.session_state["care_pos"] = 0
    total_pos = st.session_state.get("care_pos", 0)
    page = care_page(state.db_url(), who, query, total_pos // PAGE_SIZE)
    flash = st.session_state.pop("care_flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    if not page.rows:
        st.success(state.tr("care.empty"))
        return
    pos = min(max(total_pos, page.offset), page.offset + len(page.rows) - 1)
    item = page.rows[pos - page.offset]
    nav = st.columns([1, 4, 1])
    nav[0].button(state.tr("q.prev"), icon=":material/arrow_back:", disabled=pos == 0, key="care_prev", width="stretch",
                  on_click=_go, args=(pos - 1,))  # fmt: skip
    labels = {page.offset + i: _label(page.offset + i, c, lang) for i, c in enumerate(page.rows)}
    pick_key = f"care_pick_{pos}_{item.interaction_id}"
    nav[1].selectbox(state.tr("care.pick"), list(labels), index=pos - page.offset, format_func=labels.get,
                     label_visibility="collapsed", key=pick_key,
                     on_change=lambda: _go(st.session_state[pick_key]))  # fmt: skip
    nav[2].button(state.tr("q.next"), icon=":material/arrow_forward:", disabled=pos >= page.total - 1, key="care_next",
                  width="stretch", on_click=_go, args=(pos + 1,))  # fmt: skip
    with st.container(border=True):
        st.badge(state.tr("care.badge"), icon=":material/volunteer_activism:", color="blue")
        st.info(state.tr("care.question"))
        local = fmt.when(fmt.to_zone(item.local_time, item.timezone), lang) if item.local_time is not None else fmt.MISSING
        st.caption(state.tr("care.item", n=ui.fmt_num(pos + 1), total=ui.fmt_num(page.total)) + f" · {local} ({item.timezone})")
        if item.state != "new":
            st.caption(state.tr("care.verdict", state=state.tr(f"care.state.{item.state}"), who=md(item.reviewer or "—"),
                                reason=md(item.reason or "")))  # fmt: skip
        interaction_panel.show(who, item.interaction_id, key="care")
    with st.form(f"care_form_{item.interaction_id}", border=True):
        st.text_input(state.tr("q.reason"), key=f"care_reason_{item.interaction_id}")
        b = st.columns(2)
        buttons = [("handled_well", ":material/thumb_up:", "primary"), ("not_handled_well", ":material/thumb_down:", "secondary")]
        for col, (verdict, icon, kind) in zip(b, buttons, strict=True):
            col.form_submit_button(state.tr(f"care.{verdict}"), type=kind, icon=icon, width="stretch",
                                   on_click=_decide, args=(who, item, verdict))  # fmt: skip
