"""Entry point of the dashboards: sign-in, language, and the navigation of the pages the role may open.

Run with ``qa dashboard`` (or ``streamlit run dashboards/app.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# ``streamlit run dashboards/app.py`` puts dashboards/ on sys.path, not the project root.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboards import state  # noqa: E402
from dashboards.i18n import LANGUAGES, label  # noqa: E402
from dashboards.literal import md  # noqa: E402
from dashboards.login import login_page, sso_principal  # noqa: E402
from dashboards.navigation import PAGES, pages_for  # noqa: E402

# An emoji favicon is drawn inline by the browser; a ":material/...:" favicon would be fetched from fonts.gstatic.com.
st.set_page_config(page_title="QA · Cobranza", page_icon="🛡️", layout="wide")


def _sidebar(who) -> None:
    with st.sidebar:
        st.markdown(f"### {state.tr('app.title')}")
        if who is not None:
            name = who.username
            st.caption(state.tr("signed_in_as", user=md(name), role=label("role", str(who.role), state.lang())))
        choice = st.segmented_control(
            state.tr("language"),
            options=list(LANGUAGES),
            format_func=LANGUAGES.get,
            default=state.lang(),
            key="lang_choice",
        )
        if choice and choice != state.lang():
            st.session_state[state.LANG_KEY] = choice
            st.rerun()
        if who is not None and st.button(state.tr("logout"), icon=":material/logout:", key="logout"):
            state.sign_out()
            if getattr(st.user, "is_logged_in", False):
                st.logout()
            st.rerun()


def main() -> None:
    who = state.current_principal() or sso_principal()
    _sidebar(who)
    if who is None:
        # The sign-in form answers at every page's address too, so a visitor whose session was just revoked
        # (or who follows a bookmark) gets it in place instead of a "page not found".
        title = state.tr("login.title")
        login = [st.Page(login_page, title=title, icon=":material/login:", url_path="login", default=True)]
        login += [st.Page(login_page, title=title, url_path=spec.key) for spec in PAGES]
        st.navigation(login, position="hidden").run()
        return
    sections: dict[str, list] = {}
    for spec in pages_for(who):
        page = st.Page(spec.path, title=state.tr(f"page.{spec.key}"), icon=spec.icon, url_path=spec.key)
        sections.setdefault(state.tr(spec.section), []).append(page)
    st.navigation(sections).run()


main()
