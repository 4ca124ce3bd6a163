"""Coaching views: agents ranked by risk for a supervisor, and an agent's findings to coach from (scoped)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qa import rankings
from qa.storage import models as m
from qa.storage.workflow_models import FindingReview
from qa.views.scope import Scope

RISK_COLUMNS = ["risk_rank", "agent", "agent_name", "team", "interactions", "score", "pass_rate", "auto_failed", "change",
                "trend", "open_items"]  # fmt: skip
FINDING_COLUMNS = ["finding_id", "interaction_id", "source_id", "local_date", "rule_id", "family", "severity", "review_state",
                   "evidence"]  # fmt: skip


def risk_ranking(
    daily: pd.DataFrame,
    open_items: dict[str, int],
    period: rankings.Period = "month",
    *,
    as_of=None,
    between=None,
) -> pd.DataFrame:
    """Agents to coach, riskiest first: lowest mean score in the period, then most auto-fails, then fewest contacts.

    ``daily`` is the scoped agent-day frame (``qa.views.agents.daily_scores``); ``open_items`` maps agent code to
    the number of coaching items not yet acknowledged. The period holds ``as_of`` (default: the latest with
    data), or is the custom range ``between=(start, end)``.
    """
    ranked = rankings.ranking(daily, period, as_of=as_of, between=between, trend_periods=6)
    if ranked.empty:
        return pd.DataFrame(columns=RISK_COLUMNS)
    ranked = ranked.sort_values(["score", "auto_failed", "interactions"], ascending=[True, False, True]).reset_index(drop=True)
    ranked["risk_rank"] = range(1, len(ranked) + 1)
    ranked["open_items"] = ranked["agent"].map(lambda code: open_items.get(code, 0)).astype(int)
    return ranked[RISK_COLUMNS]


def coachable_findings(session: Session, scope: Scope, agent_id: int, *, limit: int = 200) -> pd.DataFrame:
    """The agent's active findings not dismissed, newest first (empty when the agent is out of scope)."""
    i, f, r = m.Interaction, m.Finding, FindingReview
    if not scope.sees_agent(session, agent_id):
        return pd.DataFrame(columns=FINDING_COLUMNS)
    stmt = (
        select(f.id, i.id, i.source_id, i.local_date, f.rule_id, f.family, f.severity, r.state, f.evidence)
        .join(i, i.id == f.interaction_id)
        .outerjoin(r, r.finding_id == f.id)
        .where(i.agent_id == agent_id, f.active.is_(True), (r.state.is_(None)) | (r.state != "dismissed"),
               *scope.where(i.agent_id, i.team_id))
        .order_by(i.started_at.desc(), f.id)
        .limit(limit)
    )  # fmt: skip
    frame = pd.DataFrame(session.execute(stmt).all(), columns=FINDING_COLUMNS)
    frame["review_state"] = frame["review_state"].fillna("new")
    return frame
