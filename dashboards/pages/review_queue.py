"""Review queue: the prioritised findings, one at a time, with audio, highlighted transcript and the decision buttons.

The queue is paged on the server (:mod:`qa.views.queue`): any number of findings, filtered by
jurisdiction, team, agent, family, severity, channel, recording, learned or rule finding, status,
finding status (an "Unclear — listen" finding is badged) and dates, sorted, and an interaction id
to jump to. The queue panel is a fragment: a decision or "next" reruns only the panel, not the page.
"""

from __future__ import annotations

import streamlit as st

from dashboards import care_panel, data, interaction_panel, state
from dashboards import components as ui
from dashboards.i18n import label
from dashboards.literal import md
from dashboards.navigation import BY_KEY
from dashboards.queue_filters import item_label, queue_filters, when
from qa.scoring import SEVERITY_RANK
from qa.workflow import interactions as services
from qa.workflow import reviews
from qa.workflow.errors import ConflictError, WorkflowError

who = state.require_page(*BY_KEY["queue"].rights)
ui.page_header("page.queue")
kind = care_panel.kind_picker(who)  # findings, or care checks: hardship mentions, never violations (issue 17)
url = state.db_url()
lang = state.lang()
queue_query, page_size = queue_filters(who) if kind == "findings" else (None, 50)


def _decide(item: reviews.QueueItem, decision: str, score_before) -> None:
    """Form callback: record the decision before the panel reruns (so the panel shows the next item at once)."""
    reason = (st.session_state.get(f"q_reason_{item.finding_id}") or "").strip()
    if not reason:
        st.session_state["q_flash"] = ("error", state.tr("q.reason_needed"))
        return
    severity = st.session_state.get(f"q_sev_{item.finding_id}") if decision == "downgraded" else None
    try:
        with state.db().session() as s:
            review = reviews.review_finding(
                s, who, item.finding_id, decision, reason=reason, expected_version=item.version, severity=severity
            )
            after = services.get_interaction(s, who, item.interaction_id).score
    except ConflictError:
        st.session_state["q_flash"] = ("warning", state.tr("q.conflict"))
    except WorkflowError as exc:
        st.session_state["q_flash"] = ("error", state.tr("error", msg=md(str(exc))))
    else:
        st.session_state["q_flash"] = (
            "success",
            state.tr("q.saved", state=label("state", str(review.state), lang), before=ui.fmt_num(score_before, 1),
                     after=ui.fmt_num(after, 1)),
        )  # fmt: skip
    state.data_changed()


def _learned_mark(item) -> str:  # noqa: ANN001
    """Learned findings are marked in the picker with their confidence."""
    if not item.learned or item.confidence is None:
        return ""
    return " · " + state.tr("q.learned", c=ui.confidence_text(item.confidence))


def _go(pos: int) -> None:
    st.session_state["q_pos"] = pos


@st.fragment
def queue_panel() -> None:
    total_pos = st.session_state.get("q_pos", 0)
    page = data.queue_page(url, who, queue_query, total_pos // page_size, page_size)
    precision = data.precision(url, who)
    flash = st.session_state.pop("q_flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    if not page.rows:
        if queue_query.interaction:
            st.warning(state.tr("q.not_in_queue", id=md(queue_query.interaction)))
        st.success(state.tr("q.empty"))
        return
    pos = min(max(total_pos, page.offset), page.offset + len(page.rows) - 1)  # global position, within this page
    item = page.rows[pos - page.offset]
    total = page.total
    by_rule = precision.set_index("rule_id")["reviewed_precision"].to_dict() if not precision.empty else {}
    k = st.columns([1, 1, 1, 2.4])
    k[0].metric(state.tr("k.pending"), ui.fmt_num(total))
    k[1].metric(state.tr("q.rule_precision"), ui.fmt_pct(by_rule.get(item.rule_id)))
    k[2].metric(state.tr("col.severity"), label("sev", item.severity, lang))
    k[3].metric(state.tr("col.rule"), item.rule_id)
    pager = st.columns([1, 4, 1], vertical_alignment="center")
    pager[0].button(state.tr("q.prev_page"), icon=":material/first_page:", disabled=page.page == 0, key="q_prev_page",
                    width="stretch", on_click=_go, args=(page.offset - page_size,))  # fmt: skip
    pager[1].caption(state.tr("q.page_of", page=ui.fmt_num(page.page + 1), pages=ui.fmt_num(page.pages)) + " · "
                     + state.tr("q.shortcuts"))  # fmt: skip
    pager[2].button(state.tr("q.next_page"), icon=":material/last_page:", disabled=page.page >= page.pages - 1,
                    key="q_next_page", width="stretch", on_click=_go, args=(page.offset + page_size,))  # fmt: skip
    nav = st.columns([1, 4, 1])
    nav[0].button(state.tr("q.prev"), icon=":material/arrow_back:", disabled=pos == 0, key="q_prev", width="stretch",
                  on_click=_go, args=(pos - 1,), shortcut="Alt+P")  # fmt: skip
    labels = {page.offset + i: item_label(page.offset + i, q, lang) + _learned_mark(q) for i, q in enumerate(page.rows)}
    nav[1].selectbox(state.tr("q.pick"), list(labels), index=pos - page.offset, format_func=labels.get,
                     label_visibility="collapsed", key=f"q_pick_{pos}_{item.finding_id}",
                     on_change=lambda k=f"q_pick_{pos}_{item.finding_id}": _go(st.session_state[k]))  # fmt: skip
    nav[2].button(state.tr("q.next"), icon=":material/arrow_forward:", disabled=pos >= total - 1, key="q_next",
                  width="stretch", on_click=_go, args=(pos + 1,), shortcut="Alt+N")  # fmt: skip

    loaded = interaction_panel.load(who, item.interaction_id)
    score_before = loaded[0].score if loaded else None
    with st.container(border=True):
        if item.finding_status == "unclear":  # speech recognition heard the opening badly: listen before deciding
            st.badge(state.tr("q.unclear_listen"), icon=":material/hearing:", color="orange")
        st.caption(state.tr("q.item", n=ui.fmt_num(pos + 1), total=ui.fmt_num(total)) + " · " + when(item, lang))
        interaction_panel.show(who, item.interaction_id, focus_id=item.finding_id, key="q")
    lower = [s for s in ("major", "minor") if SEVERITY_RANK[s] < SEVERITY_RANK.get(item.severity, 0)]
    with st.form(f"q_form_{item.finding_id}", border=True):
        cols = st.columns([3, 1])
        cols[0].text_input(state.tr("q.reason"), key=f"q_reason_{item.finding_id}")
        cols[1].selectbox(state.tr("q.severity"), lower or ["—"], key=f"q_sev_{item.finding_id}",
                          format_func=lambda s: label("sev", s, lang) if s != "—" else s)  # fmt: skip
        b = st.columns(4)
        buttons = [
            ("confirmed", "q.confirm", ":material/check:", "primary", "Alt+1"),
            ("dismissed", "q.dismiss", ":material/close:", "secondary", "Alt+2"),
            ("downgraded", "q.downgrade", ":material/south:", "secondary", "Alt+3"),
            ("unclear", "q.unclear", ":material/help:", "secondary", "Alt+4"),
        ]
        for col, (decision, text, icon, kind, keys) in zip(b, buttons, strict=True):
            col.form_submit_button(state.tr(text), type=kind, icon=icon, width="stretch", shortcut=keys,
                                   disabled=decision == "downgraded" and not lower,
                                   on_click=_decide, args=(item, decision, score_before))  # fmt: skip


if kind == "care":
    care_panel.care_panel(who)
else:
    queue_panel()
