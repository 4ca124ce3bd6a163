"""Coaching: a supervisor opens an item for an agent from chosen findings; the agent acknowledges; a follow-up compares.

The follow-up measures the agent's violation rate for the item's families, the share of the
agent's interactions with at least one counted finding (active, not dismissed, not
overturned) of those families, in a window before the item was opened and the same window
after it was acknowledged (or opened, while not yet acknowledged).

A coaching item can also be opened from outcomes (:func:`open_coaching_from_outcomes`): a missed or broken
promise to pay (:mod:`qa.workflow.coaching_outcomes`). Its follow-up compares the agent's promise rate or kept
rate over the same windows (``FollowUp.measures``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.outcome_models import CoachingOutcome, OutcomeRow
from qa.storage.types import utcnow
from qa.storage.workflow_models import CoachingFinding, CoachingItem, User
from qa.workflow import audit
from qa.workflow.access import Principal, Right, Role, can_see_agent, handled_by, require, require_finding, require_interaction
from qa.workflow.coaching_outcomes import MEASURE_OF, MEASURES, MeasureFollowUp, item_outcomes, measure_window, outcome_kind
from qa.workflow.errors import ConflictError, InvalidRequest, NotFound, PermissionDenied
from qa.workflow.rescoring import counted_findings_query


@dataclass(frozen=True)
class CoachingView:
    id: int
    agent: str
    created_by: str | None
    note: str
    due_date: date | None
    families: list[str]
    finding_ids: list[int]
    created_at: datetime
    status: str
    acknowledged_at: datetime | None
    agent_comment: str | None
    version: int = 1  # optimistic lock: pass it back to :func:`acknowledge`
    outcomes: tuple[tuple[int, str, str], ...] = ()  # (interaction id, source id, missed_promise | broken_promise)
    measures: tuple[str, ...] = ()  # performance measures followed up: promise_rate, kept_rate


@dataclass(frozen=True)
class RateWindow:
    start: datetime
    end: datetime
    interactions: int
    with_violation: int

    @property
    def rate(self) -> float | None:
        return self.with_violation / self.interactions if self.interactions else None


@dataclass(frozen=True)
class FollowUp:
    item_id: int
    families: list[str]
    before: RateWindow
    after: RateWindow
    measures: list[MeasureFollowUp] = field(default_factory=list)  # promise rate / kept rate, for items from outcomes

    @property
    def change(self) -> float | None:
        """Return after minus before (negative: fewer violations after coaching)."""
        if self.before.rate is None or self.after.rate is None:
            return None
        return self.after.rate - self.before.rate


def _view(session: Session, item: CoachingItem) -> CoachingView:
    agent = session.scalar(select(m.Agent.code).where(m.Agent.id == item.agent_id))
    creator = session.scalar(select(User.username).where(User.id == item.created_by))
    findings = sorted(session.scalars(select(CoachingFinding.finding_id).where(CoachingFinding.item_id == item.id)))
    outcomes = tuple(item_outcomes(session, item.id))
    measures = tuple(sorted({MEASURE_OF[kind] for _, _, kind in outcomes}, key=MEASURES.index))
    return CoachingView(
        item.id, agent, creator, item.note, item.due_date, list(item.families), findings, item.created_at, item.status,
        item.acknowledged_at, item.agent_comment, item.version, outcomes, measures,
    )  # fmt: skip


def _item(session: Session, principal: Principal, item_id: int) -> CoachingItem:
    item = session.get(CoachingItem, item_id)
    if item is None or not can_see_agent(session, principal, item.agent_id):
        raise NotFound(f"coaching item {item_id} not found / ítem de coaching {item_id} no encontrado")
    return item


def open_coaching(
    session: Session,
    principal: Principal,
    finding_ids: list[int],
    note: str,
    *,
    due_date: date | None = None,
    now: datetime | None = None,
) -> CoachingView:
    """Open a coaching item from findings of one agent of the supervisor's team."""
    require(principal, Right.COACH)
    if not finding_ids:
        raise InvalidRequest("choose at least one finding / elija al menos un hallazgo")
    if not note.strip():
        raise InvalidRequest("a coaching item needs a note / un ítem de coaching necesita una nota")
    agents, families = set(), set()
    for fid in finding_ids:
        finding, interaction = require_finding(session, principal, fid)
        agents.add(interaction.agent_id)
        families.add(finding.family)
    if len(agents) != 1 or None in agents:
        raise InvalidRequest("the findings must belong to one agent / los hallazgos deben ser de un solo agente")
    agent_id = agents.pop()
    item = CoachingItem(
        agent_id=agent_id,
        created_by=principal.user_id,
        note=note,
        due_date=due_date,
        families=sorted(families),
        created_at=now or utcnow(),
    )
    session.add(item)
    session.flush()
    session.add_all(CoachingFinding(item_id=item.id, finding_id=fid) for fid in sorted(set(finding_ids)))
    session.flush()
    details = {"agent_id": agent_id, "findings": sorted(set(finding_ids)), "families": sorted(families), "note": note}
    audit.record(session, principal, "coaching.open", "coaching", item.id, details)
    return _view(session, item)


