"""Review queue: the prioritised findings, one at a time, with audio, highlighted transcript and the decision buttons.

The queue panel is a fragment: a decision or "next" reruns only the panel, not the page.
"""

from __future__ import annotations

import streamlit as st

from dashboards import components as ui
from dashboards import data, interaction_panel, state
from dashboards.i18n import label
from dashboards.navigation import BY_KEY
from qa.scoring import SEVERITY_RANK
from qa.workflow import interactions as services
from qa.workflow import reviews
from qa.workflow.errors import ConflictError, WorkflowError

who = state.require_page(*BY_KEY["queue"].rights)
ui.page_header("page.queue")
url = state.db_url()
options = data.filter_options(url, who)
lang = state.lang()
ALL = ""
families = [ALL, "threat", "third_party_disclosure", "false_claim", "off_hours", "frequency", "missing_disclosure",
            "abusive_language", "cease_violation"]  # fmt: skip
cols = st.columns(3)
jurisdiction = cols[0].selectbox(state.tr("col.jurisdiction"), [ALL, *options["jurisdictions"]], key="q_jur",
                                 format_func=lambda v: v or state.tr("f.all"))  # fmt: skip
team = cols[1].selectbox(
    state.tr("col.team"), [ALL, *options["teams"]], key="q_team", format_func=lambda v: v or state.tr("f.all")
)
family = cols[2].selectbox(state.tr("col.family"), families, key="q_fam",
                           format_func=lambda v: label("fam", v, lang) if v else state.tr("f.all"))  # fmt: skip
queue_filter = reviews.QueueFilter(jurisdiction=jurisdiction or None, team=team or None, family=family or None)


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
        st.session_state["q_flash"] = ("error", state.tr("error", msg=str(exc)))
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
    queue = data.review_queue(url, who, queue_filter)
    precision = data.precision(url, who)
    flash = st.session_state.pop("q_flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    if not queue:
        st.success(state.tr("q.empty"))
        return
    pos = min(st.session_state.get("q_pos", 0), len(queue) - 1)
    item = queue[pos]
    by_rule = precision.set_index("rule_id")["reviewed_precision"].to_dict() if not precision.empty else {}
    k = st.columns([1, 1, 1, 2.4])
    k[0].metric(state.tr("k.pending"), f"{len(queue)}{'+' if len(queue) >= 200 else ''}")
    k[1].metric(state.tr("q.rule_precision"), ui.fmt_pct(by_rule.get(item.rule_id)))
    k[2].metric(state.tr("col.severity"), label("sev", item.severity, lang))
    k[3].metric(state.tr("col.rule"), item.rule_id)
    nav = st.columns([1, 4, 1])
    nav[0].button(state.tr("q.prev"), icon=":material/arrow_back:", disabled=pos == 0, key="q_prev", width="stretch",
                  on_click=_go, args=(pos - 1,))  # fmt: skip
    labels = {i: f"{i + 1}. {label('sev', q.severity, lang)} · {q.rule_id}{_learned_mark(q)} · {q.interaction}" for i, q in enumerate(queue)}
    nav[1].selectbox(state.tr("q.pick"), list(labels), index=pos, format_func=labels.get, label_visibility="collapsed",
                     key=f"q_pick_{pos}_{item.finding_id}",
                     on_change=lambda k=f"q_pick_{pos}_{item.finding_id}": _go(st.session_state[k]))  # fmt: skip
    nav[2].button(state.tr("q.next"), icon=":material/arrow_forward:", disabled=pos >= len(queue) - 1, key="q_next",
                  width="stretch", on_click=_go, args=(pos + 1,))  # fmt: skip

    loaded = interaction_panel.load(who, item.interaction_id)
    score_before = loaded[0].score if loaded else None
    with st.container(border=True):
        st.caption(state.tr("q.item", n=pos + 1, total=len(queue)))
        interaction_panel.show(who, item.interaction_id, focus_id=item.finding_id, key="q")
    lower = [s for s in ("major", "minor") if SEVERITY_RANK[s] < SEVERITY_RANK.get(item.severity, 0)]
    with st.form(f"q_form_{item.finding_id}", border=True):
        cols = st.columns([3, 1])
        cols[0].text_input(state.tr("q.reason"), key=f"q_reason_{item.finding_id}")
        cols[1].selectbox(state.tr("q.severity"), lower or ["—"], key=f"q_sev_{item.finding_id}",
                          format_func=lambda s: label("sev", s, lang) if s != "—" else s)  # fmt: skip
        b = st.columns(4)
        buttons = [
            ("confirmed", "q.confirm", ":material/check:", "primary"),
            ("dismissed", "q.dismiss", ":material/close:", "secondary"),
            ("downgraded", "q.downgrade", ":material/south:", "secondary"),
            ("unclear", "q.unclear", ":material/help:", "secondary"),
        ]
        for col, (decision, text, icon, kind) in zip(b, buttons, strict=True):
            col.form_submit_button(state.tr(text), type=kind, icon=icon, width="stretch",
                                   disabled=decision == "downgraded" and not lower,
                                   on_click=_decide, args=(item, decision, score_before))  # fmt: skip


queue_panel()
