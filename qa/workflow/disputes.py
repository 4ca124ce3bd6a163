"""Disputes: an agent contests a confirmed finding on their own interaction; a supervisor or arbitrator decides.

The window (``QA_DISPUTE_WINDOW_HOURS``, default 48) runs from the confirmation (the review
that confirmed or downgraded the finding). A finding is disputed once. The decision is
``upheld`` (the finding stands) or ``overturned`` (it no longer counts in the score).
Supervisors decide for their own team; QA analysts decide as arbitrators, but never on a
finding they reviewed themselves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.types import utcnow
from qa.storage.workflow_models import Dispute, FindingReview, ReviewEvent, User
from qa.workflow import audit
from qa.workflow.access import (
    Principal,
    Right,
    Role,
    handled_by,
    require,
    require_finding,
    require_interaction,
    visible_interactions,
)
from qa.workflow.errors import ConflictError, InvalidRequest, NotFound, PermissionDenied
from qa.workflow.rescoring import rescore_interactions

DEFAULT_WINDOW_HOURS = 48.0
DISPUTABLE_STATES = ("confirmed", "downgraded")


def dispute_window(hours: float | None = None) -> timedelta:
    return timedelta(
        hours=hours if hours is not None else float(os.environ.get("QA_DISPUTE_WINDOW_HOURS") or DEFAULT_WINDOW_HOURS)
    )


@dataclass(frozen=True)
class DisputeView:
    id: int
    finding_id: int
    interaction_id: int
    interaction: str
    rule_id: str
    opened_by: str | None
    comment: str
    opened_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None


def _view(session: Session, d: Dispute) -> DisputeView:
    names = dict(session.execute(select(User.id, User.username).where(User.id.in_([d.opened_by, d.decided_by or -1]))).all())
    finding = session.get(m.Finding, d.finding_id)
    source = session.scalar(select(m.Interaction.source_id).where(m.Interaction.id == d.interaction_id))
    return DisputeView(
        d.id, d.finding_id, d.interaction_id, source, finding.rule_id, names.get(d.opened_by), d.comment, d.opened_at,
        d.status, names.get(d.decided_by), d.decided_at, d.decision_reason,
    )  # fmt: skip


def open_dispute(
    session: Session,
    principal: Principal,
    finding_id: int,
    comment: str,
    *,
    window: timedelta | None = None,
    now: datetime | None = None,
) -> DisputeView:
    """Dispute a confirmed finding on the agent's own interaction, within the window."""
    require(principal, Right.OPEN_DISPUTE)
    finding, interaction = require_finding(session, principal, finding_id)
    if not handled_by(principal, interaction.agent_id):
        raise PermissionDenied(
            "only the agent who handled the interaction may dispute it / solo el agente de la interacción puede impugnar"
        )
    if not comment.strip():
        raise InvalidRequest("a dispute needs a comment / una impugnación necesita un comentario")
    review = session.get(FindingReview, finding_id)
    if review is None or review.state not in DISPUTABLE_STATES:
        raise InvalidRequest("only confirmed findings can be disputed / solo se impugnan hallazgos confirmados")
    confirmed_at = (
        session.scalar(
            select(ReviewEvent.at)
            .where(ReviewEvent.finding_id == finding_id, ReviewEvent.state.in_(DISPUTABLE_STATES))
            .order_by(ReviewEvent.id.desc())
            .limit(1)
        )
        or review.reviewed_at
    )
    now = now or utcnow()
    limit = window if window is not None else dispute_window()
    if now > confirmed_at + limit:
        raise InvalidRequest(
            f"the dispute window closed at {(confirmed_at + limit).isoformat()} / "
            f"el plazo para impugnar cerró el {(confirmed_at + limit).isoformat()}"
        )
    dispute = Dispute(
        finding_id=finding_id,
        interaction_id=interaction.id,
        opened_by=principal.user_id,
        comment=comment,
        opened_at=now,
        status="open",
    )
    try:
        session.add(dispute)
        session.flush()
    except IntegrityError:
        raise ConflictError(f"finding {finding_id} is already disputed / el hallazgo {finding_id} ya fue impugnado") from None
    details = {"finding": finding_id, "rule_id": finding.rule_id, "interaction": interaction.source_id, "comment": comment}
    audit.record(session, principal, "dispute.open", "dispute", dispute.id, details)
    return _view(session, dispute)


def decide_dispute(
    session: Session, principal: Principal, dispute_id: int, outcome: str, *, reason: str, now: datetime | None = None
) -> DisputeView:
    """Uphold or overturn an open dispute; the interaction's score follows the outcome."""
    require(principal, Right.DECIDE_DISPUTE)
    if outcome not in ("upheld", "overturned"):
        raise InvalidRequest("the outcome is 'upheld' or 'overturned' / el resultado es 'upheld' u 'overturned'")
    if not reason.strip():
        raise InvalidRequest("a decision needs a reason / una decisión necesita un motivo")
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound(f"dispute {dispute_id} not found / impugnación {dispute_id} no encontrada")
    interaction = require_interaction(session, principal, dispute.interaction_id)
    if principal.role == Role.QA_ANALYST:
        reviewers = set(session.scalars(select(ReviewEvent.reviewer_id).where(ReviewEvent.finding_id == dispute.finding_id)))
        if principal.user_id in reviewers:
            raise PermissionDenied(
                "an arbitrator cannot decide on their own review / un árbitro no decide sobre su propia revisión"
            )
    now = now or utcnow()
    table = Dispute.__table__
    done = session.execute(
        update(table)
        .where(table.c.id == dispute_id, table.c.status == "open")
        .values(status=outcome, decided_by=principal.user_id, decided_at=now, decision_reason=reason)
    )
    if done.rowcount != 1:
        raise ConflictError(f"dispute {dispute_id} was already decided / la impugnación {dispute_id} ya fue resuelta")
    details = {"finding": dispute.finding_id, "outcome": outcome, "reason": reason, "interaction": interaction.source_id}
    audit.record(session, principal, "dispute.decide", "dispute", dispute_id, details)
    session.expire_all()
    rescore_interactions(session, [interaction.id])
    return _view(session, session.get(Dispute, dispute_id))


def list_disputes(session: Session, principal: Principal, *, status: str | None = None) -> list[DisputeView]:
    """List disputes on interactions the principal may see, oldest first (agents: their own)."""
    stmt = (
        select(Dispute)
        .join(m.Interaction, m.Interaction.id == Dispute.interaction_id)
        .where(visible_interactions(principal))
        .order_by(Dispute.opened_at, Dispute.id)
    )
    if status:
        stmt = stmt.where(Dispute.status == status)
    return [_view(session, d) for d in session.scalars(stmt)]
