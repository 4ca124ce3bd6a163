"""Who may see which rows (scope) and what the user asked for (filters), applied in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from qa.storage import models as m


@dataclass(frozen=True)
class Scope:
    """Rows a viewer may read: ``None`` means unrestricted; an empty set means nothing.

    ``agent_ids`` restricts to those agents' interactions (an agent sees only their own);
    ``team_ids`` to those teams (a supervisor sees their team).
    """

    agent_ids: frozenset[int] | None = None
    team_ids: frozenset[int] | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls()

    @classmethod
    def nothing(cls) -> Scope:
        return cls(agent_ids=frozenset())

    @property
    def unrestricted(self) -> bool:
        return self.agent_ids is None and self.team_ids is None

    def allows(self, agent_id: int | None, team_id: int | None) -> bool:
        if self.agent_ids is not None and agent_id not in self.agent_ids:
            return False
        return not (self.team_ids is not None and team_id not in self.team_ids)

    def where(self, agent_column, team_column) -> list:
        """Return SQL conditions restricting ``agent_column`` / ``team_column`` to this scope."""
        conditions = []
        if self.agent_ids is not None:
            conditions.append(agent_column.in_(sorted(self.agent_ids)) if self.agent_ids else false())
        if self.team_ids is not None:
            conditions.append(team_column.in_(sorted(self.team_ids)) if self.team_ids else false())
        return conditions


def scope_for(session: Session, *, agent_codes: list[str] | None = None, team_codes: list[str] | None = None) -> Scope:
    """Resolve agent and team codes to a :class:`Scope`; unknown codes resolve to nothing, never to everything."""
    agents = None
    teams = None
    if agent_codes is not None:
        agents = frozenset(session.scalars(select(m.Agent.id).where(m.Agent.code.in_(agent_codes))))
    if team_codes is not None:
        teams = frozenset(session.scalars(select(m.Team.id).where(m.Team.code.in_(team_codes))))
    return Scope(agent_ids=agents, team_ids=teams)


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
