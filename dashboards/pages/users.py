"""Users (admin): the accounts, password reset and disabling, each audited by the services."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import components as ui
from dashboards import state
from dashboards.literal import md
from dashboards.navigation import BY_KEY
from qa.workflow import users as user_services
from qa.workflow.errors import WorkflowError

who = state.require_page(*BY_KEY["users"].rights)
ui.page_header("page.users")

flash = st.session_state.pop("us_flash", None)
if flash:
    getattr(st, flash[0])(flash[1])

with state.db().session() as s:
    accounts = user_services.list_users(s, who)

st.markdown(f"#### {state.tr('us.list')}")
frame = pd.DataFrame(
    [{"username": u.username, "name": u.display_name or "", "role": state.tr(f"role.{u.role}"),
      "scope": u.agent_code or u.team_code or "", "active": u.active} for u in accounts],
    columns=["username", "name", "role", "scope", "active"],
)  # fmt: skip
st.dataframe(
    frame, hide_index=True, width="stretch", height=min(360, 38 + 35 * len(frame)),
    column_config={"username": state.tr("us.user"), "name": state.tr("us.name"), "role": state.tr("us.role"),
                   "scope": state.tr("us.scope"), "active": st.column_config.CheckboxColumn(state.tr("us.active"))},
)  # fmt: skip

names = [u.username for u in accounts]
if not names:
    st.stop()
left, right = st.columns(2)
with left, st.form("us_reset", border=True):
    st.markdown(f"**{state.tr('us.reset')}**")
    target = st.selectbox(state.tr("us.user"), names, key="us_reset_user")
    first = st.text_input(state.tr("us.new_password"), type="password", key="us_pw1", help=state.tr("us.policy"))
    second = st.text_input(state.tr("us.repeat"), type="password", key="us_pw2")
    if st.form_submit_button(state.tr("us.reset"), icon=":material/password:"):
        if first != second:
            st.error(state.tr("us.mismatch"))
        else:
            try:
                with state.db().session() as s:
                    user_services.set_password(s, who, target, first)
            except WorkflowError as exc:
                st.error(state.tr("error", msg=md(str(exc))))
            else:
                st.session_state["us_flash"] = ("success", state.tr("us.reset_done", user=md(target)))
                st.rerun()
with right, st.form("us_disable", border=True):
    st.markdown(f"**{state.tr('us.disable')}**")
    active = [u.username for u in accounts if u.active and u.username != who.username]
    victim = st.selectbox(state.tr("us.user"), active, key="us_disable_user")
    if st.form_submit_button(state.tr("us.disable"), icon=":material/person_off:") and victim:
        try:
            with state.db().session() as s:
                user_services.disable_user(s, who, victim)
        except WorkflowError as exc:
            st.error(state.tr("error", msg=md(str(exc))))
        else:
            st.session_state["us_flash"] = ("success", state.tr("us.disabled", user=md(victim)))
            st.rerun()
