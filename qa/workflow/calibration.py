"""Calibration sessions: the same findings decided blind by several reviewers, then compared.

A session fixes the active findings of the chosen interactions. Each assigned reviewer sees
the findings without anyone's review or decision and records ``confirmed``, ``dismissed``,
``downgraded`` or ``unclear`` for each. The report compares reviewers with each other
(Cohen's kappa per pair, Fleiss' kappa for all, overall and per rule; per reviewer the mean
Cohen's kappa with the others) and with the scanner (the share of the scanner's findings the
reviewer upholds, i.e. confirms or downgrades). Only findings decided by every reviewer enter
kappa. While a session is open its report is visible to its creator only (blindness).

Scope: every assigned reviewer must be allowed to see every interaction of the session (a supervisor
only their team's; creating a session that breaks this is refused), and a reviewer is only ever shown,
and may only decide, findings of interactions in their current scope.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.types import utcnow
from qa.storage.workflow_models import CalibrationAssignment, CalibrationDecision, CalibrationSession, User
from qa.workflow import audit
from qa.workflow.access import (
    Principal,
    Right,
    Role,
    manages,
    require,
    require_finding,
    require_interaction,
    visible_interactions,
)
from qa.workflow.errors import InvalidRequest, NotFound, PermissionDenied
from qa.workflow.kappa import cohen_kappa, fleiss_kappa, observed_agreement
from qa.workflow.users import principal_for

DECISIONS = ("confirmed", "dismissed", "downgraded", "unclear")
UPHOLDS = ("confirmed", "downgraded")
CALIBRATING_ROLES = (Role.QA_ANALYST, Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class CalibrationItem:
    finding_id: int
    interaction_id: int
    interaction: str
    rule_id: str
    family: str
    severity: str
    evidence: str
    explanation: str
    turn: int | None
    start: float | None
    my_decision: str | None


@dataclass(frozen=True)
class CalibrationView:
    id: int
    name: str
    status: str
    created_by: str | None
    created_at: datetime
    reviewers: list[str]
    finding_ids: list[int]


@dataclass
class CalibrationReport:
    session_id: int
    reviewers: list[str]
    items: int  # findings decided by every reviewer
    fleiss_kappa: float | None
    pairs: list[dict] = field(default_factory=list)  # a, b, cohen_kappa, observed_agreement
    per_rule: list[dict] = field(default_factory=list)  # rule_id, items, fleiss_kappa, mean_cohen_kappa, divergent
    per_reviewer: list[dict] = field(default_factory=list)  # reviewer, decided, agreement_with_scanner, mean_cohen_kappa
    divergent: list[int] = field(default_factory=list)  # finding ids without a unanimous decision


def _session(session: Session, session_id: int) -> CalibrationSession:
    cal = session.get(CalibrationSession, session_id)
    if cal is None:
        raise NotFound(f"calibration session {session_id} not found / sesión de calibración {session_id} no encontrada")
    return cal


def _reviewers(session: Session, session_id: int) -> dict[int, str]:
    stmt = (
        select(User.id, User.username)
        .join(CalibrationAssignment, CalibrationAssignment.reviewer_id == User.id)
        .where(CalibrationAssignment.session_id == session_id)
        .order_by(User.username)
    )
    return dict(session.execute(stmt).all())


def _view(session: Session, cal: CalibrationSession) -> CalibrationView:
    creator = session.scalar(select(User.username).where(User.id == cal.created_by))
    return CalibrationView(
        cal.id, cal.name, cal.status, creator, cal.created_at, list(_reviewers(session, cal.id).values()), list(cal.finding_ids)
    )


def create_calibration(
    session: Session, principal: Principal, name: str, interaction_ids: list[int], reviewers: list[str]
) -> CalibrationView:
    """Assign the active findings of ``interaction_ids`` to ``reviewers`` (usernames, at least two)."""
    require(principal, Right.CALIBRATE)
    if len(set(reviewers)) < 2:
        raise InvalidRequest("calibration needs at least two reviewers / la calibración necesita al menos dos revisores")
    users = session.execute(select(User).where(User.username.in_(reviewers), User.active.is_(True))).scalars().all()
    if missing := set(reviewers) - {u.username for u in users}:
        raise NotFound(f"unknown or disabled reviewers: {sorted(missing)} / revisores desconocidos o desactivados")
    if bad := [u.username for u in users if Role(u.role) not in CALIBRATING_ROLES]:
        raise InvalidRequest(f"these users cannot calibrate: {bad} / estos usuarios no pueden calibrar")
    for pk in interaction_ids:
        require_interaction(session, principal, pk)
    # A reviewer reads the evidence of every finding in the session, so each must be allowed to see every
    # interaction in it (a supervisor: only their team's).
    for u in users:
        if blind := _out_of_scope(session, principal_for(u), interaction_ids):
            raise InvalidRequest(
                f"{u.username} may not see {len(blind)} of these interactions (other teams) / "
                f"{u.username} no puede ver {len(blind)} de estas interacciones (otros equipos)"
            )
    findings = list(
        session.scalars(
            select(m.Finding.id)
            .where(m.Finding.interaction_id.in_(interaction_ids), m.Finding.active.is_(True))
            .order_by(m.Finding.id)
        )
    )
    if not findings:
        raise InvalidRequest("these interactions have no active findings / estas interacciones no tienen hallazgos activos")
    cal = CalibrationSession(
        name=name, created_by=principal.user_id, status="open", finding_ids=findings, interaction_ids=sorted(set(interaction_ids))
    )
    session.add(cal)
    session.flush()
    session.add_all(CalibrationAssignment(session_id=cal.id, reviewer_id=u.id) for u in users)
    audit.record(session, principal, "calibration.create", "calibration", cal.id,
                 {"name": name, "findings": len(findings), "reviewers": sorted(reviewers)})  # fmt: skip
    session.flush()
    return _view(session, cal)


def _out_of_scope(session: Session, principal: Principal, interaction_ids: list[int]) -> set[int]:
    """Return the interactions among ``interaction_ids`` the principal may not see."""
    if not interaction_ids:
        return set()
    visible = session.scalars(
        select(m.Interaction.id).where(m.Interaction.id.in_(interaction_ids), visible_interactions(principal))
    )
    return set(interaction_ids) - set(visible)


def _assigned(session: Session, principal: Principal, cal: CalibrationSession) -> None:
    if principal.user_id not in _reviewers(session, cal.id):
        raise PermissionDenied("not assigned to this calibration / no está asignado a esta calibración")


def my_calibration_items(session: Session, principal: Principal, session_id: int) -> list[CalibrationItem]:
    """Return the session's findings for an assigned reviewer, with only their own decisions (blind)."""
    cal = _session(session, session_id)
    _assigned(session, principal, cal)
    mine = dict(
        session.execute(
            select(CalibrationDecision.finding_id, CalibrationDecision.decision).where(
                CalibrationDecision.session_id == session_id, CalibrationDecision.reviewer_id == principal.user_id
            )
        ).all()
    )
    # Only findings of interactions the reviewer may see (an agent may have changed team since the session began).
    rows = session.execute(
        select(m.Finding, m.Interaction.source_id)
        .join(m.Interaction, m.Interaction.id == m.Finding.interaction_id)
        .where(m.Finding.id.in_(cal.finding_ids), visible_interactions(principal))
        .order_by(m.Interaction.started_at, m.Finding.id)
    )
    return [
        CalibrationItem(f.id, f.interaction_id, source, f.rule_id, f.family, f.severity, f.evidence, f.explanation,
                        f.turn, f.start, mine.get(f.id))
        for f, source in rows
    ]  # fmt: skip


