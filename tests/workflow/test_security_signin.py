"""Issue 13 item 4: password policy, sign-in throttling per user and per address, audited attempts, re-checked sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner
from workflow_helpers import PASSWORD

from qa.cli import _register_all, app
from qa.storage.workflow_models import AuditEntry, LoginAttempt
from qa.workflow import audit
from qa.workflow.access import Principal
from qa.workflow.errors import AuthenticationError, InvalidRequest
from qa.workflow.signin import ThrottledError, check_password_policy, refresh, sign_in
from qa.workflow.users import add_user, authenticate, disable_user, set_password

runner = CliRunner()
_register_all()


@pytest.mark.parametrize(
    "password",
    ["short-pw1", "aaaaaaaaaaaaaaaa", "ababababababab", " leading-space-pass", "x" * 300, "my-name-is-ramona-99"],
)
def test_password_policy_refuses_weak_passwords(password):
    with pytest.raises(InvalidRequest) as err:
        check_password_policy(password, "ramona")
    assert "/" in str(err.value)  # bilingual message
    assert "contraseña débil" in str(err.value) and "weak password" in str(err.value)


def test_password_policy_applies_to_new_users_and_resets(seeded):
    with seeded.db.session() as s, pytest.raises(InvalidRequest):
        add_user(s, Principal.system("t"), "nuevo", "1234567", "legal")
    with seeded.db.session() as s, pytest.raises(InvalidRequest):
        set_password(s, Principal.system("t"), "ana", "ana-ana-ana-ana")
    check_password_policy("a-long-passphrase", "ana")  # accepted


def test_failed_sign_ins_are_throttled_per_user_and_audited(seeded, monkeypatch):
    monkeypatch.setenv("QA_SIGNIN_MAX_USER_FAILURES", "3")
    engine = seeded.db.engine
    for _ in range(3):
        with pytest.raises(AuthenticationError) as err:
            sign_in(engine, "ana", "wrong-password", address="10.0.0.1")
        assert not isinstance(err.value, ThrottledError)
    # The right password no longer works, from any address, until the window passes.
    with pytest.raises(ThrottledError):
        sign_in(engine, "ana", PASSWORD, address="10.0.0.9")
    # Another user is not affected.
    assert sign_in(engine, "beto", PASSWORD, address="10.0.0.1").username == "beto"
    with seeded.db.session() as s:
        actions = [
            a for (a,) in s.execute(select(AuditEntry.action).where(AuditEntry.object_id == "ana").order_by(AuditEntry.seq))
        ]
        attempts = s.scalars(select(LoginAttempt).where(LoginAttempt.username == "ana")).all()
        assert audit.verify(s).ok
    assert actions == ["auth.failed"] * 3 + ["auth.throttled"]
    assert [a.success for a in attempts] == [False] * 4
    assert {a.address for a in attempts} == {"10.0.0.1", "10.0.0.9"}


def test_failed_sign_ins_are_throttled_per_address(seeded, monkeypatch):
    monkeypatch.setenv("QA_SIGNIN_MAX_ADDRESS_FAILURES", "4")
    engine = seeded.db.engine
    for name in ("ana", "beto", "carla", "nobody"):  # spraying one password over many users
        with pytest.raises(AuthenticationError):
            sign_in(engine, name, "guess-guess-1", address="203.0.113.5")
    with pytest.raises(ThrottledError):
        sign_in(engine, "lucia", PASSWORD, address="203.0.113.5")
    assert sign_in(engine, "lucia", PASSWORD, address="198.51.100.7").username == "lucia"


def test_a_success_resets_the_user_counter(seeded, monkeypatch):
    monkeypatch.setenv("QA_SIGNIN_MAX_USER_FAILURES", "3")
    engine = seeded.db.engine
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            sign_in(engine, "ana", "wrong-password")
    sign_in(engine, "ana", PASSWORD)
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            sign_in(engine, "ana", "wrong-password")
    assert sign_in(engine, "ana", PASSWORD).username == "ana"


def test_refresh_drops_disabled_and_changed_users(seeded):
    ana, sara = seeded.who("ana"), seeded.who("sara")
    with seeded.db.session() as s:
        assert refresh(s, ana) == ana
        disable_user(s, Principal.system("t"), "ana")
    with seeded.db.session() as s:
        assert refresh(s, ana) is None
        from qa.storage.workflow_models import User

        s.scalar(select(User).where(User.username == "sara")).role = "agent"
    with seeded.db.session() as s:
        assert refresh(s, sara) is None
        assert refresh(s, Principal.system("cli")) is not None


def test_cli_reset_password_and_failed_cli_sign_in_recorded(seeded):
    url = str(seeded.db.engine.url.render_as_string(hide_password=False))
    weak = runner.invoke(app, ["users", "reset-password", "lucia", "--database-url", url], env={"QA_NEW_PASSWORD": "short"})
    assert weak.exit_code == 2 and "weak password" in weak.output
    ok = runner.invoke(
        app, ["users", "reset-password", "lucia", "--database-url", url], env={"QA_NEW_PASSWORD": "a-brand-new-secret"}
    )
    assert ok.exit_code == 0, ok.output
    with seeded.db.session() as s:
        assert authenticate(s, "lucia", "a-brand-new-secret").username == "lucia"
        with pytest.raises(AuthenticationError):
            authenticate(s, "lucia", PASSWORD)
    wrong = runner.invoke(app, ["case", "timeline", "1", "--user", "lucia", "--database-url", url], env={"QA_PASSWORD": "nope"})
    assert wrong.exit_code == 2
    with seeded.db.session() as s:
        failed = s.scalars(select(AuditEntry).where(AuditEntry.action == "auth.failed")).all()
        assert [(e.object_id, '"address":"cli"' in e.details) for e in failed] == [("lucia", True)]
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.action == "user.password")) == "user.password"


@pytest.mark.parametrize("username", ["ana\x00", "\ud800ana", "a" * 500, "ana\n", ""])
def test_hostile_user_names_are_a_failed_attempt_not_a_crash(seeded, username):
    with pytest.raises(AuthenticationError):
        sign_in(seeded.db.engine, username, PASSWORD, address="192.0.2.1")
    with pytest.raises(AuthenticationError):
        sign_in(seeded.db.engine, "ana", "\udfff" + PASSWORD, address="192.0.2.1")
    with seeded.db.session() as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.success.is_(False))) == 2
        assert audit.verify(s).ok
