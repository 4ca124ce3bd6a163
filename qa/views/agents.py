"""Agents: the scoped agent list, daily score rows for rankings, per-agent breakdowns and worst interactions."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Integer, cast, func, select
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
    allowed = scope.predicate(session)
    visible = [r for r in rows if allowed(r["agent_id"], r["team_id"])]
    return rankings.daily_frame(visible)


FLOOR_COLUMNS = ["local_date", "interactions", "score_sum", "passed", "auto_failed"]


def floor_daily(
    session: Session, *, start: date | None = None, end: date | None = None, scorecard: str = "default"
) -> pd.DataFrame:
    """The whole floor's scores per local day: every agent's interactions summed, no agent or team in the rows.

    Deliberately not scoped: it is what an agent or a supervisor compares with (the floor mean),
    and it carries no row of any single agent.
    """
    s = m.Score
    stmt = select(
        s.local_date,
        func.count(),
        func.sum(s.score),
        func.sum(cast(s.passed, Integer)),
        func.sum(cast(s.auto_failed, Integer)),
    ).where(s.scorecard == scorecard, s.agent_id.is_not(None))
    if start is not None:
        stmt = stmt.where(s.local_date >= start)
    if end is not None:
        stmt = stmt.where(s.local_date <= end)
    frame = pd.DataFrame(session.execute(stmt.group_by(s.local_date)).all(), columns=FLOOR_COLUMNS)
    frame["local_date"] = pd.to_datetime(frame["local_date"])
    for column in FLOOR_COLUMNS[1:]:
        frame[column] = pd.to_numeric(frame[column]).fillna(0)
    return frame


def _mean(frame: pd.DataFrame, start: date, end: date) -> dict[str, float | int | None]:
    rows = frame[(frame["local_date"] >= pd.Timestamp(start)) & (frame["local_date"] <= pd.Timestamp(end))]
    n = int(rows["interactions"].sum())
    if not n:
        return {"interactions": 0, "score": None, "pass_rate": None}
    return {
        "interactions": n,
        "score": round(float(rows["score_sum"].sum()) / n, 1),
        "pass_rate": round(float(rows["passed"].sum()) / n, 3),
    }


def agent_summary(daily: pd.DataFrame, floor: pd.DataFrame, agent_code: str, period) -> dict[str, float | int | None]:
    """One agent's figures for ``period`` (a :class:`qa.views.periods.Period`), the change since the period before,
    and the whole floor's mean score in the same period.
    """
    mine = daily[daily["agent"] == agent_code]
    now = _mean(mine, period.start, period.end)
    before = period.previous()
    previous = _mean(mine, before.start, before.end)["score"]
    change = None if now["score"] is None or previous is None else round(float(now["score"]) - float(previous), 1)
    return {**now, "previous": previous, "change": change, "floor_score": _mean(floor, period.start, period.end)["score"]}


def agent_trend(
    daily: pd.DataFrame, agent_code: str, period: rankings.Period = "week", floor_daily: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One agent's mean score and pass rate per period, beside the floor mean per period.

    The floor is ``floor_daily`` (the whole floor, :func:`floor_daily`) when given, else everyone in ``daily``.
    """
    mine = rankings.by_period(daily[daily["agent"] == agent_code], period, keys=("agent",))
    base = daily if floor_daily is None else floor_daily
    floor = rankings.by_period(base.assign(scope="all"), period, keys=("scope",))
    out = mine[["period", "interactions", "score", "pass_rate"]].merge(
        floor[["period", "score"]].rename(columns={"score": "floor_score"}), on="period", how="left"
    )
    out["period_start"] = out["period"].dt.start_time
    out["period"] = out["period"].astype(str)
    return out


def _agent_visible(session: Session, scope: Scope, agent_id: int) -> bool:
    exists = session.scalar(select(func.count()).select_from(m.Agent).where(m.Agent.id == agent_id))
    return bool(exists) and scope.sees_agent(session, agent_id)


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
