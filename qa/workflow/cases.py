"""Complaint cases: interaction search, case files, the contact timeline and legal hold.

Search is portable SQL: every word of the phrase must appear in one turn of the stored text,
compared case- and accent-insensitively (``carcel`` finds ``CÁRCEL``) with ``LIKE`` over a folded
text: ``lower(translate(...))`` on PostgreSQL, a deterministic Python function registered on
the SQLite connection. Phones match on their trailing digits, so ``3001234567`` finds
``+573001234567``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from qa.folding import fold as fold_text
from qa.storage import models as m
from qa.storage.types import utcnow
from qa.storage.workflow_models import Case, CaseInteraction, User
from qa.workflow import audit
from qa.workflow.access import Principal, Right, require, visible_interactions
from qa.workflow.errors import InvalidRequest, NotFound
from qa.workflow.interactions import InteractionSummary, summary_query, to_summary

# Contact-level findings shown beside each contact of a case's timeline (and of the evidence report).
TIMELINE_FAMILIES = ("off_hours", "frequency", "cease_violation")


@dataclass(frozen=True)
class SearchQuery:
    phone: str | None = None
    account: str | None = None  # account code
    agent: str | None = None  # agent code
    phrase: str | None = None
    start: date | None = None  # local date, inclusive
    end: date | None = None
    limit: int = 500


@dataclass(frozen=True)
class CaseView:
    id: int
    title: str
    account: str | None
    consumer_phone: str | None
    status: str
    legal_hold: bool
    hold_reason: str | None
    created_by: str | None
    created_at: datetime
    interaction_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class TimelineEntry:
    interaction_id: int
    source_id: str
    channel: str
    direction: str
    started_at: datetime  # UTC
    consumer_local_time: datetime
    consumer_timezone: str
    agent: str | None
    findings: list[dict]  # off-hours / frequency / cease findings: rule_id, family, severity, evidence, active


def _like(text: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


_ACCENTED, _PLAIN = "ÁÉÍÓÚÜÑÀÈÌÒÙÂÊÎÔÛÇáéíóúüñàèìòùâêîôûç", "AEIOUUNAEIOUAEIOUCaeiouunaeiouaeiouc"


def fold(text: str | None) -> str | None:
    """Lower-case and strip accents with :func:`qa.folding.fold` (the SQL side of the phrase search folds alike)."""
    return None if text is None else fold_text(text)


def _folded(session: Session, column):
    if session.get_bind().dialect.name == "sqlite":
        raw = session.connection().connection.dbapi_connection
        raw.create_function("qa_fold", 1, fold, deterministic=True)
        return func.qa_fold(column)
    return func.lower(func.translate(column, _ACCENTED, _PLAIN))


def search_interactions(session: Session, principal: Principal, query: SearchQuery) -> list[InteractionSummary]:
    """Find interactions by phone, account, agent, phrase and date (within the principal's scope), oldest first."""
    require(principal, Right.SEARCH)
    i = m.Interaction
    stmt = summary_query().where(visible_interactions(principal)).order_by(i.started_at, i.id).limit(query.limit)
    if query.phone:
        digits = re.sub(r"\D", "", query.phone)
        if not digits:
            raise InvalidRequest("a phone search needs digits / la búsqueda por teléfono necesita dígitos")
        stmt = stmt.where(i.consumer_phone.like("%" + digits))
    if query.account:
        stmt = stmt.where(func.lower(m.Account.code) == query.account.strip().lower())  # case-insensitive
    if query.agent:
        stmt = stmt.where(m.Agent.code == query.agent)
    if query.start:
        stmt = stmt.where(i.local_date >= query.start)
    if query.end:
        stmt = stmt.where(i.local_date <= query.end)
    if query.phrase and query.phrase.strip():
        t = m.Turn
        # Stored text is masked at ingest. The phrase is masked the same way and its masks dropped: a card or
        # ID number typed into the search box matches nothing (not even other masked cards).
        from transcription.redaction import MASKS, redact_text

        masks = {mask.lower() for mask in MASKS.values()}
        words = [w for w in redact_text(query.phrase).split() if w.lower().strip(".,;:") not in masks]
        if not words:
            return []
        folded = _folded(session, t.text)
        match = exists().where(t.interaction_id == i.id, *[folded.like(_like(fold(w)), escape="\\") for w in words])
        stmt = stmt.where(match)
    return [to_summary(r) for r in session.execute(stmt)]


def _view(session: Session, case: Case) -> CaseView:
    ids = list(
        session.scalars(
            select(CaseInteraction.interaction_id)
            .join(m.Interaction, m.Interaction.id == CaseInteraction.interaction_id)
            .where(CaseInteraction.case_id == case.id)
            .order_by(m.Interaction.started_at)
        )
    )
    account = session.scalar(select(m.Account.code).where(m.Account.id == case.account_id)) if case.account_id else None
    creator = session.scalar(select(User.username).where(User.id == case.created_by))
    return CaseView(
        case.id,
        case.title,
        account,
        case.consumer_phone,
        case.status,
        case.legal_hold,
        case.hold_reason,
        creator,
        case.created_at,
        ids,
    )


def _case(session: Session, principal: Principal, case_id: int) -> Case:
    require(principal, Right.MANAGE_CASES)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found / caso {case_id} no encontrado")
    return case


def open_case(
    session: Session,
    principal: Principal,
    title: str,
    *,
    account: str | None = None,
    phone: str | None = None,
    interaction_ids: list[int] | None = None,
    legal_hold: bool = False,
    hold_reason: str | None = None,
) -> CaseView:
    """Open a case with every interaction of ``account`` (and/or ``phone``) plus ``interaction_ids``."""
    require(principal, Right.MANAGE_CASES)
    account_id = None
    if account:
        account_id = session.scalar(select(m.Account.id).where(m.Account.code == account))
        if account_id is None:
            raise NotFound(f"account {account!r} not found / cuenta {account!r} no encontrada")
    ids = set(interaction_ids or [])
    if account or phone:
        ids.update(
            r.id for r in search_interactions(session, principal, SearchQuery(phone=phone, account=account, limit=100_000))
        )
    if not ids:
        raise InvalidRequest("a case needs interactions / un caso necesita interacciones")
    found = set(session.scalars(select(m.Interaction.id).where(m.Interaction.id.in_(ids))))
    if missing := ids - found:
        raise NotFound(f"interactions not found: {sorted(missing)} / interacciones no encontradas")
    if principal.user_id is None:
        raise InvalidRequest("cases are opened by a signed-in user / un caso lo abre un usuario identificado")
    case = Case(title=title, account_id=account_id, consumer_phone=phone, created_by=principal.user_id, status="open")
    session.add(case)
    session.flush()
    session.add_all(CaseInteraction(case_id=case.id, interaction_id=pk) for pk in sorted(ids))
    audit.record(session, principal, "case.open", "case", case.id, {"title": title, "account": account, "interactions": len(ids)})
    if legal_hold:
        set_legal_hold(session, principal, case.id, True, reason=hold_reason or title)
    session.flush()
    return _view(session, case)


def add_interactions(session: Session, principal: Principal, case_id: int, interaction_ids: list[int]) -> CaseView:
    case = _case(session, principal, case_id)
    have = set(session.scalars(select(CaseInteraction.interaction_id).where(CaseInteraction.case_id == case_id)))
    new = sorted(set(interaction_ids) - have)
    found = set(session.scalars(select(m.Interaction.id).where(m.Interaction.id.in_(new))))
    if missing := set(new) - found:
        raise NotFound(f"interactions not found: {sorted(missing)} / interacciones no encontradas")
    session.add_all(CaseInteraction(case_id=case_id, interaction_id=pk) for pk in new)
    audit.record(session, principal, "case.add_interactions", "case", case_id, {"interactions": new})
    session.flush()
    return _view(session, case)


def set_legal_hold(session: Session, principal: Principal, case_id: int, on: bool, *, reason: str) -> CaseView:
    """Place or release a legal hold: held interactions are never deleted by retention."""
    require(principal, Right.LEGAL_HOLD)
    case = _case(session, principal, case_id)
    if not reason.strip():
        raise InvalidRequest("a legal hold change needs a reason / un cambio de retención legal necesita un motivo")
    case.legal_hold, case.hold_reason, case.hold_changed_at, case.hold_changed_by = on, reason, utcnow(), principal.user_id
    audit.record(session, principal, "legal_hold.set" if on else "legal_hold.release", "case", case_id, {"reason": reason})
    session.flush()
    return _view(session, case)


def close_case(session: Session, principal: Principal, case_id: int, *, reason: str) -> CaseView:
    """Close an open case (a legal hold on it stays until released)."""
    case = _case(session, principal, case_id)
    if not reason.strip():
        raise InvalidRequest("closing a case needs a reason / cerrar un caso necesita un motivo")
    if case.status == "closed":
        raise InvalidRequest(f"case {case_id} is already closed / el caso {case_id} ya está cerrado")
    case.status = "closed"
    audit.record(session, principal, "case.close", "case", case_id, {"reason": reason, "legal_hold": case.legal_hold})
    return _view(session, case)


def get_case(session: Session, principal: Principal, case_id: int) -> CaseView:
    return _view(session, _case(session, principal, case_id))


def list_cases(session: Session, principal: Principal, *, status: str | None = None) -> list[CaseView]:
    require(principal, Right.MANAGE_CASES)
    stmt = select(Case).order_by(Case.created_at.desc(), Case.id.desc())
    if status:
        stmt = stmt.where(Case.status == status)
    return [_view(session, c) for c in session.scalars(stmt)]


def held_interaction_ids(session: Session) -> set[int]:
    """Return the ids of every interaction in a case under legal hold."""
    stmt = select(CaseInteraction.interaction_id).join(Case, Case.id == CaseInteraction.case_id).where(Case.legal_hold.is_(True))
    return set(session.scalars(stmt))


def consumer_zone(interaction: m.Interaction) -> ZoneInfo | None:
    """Return the consumer's zone: the record's, else derived from the phone number; None if neither."""
    if interaction.consumer_timezone:
        try:
            return ZoneInfo(interaction.consumer_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if interaction.consumer_phone:
        import phonenumbers
        from phonenumbers import timezone as phone_tz

        try:
            zones = phone_tz.time_zones_for_number(phonenumbers.parse(interaction.consumer_phone))
        except phonenumbers.NumberParseException:
            zones = ()
        if zones and zones[0] != "Etc/Unknown":
            return ZoneInfo(zones[0])
    return None


def case_timeline(session: Session, principal: Principal, case_id: int) -> list[TimelineEntry]:
    """Every contact of the case in time order, at the consumer's local time, with its off-hours, frequency and
    cease findings (:data:`TIMELINE_FAMILIES`).
    """
    _case(session, principal, case_id)
    i = m.Interaction
    rows = session.execute(
        select(i, m.Agent.code)
        .join(CaseInteraction, CaseInteraction.interaction_id == i.id)
        .outerjoin(m.Agent, m.Agent.id == i.agent_id)
        .where(CaseInteraction.case_id == case_id)
        .order_by(i.started_at, i.id)
    ).all()
    ids = [r[0].id for r in rows]
    found: dict[int, list[dict]] = {}
    f = m.Finding
    for finding in session.scalars(
        select(f).where(f.interaction_id.in_(ids), f.family.in_(TIMELINE_FAMILIES)).order_by(f.rule_id)
    ):
        found.setdefault(finding.interaction_id, []).append(
            {"id": finding.id, "rule_id": finding.rule_id, "family": finding.family, "severity": finding.severity,
             "evidence": finding.evidence, "explanation": finding.explanation, "active": finding.active}
        )  # fmt: skip
    out = []
    for interaction, agent in rows:
        zone = consumer_zone(interaction)
        local = interaction.started_at.astimezone(zone) if zone else interaction.started_at
        out.append(
            TimelineEntry(
                interaction.id,
                interaction.source_id,
                interaction.channel,
                interaction.direction,
                interaction.started_at,
                local,
                str(zone) if zone else "UTC",
                agent,
                found.get(interaction.id, []),
            )
        )
    return out
