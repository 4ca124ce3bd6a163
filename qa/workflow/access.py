"""Access control in the service layer: roles, rights, and the interactions a user may see.

Every service takes the acting :class:`Principal` and calls :func:`require` for the right it
needs and :func:`visible_interactions` / :func:`require_interaction` for scope:

============  ===============================================================  ======================
role          rights                                                           sees interactions of
============  ===============================================================  ======================
agent         dispute, acknowledge coaching                                    themselves
supervisor    decide disputes, coach                                           their team
qa_analyst    review, decide disputes (as arbitrator), calibrate               everyone
legal         cases, legal hold, search, unredacted transcripts, export        everyone
admin         users, retention, audit verification, review, calibrate          everyone
============  ===============================================================  ======================

Unredacted transcripts and exports are legal's alone (a separate, audited right).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, false, or_, select, true
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


def visible_interactions(principal: Principal) -> ColumnElement[bool]:
    """Return a WHERE clause over ``interactions`` selecting the rows the principal may see."""
    i = m.Interaction
    if principal.role in ALL_SCOPE:
        return true()
    if principal.role == Role.AGENT:
        return i.agent_id == principal.agent_id if principal.agent_id is not None else false()
    if principal.role == Role.SUPERVISOR and principal.team_id is not None:
        team_agents = select(m.Agent.id).where(m.Agent.team_id == principal.team_id)
        return or_(i.team_id == principal.team_id, i.agent_id.in_(team_agents))
    return false()


def can_see_agent(session: Session, principal: Principal, agent_id: int) -> bool:
    if principal.role in ALL_SCOPE:
        return True
    if principal.role == Role.AGENT:
        return principal.agent_id == agent_id
    if principal.role == Role.SUPERVISOR and principal.team_id is not None:
        return session.scalar(select(m.Agent.team_id).where(m.Agent.id == agent_id)) == principal.team_id
    return False


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
