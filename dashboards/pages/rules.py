"""Rules: the catalogue with citations, hit counts and reviewed precision, and each rule's own examples."""

from __future__ import annotations

import html

import streamlit as st

from dashboards import components as ui
from dashboards import data, state
from dashboards import formatting as fmt
from dashboards.filters import select_all
from dashboards.i18n import label
from dashboards.literal import md
from dashboards.navigation import BY_KEY


def _in_language(language: str) -> str:
    """Examples are said in the pack's language: one in another language than the page's is marked so."""
    if language == state.lang():
        return ""
    return f" :gray[({state.tr('ex.example_in', language=ui.language_name(language, state.lang()))})]"


who = state.require_page(*BY_KEY["rules"].rights)
ui.page_header("page.rules")
catalog = data.rule_catalog(state.db_url(), who, state.lang())

cols = st.columns([2, 1, 1])
query = cols[0].text_input(state.tr("r.search"), key="rules_q", placeholder="cárcel, third party, US-FDCPA…")
jurisdictions = cols[1].multiselect(
    state.tr("f.jurisdictions"),
    sorted(catalog["jurisdiction"].unique()),
    key="rules_jur",
    placeholder=state.tr("f.all"),
    select_all=select_all(),
)
families = cols[2].multiselect(
    state.tr("f.family"),
    sorted(catalog["family"].unique()),
    key="rules_fam",
    format_func=lambda f: label("fam", f, state.lang()),
    placeholder=state.tr("f.all"),
    select_all=select_all(),
)
view = catalog
if query:
    needle = query.lower()
    text = (view["rule_id"] + " " + view["title"] + " " + view["message"] + " " + view["citation"]).str.lower()
    view = view[text.str.contains(needle, regex=False)]
if jurisdictions:
    view = view[view["jurisdiction"].isin(jurisdictions)]
if families:
    view = view[view["family"].isin(families)]
st.caption(state.tr("r.count", n=fmt.number(len(view), state.lang())))

has_precision = "reviewed_precision" in view.columns
table = ui.family_labels(view).assign(severity=view["severity"].map(lambda s: label("sev", s, state.lang())))
columns = ["rule_id", "jurisdiction", "family", "severity", "citation", "hits"] + (
    ["reviewed_precision"] if has_precision else []
)
st.dataframe(
    fmt.styled(table[columns], state.lang(), {"hits": "int", "reviewed_precision": "pct"}),
    hide_index=True,
    width="stretch",
    height=min(420, 38 + 35 * len(table)),
    column_config={
        "rule_id": state.tr("col.rule"),
        "jurisdiction": state.tr("col.jurisdiction"),
        "family": state.tr("col.family"),
        "severity": state.tr("col.severity"),
        "citation": st.column_config.TextColumn(state.tr("col.citation"), width="large"),
        "hits": state.tr("col.hits"),
        "reviewed_precision": st.column_config.NumberColumn(state.tr("col.precision")),
    },
)

for rule in view.head(60).itertuples(index=False):
    precision = getattr(rule, "reviewed_precision", None) if has_precision else None
    with st.expander(f"{rule.rule_id} — {rule.title}  ·  {fmt.number(rule.hits, state.lang())} {state.tr('col.hits').lower()}"):
        st.html(
            ui.CSS + f"{ui.severity_badge(rule.severity)} <b>{html.escape(label('fam', rule.family, state.lang()))}</b> · "
            f"{html.escape(rule.jurisdiction)}<br><span style='color:#486581'>{html.escape(rule.citation)}</span>"
            f"<p>{html.escape(rule.message)}</p>"
        )
        if precision is not None and precision == precision:
            st.caption(f"{state.tr('k.precision')}: {ui.fmt_pct(precision)}")
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{state.tr('r.violating')}**")
            for text, language in rule.violating:
                st.markdown(f":red[✗] {md(text)}{_in_language(language)}")
        with right:
            st.markdown(f"**{state.tr('r.lawful')}**")
            for text, language in rule.lawful:
                st.markdown(f":green[✓] {md(text)}{_in_language(language)}")
