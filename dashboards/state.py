"""Session state shared by every page: the database, the signed-in principal, the language and the scope.

Engines live in ``st.cache_resource`` (one per process); query results in ``st.cache_data``
(see :mod:`dashboards.data`), cleared by :func:`data_changed` whenever a page writes.
"""

from __future__ import annotations

import streamlit as st

from dashboards.i18n import DEFAULT_LANGUAGE, t
from qa.storage import Database, database_url, open_database
from qa.workflow import access
from qa.workflow.access import Principal, Right, Role, Scope

PRINCIPAL_KEY = "principal"
LANG_KEY = "lang"


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    return open_database(url)


def db() -> Database:
    return _database(database_url())


def db_url() -> str:
    return database_url()


def lang() -> str:
    return st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)


def tr(key: str, **values: object) -> str:
    return t(key, lang(), **values)


def principal() -> Principal | None:
    return st.session_state.get(PRINCIPAL_KEY)


def current_principal() -> Principal | None:
    """Return the signed-in principal re-read from the database; sign out a disabled or changed user.

    Called on every page run (by ``app.main`` and :func:`require_page`), so disabling a user or
    changing their role, agent or team takes effect on their next click.
    """
    from qa.workflow.signin import refresh

    who = principal()
    if who is None:
        return None
    with db().session() as s:
        fresh = refresh(s, who)
    if fresh is None:
        sign_out()
        st.session_state["signed_out_reason"] = "session.revoked"
    return fresh


def sign_in(who: Principal) -> None:
    st.session_state[PRINCIPAL_KEY] = who


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        if key != LANG_KEY:
            del st.session_state[key]


def scope_of(who: Principal) -> Scope:
    """Return the rows a principal's pages may read: :func:`qa.workflow.access.scope_of`, the services' own rule."""
    return access.scope_of(who)


def require_page(*rights: Right, roles: tuple[Role, ...] = ()) -> Principal:
    """Stop the page unless the principal has one of ``rights`` or one of ``roles`` (pages check even when hidden)."""
    who = current_principal()
    if who is None:
        if reason := st.session_state.get("signed_out_reason"):
            st.warning(tr(reason))  # the sign-in form (app.py) shows on the next run
        st.stop()
    allowed = (not rights and not roles) or any(who.can(r) for r in rights) or who.role in roles
    if not allowed:
        st.error(tr("no_access"))
        st.stop()
    return who


def data_changed() -> None:
    """Forget every cached query result: a review, dispute, coaching item or ingest changed the data."""
    st.cache_data.clear()
