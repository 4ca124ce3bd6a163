"""Access control, stated once: roles, rights, and which interactions, findings, agents and recordings a user may reach.

Every service, view and page asks this module; none restates the rule:

- :func:`require` — the right a call needs (``Principal.can`` for a yes/no);
- :func:`scope_of` — the rows a principal may read, as a :class:`Scope`; services use
  :func:`visible_interactions` / :func:`require_interaction` / :func:`require_finding`, views take the
  :class:`Scope` (``Scope.where`` in SQL, ``Scope.sees`` / ``Scope.sees_agent`` in Python);
- :func:`can_see_agent` — whose agent-level figures and coaching a principal may read;
- :func:`handled_by` — whether the principal is the agent who handled a contact (disputes, acknowledgements);
- :func:`manages` — whether the principal created a calibration session (or is an admin).

============  ===============================================================  ======================
role          rights                                                           sees interactions of
============  ===============================================================  ======================
agent         dispute, acknowledge coaching                                    themselves
supervisor    decide disputes, coach                                           their team
qa_analyst    review, decide disputes (as arbitrator), calibrate               everyone
legal         cases, legal hold, search, unredacted transcripts, export        everyone
admin         users, retention, audit verification, review, calibrate          everyone
============  ===============================================================  ======================

A supervisor's team, as of now: the contacts recorded under the team (whoever handled them) and
every contact of the agents who are on the team today (also those handled while on another team).
An agent who changed teams is therefore seen by the new supervisor with their whole history, and by
the old supervisor only in the contacts handled for the old team; the agent's own figures (Agents,
Coaching) belong to the current team alone. Unredacted transcripts and exports are legal's alone
(a separate, audited right).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.workflow.errors import NotFound, PermissionDenied


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    QA_ANALYST = "qa_analyst"
    LEGAL = "legal"
    ADMIN = "admin"


class Right(StrEnum):
    REVIEW = "review"
    VIEW_PRECISION = "view_precision"
    OPEN_DISPUTE = "open_dispute"
    DECIDE_DISPUTE = "decide_dispute"
    CALIBRATE = "calibrate"
    COACH = "coach"
    ACKNOWLEDGE_COACHING = "acknowledge_coaching"
    SEARCH = "search"
    MANAGE_CASES = "manage_cases"
    LEGAL_HOLD = "legal_hold"
    EXPORT = "export"
    VIEW_UNREDACTED = "view_unredacted"
    MANAGE_USERS = "manage_users"
    RETENTION = "retention"
    AUDIT = "audit"


RIGHTS: dict[Role, frozenset[Right]] = {
    Role.AGENT: frozenset({Right.OPEN_DISPUTE, Right.ACKNOWLEDGE_COACHING}),
    Role.SUPERVISOR: frozenset({Right.DECIDE_DISPUTE, Right.COACH, Right.VIEW_PRECISION, Right.SEARCH}),
    Role.QA_ANALYST: frozenset({Right.REVIEW, Right.VIEW_PRECISION, Right.DECIDE_DISPUTE, Right.CALIBRATE, Right.SEARCH}),
    Role.LEGAL: frozenset(
        {Right.SEARCH, Right.MANAGE_CASES, Right.LEGAL_HOLD, Right.EXPORT, Right.VIEW_UNREDACTED, Right.VIEW_PRECISION}
    ),
    Role.ADMIN: frozenset(
        {Right.MANAGE_USERS, Right.RETENTION, Right.AUDIT, Right.REVIEW, Right.VIEW_PRECISION, Right.CALIBRATE, Right.SEARCH}
    ),
}

#: Roles that see every interaction.
ALL_SCOPE = frozenset({Role.QA_ANALYST, Role.LEGAL, Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    """The acting user, as services see it (built by :func:`qa.workflow.users.authenticate` or ``principal_for``)."""

    user_id: int | None
    username: str
    role: Role
    agent_id: int | None = None  # agents.id, for agents
    team_id: int | None = None  # teams.id, for supervisors

    @classmethod
    def system(cls, name: str = "system") -> Principal:
        """Return the operator of a maintenance command (``qa retention apply``, ``qa users``): an admin with no user row."""
        return cls(None, f"system:{name}", Role.ADMIN)

    def can(self, right: Right) -> bool:
        return right in RIGHTS[self.role]


def require(principal: Principal, right: Right) -> None:
    """Raise :class:`PermissionDenied` unless the principal's role has ``right``."""
    if not principal.can(right):
        raise PermissionDenied(
            f"{principal.username} ({principal.role}) lacks the right '{right}' / "
            f"{principal.username} ({principal.role}) no tiene el permiso '{right}'"
        )


def _members(team_ids: frozenset[int]) -> Select:
    """The agents on one of ``team_ids`` today."""
    return select(m.Agent.id).where(m.Agent.team_id.in_(sorted(team_ids)))


