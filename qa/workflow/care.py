"""Care checks: a hardship mention goes to the review queue as "was it handled well?", never as a violation (issue 17).

A contact whose stored outcome (``outcomes.hardship``) says the consumer mentioned hardship (job
loss, illness, bereavement, disaster...) is a review-queue item of kind ``care_check``. An analyst
reads it and records a verdict: ``handled_well`` or ``not_handled_well``, with a reason. The verdict
is kept in ``care_reviews`` (migration 0013), apart from findings and their reviews: it is never a
finding, never scored, never counted in a rule's precision, and a rescan that recomputes the outcome
row keeps it. Optimistic locking as for findings: the caller passes the ``version`` it read (0 for a
care check never decided); a stale one raises :class:`ConflictError` and nothing is written. Every
verdict is in the audit log (``care_check``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.outcome_models import CARE_VERDICTS, CareReview, OutcomeRow
from qa.storage.types import utcnow
from qa.storage.workflow_models import User
from qa.workflow import audit
from qa.workflow.access import Principal, Right, require, require_interaction, visible_interactions
from qa.workflow.cases import consumer_zone
from qa.workflow.errors import ConflictError, InvalidRequest
from qa.workflow.locking import write_versioned

KIND = "care_check"
NEW = "new"
STATES = (NEW, *CARE_VERDICTS)
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class CareQuery:
    states: tuple[str, ...] = (NEW,)  # "new" (not checked yet), "handled_well", "not_handled_well"
    team: str | None = None  # team code
    agent: str | None = None  # agent code
    jurisdiction: str | None = None
    start: date | None = None  # local date of the contact, inclusive
    end: date | None = None
    interaction: str | None = None  # source id, case-insensitive


@dataclass(frozen=True)
class CareItem:
    """A care check as the queue shows it: the contact, who handled it, and the verdict so far."""

    interaction_id: int
    interaction: str  # source id
    started_at: datetime
    jurisdiction: str | None
    agent: str | None
    agent_name: str | None
    team: str | None
    channel: str
    state: str  # new | handled_well | not_handled_well
    version: int  # 0: never decided
    reviewer: str | None = None
    reason: str | None = None
    reviewed_at: datetime | None = None
    local_time: datetime | None = None
    timezone: str = "UTC"
    kind: str = KIND


@dataclass(frozen=True)
class CarePage:
    rows: list[CareItem] = field(default_factory=list)
    total: int = 0
    page: int = 0
    page_size: int = 50

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def offset(self) -> int:
        return self.page * self.page_size


def _conditions(principal: Principal, query: CareQuery) -> tuple[list, object]:
    o, i, c = OutcomeRow, m.Interaction, CareReview
    state = func.coalesce(c.state, NEW)
    states = [s for s in query.states if s in STATES] or [NEW]
    where = [o.hardship.is_(True), visible_interactions(principal), state.in_(states)]
    if query.team:
        where.append(m.Team.code == query.team)
    if query.agent:
        where.append(m.Agent.code == query.agent)
    if query.jurisdiction:
        where.append(i.jurisdiction == query.jurisdiction)
    if query.start:
        where.append(o.local_date >= query.start)
    if query.end:
        where.append(o.local_date <= query.end)
    if query.interaction and query.interaction.strip():
        where.append(func.lower(i.source_id) == query.interaction.strip().lower())
    return where, state


def _joined(stmt):
    o, i, c = OutcomeRow, m.Interaction, CareReview
    return (
        stmt.join(i, i.id == o.interaction_id)
        .outerjoin(c, c.interaction_id == o.interaction_id)
        .outerjoin(m.Agent, m.Agent.id == i.agent_id)
        .outerjoin(m.Team, m.Team.id == i.team_id)
    )


def count_care_checks(session: Session, principal: Principal, query: CareQuery | None = None) -> int:
    """How many care checks match ``query`` (default: those not checked yet)."""
    require(principal, Right.REVIEW)
    where, _ = _conditions(principal, query or CareQuery())
    return session.scalar(_joined(select(func.count()).select_from(OutcomeRow)).where(*where)) or 0


def care_queue(
    session: Session, principal: Principal, query: CareQuery | None = None, *, page: int = 0, page_size: int = 50
) -> CarePage:
    """One page of care checks, oldest contact first (``page`` is 0-based and clamped to the last page)."""
    require(principal, Right.REVIEW)
    query = query or CareQuery()
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    total = count_care_checks(session, principal, query)
    page = max(0, min(int(page), max(0, -(-total // page_size) - 1)))
    where, state = _conditions(principal, query)
    return CarePage(_items(session, where, state, limit=page_size, offset=page * page_size), total, page, page_size)


def _items(session: Session, where: list, state, *, limit: int, offset: int = 0) -> list[CareItem]:  # noqa: ANN001
    o, i, c = OutcomeRow, m.Interaction, CareReview
    stmt = (
        _joined(
            select(
                i,
                m.Agent.code,
                m.Agent.name,
                m.Team.code,
                state,
                func.coalesce(c.version, 0),
                c.reason,
                c.reviewed_at,
                User.username,
            ).select_from(o)
        )  # fmt: skip
        .outerjoin(User, User.id == c.reviewer_id)
        .where(*where)
        .order_by(o.started_at, o.interaction_id)
        .limit(limit)
        .offset(offset)
    )
    rows = []
    for interaction, agent, agent_name, team, verdict, version, reason, at, reviewer in session.execute(stmt):
        zone = consumer_zone(interaction)
        rows.append(
            CareItem(
                interaction.id, interaction.source_id, interaction.started_at, interaction.jurisdiction, agent, agent_name,
                team, interaction.channel, verdict, version, reviewer, reason, at,
                interaction.started_at.astimezone(zone) if zone else interaction.started_at, str(zone) if zone else "UTC",
            )
        )  # fmt: skip
    return rows


def get_care_check(session: Session, principal: Principal, interaction_id: int) -> CareItem:
    """The care check of one contact (its verdict so far); :class:`InvalidRequest` when the contact has no hardship."""
    require(principal, Right.REVIEW)
    interaction = require_interaction(session, principal, interaction_id)
    outcome = session.get(OutcomeRow, interaction_id)
    if outcome is None or not outcome.hardship:
        raise InvalidRequest(
            f"{interaction.source_id} has no hardship mention to check / {interaction.source_id} no menciona dificultades"
        )
    where, state = _conditions(principal, CareQuery(states=STATES))
    return _items(session, [*where, OutcomeRow.interaction_id == interaction_id], state, limit=1)[0]


def check_care(
    session: Session, principal: Principal, interaction_id: int, verdict: str, *, reason: str, expected_version: int
) -> CareItem:
    """Record whether a hardship mention was handled well; :class:`ConflictError` if it changed since ``expected_version``."""
    require(principal, Right.REVIEW)
    if verdict not in CARE_VERDICTS:
        raise InvalidRequest(f"unknown care verdict {verdict!r} / veredicto de cuidado desconocido")
    if not reason or not reason.strip():
        raise InvalidRequest("a care check needs a reason / una revisión de cuidado necesita un motivo")
    current = get_care_check(session, principal, interaction_id)
    conflict = ConflictError(
        f"the care check of {current.interaction} was changed by someone else since version {expected_version}; reload it / "
        f"otra persona cambió la revisión de cuidado de {current.interaction} después de la versión {expected_version}; "
        "vuelva a cargarla"
    )
    values = {"state": verdict, "reviewer_id": principal.user_id, "reason": reason.strip(), "reviewed_at": utcnow()}
    new_version = write_versioned(
        session, CareReview, {"interaction_id": interaction_id}, expected_version, values, conflict, exists=current.version != 0
    )
    audit.record(
        session, principal, KIND, "interaction", interaction_id,
        {"interaction": current.interaction, "state": verdict, "previous_state": current.state, "reason": values["reason"],
         "version": new_version},
    )  # fmt: skip
    session.expire_all()
    return get_care_check(session, principal, interaction_id)


def care_summary(session: Session, principal: Principal, start: date | None = None, end: date | None = None) -> dict[str, int]:
    """Care checks in the viewer's scope by state (``new``, ``handled_well``, ``not_handled_well``) over local days."""
    require(principal, Right.REVIEW)
    query = CareQuery(states=STATES, start=start, end=end)
    where, state = _conditions(principal, query)
    stmt = _joined(select(state, func.count()).select_from(OutcomeRow)).where(*where).group_by(state)
    counts = dict.fromkeys(STATES, 0)
    counts.update({s: n for s, n in session.execute(stmt)})
    return counts
