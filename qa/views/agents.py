"""Agents: the scoped agent list, daily score rows for rankings, per-agent breakdowns and worst interactions."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa import rankings
from qa.storage import models as m
from qa.storage.queries import daily_agent_scores
from qa.views.scope import Scope


def agent_directory(session: Session, scope: Scope) -> pd.DataFrame:
    """Agents the viewer may see: id, code, name and team code, by name."""
    stmt = (
        select(m.Agent.id, m.Agent.code, m.Agent.name, m.Team.code.label("team"), m.Agent.team_id)
        .outerjoin(m.Team, m.Team.id == m.Agent.team_id)
        .where(*scope.where(m.Agent.id, m.Agent.team_id))
        .order_by(m.Agent.name, m.Agent.code)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["id", "code", "name", "team", "team_id"])
    frame["name"] = frame["name"].fillna(frame["code"])
    return frame


def daily_scores(
    session: Session, scope: Scope, *, start: date | None = None, end: date | None = None, scorecard: str = "default"
) -> pd.DataFrame:
    """Return the agent-day score rows (``qa.rankings.daily_frame``) restricted to the viewer's scope."""
    rows = daily_agent_scores(session, scorecard=scorecard, start=start, end=end)
    visible = [r for r in rows if scope.allows(r["agent_id"], r["team_id"])]
    return rankings.daily_frame(visible)


def agent_trend(daily: pd.DataFrame, agent_code: str, period: rankings.Period = "week") -> pd.DataFrame:
    """One agent's mean score and pass rate per period, beside the mean of everyone in ``daily``."""
    mine = rankings.by_period(daily[daily["agent"] == agent_code], period, keys=("agent",))
    floor = rankings.by_period(daily.assign(scope="all"), period, keys=("scope",))
    out = mine[["period", "interactions", "score", "pass_rate"]].merge(
        floor[["period", "score"]].rename(columns={"score": "floor_score"}), on="period", how="left"
    )
    out["period_start"] = out["period"].dt.start_time
    out["period"] = out["period"].astype(str)
    return out


def _agent_visible(session: Session, scope: Scope, agent_id: int) -> bool:
    team_id = session.scalar(select(m.Agent.team_id).where(m.Agent.id == agent_id))
    exists = session.scalar(select(func.count()).select_from(m.Agent).where(m.Agent.id == agent_id))
    return bool(exists) and scope.allows(agent_id, team_id)


def agent_breakdown(
    session: Session, scope: Scope, agent_id: int, *, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """One agent's active findings per family, rule and severity (empty when the agent is out of scope)."""
    columns = ["family", "rule_id", "severity", "findings", "interactions"]
    if not _agent_visible(session, scope, agent_id):
        return pd.DataFrame(columns=columns)
    i, f = m.Interaction, m.Finding
    stmt = (
        select(f.family, f.rule_id, f.severity, func.count(), func.count(func.distinct(f.interaction_id)))
        .join(i, i.id == f.interaction_id)
        .where(i.agent_id == agent_id, f.active.is_(True), *scope.where(i.agent_id, i.team_id))
        .group_by(f.family, f.rule_id, f.severity)
    )
    if start is not None:
        stmt = stmt.where(i.local_date >= start)
    if end is not None:
        stmt = stmt.where(i.local_date <= end)
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    return frame.sort_values("findings", ascending=False).reset_index(drop=True)


def worst_interactions(
    session: Session, scope: Scope, agent_id: int, *, limit: int = 10, scorecard: str = "default"
) -> pd.DataFrame:
    """Return the agent's lowest-scoring interactions (latest first among equal scores) with their active findings count."""
    columns = ["interaction_id", "source_id", "local_date", "channel", "jurisdiction", "score", "auto_failed", "findings"]
    if not _agent_visible(session, scope, agent_id):
        return pd.DataFrame(columns=columns)
    s, i, f = m.Score, m.Interaction, m.Finding
    worst = (
        select(s.interaction_id, s.score, s.auto_failed)
        .where(s.scorecard == scorecard, s.agent_id == agent_id, *scope.where(s.agent_id, s.team_id))
        .order_by(s.score, s.local_date.desc(), s.interaction_id.desc())
        .limit(limit)
        .subquery()
    )
    hits = (
        select(f.interaction_id, func.count().label("n"))
        .where(f.active.is_(True), f.interaction_id.in_(select(worst.c.interaction_id)))
        .group_by(f.interaction_id)
        .subquery()
    )
    stmt = (
        select(
            i.id,
            i.source_id,
            i.local_date,
            i.channel,
            i.jurisdiction,
            worst.c.score,
            worst.c.auto_failed,
            func.coalesce(hits.c.n, 0),
        )
        .join(worst, worst.c.interaction_id == i.id)
        .outerjoin(hits, hits.c.interaction_id == i.id)
        .order_by(worst.c.score, i.local_date.desc(), i.id.desc())
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)
