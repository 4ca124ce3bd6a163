"""Reading interactions, their evaluations and transcripts, within the acting user's scope.

Transcripts are shown masked (card, ID and account numbers, e-mail addresses) to everyone;
legal may ask for the stored text unmasked, and each such view is an audit-log entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.workflow_models import Dispute, FindingReview
from qa.workflow import audit
from qa.workflow.access import Principal, Right, require, require_interaction, visible_interactions
from qa.workflow.errors import NotFound


@dataclass(frozen=True)
class InteractionSummary:
    id: int
    source_id: str
    channel: str
    direction: str
    started_at: datetime
    local_date: date
    jurisdiction: str | None
    agent: str | None
    team: str | None
    account: str | None
    consumer_phone: str | None
    score: float | None
    passed: bool | None


@dataclass(frozen=True)
class FindingView:
    id: int
    rule_id: str
    family: str
    severity: str  # effective
    scanner_severity: str
    jurisdiction: str
    citation: str
    turn: int | None
    start: float | None
    end: float | None
    span: tuple[int, int] | None
    evidence: str
    explanation: str
    active: bool
    review_state: str
    review_version: int
    dispute_status: str | None
    counts: bool  # counts towards the score
    learned: bool = False  # raised by the learned layer alone
    confidence: float | None = None  # the learned layer's probability, also on a rule finding it agrees with


@dataclass(frozen=True)
class TurnView:
    idx: int
    speaker: str
    text: str
    start: float | None
    end: float | None
    at: datetime | None


def summary_query():
    i = m.Interaction
    return (
        select(
            i.id,
            i.source_id,
            i.channel,
            i.direction,
            i.started_at,
            i.local_date,
            i.jurisdiction,
            m.Agent.code.label("agent"),
            m.Team.code.label("team"),
            m.Account.code.label("account"),
            i.consumer_phone,
            m.Score.score,
            m.Score.passed,
        )
        .outerjoin(m.Agent, m.Agent.id == i.agent_id)
        .outerjoin(m.Team, m.Team.id == i.team_id)
        .outerjoin(m.Account, m.Account.id == i.account_id)
        .outerjoin(m.Score, (m.Score.interaction_id == i.id) & (m.Score.scorecard == "default"))
    )


def to_summary(row) -> InteractionSummary:
    return InteractionSummary(**row._mapping)


def list_interactions(
    session: Session,
    principal: Principal,
    *,
    agent: str | None = None,
    team: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[InteractionSummary]:
    """List the interactions the principal may see, newest first."""
    i = m.Interaction
    stmt = summary_query().where(visible_interactions(principal)).order_by(i.started_at.desc(), i.id).limit(limit).offset(offset)
    if agent:
        stmt = stmt.where(m.Agent.code == agent)
    if team:
        stmt = stmt.where(m.Team.code == team)
    if start:
        stmt = stmt.where(i.local_date >= start)
    if end:
        stmt = stmt.where(i.local_date <= end)
    return [to_summary(r) for r in session.execute(stmt)]


def find_interaction(session: Session, principal: Principal, source_id: str) -> InteractionSummary:
    """Look an interaction up by its source id (``PermissionDenied`` / ``NotFound`` as :func:`get_interaction`)."""
    pk = session.scalar(select(m.Interaction.id).where(m.Interaction.source_id == source_id))
    if pk is None:
        raise NotFound(f"interaction {source_id!r} not found / interacción {source_id!r} no encontrada")
    return get_interaction(session, principal, pk)


def get_interaction(session: Session, principal: Principal, interaction_id: int) -> InteractionSummary:
    require_interaction(session, principal, interaction_id)
    return to_summary(session.execute(summary_query().where(m.Interaction.id == interaction_id)).one())


def interaction_findings(
    session: Session, principal: Principal, interaction_id: int, *, include_dropped: bool = False
) -> list[FindingView]:
    """Return the interaction's findings with their review state and dispute outcome (its evaluation)."""
    require_interaction(session, principal, interaction_id)
    f, r, d = m.Finding, FindingReview, Dispute
    stmt = (
        select(f, r.state, r.severity, r.version, d.status)
        .outerjoin(r, r.finding_id == f.id)
        .outerjoin(d, d.finding_id == f.id)
        .where(f.interaction_id == interaction_id)
        .order_by(f.turn.is_(None), f.turn, f.span_start, f.rule_id)
    )
    if not include_dropped:
        stmt = stmt.where(f.active.is_(True))
    out = []
    for finding, state, severity, version, dispute in session.execute(stmt):
        state = state or "new"
        out.append(
            FindingView(
                finding.id,
                finding.rule_id,
                finding.family,
                severity or finding.severity,
                finding.severity,
                finding.jurisdiction,
                finding.citation,
                finding.turn,
                finding.start,
                finding.end,
                (finding.span_start, finding.span_end) if finding.span_start is not None else None,
                finding.evidence,
                finding.explanation,
                finding.active,
                state,
                version or 0,
                dispute,
                finding.active and state != "dismissed" and dispute != "overturned",
                bool(finding.learned),
                finding.confidence,
            )
        )
    return out


def _mask(texts: list[str]) -> list[str]:
    # The transcription package's redactor, so chat text is masked exactly like transcripts.
    from transcription.redaction import redact_turns

    return [masked for masked, _ in redact_turns(texts)]


def transcript(session: Session, principal: Principal, interaction_id: int, *, unredacted: bool = False) -> list[TurnView]:
    """Return the turns, masked; ``unredacted=True`` (legal only) returns the stored text and is audited."""
    row = require_interaction(session, principal, interaction_id)
    if unredacted:
        require(principal, Right.VIEW_UNREDACTED)
    turns = list(session.scalars(select(m.Turn).where(m.Turn.interaction_id == interaction_id).order_by(m.Turn.idx)))
    texts = [t.text for t in turns] if unredacted else _mask([t.text for t in turns])
    if unredacted:
        audit.record(session, principal, "transcript.view_unredacted", "interaction", row.id, {"interaction": row.source_id})
    return [TurnView(t.idx, t.speaker, text, t.start, t.end, t.at) for t, text in zip(turns, texts, strict=True)]


def interaction_document(session: Session, principal: Principal, interaction_id: int) -> dict[str, Any]:
    """Return the stored canonical record (unmasked: legal only, audited)."""
    row = require_interaction(session, principal, interaction_id)
    require(principal, Right.VIEW_UNREDACTED)
    audit.record(session, principal, "transcript.view_unredacted", "interaction", row.id, {"interaction": row.source_id})
    return dict(row.document)
