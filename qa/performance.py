"""Collector performance beside compliance (issue 17): per collector or team and period, from stored outcomes.

Measures (docs/outcomes.md): contacts and contacts per working day (days with at least one contact),
right-party-contact rate (right-party contacts / contacts), promise rate (promises / right-party
contacts), kept rate (kept / promises whose standing is settled: kept, partly kept or broken), promised
and collected amounts per currency (collected: payments matched to the period's promises), and the
compliance score (mean scorecard score), combined by the scorecard's ``performance`` section.

``today_list``: what a supervisor starts the day with, per collector: promises found broken in the
last days with no contact on the account since, and agreed callbacks due today or overdue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from qa.performance_config import PerformanceConfig
from qa.storage import models as m
from qa.storage.outcome_models import OutcomeRow


@dataclass
class Performance:
    key: str  # agent code or team code
    name: str | None
    team: str | None
    contacts: int = 0
    days: int = 0
    right_party: int = 0
    promises: int = 0
    settled: int = 0
    kept: int = 0
    partly_kept: int = 0
    broken: int = 0
    hardship: int = 0
    promised: dict[str, float] = field(default_factory=dict)
    collected: dict[str, float] = field(default_factory=dict)
    compliance: float | None = None
    overall: float | None = None

    @property
    def contacts_per_day(self) -> float | None:
        return self.contacts / self.days if self.days else None

    @property
    def right_party_rate(self) -> float | None:
        return self.right_party / self.contacts if self.contacts else None

    @property
    def promise_rate(self) -> float | None:
        return self.promises / self.right_party if self.right_party else None

    @property
    def kept_rate(self) -> float | None:
        return self.kept / self.settled if self.settled else None

    def rates(self) -> dict[str, float | None]:
        return {"right_party_rate": self.right_party_rate, "promise_rate": self.promise_rate, "kept_rate": self.kept_rate}

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "team": self.team,
            "contacts": self.contacts,
            "contacts_per_day": self.contacts_per_day,
            "right_party_rate": self.right_party_rate,
            "promise_rate": self.promise_rate,
            "kept_rate": self.kept_rate,
            "promises": self.promises,
            "kept": self.kept,
            "partly_kept": self.partly_kept,
            "broken": self.broken,
            "hardship": self.hardship,
            "promised": dict(self.promised),
            "collected": dict(self.collected),
            "compliance": self.compliance,
            "overall": self.overall,
        }


def _flag(condition) -> Any:
    return func.sum(cast(case((condition, 1), else_=0), Integer))


def performance(
    session: Session,
    start: date,
    end: date,
    *,
    by: str = "agent",
    team: str | None = None,
    scorecard: str = "default",
    config: PerformanceConfig | None = None,
    scope: Any = None,
) -> list[Performance]:
    """Performance per collector (``by="agent"``) or team (``by="team"``) over local days ``start``..``end``.

    ``scope``: a :class:`qa.views.scope.Scope` (``agent_ids`` / ``team_ids``) limiting the rows read.
    """
    if config is None:
        from qa.scoring import load_scorecard

        config = load_scorecard(scorecard).performance
    o = OutcomeRow
    column = o.agent_id if by == "agent" else o.team_id
    where = [o.local_date >= start, o.local_date <= end, column.is_not(None)]
    if team is not None:
        team_id = session.scalar(select(m.Team.id).where(m.Team.code == team))
        where.append(o.team_id == (team_id if team_id is not None else -1))
    where.extend(_scoped(scope))
    counts = select(
        column.label("key"),
        func.count().label("contacts"),
        func.count(func.distinct(o.local_date)).label("days"),
        _flag(o.contact == "right_party").label("right_party"),
        _flag(o.promise.is_(True)).label("promises"),
        _flag(o.promise_status == "kept").label("kept"),
        _flag(o.promise_status == "partly_kept").label("partly_kept"),
        _flag(o.promise_status == "broken").label("broken"),
        _flag(o.hardship.is_(True)).label("hardship"),
    ).where(*where)
    found: dict[int, Performance] = {}
    names = _names(session, by)
    for row in session.execute(counts.group_by(column)).mappings():
        key, name, team_code = names.get(row["key"], (str(row["key"]), None, None))
        p = Performance(key, name, team_code, **{k: int(row[k] or 0) for k in row.keys() if k != "key"})
        p.settled = p.kept + p.partly_kept + p.broken
        found[row["key"]] = p
    amounts = (
        select(column, o.promise_currency, func.sum(o.promise_amount), func.sum(o.paid_amount))
        .where(*where, o.promise.is_(True), o.promise_currency.is_not(None))
        .group_by(column, o.promise_currency)
    )
    for key, currency, promised, paid in session.execute(amounts):
        if key in found:
            found[key].promised[currency] = round(float(promised or 0), 2)
            found[key].collected[currency] = round(float(paid or 0), 2)
    score_column = m.Score.agent_id if by == "agent" else m.Score.team_id
    scores = (
        select(score_column, func.avg(m.Score.score))
        .where(m.Score.scorecard == scorecard, m.Score.local_date >= start, m.Score.local_date <= end)
        .group_by(score_column)
    )
    for key, mean in session.execute(scores):
        if key in found and mean is not None:
            found[key].compliance = round(float(mean), 1)
    for p in found.values():
        p.overall = config.overall(p.compliance, p.rates())
    return sorted(found.values(), key=lambda p: (p.overall is None, -(p.overall or 0), -p.contacts, p.key))


def _scoped(scope: Any) -> list:
    """WHERE clauses over ``outcomes`` for a viewer's scope (None: everything): the access rule's own ``Scope.where``."""
    if scope is not None and hasattr(scope, "where"):
        return list(scope.where(OutcomeRow.agent_id, OutcomeRow.team_id))
    clauses = []
    if scope is not None and getattr(scope, "agent_ids", None) is not None:
        clauses.append(OutcomeRow.agent_id.in_(sorted(scope.agent_ids)))
    if scope is not None and getattr(scope, "team_ids", None) is not None:
        clauses.append(OutcomeRow.team_id.in_(sorted(scope.team_ids)))
    return clauses


def _names(session: Session, by: str) -> dict[int, tuple[str, str | None, str | None]]:
    if by == "agent":
        rows = session.execute(
            select(m.Agent.id, m.Agent.code, m.Agent.name, m.Team.code).outerjoin(m.Team, m.Team.id == m.Agent.team_id)
        )
        return {pk: (code, name, team) for pk, code, name, team in rows}
    return {pk: (code, name, code) for pk, code, name in session.execute(select(m.Team.id, m.Team.code, m.Team.name))}


@dataclass(frozen=True)
class TodayItem:
    agent: str
    agent_name: str | None
    kind: str  # broken_promise | callback_due | callback_overdue
    account: str | None
    interaction: str
    due: str  # the due date or the callback's local time, ISO
    amount: float | None = None
    currency: str | None = None


def today_list(session: Session, today: date, *, lookback_days: int = 7, scope: Any = None) -> list[TodayItem]:
    """Broken promises (due in the last ``lookback_days`` days, no contact on the account since) and callbacks due."""
    o, i, a, g = OutcomeRow, m.Interaction, m.Account, m.Agent
    since = today - timedelta(days=lookback_days)
    base = (
        select(o, i.source_id, i.utc_offset_minutes, a.code, g.code, g.name)
        .join(i, i.id == o.interaction_id)
        .join(g, g.id == o.agent_id)
        .outerjoin(a, a.id == o.account_id)
        .where(*_scoped(scope))
    )
    broken = list(session.execute(base.where(o.promise_due >= since, o.promise_due < today, o.promise_status == "broken")))
    window = datetime.combine(since, datetime.min.time(), tzinfo=UTC)
    # Callbacks due up to the end of ``today`` in any time zone (the local day is checked below).
    horizon = datetime.combine(today + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    callbacks = list(session.execute(base.where(o.callback_at >= window, o.callback_at < horizon)))
    accounts = sorted({r[0].account_id for r in broken + callbacks if r[0].account_id is not None})
    latest: dict[int, datetime] = {}
    for first in range(0, len(accounts), 500):
        part = accounts[first : first + 500]
        stmt = select(i.account_id, func.max(i.started_at)).where(i.account_id.in_(part)).group_by(i.account_id)
        latest.update(dict(session.execute(stmt).all()))
    items: list[TodayItem] = []
    for row, source, _offset, account, agent, name in broken:
        if _contacted_since(latest.get(row.account_id), row.started_at):
            continue  # the account was contacted again since the promise
        due = row.promise_due.isoformat() if row.promise_due else ""
        items.append(TodayItem(agent, name, "broken_promise", account, source, due, row.promise_amount, row.promise_currency))
    for row, source, offset, account, agent, name in callbacks:
        local = row.callback_at.astimezone(timezone(timedelta(minutes=offset or 0)))
        if local.date() > today:
            continue
        if local.date() < today:
            if _contacted_since(latest.get(row.account_id), row.started_at):
                continue  # called back (or contacted) since
            kind = "callback_overdue"
        else:
            kind = "callback_due"
        items.append(TodayItem(agent, name, kind, account, source, local.isoformat(timespec="minutes")))
    order = {"callback_overdue": 0, "broken_promise": 1, "callback_due": 2}
    return sorted(items, key=lambda t: (t.agent, order[t.kind], t.due))


def _contacted_since(last: datetime | None, started: datetime) -> bool:
    if last is None:
        return False
    if last.tzinfo is None:  # func.max over SQLite returns the stored naive UTC value
        last = last.replace(tzinfo=UTC)
    return last > started


def today_by_agent(items: list[TodayItem]) -> dict[str, list[TodayItem]]:
    grouped: dict[str, list[TodayItem]] = defaultdict(list)
    for item in items:
        grouped[item.agent].append(item)
    return dict(grouped)
