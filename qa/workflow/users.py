"""Users: accounts with a role and a password hashed with argon2id; sign-in; demo users.

``qa users add/list/disable`` and the dashboards' sign-in call these. An agent user is tied to
an agent code (``agents.code``, the ``agent_id`` of the data contract), a supervisor to a team
code; both are created in ``agents`` / ``teams`` when not yet ingested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.types import utcnow
from qa.storage.workflow_models import User
from qa.workflow import audit
from qa.workflow.access import Principal, Right, Role, require
from qa.workflow.errors import AuthenticationError, InvalidRequest, NotFound
from qa.workflow.signin import check_password_policy

_HASHER = PasswordHasher()


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str | None
    role: Role
    agent_code: str | None
    team_code: str | None
    active: bool
    created_at: datetime


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _team(session: Session, code: str) -> m.Team:
    team = session.scalar(select(m.Team).where(m.Team.code == code))
    if team is None:
        team = m.Team(code=code, name=code)
        session.add(team)
        session.flush()
    return team


def _agent(session: Session, code: str, team: m.Team | None) -> m.Agent:
    agent = session.scalar(select(m.Agent).where(m.Agent.code == code))
    if agent is None:
        agent = m.Agent(code=code, team_id=team.id if team else None)
        session.add(agent)
        session.flush()
    return agent


def principal_for(user: User) -> Principal:
    return Principal(user.id, user.username, Role(user.role), user.agent_id, user.team_id)


def _info(session: Session, user: User) -> UserInfo:
    agent = session.get(m.Agent, user.agent_id) if user.agent_id else None
    team = session.get(m.Team, user.team_id) if user.team_id else None
    return UserInfo(
        user.id,
        user.username,
        user.display_name,
        Role(user.role),
        agent.code if agent else None,
        team.code if team else None,
        user.active,
        user.created_at,
    )


def add_user(
    session: Session,
    actor: Principal,
    username: str,
    password: str,
    role: Role | str,
    *,
    display_name: str | None = None,
    agent_code: str | None = None,
    team_code: str | None = None,
) -> UserInfo:
    """Create a user. Agents need ``agent_code``, supervisors ``team_code``."""
    require(actor, Right.MANAGE_USERS)
    role = Role(role)
    check_password_policy(password, username)
    if role == Role.AGENT and not agent_code:
        raise InvalidRequest("an agent user needs --agent (agent code) / un usuario agente necesita --agent")
    if role == Role.SUPERVISOR and not team_code:
        raise InvalidRequest("a supervisor needs --team (team code) / un supervisor necesita --team")
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
        raise InvalidRequest(f"user {username!r} already exists / el usuario {username!r} ya existe")
    team = _team(session, team_code) if team_code else None
    agent = _agent(session, agent_code, team) if agent_code else None
    user = User(
        username=username,
        display_name=display_name,
        role=str(role),
        password_hash=hash_password(password),
        agent_id=agent.id if agent else None,
        team_id=team.id if team else (agent.team_id if agent else None),
        active=True,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.add", "user", user.id, {"username": username, "role": str(role)})
    return _info(session, user)


def list_users(session: Session, actor: Principal, *, include_disabled: bool = True) -> list[UserInfo]:
    require(actor, Right.MANAGE_USERS)
    stmt = select(User).order_by(User.username)
    if not include_disabled:
        stmt = stmt.where(User.active.is_(True))
    return [_info(session, u) for u in session.scalars(stmt)]


def disable_user(session: Session, actor: Principal, username: str) -> UserInfo:
    require(actor, Right.MANAGE_USERS)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r} / no existe el usuario {username!r}")
    if user.active:
        user.active, user.disabled_at = False, utcnow()
        audit.record(session, actor, "user.disable", "user", user.id, {"username": username})
    return _info(session, user)


def set_password(session: Session, actor: Principal, username: str, password: str) -> None:
    """Reset a user's password (admin); the policy of :func:`qa.workflow.signin.check_password_policy` applies."""
    require(actor, Right.MANAGE_USERS)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r} / no existe el usuario {username!r}")
    check_password_policy(password, username)
    user.password_hash = hash_password(password)
    audit.record(session, actor, "user.password", "user", user.id, {"username": username})


def authenticate(session: Session, username: str, password: str) -> Principal:
    """Check a password and return the user's :class:`Principal`; :class:`AuthenticationError` otherwise."""
    user = session.scalar(select(User).where(User.username == username))
    failure = AuthenticationError(
        "wrong user or password, or account disabled / usuario o contraseña incorrectos, o cuenta desactivada"
    )
    if user is None:
        # Same work as a real check, so timing does not tell which usernames exist.
        try:
            _HASHER.verify(_DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            pass
        raise failure
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise failure from None
    if not user.active:
        raise failure
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return principal_for(user)


def get_principal(session: Session, username: str) -> Principal:
    """Return the principal of an active user without a password (trusted callers: tests, ``make demo``)."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise NotFound(f"no active user {username!r} / no hay un usuario activo {username!r}")
    return principal_for(user)


_DUMMY_HASH = _HASHER.hash("not a password")

#: The demo accounts ``create_demo_users`` makes: username -> role (all share one password).
DEMO_USERS = {
    "agente": Role.AGENT,
    "supervisor": Role.SUPERVISOR,
    "analista": Role.QA_ANALYST,
    "legal": Role.LEGAL,
    "admin": Role.ADMIN,
}
DEMO_PASSWORD = "demo-password"


def create_demo_users(session: Session, *, password: str = DEMO_PASSWORD, agent_code: str | None = None) -> list[UserInfo]:
    """Create one user per role (idempotent): ``agente``, ``supervisor``, ``analista``, ``legal``, ``admin``.

    The agent user is the agent ``agent_code`` (default: the agent with the most stored
    interactions, or ``A001`` in an empty database); the supervisor supervises that agent's team.
    """
    actor = Principal.system("demo")
    if agent_code is None:
        agent_code = session.scalar(
            select(m.Agent.code)
            .join(m.Interaction, m.Interaction.agent_id == m.Agent.id)
            .group_by(m.Agent.code)
            .order_by(func.count().desc(), m.Agent.code)
            .limit(1)
        )
    agent_code = agent_code or "A001"
    agent = session.scalar(select(m.Agent).where(m.Agent.code == agent_code))
    team_code = None
    if agent is not None and agent.team_id is not None:
        team_code = session.scalar(select(m.Team.code).where(m.Team.id == agent.team_id))
    team_code = team_code or "demo-team"
    out = []
    for username, role in DEMO_USERS.items():
        existing = session.scalar(select(User).where(User.username == username))
        if existing is not None:
            out.append(_info(session, existing))
            continue
        out.append(
            add_user(
                session,
                actor,
                username,
                password,
                role,
                display_name=f"Demo {role}",
                agent_code=agent_code if role == Role.AGENT else None,
                team_code=team_code if role in (Role.AGENT, Role.SUPERVISOR) else None,
            )
        )
    return out
