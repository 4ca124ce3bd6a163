"""Cached calls into the ``qa`` services and views. Pages call these and draw; nothing here draws.

Each function is keyed by the database URL and the principal (or its scope), so one viewer's
cached rows are never served to another. :func:`dashboards.state.data_changed` clears them all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboards.state import db, scope_of
from qa.storage import rollups
from qa.views import Filters, catalog, ingest_log
from qa.views import agents as agent_views
from qa.views import overview as ov
from qa.workflow import reviews
from qa.workflow.access import Principal, Right

TTL = 600


@st.cache_resource(show_spinner=False)
def rule_specs() -> list:
    """Return the rule catalogue (parsed once per process; no detectors, no spaCy)."""
    from compliance_rules.catalog import load_rule_specs

    return load_rule_specs()


@st.cache_resource(show_spinner=False)
def rules_by_id() -> dict[str, Any]:
    """The rule catalogue by rule id (for a finding's rule texts in the viewer's language)."""
    return {rule.id: rule for rule in rule_specs()}


@st.cache_data(ttl=TTL, show_spinner=False)
def filter_options(url: str, who: Principal) -> dict[str, Any]:
    rollups.refresh_quietly(db())
    with db().session() as s:
        return ov.filter_options(s, scope_of(who))


@st.cache_data(ttl=TTL, show_spinner=False)
def overview_rows(url: str, who: Principal, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    rollups.refresh_quietly(db())  # days changed by ingest, reviews or disputes since the last read
    with db().session() as s:
        scope = scope_of(who)
        return ov.contact_rows(s, scope, filters), ov.finding_rows(s, scope, filters)


@st.cache_data(ttl=TTL, show_spinner=False)
def precision(url: str, who: Principal, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    columns = ["rule_id", "confirmed", "downgraded", "dismissed", "unclear", "reviewed_precision"]
    if not who.can(Right.VIEW_PRECISION):
        return pd.DataFrame(columns=columns)
    with db().session() as s:
        rows = reviews.rule_precision(s, who, start=start, end=end)
    return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=columns)


@st.cache_data(ttl=TTL, show_spinner=False)
def agent_directory(url: str, who: Principal) -> pd.DataFrame:
    with db().session() as s:
        return agent_views.agent_directory(s, scope_of(who))


@st.cache_data(ttl=TTL, show_spinner=False)
def daily_scores(url: str, who: Principal, start: date | None, end: date | None) -> pd.DataFrame:
    with db().session() as s:
        return agent_views.daily_scores(s, scope_of(who), start=start, end=end)


@st.cache_data(ttl=TTL, show_spinner=False)
def floor_daily(url: str, start: date | None, end: date | None) -> pd.DataFrame:
    """The whole floor's scores per day (no agent rows): the same for every viewer, so keyed by URL and dates only."""
    with db().session() as s:
        return agent_views.floor_daily(s, start=start, end=end)


@st.cache_data(ttl=TTL, show_spinner=False)
def default_period(url: str, who: Principal, kind: str, today: date):
    """The last complete week or month with data in the viewer's scope (None without data)."""
    from qa.views.periods import default_period as pick

    with db().session() as s:
        return pick(s, scope_of(who), kind, today)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL, show_spinner=False)
def agent_breakdown(url: str, who: Principal, agent_id: int, start: date | None, end: date | None) -> pd.DataFrame:
    with db().session() as s:
        return agent_views.agent_breakdown(s, scope_of(who), agent_id, start=start, end=end)


