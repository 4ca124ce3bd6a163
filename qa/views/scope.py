"""Who may see which rows (scope) and what the user asked for (filters), applied in SQL.

The scope is :class:`qa.workflow.access.Scope`, made by :func:`qa.workflow.access.scope_of`: the one
access rule the services apply too. It is re-exported here for the views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.workflow.access import Scope

__all__ = ["Filters", "Scope"]


@dataclass(frozen=True)
class Filters:
    """The filters a page offers: local date range, team codes and jurisdiction codes (empty: all)."""

    start: date | None = None
    end: date | None = None
    teams: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()

    def where(self, session: Session, interaction=m.Interaction) -> list:
        conditions = []
        if self.start is not None:
            conditions.append(interaction.local_date >= self.start)
        if self.end is not None:
            conditions.append(interaction.local_date <= self.end)
        if self.teams:
            ids = list(session.scalars(select(m.Team.id).where(m.Team.code.in_(self.teams))))
            conditions.append(interaction.team_id.in_(ids))
        if self.jurisdictions:
            conditions.append(interaction.jurisdiction.in_(self.jurisdictions))
        return conditions
