"""Legal: search interactions, the consumer's contact timeline against the allowed window, cases, legal hold, evidence export.

Search is every role with the ``search`` right (scoped: a supervisor searches their team); cases,
holds and exports need the services' own rights (legal), and only legal may read unmasked text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards import components as ui
from dashboards import data, interaction_panel, state
from dashboards import formatting as fmt
from dashboards.filters import DATE_FORMAT
from dashboards.i18n import label
from dashboards.literal import md
from dashboards.navigation import BY_KEY
from qa.storage.config import data_dir
from qa.views.legal import family_counts, main_jurisdiction, window_bands, windows_for
from qa.workflow import cases as case_services
from qa.workflow import export as export_services
from qa.workflow.access import Right
from qa.workflow.errors import WorkflowError

who = state.require_page(*BY_KEY["legal"].rights)
ui.page_header("page.legal", state.tr("lg.subtitle"))
url = state.db_url()
manages_cases = who.can(Right.MANAGE_CASES)
lang = state.lang()


def _flash() -> None:
    flash = st.session_state.pop("lg_flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])


def _timeline(interaction_ids: list[int]) -> pd.DataFrame:
    """Draw the contact timeline of these interactions with the jurisdiction's allowed window shaded; return its rows."""
    timeline = data.contact_timeline(url, who, tuple(sorted(interaction_ids)))
    if timeline.empty:
        st.info(state.tr("no_data"))
        return timeline
    jurisdiction = main_jurisdiction(timeline)
    days = windows_for(data.contact_windows(), jurisdiction)
    start, end = timeline["date"].min().date(), timeline["date"].max().date()
    bands = window_bands(days, start, end) if days else pd.DataFrame()
    counts = family_counts(timeline)  # every family, contacts after a cease request included
    tiles = [(state.tr("k.contacts"), ui.fmt_num(len(timeline)), None), (state.tr("col.jurisdiction"), jurisdiction or "—", None)]
    tiles += [(label("fam", f, lang), ui.fmt_num(n), state.tr("lg.by_family_note")) for f, n in counts.items()]
    for row in range(0, len(tiles), 5):  # at most five tiles a row: the family names stay readable
        for column, (title, value, note) in zip(st.columns(5), tiles[row : row + 5], strict=False):
            column.metric(title, value, help=note)
    ui.contact_timeline_chart(timeline, bands)
    zones = ", ".join(sorted(set(timeline["timezone"])))
    st.caption(state.tr("lg.window_note", zone=zones) if days else state.tr("lg.no_window", jurisdiction=jurisdiction or "—"))
    return timeline


def _search_tab() -> None:
    with st.form("lg_search", border=True):
        c = st.columns(4)
        phone = c[0].text_input(state.tr("lg.phone"), key="lg_phone")
        account = c[1].text_input(state.tr("lg.account"), key="lg_account")
        agent = c[2].text_input(state.tr("lg.agent_code"), key="lg_agent")
        phrase = c[3].text_input(state.tr("lg.phrase"), key="lg_phrase", placeholder=state.tr("lg.phrase_hint"))
        d = st.columns([1, 1, 2])
        start = d[0].date_input(state.tr("lg.from"), value=None, key="lg_from", format=DATE_FORMAT[lang])
        end = d[1].date_input(state.tr("lg.to"), value=None, key="lg_to", format=DATE_FORMAT[lang])
        submitted = st.form_submit_button(state.tr("lg.search"), type="primary", icon=":material/search:")
    if submitted:
        fields = [(phone or "").strip() or None, (account or "").strip() or None, (agent or "").strip() or None,
                  (phrase or "").strip() or None]  # fmt: skip
        if not any(fields) and start is None and end is None:
            st.session_state.pop("lg_query", None)
            st.warning(state.tr("lg.need_criterion"))
        else:
            st.session_state["lg_query"] = case_services.SearchQuery(*fields, start=start, end=end)
    query = st.session_state.get("lg_query")
    if query is None:
        st.info(state.tr("lg.start_hint"))
        return
    try:
        results = data.search(url, who, query)
    except WorkflowError as exc:
        st.error(state.tr("error", msg=md(str(exc))))
        return
    if results.empty:
        st.info(state.tr("lg.no_results"))
        return
    found = state.tr("lg.result_one") if len(results) == 1 else state.tr("lg.results", n=fmt.number(len(results), lang))
    st.markdown(f"#### {found}")
    table = results[["source_id", "started_at", "channel", "direction", "jurisdiction", "agent", "account", "consumer_phone",
                     "score"]].assign(channel=results["channel"].map(lambda v: label("channel", v, lang)),
                                      direction=results["direction"].map(lambda v: label("direction", v, lang)))  # fmt: skip
    st.dataframe(
        fmt.styled(table, lang, {"started_at": "when"}), hide_index=True, width="stretch", height=min(320, 38 + 35 * len(table)),
        column_config={
            "source_id": state.tr("col.interaction"),
            "started_at": st.column_config.DatetimeColumn(state.tr("lg.started_utc")),
            "channel": state.tr("col.channel"), "direction": state.tr("lg.direction"),
            "jurisdiction": state.tr("col.jurisdiction"), "agent": state.tr("col.agent"), "account": state.tr("lg.account"),
            "consumer_phone": state.tr("lg.phone"),
            "score": ui.score_column(state.tr("col.score")),
        },
    )  # fmt: skip

    accounts = sorted(a for a in results["account"].dropna().unique())
    st.markdown(f"#### {state.tr('lg.consumer')}")
    if accounts:
        chosen = st.selectbox(state.tr("lg.account"), accounts, key="lg_pick_account")
        account_rows = data.search(url, who, case_services.SearchQuery(account=chosen, limit=5000))
        _timeline(account_rows["id"].tolist())
        if manages_cases:
            _open_case_form(chosen)
    else:
        _timeline(results["id"].tolist())

    st.markdown(f"#### {state.tr('lg.view_interaction')}")
    names = {i: f"{s} · {fmt.when(t, lang)} UTC" for i, s, t in zip(results["id"], results["source_id"], results["started_at"],
                                                                     strict=True)}  # fmt: skip
    picked = st.selectbox(state.tr("col.interaction"), list(names), format_func=names.get, key="lg_pick_interaction")
    unmasked = who.can(Right.VIEW_UNREDACTED) and st.toggle(state.tr("lg.unmasked"), key="lg_unmasked",
                                                             help=state.tr("lg.unmasked_help"))  # fmt: skip
    with st.container(border=True):
        interaction_panel.show(who, int(picked), key="lg", unredacted=bool(unmasked))


