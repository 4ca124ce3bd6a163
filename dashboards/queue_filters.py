"""The review queue's filter bar (every filter of :class:`qa.views.queue.QueueQuery`) and how an item is labelled.

Changing any filter, the sort or the page size starts the queue again at its first item.
"""

from __future__ import annotations

import streamlit as st

from dashboards import data, state
from dashboards import formatting as fmt
from dashboards.filters import DATE_FORMAT, select_all
from dashboards.i18n import label
from qa.views.queue import FINDING_STATUSES, PENDING, SORTS, QueueQuery, QueueRow
from qa.workflow.reviews import ReviewState

ALL = ""
FAMILIES = ("threat", "third_party_disclosure", "false_claim", "off_hours", "frequency", "missing_disclosure",
            "abusive_language", "cease_violation", "other")  # fmt: skip
SEVERITIES = ("critical", "major", "minor")
CHANNELS = ("call", "chat", "sms", "email")
PAGE_SIZES = (25, 50, 100, 200)


def _choice(column, title: str, values, key: str, shown=None):
    """A selectbox whose first option is "all" (returned as None)."""
    every = state.tr("f.all")
    picked = column.selectbox(title, [ALL, *values], key=key, format_func=lambda v: every if v == ALL else (shown or str)(v))
    return picked or None


def queue_filters(who) -> tuple[QueueQuery, int]:
    """Draw the filters; return the query and the page size (and reset the position when either changed)."""
    url, lang = state.db_url(), state.lang()
    options = data.filter_options(url, who)
    directory = data.agent_directory(url, who)
    agents = dict(zip(directory["code"], directory["name"] + " · " + directory["code"], strict=True))
    with st.expander(state.tr("q.filters"), expanded=False, icon=":material/filter_list:"):
        a = st.columns(5)
        jurisdiction = _choice(a[0], state.tr("col.jurisdiction"), options["jurisdictions"], "q_jur")
        team = _choice(a[1], state.tr("col.team"), options["teams"], "q_team")
        agent = _choice(a[2], state.tr("q.agent"), list(agents), "q_agent", agents.get)
        family = _choice(a[3], state.tr("col.family"), FAMILIES, "q_fam", lambda v: label("fam", v, lang))
        severity = _choice(a[4], state.tr("q.severity_filter"), SEVERITIES, "q_sev", lambda v: label("sev", v, lang))
        b = st.columns(5)
        channel = _choice(b[0], state.tr("q.channel"), CHANNELS, "q_channel", lambda v: label("channel", v, lang))
        recording = _choice(b[1], state.tr("q.recording"), ("yes", "no"), "q_rec", lambda v: state.tr(f"q.rec.{v}"))
        source = _choice(b[2], state.tr("q.source"), ("rule", "learned"), "q_source", lambda v: state.tr(f"q.source.{v}"))
        states = b[3].multiselect(state.tr("q.status"), [s.value for s in ReviewState], default=list(PENDING), key="q_states",
                                  format_func=lambda v: label("state", v, lang), placeholder=state.tr("f.all"),
                                  select_all=select_all())  # fmt: skip
        sort = b[4].selectbox(state.tr("q.sort"), SORTS, key="q_sort", format_func=lambda v: state.tr(f"q.sort.{v}"))
        c = st.columns([1, 1, 2, 1])
        fmt = DATE_FORMAT.get(lang, "YYYY-MM-DD")
        start = c[0].date_input(state.tr("lg.from"), value=None, key="q_from", format=fmt, min_value=options["start"],
                                max_value=options["end"])  # fmt: skip
        end = c[1].date_input(state.tr("lg.to"), value=None, key="q_to", format=fmt, min_value=options["start"],
                              max_value=options["end"])  # fmt: skip
        finding_status = _choice(c[2], state.tr("q.finding_status"), FINDING_STATUSES[::-1], "q_fstatus",
                                 lambda v: state.tr(f"q.fstatus.{v}"))  # fmt: skip
        page_size = c[3].selectbox(state.tr("q.page_size"), PAGE_SIZES, index=1, key="q_page_size")
    jump = st.text_input(state.tr("q.jump"), key="q_jump", placeholder=state.tr("q.jump_hint")).strip()
    chosen = tuple(states) or PENDING
    if jump:  # an interaction id overrides the other filters, not the status
        query = QueueQuery(interaction=jump, states=chosen, sort=sort)
    else:
        query = QueueQuery(
            jurisdiction=jurisdiction, team=team, agent=agent, family=family, severity=severity, channel=channel,
            has_recording=None if recording is None else recording == "yes", source=source, states=chosen,
            start=start, end=end, sort=sort, finding_status=finding_status,
        )  # fmt: skip
    if st.session_state.get("q_last_query") != (query, page_size):
        st.session_state["q_last_query"] = (query, page_size)
        st.session_state["q_pos"] = 0
    return query, page_size


def when(row: QueueRow, lang: str) -> str:
    """The contact's time in the consumer's local time zone, with the zone named in the viewer's language and its offset."""
    if row.local_time is None:
        return fmt.MISSING
    local = fmt.to_zone(row.local_time, row.timezone)
    return state.tr("q.when", time=fmt.when(local, lang), zone=fmt.zone_label(local, lang))


def item_label(index: int, row: QueueRow, lang: str) -> str:
    """The picker's line for one finding: position, severity, rule, interaction, channel, agent name and local time."""
    agent = f"{row.agent_name} ({row.agent})" if row.agent_name and row.agent_name != row.agent else (row.agent or "—")
    recorded = " 🎧" if row.has_recording else ""
    if row.finding_status == "unclear":
        recorded += " · ❓ " + state.tr("q.unclear_listen")
    local = fmt.MISSING
    if row.local_time is not None:
        local = f"{fmt.when(fmt.to_zone(row.local_time, row.timezone), lang)} {row.timezone}"
    return (f"{index + 1}. {label('sev', row.severity, lang)} · {row.rule_id} · {row.interaction}{recorded} · "
            f"{label('channel', row.channel, lang)} · {agent} · {local}")  # fmt: skip
