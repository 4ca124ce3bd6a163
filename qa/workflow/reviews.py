"""Reviews of findings: states, optimistic locking, the review queue and rule precision.

States: ``new`` (not reviewed), ``confirmed``, ``dismissed`` (a false positive: it no longer
counts in the score), ``downgraded`` (kept at a lower severity the analyst sets) and
``unclear`` (needs someone else; still counts). A confirmed finding may also get another
severity. Each review carries the reviewer, a reason and the time, and is kept in
``review_events``.

Optimistic locking: a caller passes the ``version`` it read (0 for a finding never
reviewed); if another analyst saved in between, :class:`ConflictError` is raised and nothing
is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from qa.domain import Severity
from qa.storage import models as m
from qa.storage.queries import gravest_first
from qa.storage.types import utcnow
from qa.storage.workflow_models import FindingReview, ReviewEvent, User
from qa.workflow import audit
from qa.workflow.access import Principal, Right, require, require_finding, visible_interactions
from qa.workflow.errors import ConflictError, InvalidRequest
from qa.workflow.locking import write_versioned
from qa.workflow.rescoring import rescore_interactions


class ReviewState(StrEnum):
    NEW = "new"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    DOWNGRADED = "downgraded"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Review:
    finding_id: int
    state: ReviewState
    severity: str  # effective severity (the reviewer's, else the scanner's)
    original_severity: str
    reviewer: str | None
    reason: str | None
    reviewed_at: datetime | None
    version: int  # 0: never reviewed


@dataclass(frozen=True)
class QueueFilter:
    jurisdiction: str | None = None
    team: str | None = None  # team code
    agent: str | None = None  # agent code
    family: str | None = None
    rule_id: str | None = None
    start: date | None = None  # interaction local date, inclusive
    end: date | None = None
    states: tuple[ReviewState, ...] = (ReviewState.NEW, ReviewState.UNCLEAR)


@dataclass(frozen=True)
class QueueItem:
    finding_id: int
    interaction_id: int
    interaction: str  # source id
    started_at: datetime
    jurisdiction: str | None
    agent: str | None
    team: str | None
    rule_id: str
    family: str
    severity: str
    state: ReviewState
    version: int
    evidence: str
    explanation: str
    turn: int | None
    start: float | None
    learned: bool = False  # raised by the learned layer alone
    confidence: float | None = None


@dataclass(frozen=True)
class RulePrecision:
    rule_id: str
    family: str
    confirmed: int
    downgraded: int
    dismissed: int
    unclear: int
    reviewed_precision: float | None  # (confirmed + downgraded) / (confirmed + downgraded + dismissed)


def _username(session: Session, user_id: int | None) -> str | None:
    return session.scalar(select(User.username).where(User.id == user_id)) if user_id else None


def get_review(session: Session, principal: Principal, finding_id: int) -> Review:
    finding, _ = require_finding(session, principal, finding_id)
    row = session.get(FindingReview, finding_id)
    if row is None:
        return Review(finding_id, ReviewState.NEW, finding.severity, finding.severity, None, None, None, 0)
    return Review(
        finding_id,
        ReviewState(row.state),
        row.severity or finding.severity,
        finding.severity,
        _username(session, row.reviewer_id),
        row.reason,
        row.reviewed_at,
        row.version,
    )


def review_finding(
    session: Session,
    principal: Principal,
    finding_id: int,
    state: ReviewState | str,
    *,
    reason: str,
    expected_version: int,
    severity: str | None = None,
) -> Review:
    """Record a review decision; raise :class:`ConflictError` if the review changed since ``expected_version``."""
    require(principal, Right.REVIEW)
    state = ReviewState(state)
    finding, interaction = require_finding(session, principal, finding_id)
    if not reason or not reason.strip():
        raise InvalidRequest("a review needs a reason / una revisión necesita un motivo")
    if severity is not None and severity not in set(Severity):
        raise InvalidRequest(f"unknown severity {severity!r} / gravedad desconocida")
    if state == ReviewState.DOWNGRADED:
        if severity is None or Severity(severity).rank >= Severity.rank_of(finding.severity):
            raise InvalidRequest(
                f"downgraded needs a severity below {finding.severity} / "
                f"rebajado necesita una gravedad menor que {finding.severity}"
            )
    elif severity is not None and state != ReviewState.CONFIRMED:
        raise InvalidRequest("only confirmed or downgraded reviews set a severity / solo confirmar o rebajar cambian la gravedad")
    current = session.get(FindingReview, finding_id)
    previous_state = current.state if current is not None else ReviewState.NEW
    previous_severity = (current.severity if current is not None else None) or finding.severity
    now = utcnow()
    values = {"state": str(state), "severity": severity, "reviewer_id": principal.user_id, "reason": reason, "reviewed_at": now}
    conflict = ConflictError(
        f"finding {finding_id} was reviewed by someone else since version {expected_version}; reload it / "
        f"otra persona revisó el hallazgo {finding_id} después de la versión {expected_version}; vuelva a cargarlo"
    )
    new_version = write_versioned(
        session, FindingReview, {"finding_id": finding_id}, expected_version, values, conflict, exists=current is not None
    )
    session.add(
        ReviewEvent(
            finding_id=finding_id,
            state=str(state),
            previous_state=str(previous_state),
            severity_before=previous_severity,
            severity_after=severity or finding.severity,
            reviewer_id=principal.user_id,
            reason=reason,
            at=now,
            version=new_version,
        )
    )
    audit.record(
        session,
        principal,
        "review",
        "finding",
        finding_id,
        {"interaction": interaction.source_id, "rule_id": finding.rule_id, "state": str(state), "severity": severity,
         "previous_state": str(previous_state), "reason": reason, "version": new_version},
    )  # fmt: skip
    session.expire_all()
    rescore_interactions(session, [interaction.id])
    return get_review(session, principal, finding_id)


def review_history(session: Session, principal: Principal, finding_id: int) -> list[dict]:
    """Return every review decision on a finding, oldest first."""
    require_finding(session, principal, finding_id)
    e = ReviewEvent
    stmt = (
        select(
            e.at,
            e.state,
            e.previous_state,
            e.severity_before,
            e.severity_after,
            User.username.label("reviewer"),
            e.reason,
            e.version,
        )
        .outerjoin(User, User.id == e.reviewer_id)
        .where(e.finding_id == finding_id)
        .order_by(e.id)
    )
    return [dict(r._mapping) for r in session.execute(stmt)]


def review_queue(
    session: Session, principal: Principal, filters: QueueFilter | None = None, *, limit: int = 100, offset: int = 0
) -> list[QueueItem]:
    """Active findings awaiting review.

    Most severe first; within a severity, rule findings before learned ones and learned ones by
    falling confidence; then the oldest interaction and the rule id.
    """
    require(principal, Right.REVIEW)
    filters = filters or QueueFilter()
    f, i, r = m.Finding, m.Interaction, FindingReview
    state = func.coalesce(r.state, "new")
    severity = func.coalesce(r.severity, f.severity)
    stmt = (
        select(
            f,
            i.source_id,
            i.started_at,
            i.jurisdiction.label("ij"),
            m.Agent.code,
            m.Team.code,
            state,
            func.coalesce(r.version, 0),
        )
        .join(i, i.id == f.interaction_id)
        .outerjoin(r, r.finding_id == f.id)
        .outerjoin(m.Agent, m.Agent.id == i.agent_id)
        .outerjoin(m.Team, m.Team.id == i.team_id)
        .where(f.active.is_(True), visible_interactions(principal), state.in_([str(s) for s in filters.states]))
        .order_by(
            gravest_first(severity),
            f.learned,
            case((f.learned.is_(True), -func.coalesce(f.confidence, 0.0)), else_=0.0),
            i.started_at,
            f.rule_id,
            f.id,
        )
        .limit(limit)
        .offset(offset)
    )
    if filters.jurisdiction:
        stmt = stmt.where((i.jurisdiction == filters.jurisdiction) | (f.jurisdiction == filters.jurisdiction))
    if filters.team:
        stmt = stmt.where(m.Team.code == filters.team)
    if filters.agent:
        stmt = stmt.where(m.Agent.code == filters.agent)
    if filters.family:
        stmt = stmt.where(f.family == filters.family)
    if filters.rule_id:
        stmt = stmt.where(f.rule_id == filters.rule_id)
    if filters.start:
        stmt = stmt.where(i.local_date >= filters.start)
    if filters.end:
        stmt = stmt.where(i.local_date <= filters.end)
    items = []
    for finding, source_id, started_at, jurisdiction, agent, team, st, version in session.execute(stmt):
        review = session.get(FindingReview, finding.id) if version else None
        items.append(
            QueueItem(
                finding.id,
                finding.interaction_id,
                source_id,
                started_at,
                jurisdiction,
                agent,
                team,
                finding.rule_id,
                finding.family,
                (review.severity if review and review.severity else finding.severity),
                ReviewState(st),
                version,
                finding.evidence,
                finding.explanation,
                finding.turn,
                finding.start,
                bool(finding.learned),
                finding.confidence,
            )
        )
    return items


def rule_precision(
    session: Session, principal: Principal, *, start: date | None = None, end: date | None = None
) -> list[RulePrecision]:
    """Per rule: review counts and the reviewed precision, worst precision first (rules to tune)."""
    require(principal, Right.VIEW_PRECISION)
    f, r, i = m.Finding, FindingReview, m.Interaction
    counts = {s: func.sum(case((r.state == s, 1), else_=0)) for s in ("confirmed", "downgraded", "dismissed", "unclear")}
    stmt = (
        select(f.rule_id, func.min(f.family), *counts.values())
        .join(r, r.finding_id == f.id)
        .join(i, i.id == f.interaction_id)
        .where(visible_interactions(principal))
        .group_by(f.rule_id)
    )
    if start:
        stmt = stmt.where(i.local_date >= start)
    if end:
        stmt = stmt.where(i.local_date <= end)
    out = []
    for rule_id, family, confirmed, downgraded, dismissed, unclear in session.execute(stmt):
        decided = (confirmed or 0) + (downgraded or 0) + (dismissed or 0)
        precision = ((confirmed or 0) + (downgraded or 0)) / decided if decided else None
        out.append(RulePrecision(rule_id, family, confirmed or 0, downgraded or 0, dismissed or 0, unclear or 0, precision))
    return sorted(out, key=lambda p: (p.reviewed_precision if p.reviewed_precision is not None else 2.0, p.rule_id))
