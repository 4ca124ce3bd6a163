"""Users (argon2 passwords, roles, disable), demo users, and the hash-chained audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from workflow_helpers import PASSWORD

from qa.storage.workflow_models import AuditEntry, User
from qa.workflow import audit
from qa.workflow.access import Principal, Role
from qa.workflow.errors import AuthenticationError, InvalidRequest, PermissionDenied
from qa.workflow.users import DEMO_PASSWORD, add_user, authenticate, create_demo_users, disable_user, list_users


def test_passwords_are_hashed_and_checked(seeded):
    with seeded.db.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "ana"))
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        who = authenticate(s, "ana", PASSWORD)
        assert who.role == Role.AGENT and who.agent_id is not None
        with pytest.raises(AuthenticationError):
            authenticate(s, "ana", "wrong-password")
        with pytest.raises(AuthenticationError):
            authenticate(s, "nobody", PASSWORD)


def test_disabled_user_cannot_sign_in_and_only_admins_manage_users(seeded):
    with seeded.db.session() as s:
        with pytest.raises(PermissionDenied):
            add_user(s, seeded.who("lucia"), "eve", PASSWORD, "admin")
        disable_user(s, Principal.system(), "beto")
    with seeded.db.session() as s, pytest.raises(AuthenticationError):
        authenticate(s, "beto", PASSWORD)
    with seeded.db.session() as s:
        users = {u.username: u for u in list_users(s, seeded.who("root"))}
        assert not users["beto"].active and users["ana"].agent_code == "A1" and users["sara"].team_code == "North"
        with pytest.raises(InvalidRequest):
            add_user(s, Principal.system(), "short", "abc", "legal")
        with pytest.raises(InvalidRequest):
            add_user(s, Principal.system(), "noagent", PASSWORD, "agent")


def test_demo_users_one_per_role_idempotent(seeded):
    with seeded.db.session() as s:
        first = create_demo_users(s)
    with seeded.db.session() as s:
        again = create_demo_users(s)
        assert {u.role for u in first} == set(Role)
        assert [u.id for u in first] == [u.id for u in again]
        agent = authenticate(s, "agente", DEMO_PASSWORD)
        supervisor = authenticate(s, "supervisor", DEMO_PASSWORD)
        assert agent.agent_id is not None and supervisor.team_id is not None


def _audit_some(seeded) -> None:
    with seeded.db.session() as s:
        for k in range(4):
            audit.record(s, seeded.who("lucia"), "case.note", "case", k, {"note": f"entry {k}", "n": k})


def test_audit_chain_verifies(seeded):
    _audit_some(seeded)
    with seeded.db.session() as s:
        result = audit.verify(s, seeded.who("root"))
        # the users created by the seed are audited too
        assert result.ok, result.problems
        assert result.entries == result.head_seq >= 4 + 9


@pytest.mark.parametrize("tamper", ["edit_details", "edit_actor", "delete_middle", "delete_last"])
def test_tampered_audit_log_fails_verification(seeded, tamper):
    _audit_some(seeded)
    with seeded.db.session() as s:
        last = s.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        table = AuditEntry.__table__
        if tamper == "edit_details":
            s.execute(update(table).where(table.c.seq == last - 1).values(details='{"n":99,"note":"entry 2"}'))
        elif tamper == "edit_actor":
            s.execute(update(table).where(table.c.seq == 3).values(actor="someone-else"))
        elif tamper == "delete_middle":
            s.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": last - 2})
        else:
            s.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": last})
    with seeded.db.session() as s:
        result = audit.verify(s)
        assert not result.ok and result.problems


def test_only_admin_verifies_and_agents_cannot_read_the_log(seeded):
    with seeded.db.session() as s:
        with pytest.raises(PermissionDenied):
            audit.verify(s, seeded.who("ana"))
        with pytest.raises(PermissionDenied):
            audit.entries(s, seeded.who("ana"))
        assert audit.entries(s, seeded.who("lucia"), action="user.add")
