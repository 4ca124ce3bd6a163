"""Read-side queries shared by the CLI, services and dashboards (no pandas here; see :mod:`qa.rankings`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from qa.domain import Severity
from qa.storage import models as m

COUNTED_TABLES = (
    m.Team,
    m.Agent,
    m.Account,
    m.Interaction,
    m.Turn,
    m.Finding,
    m.FindingEvent,
    m.Score,
    m.IngestRun,
    m.IngestError,
)


def gravest_first(severity) -> Any:
    """An ORDER BY key putting the gravest severity first (:meth:`qa.domain.Severity.gravest_first`), unknown ones last."""
    order = Severity.gravest_first()
    return case({str(s): k for k, s in enumerate(order)}, value=severity, else_=len(order))


def table_counts(session: Session) -> dict[str, int]:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0 for model in COUNTED_TABLES}


def daily_agent_scores(
    session: Session, *, scorecard: str = "default", start: date | None = None, end: date | None = None
) -> list[dict[str, Any]]:
    """Per agent and local day: interactions scored, score sum, passes and auto-fails (the input of every ranking).

    Aggregated in SQL (one row per agent-day), so ranking a million interactions moves a few
    thousand rows to Python.
    """
    s = m.Score
    # Aggregate on ids only (answered from the covering index), then attach codes and names.
    rollup = select(
        s.agent_id,
        s.team_id,
        s.local_date,
        func.count().label("interactions"),
        func.sum(s.score).label("score_sum"),
        func.sum(cast(s.passed, Integer)).label("passed"),
        func.sum(cast(s.auto_failed, Integer)).label("auto_failed"),
    ).where(s.scorecard == scorecard, s.agent_id.is_not(None))
    if start is not None:
        rollup = rollup.where(s.local_date >= start)
    if end is not None:
        rollup = rollup.where(s.local_date <= end)
    agg = rollup.group_by(s.local_date, s.agent_id, s.team_id).subquery()
    stmt = (
        select(
            agg.c.agent_id,
            m.Agent.code.label("agent"),
            m.Agent.name.label("agent_name"),
            agg.c.team_id,
            m.Team.code.label("team"),
            agg.c.local_date,
            agg.c.interactions,
            agg.c.score_sum,
            agg.c.passed,
            agg.c.auto_failed,
        )
        .join(m.Agent, m.Agent.id == agg.c.agent_id)
        .outerjoin(m.Team, m.Team.id == agg.c.team_id)
    )
    return [dict(row._mapping) for row in session.execute(stmt)]


def family_counts(session: Session, *, start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:
    """Active findings per agent and family (for coaching lists and dashboards)."""
    i, f = m.Interaction, m.Finding
    stmt = (
        select(m.Agent.code.label("agent"), f.family, f.severity, func.count().label("findings"))
        .join(i, i.id == f.interaction_id)
        .join(m.Agent, m.Agent.id == i.agent_id)
        .where(f.active.is_(True))
        .group_by(m.Agent.code, f.family, f.severity)
    )
    if start is not None:
        stmt = stmt.where(i.local_date >= start)
    if end is not None:
        stmt = stmt.where(i.local_date <= end)
    return [dict(row._mapping) for row in session.execute(stmt)]


def finding_history(session: Session, finding_id: int) -> list[dict[str, Any]]:
    """Which rule-pack versions raised or dropped a finding, oldest first."""
    e = m.FindingEvent
    stmt = select(e.event, e.rule_pack_version, e.at, e.scan_run_id).where(e.finding_id == finding_id).order_by(e.id)
    return [dict(row._mapping) for row in session.execute(stmt)]