@st.cache_data(ttl=TTL, show_spinner=False)
def worst_interactions(url: str, who: Principal, agent_id: int) -> pd.DataFrame:
    with db().session() as s:
        return agent_views.worst_interactions(s, scope_of(who), agent_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def rule_catalog(url: str, who: Principal, lang: str) -> pd.DataFrame:
    rollups.refresh_quietly(db())
    with db().session() as s:
        hits = catalog.rule_hits(s, scope_of(who))
    frame = catalog.catalog_frame(rule_specs(), lang)
    return catalog.catalog_with_hits(frame, hits, precision(url, who))


@st.cache_data(ttl=30, show_spinner=False)
def ingest_history(url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    with db().session() as s:
        return ingest_log.ingest_runs(s), ingest_log.ingest_errors(s)


@st.cache_data(ttl=TTL, show_spinner=False)
def open_cases(url: str, who: Principal) -> dict[str, int] | None:
    """Open cases and holds, for the roles that work cases (None for the others)."""
    if not (who.can(Right.MANAGE_CASES) or who.can(Right.SEARCH)):
        return None
    from qa.views.cases import open_case_counts

    with db().session() as s:
        return open_case_counts(s)


@st.cache_data(ttl=TTL, show_spinner=False)
def review_queue(url: str, who: Principal, filters: reviews.QueueFilter, limit: int = 200) -> list[reviews.QueueItem]:
    with db().session() as s:
        return reviews.review_queue(s, who, filters, limit=limit)


@st.cache_data(ttl=TTL, show_spinner=False)
def queue_page(url: str, who: Principal, query, page: int, page_size: int):
    """One page of the review queue (:func:`qa.views.queue.queue_page`): rows and the total."""
    from qa.views.queue import queue_page as fetch

    with db().session() as s:
        return fetch(s, who, query, page=page, page_size=page_size)


@st.cache_data(ttl=TTL, show_spinner=False)
def search(url: str, who: Principal, query) -> pd.DataFrame:
    """Interactions matching a :class:`qa.workflow.cases.SearchQuery` in the viewer's scope, as a frame."""
    from dataclasses import asdict

    from qa.workflow.cases import search_interactions

    with db().session() as s:
        rows = search_interactions(s, who, query)
    columns = ["id", "source_id", "started_at", "local_date", "channel", "direction", "jurisdiction", "agent", "team",
               "account", "consumer_phone", "score", "passed"]  # fmt: skip
    return pd.DataFrame([asdict(r) for r in rows], columns=columns)


@st.cache_data(ttl=TTL, show_spinner=False)
def contact_timeline(url: str, who: Principal, interaction_ids: tuple[int, ...]) -> pd.DataFrame:
    from qa.views.legal import contact_timeline as timeline

    with db().session() as s:
        return timeline(s, scope_of(who), list(interaction_ids))


@st.cache_data(ttl=TTL, show_spinner=False)
def contact_windows() -> dict:
    from qa.views.legal import contact_windows as windows

    return windows(rule_specs())


@st.cache_data(ttl=TTL, show_spinner=False)
def cases(url: str, who: Principal) -> list:
    from qa.workflow.cases import list_cases

    if not who.can(Right.MANAGE_CASES):
        return []
    with db().session() as s:
        return list_cases(s, who)


@st.cache_data(ttl=TTL, show_spinner=False)
def coaching_items(url: str, who: Principal) -> list:
    from qa.workflow.coaching import list_coaching

    with db().session() as s:
        return list_coaching(s, who)


@st.cache_data(ttl=TTL, show_spinner=False)
def coaching_follow_up(url: str, who: Principal, item_id: int, window_days: int = 30):
    from qa.workflow.coaching import follow_up

    with db().session() as s:
        return follow_up(s, who, item_id, window_days=window_days)


@st.cache_data(ttl=TTL, show_spinner=False)
def coachable_findings(url: str, who: Principal, agent_id: int) -> pd.DataFrame:
    from qa.views.coaching import coachable_findings as findings

    with db().session() as s:
        return findings(s, scope_of(who), agent_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def disputes(url: str, who: Principal, status: str | None = None) -> list:
    from qa.workflow.disputes import list_disputes

    with db().session() as s:
        return list_disputes(s, who, status=status)


@st.cache_data(ttl=60, show_spinner=False)
def disputable_findings(url: str, who: Principal) -> pd.DataFrame:
    """The signed-in agent's own findings that may still be disputed (short TTL: the window closes with time)."""
    from qa.views.disputes import disputable_findings as findings

    with db().session() as s:
        return findings(s, who.agent_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def calibration_candidates(url: str, who: Principal) -> pd.DataFrame:
    from qa.views.disputes import calibration_candidates as candidates

    with db().session() as s:
        return candidates(s, scope_of(who))


@st.cache_data(ttl=TTL, show_spinner=False)
def calibration_reviewers(url: str) -> list[tuple[str, str]]:
    from qa.views.disputes import calibration_reviewers as reviewers

    with db().session() as s:
        return reviewers(s)


@st.cache_data(ttl=TTL, show_spinner=False)
def calibrations(url: str, who: Principal, status: str) -> list:
    from qa.workflow.calibration import my_calibrations

    with db().session() as s:
        return my_calibrations(s, who, status=status)


@st.cache_data(ttl=TTL, show_spinner=False)
def calibration_items(url: str, who: Principal, session_id: int) -> list:
    from qa.workflow.calibration import my_calibration_items

    with db().session() as s:
        return my_calibration_items(s, who, session_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def calibration_report(url: str, who: Principal, session_id: int):
    from qa.workflow.calibration import calibration_report as report

    with db().session() as s:
        return report(s, who, session_id)
