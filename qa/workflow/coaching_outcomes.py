"""Coaching from outcomes (issue 17): the call that failed to get a promise is coached as much as the call that broke a rule.

A contact's stored outcome can open a coaching item (:func:`qa.workflow.coaching.open_coaching_from_outcomes`):

- ``missed_promise``: the collector reached the consumer (right-party contact) and got no promise to pay;
  followed up on the **promise rate** (promises / right-party contacts);
- ``broken_promise``: a promise the imported payments found broken or kept only in part; followed up on
  the **kept rate** (kept / promises settled: kept, partly kept or broken).

The follow-up compares the agent's measure in the window before the item was opened with the same
window after it was acknowledged (or opened, while not yet acknowledged), as the compliance follow-up does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.outcome_models import CoachingOutcome, OutcomeRow
from qa.workflow.access import Principal, visible_interactions

KINDS = ("missed_promise", "broken_promise")
#: The performance measure a coaching item opened from each kind of outcome is followed up on.
MEASURE_OF = {"missed_promise": "promise_rate", "broken_promise": "kept_rate"}
MEASURES = ("promise_rate", "kept_rate")


def outcome_kind(row: OutcomeRow | None) -> str | None:
    """What a stored outcome can be coached as, or None (no outcome, no missed or broken promise)."""
    if row is None:
        return None
    if row.promise_status in ("broken", "partly_kept"):
        return "broken_promise"
    if row.contact == "right_party" and not row.promise:
        return "missed_promise"
    return None


@dataclass(frozen=True)
class MeasureWindow:
    start: datetime
    end: datetime
    base: int  # promise rate: right-party contacts; kept rate: promises settled
    hits: int  # promise rate: promises; kept rate: promises kept

    @property
    def rate(self) -> float | None:
        return self.hits / self.base if self.base else None


@dataclass(frozen=True)
class MeasureFollowUp:
    measure: str  # promise_rate | kept_rate
    before: MeasureWindow
    after: MeasureWindow

    @property
    def change(self) -> float | None:
        """After minus before (positive: more promises, or more kept, after coaching)."""
        if self.before.rate is None or self.after.rate is None:
            return None
        return self.after.rate - self.before.rate


def _flag(condition) -> object:  # noqa: ANN001
    return func.sum(cast(case((condition, 1), else_=0), Integer))


def measure_window(session: Session, agent_id: int, measure: str, start: datetime, end: datetime) -> MeasureWindow:
    """The agent's ``measure`` over the contacts started in ``[start, end)``."""
    o = OutcomeRow
    if measure == "promise_rate":
        base_when, hit_when = o.contact == "right_party", (o.contact == "right_party") & o.promise.is_(True)
    elif measure == "kept_rate":
        base_when, hit_when = o.promise_status.in_(("kept", "partly_kept", "broken")), o.promise_status == "kept"
    else:
        raise ValueError(f"unknown measure {measure!r}")
    base, hits = session.execute(
        select(_flag(base_when), _flag(hit_when)).where(o.agent_id == agent_id, o.started_at >= start, o.started_at < end)
    ).one()
    return MeasureWindow(start, end, int(base or 0), int(hits or 0))


def item_outcomes(session: Session, item_id: int) -> list[tuple[int, str, str]]:
    """The (interaction id, source id, kind) of the contacts a coaching item was opened from, in interaction order."""
    c, i = CoachingOutcome, m.Interaction
    stmt = select(c.interaction_id, i.source_id, c.kind).join(i, i.id == c.interaction_id).where(c.item_id == item_id)
    return [(pk, source, kind) for pk, source, kind in session.execute(stmt.order_by(c.interaction_id))]


@dataclass(frozen=True)
class CoachableOutcome:
    interaction_id: int
    source_id: str
    local_date: date
    kind: str  # missed_promise | broken_promise
    amount: float | None
    currency: str | None
    due: date | None


def coachable_outcomes(session: Session, principal: Principal, agent_id: int, *, limit: int = 200) -> list[CoachableOutcome]:
    """The agent's missed and broken promises the principal may see, newest first."""
    o, i = OutcomeRow, m.Interaction
    missed = (o.contact == "right_party") & o.promise.is_(False)
    broken = o.promise_status.in_(("broken", "partly_kept"))
    stmt = (
        select(o, i.source_id)
        .join(i, i.id == o.interaction_id)
        .where(o.agent_id == agent_id, missed | broken, visible_interactions(principal))
        .order_by(o.started_at.desc(), o.interaction_id)
        .limit(limit)
    )
    return [
        CoachableOutcome(row.interaction_id, source, row.local_date, outcome_kind(row) or "missed_promise", row.promise_amount,
                         row.promise_currency, row.promise_due)
        for row, source in session.execute(stmt)
    ]  # fmt: skip