@dataclass(frozen=True)
class Scope:
    """Rows a viewer may read: ``None`` means unrestricted; an empty set means nothing.

    ``agent_ids`` restricts to those agents' contacts (an agent sees only their own); ``team_ids`` to
    the contacts recorded under those teams plus every contact of the agents on them today (a
    supervisor's team). A row is any table with an agent and a team column: interactions, scores,
    outcomes and the daily roll-ups.
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

    def where(self, agent_column, team_column) -> list[ColumnElement[bool]]:
        """Return SQL conditions restricting rows with ``agent_column`` / ``team_column`` to this scope."""
        conditions: list[ColumnElement[bool]] = []
        if self.agent_ids is not None:
            conditions.append(agent_column.in_(sorted(self.agent_ids)) if self.agent_ids else false())
        if self.team_ids is not None:
            teams = self.team_ids
            conditions.append(or_(team_column.in_(sorted(teams)), agent_column.in_(_members(teams))) if teams else false())
        return conditions

    def predicate(self, session: Session) -> Callable[[int | None, int | None], bool]:
        """Return ``(agent_id, team_id) -> bool`` deciding as :meth:`where` does, for rows already in memory."""
        members = frozenset(session.scalars(_members(self.team_ids))) if self.team_ids else frozenset()

        def allowed(agent_id: int | None, team_id: int | None) -> bool:
            if self.agent_ids is not None and agent_id not in self.agent_ids:
                return False
            return self.team_ids is None or team_id in self.team_ids or (agent_id is not None and agent_id in members)

        return allowed

    def sees(self, session: Session, agent_id: int | None, team_id: int | None) -> bool:
        """Whether one row (a contact handled by ``agent_id`` under ``team_id``) is in scope."""
        return self.predicate(session)(agent_id, team_id)

    def sees_agent(self, session: Session, agent_id: int) -> bool:
        """Whether the viewer may read an agent's own figures and coaching: their own, or an agent on their team today."""
        if self.agent_ids is not None and agent_id not in self.agent_ids:
            return False
        if self.team_ids is None:
            return True
        return session.scalar(select(m.Agent.team_id).where(m.Agent.id == agent_id)) in self.team_ids


def scope_of(principal: Principal) -> Scope:
    """Return the rows a principal may read: everything, their own contacts, their team's, or nothing."""
    if principal.role in ALL_SCOPE:
        return Scope.everything()
    if principal.role == Role.AGENT:
        return Scope(agent_ids=frozenset({principal.agent_id}) if principal.agent_id is not None else frozenset())
    if principal.role == Role.SUPERVISOR and principal.team_id is not None:
        return Scope(team_ids=frozenset({principal.team_id}))
    return Scope.nothing()


def visible_interactions(principal: Principal) -> ColumnElement[bool]:
    """Return a WHERE clause over ``interactions`` selecting the rows the principal may see."""
    return and_(true(), *scope_of(principal).where(m.Interaction.agent_id, m.Interaction.team_id))


def can_see_agent(session: Session, principal: Principal, agent_id: int) -> bool:
    """Whether the principal may read the agent's own figures and coaching items (see :meth:`Scope.sees_agent`)."""
    return scope_of(principal).sees_agent(session, agent_id)


def handled_by(principal: Principal, agent_id: int | None) -> bool:
    """Whether the principal is the agent who handled a contact (only they dispute it or acknowledge its coaching)."""
    return principal.role == Role.AGENT and principal.agent_id is not None and agent_id == principal.agent_id


def manages(principal: Principal, created_by: int | None) -> bool:
    """Whether the principal created the object (a calibration session) or is an admin: who closes it and reads it unblinded."""
    return principal.role == Role.ADMIN or (principal.user_id is not None and principal.user_id == created_by)


def require_interaction(session: Session, principal: Principal, interaction_id: int) -> m.Interaction:
    """Load an interaction the principal may see; :class:`PermissionDenied` when it exists but is out of scope."""
    row = session.get(m.Interaction, interaction_id)
    if row is None:
        raise NotFound(f"interaction {interaction_id} not found / interacción {interaction_id} no encontrada")
    allowed = session.scalar(select(m.Interaction.id).where(m.Interaction.id == interaction_id, visible_interactions(principal)))
    if allowed is None:
        raise PermissionDenied(
            f"{principal.username} may not see interaction {row.source_id} / "
            f"{principal.username} no puede ver la interacción {row.source_id}"
        )
    return row


def require_finding(session: Session, principal: Principal, finding_id: int) -> tuple[m.Finding, m.Interaction]:
    """Load a finding and its interaction, checking the interaction's scope."""
    finding = session.get(m.Finding, finding_id)
    if finding is None:
        raise NotFound(f"finding {finding_id} not found / hallazgo {finding_id} no encontrado")
    return finding, require_interaction(session, principal, finding.interaction_id)