def _open_case_form(account: str) -> None:
    flash = st.session_state.pop("lg_case_flash", None)
    if flash:
        st.success(flash)
    # Once a case is opened the form and its widgets get new keys: they come back empty, a second click opens nothing.
    n = st.session_state.get("lg_case_n", 0)
    sfx = f"_{n}" if n else ""
    with st.form(f"lg_open_case{sfx}", border=True, clear_on_submit=True):
        st.markdown(f"**{state.tr('lg.open_case', account=md(account))}**")
        c = st.columns([2, 1, 2])
        title = c[0].text_input(
            state.tr("lg.case_title"), value=state.tr("lg.case_default", account=account), key=f"lg_case_title{sfx}"
        )
        hold = c[1].checkbox(state.tr("lg.hold"), key=f"lg_case_hold{sfx}")
        reason = c[2].text_input(state.tr("lg.hold_reason"), key=f"lg_case_reason{sfx}")
        if st.form_submit_button(state.tr("lg.open_case_button"), icon=":material/create_new_folder:"):
            try:
                with state.db().session() as s:
                    case = case_services.open_case(s, who, title.strip() or account, account=account, legal_hold=hold,
                                                   hold_reason=reason.strip() or None)  # fmt: skip
            except WorkflowError as exc:
                st.error(state.tr("error", msg=md(str(exc))))
            else:
                state.data_changed()
                st.session_state["lg_case"] = case.id
                st.session_state["lg_case_flash"] = state.tr(
                    "lg.case_opened", id=case.id, n=fmt.number(len(case.interaction_ids), lang)
                )
                st.session_state["lg_case_n"] = n + 1
                st.rerun()


