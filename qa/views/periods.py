"""Reporting periods the user picks: a week (Monday to Sunday), a calendar month or a custom range of local days.

The default is the last *complete* period with data in the viewer's scope: the newest week or
month that has ended before today and holds at least one contact the viewer may see. When no
period with data has ended yet, it is the period of the newest contact. Labels go through
``babel`` in the viewer's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from babel.dates import format_skeleton
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.views.scope import Scope

PeriodKind = Literal["week", "month", "custom"]
KINDS: tuple[PeriodKind, ...] = ("week", "month", "custom")
LOCALES = {"es": "es_CO", "en": "en_US"}


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before this one, of the same kind (same length for a custom range)."""
        if self.kind == "custom":
            return Period("custom", self.start - timedelta(days=self.days), self.start - timedelta(days=1))
        return period_of(self.kind, self.start - timedelta(days=1))

    def label(self, lang: str = "es") -> str:
        locale = LOCALES.get(lang, "es_CO")
        if self.kind == "month":
            return format_skeleton("yMMMM", self.start, locale=locale)
        first, last = format_skeleton("yMMMd", self.start, locale=locale), format_skeleton("yMMMd", self.end, locale=locale)
        if self.kind == "week":
            return f"{'Week of' if lang == 'en' else 'Semana del'} {first} – {last}"
        return f"{first} – {last}"


def period_of(kind: PeriodKind, day: date) -> Period:
    """The week (Monday start) or calendar month that holds ``day``."""
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period("week", start, start + timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return Period("month", start, following - timedelta(days=1))
    raise ValueError(f"no calendar period of kind {kind!r}")


def periods_between(kind: PeriodKind, first: date, last: date) -> list[Period]:
    """Every week or month from the one holding ``first`` to the one holding ``last``, newest first."""
    out: list[Period] = []
    current = period_of(kind, last)
    while current.end >= first:
        out.append(current)
        current = current.previous()
    return out


def latest_complete(kind: PeriodKind, last_day_with_data_before, newest: date | None, today: date) -> Period | None:
    """The default period, given a function returning the newest day with data on or before a day."""
    if newest is None:
        return None
    cutoff = period_of(kind, today).start - timedelta(days=1)
    day = last_day_with_data_before(cutoff)
    return period_of(kind, day if day is not None else newest)


def default_period(session: Session, scope: Scope, kind: PeriodKind, today: date | None = None) -> Period | None:
    """The last complete week or month with data in ``scope`` (see the module text); None when there is no data."""
    today = today or date.today()
    if kind == "custom":
        kind = "week"
    i = m.Interaction
    where = scope.where(i.agent_id, i.team_id)

    def newest_on_or_before(day: date | None) -> date | None:
        stmt = select(func.max(i.local_date)).where(*where)
        if day is not None:
            stmt = stmt.where(i.local_date <= day)
        return session.scalar(stmt)

    return latest_complete(kind, newest_on_or_before, newest_on_or_before(None), today)


def trend_start(period: Period, periods: int) -> date:
    """First day of the ``periods`` periods ending with ``period`` (for trend charts and the change column)."""
    current = period
    for _ in range(periods - 1):
        current = current.previous()
    return current.start
