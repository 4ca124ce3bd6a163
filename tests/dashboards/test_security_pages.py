"""Issue 13 item 4 in the pages: sessions re-checked on every run, throttled sign-in, password reset, case closing,
and every stored user text rendered literally (never as Markdown or HTML).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from dash_helpers import open_app, open_page
from sqlalchemy import select

from dashboards.literal import md
from qa.storage import models as m
from qa.storage import open_database
from qa.storage.workflow_models import AuditEntry, Case, CaseInteraction, CoachingItem, Dispute, User
from qa.workflow import users
from qa.workflow.access import Principal

# An image that would make the viewer's browser fetch an outside address, plus emphasis, HTML and a directive.
PAYLOAD = "![x](http://203.0.113.9/t.png) **bold** <img src=x onerror=alert(1)> :red[red] [link](http://203.0.113.9)"


# Markdown that would act: an unescaped link/image target, HTML tag or colour directive.
RAW = re.compile(r"(?<!\\)\]\(|(?<!\\)<img|(?<!\\):red\[")


def _db(db_url):
    return open_database(db_url)


def _rendered(at) -> list[str]:
    """Every Markdown source the page produced: markdown, captions, alerts, expander labels."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    for kind in ("error", "warning", "info", "success"):
        parts += [e.value for e in getattr(at, kind)]
    parts += [e.label for e in at.expander]
    return parts


def _assert_literal(at, expected: int = 1) -> None:
    texts = _rendered(at)
    raw = [t for t in texts if RAW.search(t)]
    assert not raw, raw
    assert sum(md(PAYLOAD) in t for t in texts) >= expected, texts


def test_a_disabled_user_is_signed_out_on_the_next_page_run(principals, db_url):
    # AppTest reruns the current page's script (require_page re-checks there); the server runs app.py first,
    # which re-checks too and shows the sign-in form: both are tested.
    at = open_page(principals["agente"], "disputes")
    assert at.session_state["principal"].username == "agente" and at.markdown
    db = _db(db_url)
    with db.session() as s:
        users.disable_user(s, Principal.system("test"), "agente")
    db.dispose()
    at.run()
    assert "principal" not in at.session_state
    assert not at.markdown and not at.dataframe and not at.button  # nothing of the page
    assert any("desactivada" in w.value for w in at.warning)
    app = open_app(principals["agente"])  # a browser session still holding the old principal
    assert "principal" not in app.session_state
    assert [t.label for t in app.text_input] == ["Usuario", "Contraseña"]  # the sign-in form
    assert any("desactivada" in w.value for w in app.warning)
    assert not app.metric


def test_a_role_change_ends_the_session(principals, db_url):
    at = open_page(principals["supervisor"], "coaching")
    db = _db(db_url)
    with db.session() as s:
        s.scalar(select(User).where(User.username == "supervisor")).role = "agent"
    db.dispose()
    at.run()
    assert "principal" not in at.session_state


def test_sign_in_form_is_throttled_and_failures_audited(principals, db_url, monkeypatch):
    monkeypatch.setenv("QA_SIGNIN_MAX_USER_FAILURES", "2")
    at = open_app()
    for _ in range(2):
        at.text_input[0].input("analista")
        at.text_input[1].input("wrong password")
        at.button[0].click().run()
        assert "incorrectos" in at.error[0].value
    at.text_input[1].input("demo-password")
    at.button[0].click().run()
    assert "principal" not in at.session_state
    assert "Demasiados intentos" in at.error[0].value
    db = _db(db_url)
    with db.session() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.object_id == "analista").order_by(AuditEntry.seq)).all()
    db.dispose()
    assert actions == ["auth.failed", "auth.failed", "auth.throttled"]


