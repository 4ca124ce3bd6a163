"""One interaction as every page shows it: header, audio from the finding's second, highlighted transcript, findings."""

from __future__ import annotations

import html

import streamlit as st

from dashboards import components as ui
from dashboards import formatting as fmt
from dashboards import state
from dashboards.i18n import label
from dashboards.literal import md
from qa.views.interactions import consumer_time, recording
from qa.workflow import interactions as services
from qa.workflow.errors import WorkflowError


def load(who, interaction_id: int, *, unredacted: bool = False):
    """Summary, findings, transcript and recording path, or None when the principal may not see it.

    ``unredacted`` asks for the stored text unmasked (legal only; each such view is an audit-log entry).
    """
    try:
        with state.db().session() as s:
            summary = services.get_interaction(s, who, interaction_id)
            findings = services.interaction_findings(s, who, interaction_id)
            turns = services.transcript(s, who, interaction_id, unredacted=unredacted)
            audio = recording(s, state.scope_of(who), interaction_id)
    except WorkflowError:
        return None
    return summary, findings, turns, audio


def local_start(who, interaction_id: int, started_at) -> str:
    """When the contact started, in the consumer's local time with the zone named (UTC when no zone is known)."""
    with state.db().session() as s:
        local = consumer_time(s, state.scope_of(who), interaction_id)
    moment, zone = local if local is not None else (started_at, "UTC")
    return fmt.local_when(moment, zone, state.lang())


def show(who, interaction_id: int, *, focus_id: int | None = None, key: str = "iv", unredacted: bool = False) -> None:
    loaded = load(who, interaction_id, unredacted=unredacted)
    if loaded is None:
        st.warning(state.tr("iv.not_visible"))
        return
    summary, findings, turns, audio = loaded
    st.markdown(f"#### {state.tr('iv.title', id=md(summary.source_id))}")
    meta = st.columns([1, 4])
    meta[0].metric(state.tr("col.score"), ui.fmt_num(summary.score, 1))
    facts = [
        (state.tr("col.agent"), summary.agent),
        (state.tr("col.team"), summary.team),
        (state.tr("col.jurisdiction"), summary.jurisdiction),
        (
            state.tr("col.channel"),
            f"{label('channel', summary.channel, state.lang())} · {label('direction', summary.direction, state.lang())}",
        ),
        (state.tr("iv.local_time"), local_start(who, interaction_id, summary.started_at)),
    ]
    meta[1].html(ui.CSS + '<div class="qa-meta">' + " &nbsp;·&nbsp; ".join(
        f"{html.escape(k)}: <b>{html.escape(str(v or '—'))}</b>" for k, v in facts) + "</div>")  # fmt: skip
    focus = next((f for f in findings if f.id == focus_id), findings[0] if findings else None)
    if audio is not None:
        start = int(focus.start or 0) if focus is not None and focus.start is not None else 0
        st.audio(str(audio), start_time=start)
        st.caption(state.tr("iv.audio_from", s=start))
    else:
        st.caption(state.tr("iv.no_audio_call" if summary.channel == "call" else "iv.no_audio"))
    left, right = st.columns([1.6, 1])
    with left:
        st.markdown(f"**{state.tr('iv.transcript')}**")
        st.html(ui.CSS + ui.transcript_html(turns, findings, focus.id if focus is not None else None))
    with right:
        st.markdown(f"**{state.tr('iv.findings')}** ({len(findings)})")
        cards = "".join(ui.finding_card(f, focus=focus is not None and f.id == focus.id) for f in findings)
        if cards:
            st.html(ui.CSS + cards)
