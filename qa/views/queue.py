"""The review queue, paged on the server: any number of findings, filtered, sorted, one page of rows at a time.

Filters: jurisdiction, team, agent, family, severity, channel, has a recording, learned or rule
finding, review status, finding status (``unclear`` — listen — or ``violation``), local date
range, and an interaction id to jump to (case-insensitive).
Sorts: ``priority`` (most severe first; rule findings before learned ones, learned ones by falling
confidence; then the oldest contact), ``newest``, ``oldest`` and ``rule``. Each row carries the
contact's time in the consumer's local time zone, with the zone. Access is the reviewer's: the
``review`` right and the rows :func:`qa.workflow.access.visible_interactions` allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.queries import gravest_first
from qa.storage.workflow_models import FindingReview
from qa.workflow.access import Principal, Right, require, visible_interactions
from qa.workflow.cases import consumer_zone
from qa.workflow.reviews import QueueItem, ReviewState

SORTS = ("priority", "newest", "oldest", "rule")
SOURCES = ("rule", "learned")
FINDING_STATUSES = ("violation", "unclear")
PENDING = (ReviewState.NEW.value, ReviewState.UNCLEAR.value)
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class QueueQuery:
    jurisdiction: str | None = None
    team: str | None = None  # team code
    agent: str | None = None  # agent code
    family: str | None = None
    severity: str | None = None  # the reviewed severity when downgraded, else the finding's
    channel: str | None = None
    has_recording: bool | None = None
    source: str | None = None  # "rule" | "learned"
    states: tuple[str, ...] = PENDING
    start: date | None = None  # local date of the contact, inclusive
    end: date | None = None
    interaction: str | None = None  # source id, case-insensitive
    sort: str = "priority"
    finding_status: str | None = None  # "violation" | "unclear" (unclear — listen: ASR heard the opening badly)


@dataclass(frozen=True)
class QueueRow(QueueItem):
    """A queue item with what the reviewer reads beside it: the agent's name, the channel, the consumer's local time."""

    agent_name: str | None = None
    channel: str = ""
    direction: str = ""
    has_recording: bool = False
    local_time: datetime | None = None
    timezone: str = "UTC"
    finding_status: str = "violation"  # or "unclear": shown as "Unclear — listen"


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow] = field(default_factory=list)
    total: int = 0  # every finding that matches, on all pages
    page: int = 0  # 0-based
    page_size: int = 50

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def offset(self) -> int:
        return self.page * self.page_size


def _filtered(principal: Principal, query: QueueQuery):
    f, i, r = m.Finding, m.Interaction, FindingReview
    state = func.coalesce(r.state, ReviewState.NEW.value)
    severity = func.coalesce(r.severity, f.severity)
    states = [s for s in query.states if s in {x.value for x in ReviewState}] or list(PENDING)
    conditions = [f.active.is_(True), visible_interactions(principal), state.in_(states)]
    if query.jurisdiction:
        conditions.append((i.jurisdiction == query.jurisdiction) | (f.jurisdiction == query.jurisdiction))
    if query.team:
        conditions.append(m.Team.code == query.team)
    if query.agent:
        conditions.append(m.Agent.code == query.agent)
    if query.family:
        conditions.append(f.family == query.family)
    if query.severity:
        conditions.append(severity == query.severity)
    if query.channel:
        conditions.append(i.channel == query.channel)
    if query.has_recording is not None:
        conditions.append(i.audio_path.is_not(None) if query.has_recording else i.audio_path.is_(None))
    if query.finding_status in FINDING_STATUSES:
        conditions.append(f.status == query.finding_status)
    if query.source in SOURCES:
        conditions.append(f.learned.is_(query.source == "learned"))
    if query.start:
        conditions.append(i.local_date >= query.start)
    if query.end:
        conditions.append(i.local_date <= query.end)
    if query.interaction and query.interaction.strip():
        conditions.append(func.lower(i.source_id) == query.interaction.strip().lower())
    return conditions, state, severity


def _joined(stmt):
    f, i, r = m.Finding, m.Interaction, FindingReview
    return (
        stmt.join(i, i.id == f.interaction_id)
        .outerjoin(r, r.finding_id == f.id)
        .outerjoin(m.Agent, m.Agent.id == i.agent_id)
        .outerjoin(m.Team, m.Team.id == i.team_id)
    )


def _order(query: QueueQuery, severity):
    f, i = m.Finding, m.Interaction
    if query.sort == "newest":
        return (i.started_at.desc(), f.id)
    if query.sort == "oldest":
        return (i.started_at, f.id)
    if query.sort == "rule":
        return (f.rule_id, i.started_at, f.id)
    return (
        gravest_first(severity),
        f.learned,
        case((f.learned.is_(True), -func.coalesce(f.confidence, 0.0)), else_=0.0),
        i.started_at,
        f.rule_id,
        f.id,
    )


def count_queue(session: Session, principal: Principal, query: QueueQuery) -> int:
    """How many findings match ``query`` (the whole queue, not a page)."""
    require(principal, Right.REVIEW)
    conditions, _, _ = _filtered(principal, query)
    return session.scalar(_joined(select(func.count()).select_from(m.Finding)).where(*conditions)) or 0


def queue_page(session: Session, principal: Principal, query: QueueQuery, *, page: int = 0, page_size: int = 50) -> QueuePage:
    """One page of the queue (``page`` is 0-based and clamped to the last page) and the total."""
    require(principal, Right.REVIEW)
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    total = count_queue(session, principal, query)
    last = max(0, -(-total // page_size) - 1)
    page = max(0, min(int(page), last))
    conditions, state, severity = _filtered(principal, query)
    f, i, r = m.Finding, m.Interaction, FindingReview
    stmt = (
        _joined(select(f, i, m.Agent.code, m.Agent.name, m.Team.code, state, severity, func.coalesce(r.version, 0)))
        .where(*conditions)
        .order_by(*_order(query, severity))
        .limit(page_size)
        .offset(page * page_size)
    )
    rows = []
    for finding, interaction, agent, agent_name, team, review_state, shown_severity, version in session.execute(stmt):
        zone = consumer_zone(interaction)
        local = interaction.started_at.astimezone(zone) if zone else interaction.started_at
        rows.append(
            QueueRow(
                finding.id, interaction.id, interaction.source_id, interaction.started_at, interaction.jurisdiction,
                agent, team, finding.rule_id, finding.family, shown_severity, ReviewState(review_state), version,
                finding.evidence, finding.explanation, finding.turn, finding.start, bool(finding.learned), finding.confidence,
                agent_name=agent_name, channel=interaction.channel, direction=interaction.direction,
                has_recording=interaction.audio_path is not None, local_time=local, timezone=str(zone) if zone else "UTC",
                finding_status=finding.status,
            )
        )  # fmt: skip
    return QueuePage(rows, total, page, page_size)