def test_admin_resets_a_password_on_the_users_page(principals, db_url):
    at = open_page(principals["admin"], "users")
    assert "agente" in at.dataframe[0].value["username"].tolist()
    at.selectbox(key="us_reset_user").select("agente")
    at.text_input(key="us_pw1").input("short")
    at.text_input(key="us_pw2").input("short")
    next(b for b in at.button if b.label == "Restablecer contraseña").click().run()
    assert at.error and "contraseña débil" in at.error[0].value
    at.text_input(key="us_pw1").input("otra-clave-larga-7")
    at.text_input(key="us_pw2").input("otra-clave-larga-7")
    next(b for b in at.button if b.label == "Restablecer contraseña").click().run()
    assert not at.error, [e.value for e in at.error]
    db = _db(db_url)
    with db.session() as s:
        assert users.authenticate(s, "agente", "otra-clave-larga-7").username == "agente"
    db.dispose()


def _stored_payloads(db_url, principals) -> dict[str, int]:
    """Store PAYLOAD in every free-text field a user can write, plus an interaction id; return the rows' ids."""
    agent, supervisor, legal = principals["agente"], principals["supervisor"], principals["legal"]
    db = _db(db_url)
    now = datetime.now(UTC)
    with db.session() as s:
        finding = s.execute(
            select(m.Finding.id, m.Finding.interaction_id)
            .join(m.Interaction, m.Interaction.id == m.Finding.interaction_id)
            .where(m.Interaction.agent_id == agent.agent_id, m.Finding.active.is_(True))
            .order_by(m.Finding.id)
            .limit(1)
        ).one()
        s.get(m.Interaction, finding.interaction_id).source_id = PAYLOAD
        dispute = Dispute(finding_id=finding.id, interaction_id=finding.interaction_id, opened_by=agent.user_id, comment=PAYLOAD)
        item = CoachingItem(agent_id=agent.agent_id, created_by=supervisor.user_id, note=PAYLOAD, families=["threat"],
                            status="acknowledged", acknowledged_at=now, acknowledged_by=agent.user_id,
                            agent_comment=PAYLOAD)  # fmt: skip
        case = Case(title=PAYLOAD, created_by=legal.user_id, legal_hold=True, hold_reason=PAYLOAD, status="open")
        s.add_all([dispute, item, case])
        s.flush()
        s.add(CaseInteraction(case_id=case.id, interaction_id=finding.interaction_id))
        out = {"dispute": dispute.id, "item": item.id, "case": case.id}
    db.dispose()
    return out


def test_stored_texts_render_literally_on_every_page(principals, db_url):
    ids = _stored_payloads(db_url, principals)
    # Disputes queue (supervisor): the agent's comment and the interaction id in the panel's title.
    at = open_page(principals["supervisor"], "disputes")
    at.selectbox(key="dp_pick").select(ids["dispute"]).run()
    _assert_literal(at, expected=2)
    # Coaching (agent): the supervisor's note and the agent's own comment.
    at = open_page(principals["agente"], "coaching")
    _assert_literal(at, expected=2)
    # Legal cases (legal): case title and hold reason.
    at = open_app(principals["legal"])
    at.session_state["lg_case"] = ids["case"]
    at.switch_page("pages/legal.py").run()
    assert not at.exception, [e.value for e in at.exception]
    _assert_literal(at, expected=2)


def test_legal_closes_a_case_on_the_page(principals, db_url):
    ids = _stored_payloads(db_url, principals)
    at = open_app(principals["legal"])
    at.session_state["lg_case"] = ids["case"]
    at.switch_page("pages/legal.py").run()
    close = next(b for b in at.button if b.label == "Cerrar el caso")
    close.click().run()
    assert at.error and "motivo" in at.error[0].value  # a reason is required
    at.text_input(key=f"lg_close_reason_{ids['case']}").input("Reclamación resuelta")
    next(b for b in at.button if b.label == "Cerrar el caso").click().run()
    assert not at.exception
    db = _db(db_url)
    with db.session() as s:
        assert s.get(Case, ids["case"]).status == "closed"
        assert s.scalar(select(AuditEntry.details).where(AuditEntry.action == "case.close")) is not None
    db.dispose()