def _cases_tab() -> None:
    _flash()
    cases = data.cases(url, who)
    if not cases:
        st.info(state.tr("lg.no_cases"))
        return
    frame = pd.DataFrame([{"id": c.id, "title": c.title, "account": c.account, "status": state.tr(f"lg.status.{c.status}"),
                           "legal_hold": c.legal_hold, "interactions": len(c.interaction_ids), "created_by": c.created_by,
                           "created_at": c.created_at} for c in cases])  # fmt: skip
    st.dataframe(
        fmt.styled(frame, lang, {"created_at": "utc"}), hide_index=True, width="stretch", height=min(260, 38 + 35 * len(frame)),
        column_config={
            "id": st.column_config.NumberColumn("#", width="small"), "title": state.tr("lg.case_title"),
            "account": state.tr("lg.account"), "status": state.tr("col.state"),
            "legal_hold": st.column_config.CheckboxColumn(state.tr("lg.hold")),
            "interactions": state.tr("col.interactions"), "created_by": state.tr("lg.created_by"),
            "created_at": st.column_config.DatetimeColumn(state.tr("col.date")),
        },
    )  # fmt: skip
    by_id = {c.id: c for c in cases}
    default = st.session_state.get("lg_case")
    ids = list(by_id)
    case_id = st.selectbox(state.tr("lg.case"), ids, index=ids.index(default) if default in by_id else 0, key="lg_case_pick",
                           format_func=lambda i: f"#{i} · {by_id[i].title}")  # fmt: skip
    case = by_id[case_id]
    st.markdown(f"#### #{case.id} · {md(case.title)}")
    contacts = _timeline(case.interaction_ids)
    if not contacts.empty:
        st.markdown(f"**{state.tr('lg.case_contacts', n=fmt.number(len(contacts), lang))}**")
        ui.contact_table(contacts)
    left, right = st.columns(2)
    with left, st.form(f"lg_hold_{case.id}", border=True):
        st.markdown(f"**{state.tr('lg.hold')}**: {state.tr('lg.on') if case.legal_hold else state.tr('lg.off')}"
                    + (f" · {md(case.hold_reason)}" if case.legal_hold and case.hold_reason else ""))  # fmt: skip
        reason = st.text_input(state.tr("lg.hold_reason"), key=f"lg_hold_reason_{case.id}")
        label = state.tr("lg.release") if case.legal_hold else state.tr("lg.place")
        if st.form_submit_button(label, icon=":material/lock_open:" if case.legal_hold else ":material/lock:"):
            try:
                with state.db().session() as s:
                    case_services.set_legal_hold(s, who, case.id, not case.legal_hold, reason=reason)
            except WorkflowError as exc:
                st.error(state.tr("error", msg=md(str(exc))))
            else:
                state.data_changed()
                st.session_state["lg_flash"] = ("success", state.tr("lg.hold_saved"))
                st.rerun()
    with right, st.container(border=True):
        _export_panel(case)
    if case.status == "open":
        _close_case_form(case)


def _close_case_form(case) -> None:
    with st.form(f"lg_close_{case.id}", border=True):
        reason = st.text_input(state.tr("lg.close_reason"), key=f"lg_close_reason_{case.id}")
        if st.form_submit_button(state.tr("lg.close_case"), icon=":material/task_alt:"):
            try:
                with state.db().session() as s:
                    case_services.close_case(s, who, case.id, reason=reason)
            except WorkflowError as exc:
                st.error(state.tr("error", msg=md(str(exc))))
            else:
                state.data_changed()
                st.session_state["lg_flash"] = ("success", state.tr("lg.case_closed"))
                st.rerun()


def _export_panel(case) -> None:
    st.markdown(f"**{state.tr('lg.export')}**")
    if not who.can(Right.EXPORT):
        st.caption(state.tr("lg.no_export_right"))
        return
    if st.button(state.tr("lg.export_build"), icon=":material/folder_zip:", key=f"lg_export_{case.id}"):
        folder = data_dir() / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with state.db().session() as s:
                result = export_services.export_case(s, who, case.id, folder)
        except WorkflowError as exc:
            st.error(state.tr("error", msg=md(str(exc))))
        else:
            st.session_state["lg_export"] = (case.id, str(result.path), result.files, result.manifest_sha256)
            st.session_state.pop("lg_verified", None)
    built = st.session_state.get("lg_export")
    if not built or built[0] != case.id:
        st.caption(state.tr("lg.export_hint"))
        return
    _, path, files, digest = built
    st.caption(state.tr("lg.export_ready", files=files, digest=digest[:16]))
    c = st.columns(2)
    with open(path, "rb") as handle:
        c[0].download_button(state.tr("lg.download"), handle.read(), file_name=path.rsplit("/", 1)[-1], mime="application/zip",
                             icon=":material/download:", key=f"lg_download_{case.id}", width="stretch")  # fmt: skip
    if c[1].button(state.tr("lg.verify"), icon=":material/verified:", key=f"lg_verify_{case.id}", width="stretch"):
        with state.db().session() as s:
            check = export_services.verify_export(Path(path), s)
        st.session_state["lg_verified"] = (path, check.ok, check.anchored, list(check.problems))
    verified = st.session_state.get("lg_verified")
    if verified and verified[0] == path:
        if verified[1]:
            st.success(state.tr("lg.verify_ok", anchored=state.tr("lg.on") if verified[2] else state.tr("lg.off")))
        else:
            st.error(state.tr("lg.verify_failed", problems=md("; ".join(verified[3]))))


if manages_cases:
    search_tab, cases_tab = st.tabs([state.tr("lg.tab_search"), state.tr("lg.tab_cases")])
    with search_tab:
        _search_tab()
    with cases_tab:
        _cases_tab()
else:
    st.caption(state.tr("lg.search_only"))
    _search_tab()
