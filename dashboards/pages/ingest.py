"""Ingest: upload chat exports or recordings (with their manifest), ingest file by file with progress, per-file errors."""

from __future__ import annotations

import streamlit as st

from dashboards import components as ui
from dashboards import data, state
from dashboards import formatting as fmt
from dashboards.literal import md
from dashboards.navigation import BY_KEY
from qa.ingest import IngestOptions, ingest
from qa.views.uploads import AUDIO, INGESTABLE, save_uploads

who = state.require_page(*BY_KEY["ingest"].rights, roles=BY_KEY["ingest"].roles)
ui.page_header("page.ingest")
url = state.db_url()

# Streamlit's uploader writes "Upload" and "200MB per file" in English whatever the page's language: those texts
# are hidden (visibility, so they leave the page's text too) and ours drawn in their place.
_types = ", ".join(s.lstrip(".").upper() for s in (*INGESTABLE, *AUDIO))
_limit = state.tr("in.limit", mb=int(st.get_option("server.maxUploadSize")), types=_types)
st.html(
    "<style>"
    '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,'
    '[data-testid="stFileUploaderDropzoneInstructions"] span {visibility:hidden;font-size:0}'
    '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after'
    f'{{visibility:visible;font-size:.875rem;content:"{state.tr("in.browse")}"}}'
    f'[data-testid="stFileUploaderDropzoneInstructions"] span::after{{visibility:visible;font-size:.8rem;content:"{_limit}"}}'
    "</style>"
)
with st.form("ingest_form", border=True, clear_on_submit=True):  # the uploader is emptied once the run starts
    files = st.file_uploader(
        state.tr("in.upload"), accept_multiple_files=True, type=[s.lstrip(".") for s in (*INGESTABLE, *AUDIO)], key="in_files"
    )
    go = st.form_submit_button(state.tr("in.start"), type="primary", icon=":material/upload:")

if go and files:
    folder, paths = save_uploads([(f.name, f.getvalue()) for f in files])
    bar = st.progress(0.0)
    totals = {"stored": 0, "dup": 0, "failed": 0, "findings": 0}
    for n, path in enumerate(paths, start=1):
        bar.progress((n - 1) / max(len(paths), 1), text=state.tr("in.progress", name=md(path.name), i=n, n=len(paths)))
        try:
            summary = ingest(state.db(), [path], IngestOptions(workers=1, progress=False))
        finally:
            path.unlink(missing_ok=True)  # the upload is stored redacted; its clear copy must not stay in the data folder
        totals["stored"] += summary.stored
        totals["dup"] += summary.duplicates
        totals["failed"] += summary.failed
        totals["findings"] += summary.findings
        for error in summary.errors:
            st.warning(f"{md(path.name)}: {md(error)}")
    bar.progress(1.0, text=state.tr("in.done", **totals))
    state.data_changed()

runs, errors = data.ingest_history(url)
st.markdown(f"#### {state.tr('in.runs')}")
if runs.empty:  # an empty table would say "empty" in English
    st.caption(state.tr("in.no_runs"))
else:
    counts = {"seen": "int", "stored": "int", "duplicates": "int", "failed": "int", "started_at": "utc", "finished_at": "utc"}
    shown = fmt.styled(runs.drop(columns=["paths"]), state.lang(), counts)
    st.dataframe(shown, hide_index=True, width="stretch", height=min(320, 38 + 35 * len(runs)),
                 column_config={c: state.tr(f"in.col.{c}") for c in runs.columns if c != "paths"})  # fmt: skip
st.markdown(f"#### {state.tr('in.errors')}")
if errors.empty:
    st.caption(state.tr("in.no_errors"))
else:
    shown = fmt.styled(errors, state.lang(), {"resolved_at": "utc"})
    st.dataframe(shown, hide_index=True, width="stretch", column_config={c: state.tr(f"in.col.{c}") for c in errors.columns})
