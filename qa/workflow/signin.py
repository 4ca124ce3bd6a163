"""Sign-in hardening: password policy, throttling per user and per address, audited attempts, session re-checks.

Every attempt (dashboards or CLI) goes through :func:`sign_in`, which

1. refuses at once, without checking the password, when the named user has had
   ``QA_SIGNIN_MAX_USER_FAILURES`` (default 5) failed attempts, or the address
   ``QA_SIGNIN_MAX_ADDRESS_FAILURES`` (default 20), within the last ``QA_SIGNIN_WINDOW_MINUTES``
   (default 15) and since its last successful sign-in;
2. otherwise checks the password (:func:`qa.workflow.users.authenticate`);
3. writes the attempt to ``login_attempts`` and to the audit log (``auth.failed``,
   ``auth.throttled`` or ``auth.signin``, with the address) in its own transaction, so a failure is recorded even
   though the caller's transaction rolls back.

:func:`refresh` re-reads a signed-in user on every page run: a disabled user, or one whose role,
agent or team changed, gets ``None`` (the page signs them out).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from qa.storage.types import utcnow
from qa.storage.workflow_models import LoginAttempt, User
from qa.workflow import audit
from qa.workflow.access import Principal
from qa.workflow.errors import AuthenticationError, InvalidRequest

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_DISTINCT = 5


class ThrottledError(AuthenticationError):
    """Too many failed sign-ins for this user or address; the password was not checked."""


@dataclass(frozen=True)
class _Anonymous:
    """The actor of an audit entry for a sign-in attempt (nobody is signed in yet)."""

    username: str
    role: str = "anonymous"


def check_password_policy(password: str, username: str | None = None) -> None:
    """Raise :class:`InvalidRequest` (bilingual) unless the password meets the policy."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"at least {MIN_LENGTH} characters / al menos {MIN_LENGTH} caracteres")
    if len(password) > MAX_LENGTH:
        problems.append(f"at most {MAX_LENGTH} characters / como máximo {MAX_LENGTH} caracteres")
    if len(set(password)) < MIN_DISTINCT:
        problems.append(f"at least {MIN_DISTINCT} different characters / al menos {MIN_DISTINCT} caracteres distintos")
    if password != password.strip():
        problems.append("no leading or trailing spaces / sin espacios al principio ni al final")
    if username and len(username) >= 3 and username.lower() in password.lower():
        problems.append("must not contain the username / no debe contener el nombre de usuario")
    if problems:
        raise InvalidRequest("weak password / contraseña débil: " + "; ".join(problems))


def _int_env(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name) or default)
    except ValueError:
        return default
    return max(value, 1)


def limits() -> tuple[int, int, timedelta]:
    """Return (failures per user, failures per address, window) from the environment."""
    return (
        _int_env("QA_SIGNIN_MAX_USER_FAILURES", 5),
        _int_env("QA_SIGNIN_MAX_ADDRESS_FAILURES", 20),
        timedelta(minutes=_int_env("QA_SIGNIN_WINDOW_MINUTES", 15)),
    )


def _key(username: str) -> str:
    """The user name as recorded: printable, valid UTF-8, lower-cased, at most 128 characters."""
    text = username.encode("utf-8", "replace").decode("utf-8")
    return "".join(c if c.isprintable() else "?" for c in text).strip().lower()[:128]


def _address(address: str | None) -> str | None:
    if not address:
        return None
    text = address.encode("utf-8", "replace").decode("utf-8")
    return "".join(c if c.isprintable() else "?" for c in text)[:64]


def _plausible(username: str) -> bool:
    """A name the database can be asked about (no NUL or control characters, no lone surrogates, not too long)."""
    return 0 < len(username) <= 128 and all(c.isprintable() for c in username) and _encodes(username)


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _recent_failures(session: Session, column, value: str, since: datetime) -> int:
    last_ok = session.scalar(select(func.max(LoginAttempt.at)).where(column == value, LoginAttempt.success.is_(True)))
    start = max(since, last_ok) if last_ok is not None else since
    return session.scalar(select(func.count()).where(column == value, LoginAttempt.success.is_(False), LoginAttempt.at > start))


def throttled(session: Session, username: str, address: str | None, *, now: datetime | None = None) -> bool:
    """Tell whether this user or this address has used up its failed attempts in the window."""
    per_user, per_address, window = limits()
    since = (now or utcnow()) - window
    if _recent_failures(session, LoginAttempt.username, _key(username), since) >= per_user:
        return True
    address = _address(address)
    return address is not None and _recent_failures(session, LoginAttempt.address, address, since) >= per_address


def _record(engine: Engine, username: str, address: str | None, success: bool, action: str, details: dict) -> None:
    address = _address(address)
    with Session(engine) as s, s.begin():
        s.add(LoginAttempt(at=utcnow(), username=_key(username), address=address, success=success))
        audit.record(s, _Anonymous(_key(username) or "?"), action, "user", _key(username), {"address": address, **details})


def sign_in(engine: Engine, username: str, password: str, *, address: str | None = None) -> Principal:
    """Check the attempt against the throttle, then the password; record it either way. Returns the principal."""
    from qa.workflow.users import authenticate

    with Session(engine) as s, s.begin():
        blocked = throttled(s, username, address)
    if blocked:
        _record(engine, username, address, False, "auth.throttled", {})
        raise ThrottledError("too many failed sign-ins; try again later / demasiados intentos fallidos; inténtelo más tarde")
    try:
        if not _plausible(username) or not _encodes(password):  # never sent to the database or the hasher
            raise AuthenticationError(
                "wrong user or password, or account disabled / usuario o contraseña incorrectos, o cuenta desactivada"
            )
        with Session(engine) as s, s.begin():
            who = authenticate(s, username, password)
    except AuthenticationError:
        _record(engine, username, address, False, "auth.failed", {})
        raise
    _record(engine, username, address, True, "auth.signin", {"role": str(who.role)})
    return who


def refresh(session: Session, who: Principal) -> Principal | None:
    """Re-read a signed-in user: ``None`` when disabled, deleted, or changed in role, agent or team."""
    if who.user_id is None:
        return who  # the system operator of CLI maintenance commands has no user row
    user = session.get(User, who.user_id)
    if user is None or not user.active:
        return None
    if (user.username, user.role, user.agent_id, user.team_id) != (who.username, str(who.role), who.agent_id, who.team_id):
        return None
    return who