def open_coaching_from_outcomes(
    session: Session,
    principal: Principal,
    interaction_ids: list[int],
    note: str,
    *,
    due_date: date | None = None,
    now: datetime | None = None,
) -> CoachingView:
    """Open a coaching item from contacts of one agent whose outcome is a missed or a broken promise to pay."""
    require(principal, Right.COACH)
    if not interaction_ids:
        raise InvalidRequest("choose at least one contact / elija al menos un contacto")
    if not note.strip():
        raise InvalidRequest("a coaching item needs a note / un ítem de coaching necesita una nota")
    agents, kinds = set(), {}
    for pk in sorted(set(interaction_ids)):
        interaction = require_interaction(session, principal, pk)
        kind = outcome_kind(session.get(OutcomeRow, pk))
        if kind is None:
            raise InvalidRequest(
                f"{interaction.source_id} has no missed or broken promise to coach / "
                f"{interaction.source_id} no tiene una promesa no obtenida o incumplida"
            )
        agents.add(interaction.agent_id)
        kinds[pk] = kind
    if len(agents) != 1 or None in agents:
        raise InvalidRequest("the contacts must belong to one agent / los contactos deben ser de un solo agente")
    agent_id = agents.pop()
    item = CoachingItem(agent_id=agent_id, created_by=principal.user_id, note=note, due_date=due_date, families=[],
                        created_at=now or utcnow())  # fmt: skip
    session.add(item)
    session.flush()
    session.add_all(CoachingOutcome(item_id=item.id, interaction_id=pk, kind=kind) for pk, kind in kinds.items())
    session.flush()
    details = {"agent_id": agent_id, "outcomes": [[pk, kind] for pk, kind in kinds.items()], "note": note}
    audit.record(session, principal, "coaching.open", "coaching", item.id, details)
    return _view(session, item)


def acknowledge(
    session: Session,
    principal: Principal,
    item_id: int,
    *,
    comment: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> CoachingView:
    """Record the coached agent's acknowledgement, once.

    Optimistic locking as for reviews: the update applies only to the ``expected_version`` the
    caller read (default: the version read here) of a still open item; a second, concurrent or
    stale acknowledgement raises :class:`ConflictError` instead of overwriting the first comment.
    """
    require(principal, Right.ACKNOWLEDGE_COACHING)
    item = _item(session, principal, item_id)
    if not handled_by(principal, item.agent_id):
        raise PermissionDenied("only the coached agent acknowledges / solo el agente puede confirmar la recepción")
    expected = item.version if expected_version is None else expected_version
    conflict = ConflictError(
        f"coaching item {item_id} was already acknowledged or changed; reload it / "
        f"el ítem de coaching {item_id} ya fue confirmado o cambió; vuelva a cargarlo"
    )
    if item.status == "acknowledged":
        raise conflict
    table = CoachingItem.__table__
    result = session.execute(
        update(table)
        .where(table.c.id == item.id, table.c.version == expected, table.c.status == "open")
        .values(status="acknowledged", acknowledged_at=now or utcnow(), acknowledged_by=principal.user_id,
                agent_comment=comment, version=table.c.version + 1)
    )  # fmt: skip
    if result.rowcount != 1:
        raise conflict
    audit.record(session, principal, "coaching.acknowledge", "coaching", item.id, {"comment": comment, "version": expected + 1})
    session.flush()
    session.expire(item)
    return _view(session, item)


def _window(session: Session, agent_id: int, families: list[str], start: datetime, end: datetime) -> RateWindow:
    i = m.Interaction
    total = session.scalar(
        select(func.count()).select_from(i).where(i.agent_id == agent_id, i.started_at >= start, i.started_at < end)
    )
    counted = counted_findings_query().subquery()
    flagged = session.scalar(
        select(func.count(func.distinct(i.id)))
        .join(counted, counted.c.interaction_id == i.id)
        .where(i.agent_id == agent_id, i.started_at >= start, i.started_at < end, counted.c.family.in_(families))
    )
    return RateWindow(start, end, total or 0, flagged or 0)


def follow_up(
    session: Session, principal: Principal, item_id: int, *, window_days: int = 30, as_of: datetime | None = None
) -> FollowUp:
    """Compare the agent's violation rate for the item's families before and after coaching."""
    item = _item(session, principal, item_id)
    if principal.role == Role.AGENT and not handled_by(principal, item.agent_id):
        raise NotFound(f"coaching item {item_id} not found / ítem de coaching {item_id} no encontrado")
    window = timedelta(days=window_days)
    pivot = item.acknowledged_at or item.created_at
    end = min(pivot + window, as_of or utcnow())
    before = _window(session, item.agent_id, item.families, item.created_at - window, item.created_at)
    after = _window(session, item.agent_id, item.families, pivot, max(end, pivot))
    measures = [
        MeasureFollowUp(
            measure,
            measure_window(session, item.agent_id, measure, item.created_at - window, item.created_at),
            measure_window(session, item.agent_id, measure, pivot, max(end, pivot)),
        )
        for measure in _view(session, item).measures
    ]
    return FollowUp(item.id, list(item.families), before, after, measures)


def list_coaching(
    session: Session, principal: Principal, *, status: str | None = None, agent: str | None = None
) -> list[CoachingView]:
    """List the coaching items the principal may see (agents: their own; supervisors: their team)."""
    stmt = select(CoachingItem).order_by(CoachingItem.created_at.desc(), CoachingItem.id.desc())
    if status:
        stmt = stmt.where(CoachingItem.status == status)
    if agent:
        stmt = stmt.join(m.Agent, m.Agent.id == CoachingItem.agent_id).where(m.Agent.code == agent)
    return [_view(session, c) for c in session.scalars(stmt) if can_see_agent(session, principal, c.agent_id)]