def my_calibrations(session: Session, principal: Principal, *, status: str = "open") -> list[CalibrationView]:
    """List the sessions the principal is assigned to or created."""
    assigned = select(CalibrationAssignment.session_id).where(CalibrationAssignment.reviewer_id == principal.user_id)
    stmt = select(CalibrationSession).where(
        CalibrationSession.status == status,
        CalibrationSession.id.in_(assigned) | (CalibrationSession.created_by == principal.user_id),
    )
    return [_view(session, c) for c in session.scalars(stmt.order_by(CalibrationSession.id))]


def record_calibration_decision(session: Session, principal: Principal, session_id: int, finding_id: int, decision: str) -> None:
    """Record (or change, while the session is open) the reviewer's decision on one finding."""
    cal = _session(session, session_id)
    _assigned(session, principal, cal)
    if cal.status != "open":
        raise InvalidRequest("the calibration session is closed / la sesión de calibración está cerrada")
    if decision not in DECISIONS:
        raise InvalidRequest(f"decision must be one of {', '.join(DECISIONS)} / decisión no válida")
    if finding_id not in cal.finding_ids:
        raise NotFound(f"finding {finding_id} is not in this session / el hallazgo {finding_id} no está en esta sesión")
    require_finding(session, principal, finding_id)  # out of the reviewer's scope: refused
    row = session.scalar(
        select(CalibrationDecision).where(
            CalibrationDecision.session_id == session_id,
            CalibrationDecision.reviewer_id == principal.user_id,
            CalibrationDecision.finding_id == finding_id,
        )
    )
    if row is None:
        session.add(
            CalibrationDecision(session_id=session_id, reviewer_id=principal.user_id, finding_id=finding_id, decision=decision)
        )
    else:
        row.decision, row.decided_at = decision, utcnow()
    audit.record(
        session, principal, "calibration.decide", "calibration", session_id, {"finding": finding_id, "decision": decision}
    )
    session.flush()


