"""Dispute and calibration views: an agent's disputable findings, calibration candidates and reviewers (scoped).

The dispute rules themselves (own interaction, confirmed or downgraded, within the window, once)
are enforced by :func:`qa.workflow.disputes.open_dispute`; this view lists what that service
would accept, with the deadline, so the form never offers a finding it would refuse.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.types import utcnow
from qa.storage.workflow_models import Dispute, FindingReview, ReviewEvent, User
from qa.views.scope import Scope
from qa.workflow.calibration import CALIBRATING_ROLES
from qa.workflow.disputes import DISPUTABLE_STATES, dispute_window

DISPUTABLE_COLUMNS = ["finding_id", "interaction_id", "source_id", "local_date", "rule_id", "family", "severity",
                      "review_state", "evidence", "explanation", "deadline"]  # fmt: skip
CANDIDATE_COLUMNS = ["interaction_id", "source_id", "local_date", "agent", "jurisdiction", "findings"]


def disputable_findings(
    session: Session, agent_id: int | None, *, window: timedelta | None = None, now: datetime | None = None
) -> pd.DataFrame:
    """The agent's confirmed or downgraded findings not yet disputed whose window is still open, soonest deadline first."""
    if agent_id is None:
        return pd.DataFrame(columns=DISPUTABLE_COLUMNS)
    i, f, r = m.Interaction, m.Finding, FindingReview
    confirmed_at = (
        select(ReviewEvent.finding_id, func.max(ReviewEvent.at).label("at"))
        .where(ReviewEvent.state.in_(DISPUTABLE_STATES))
        .group_by(ReviewEvent.finding_id)
        .subquery()
    )
    stmt = (
        select(f.id, i.id, i.source_id, i.local_date, f.rule_id, f.family, func.coalesce(r.severity, f.severity), r.state,
               f.evidence, f.explanation, func.coalesce(confirmed_at.c.at, r.reviewed_at))
        .join(i, i.id == f.interaction_id)
        .join(r, r.finding_id == f.id)
        .outerjoin(confirmed_at, confirmed_at.c.finding_id == f.id)
        .where(i.agent_id == agent_id, r.state.in_(DISPUTABLE_STATES),
               ~select(Dispute.id).where(Dispute.finding_id == f.id).exists())
        .order_by(i.started_at.desc(), f.id)
    )  # fmt: skip
    limit, now = (window if window is not None else dispute_window()), now or utcnow()
    rows = []
    for row in session.execute(stmt):
        deadline = row[-1] + limit
        if now <= deadline:
            rows.append([*row[:-1], deadline])
    frame = pd.DataFrame(rows, columns=DISPUTABLE_COLUMNS)
    return frame.sort_values("deadline", kind="stable").reset_index(drop=True)


def calibration_candidates(session: Session, scope: Scope, *, limit: int = 200) -> pd.DataFrame:
    """Recent interactions in scope with active findings (what a calibration session can be built from), newest first."""
    i, f = m.Interaction, m.Finding
    stmt = (
        select(i.id, i.source_id, i.local_date, m.Agent.code, i.jurisdiction, func.count(f.id))
        .join(f, f.interaction_id == i.id)
        .outerjoin(m.Agent, m.Agent.id == i.agent_id)
        .where(f.active.is_(True), *scope.where(i.agent_id, i.team_id))
        .group_by(i.id, i.source_id, i.local_date, m.Agent.code, i.jurisdiction, i.started_at)
        .order_by(i.started_at.desc(), i.id.desc())
        .limit(limit)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=CANDIDATE_COLUMNS)


def calibration_reviewers(session: Session) -> list[tuple[str, str]]:
    """Active users who may calibrate: (username, role), by username."""
    roles = [str(r) for r in CALIBRATING_ROLES]
    stmt = select(User.username, User.role).where(User.active.is_(True), User.role.in_(roles)).order_by(User.username)
    return [(u, r) for u, r in session.execute(stmt)]
