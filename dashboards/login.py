"""Sign-in: password checked by ``qa.workflow.signin.sign_in`` (throttled, audited); optional OIDC via ``st.login``."""

from __future__ import annotations

import os

import streamlit as st

from dashboards import state
from dashboards.literal import md
from qa.workflow.errors import WorkflowError
from qa.workflow.signin import ThrottledError, sign_in
from qa.workflow.users import get_principal


def client_address() -> str | None:
    """Return the browser's address as Streamlit sees it (the proxy's, behind a reverse proxy), or None."""
    try:
        address = st.context.ip_address
    except Exception:  # no request context (tests)  # noqa: BLE001
        return None
    return str(address)[:64] if address else None


def sso_configured() -> bool:
    """Tell whether ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's OIDC settings)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all  # noqa: BLE001
        return False


def sso_principal():
    """Return the principal of an OIDC-signed-in user whose e-mail (or name) is a username here; None otherwise."""
    if not sso_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    for claim in ("email", "preferred_username", "name"):
        who = st.user.get(claim)
        if not who:
            continue
        try:
            with state.db().session() as s:
                principal = get_principal(s, str(who))
        except WorkflowError:
            continue
        state.sign_in(principal)
        return principal
    st.session_state["sso_unknown"] = st.user.get("email") or st.user.get("name") or "?"
    return None


def login_page() -> None:
    st.html(
        '<div style="max-width:440px;margin:6vh auto 0 auto;text-align:center">'
        f'<h1 style="color:#102a43;margin-bottom:.2rem">{state.tr("app.title")}</h1>'
        f'<p style="color:#627d98">{state.tr("app.tagline")}</p></div>'
    )
    _, middle, _ = st.columns([1, 1.2, 1])
    with middle:
        with st.form("login", border=True):
            st.subheader(state.tr("login.title"))
            username = st.text_input(state.tr("login.user"), key="login_user")
            password = st.text_input(state.tr("login.password"), type="password", key="login_password")
            submitted = st.form_submit_button(state.tr("login.submit"), type="primary", width="stretch")
        if reason := st.session_state.pop("signed_out_reason", None):
            st.warning(state.tr(reason))
        if submitted:
            try:
                who = sign_in(state.db().engine, username.strip(), password, address=client_address())
            except ThrottledError:
                st.error(state.tr("login.throttled"))
            except WorkflowError:
                st.error(state.tr("login.failed"))
            else:
                state.sign_in(who)
                st.rerun()
        if sso_configured():
            if st.session_state.get("sso_unknown"):
                st.warning(state.tr("login.sso_unknown", who=md(st.session_state["sso_unknown"])))
            if st.button(state.tr("login.sso"), icon=":material/key:", width="stretch"):
                st.login()
        if os.environ.get("QA_DEMO"):
            st.caption(state.tr("login.demo_hint"))