def close_calibration(session: Session, principal: Principal, session_id: int) -> CalibrationView:
    require(principal, Right.CALIBRATE)
    cal = _session(session, session_id)
    if not manages(principal, cal.created_by):
        raise PermissionDenied("only the session's creator closes it / solo quien creó la sesión la cierra")
    cal.status, cal.closed_at = "closed", utcnow()
    audit.record(session, principal, "calibration.close", "calibration", session_id, {})
    return _view(session, cal)


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def calibration_report(session: Session, principal: Principal, session_id: int) -> CalibrationReport:
    """Compare the reviewers' decisions with each other and with the scanner."""
    cal = _session(session, session_id)
    reviewers = _reviewers(session, session_id)
    if not (manages(principal, cal.created_by) or (cal.status == "closed" and principal.user_id in reviewers)):
        raise PermissionDenied("the report is blind until the session closes / el informe es ciego hasta cerrar la sesión")
    decisions: dict[int, dict[int, str]] = defaultdict(dict)  # finding -> reviewer -> decision
    for fid, rid, decision in session.execute(
        select(CalibrationDecision.finding_id, CalibrationDecision.reviewer_id, CalibrationDecision.decision).where(
            CalibrationDecision.session_id == session_id
        )
    ):
        decisions[fid][rid] = decision
    rules = dict(session.execute(select(m.Finding.id, m.Finding.rule_id).where(m.Finding.id.in_(cal.finding_ids))).all())
    order = list(reviewers)
    complete = [fid for fid in cal.finding_ids if len(decisions.get(fid, {})) == len(order)]
    matrix = {fid: [decisions[fid][r] for r in order] for fid in complete}
    divergent = [fid for fid in complete if len(set(matrix[fid])) > 1]
    report = CalibrationReport(session_id, [reviewers[r] for r in order], len(complete), fleiss_kappa(list(matrix.values())),
                               divergent=divergent)  # fmt: skip
    pair_kappa: dict[tuple[int, int], float | None] = {}
    for a, b in combinations(range(len(order)), 2):
        la, lb = [matrix[f][a] for f in complete], [matrix[f][b] for f in complete]
        pair_kappa[(a, b)] = cohen_kappa(la, lb)
        report.pairs.append({"a": reviewers[order[a]], "b": reviewers[order[b]], "cohen_kappa": pair_kappa[(a, b)],
                             "observed_agreement": observed_agreement(la, lb)})  # fmt: skip
    by_rule: dict[str, list[int]] = defaultdict(list)
    for fid in complete:
        by_rule[rules[fid]].append(fid)
    for rule_id, fids in sorted(by_rule.items()):
        pairs = [
            cohen_kappa([matrix[f][a] for f in fids], [matrix[f][b] for f in fids]) for a, b in combinations(range(len(order)), 2)
        ]
        report.per_rule.append({"rule_id": rule_id, "items": len(fids), "fleiss_kappa": fleiss_kappa([matrix[f] for f in fids]),
                                "mean_cohen_kappa": _mean(pairs), "divergent": sum(f in divergent for f in fids)})  # fmt: skip
    for k, rid in enumerate(order):
        mine = [d[rid] for d in decisions.values() if rid in d]
        upheld = sum(d in UPHOLDS for d in mine)
        others = [pair_kappa[(min(k, j), max(k, j))] for j in range(len(order)) if j != k]
        report.per_reviewer.append({"reviewer": reviewers[rid], "decided": len(mine),
                                    "agreement_with_scanner": upheld / len(mine) if mine else None,
                                    "mean_cohen_kappa": _mean(others)})  # fmt: skip
    return report
