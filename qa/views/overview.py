"""Overview: contacts, findings and scores rolled up by day, team and jurisdiction; KPIs computed in pandas.

The figures come from the daily roll-ups (:mod:`qa.storage.rollups`; refresh them before
reading): a few thousand rows whatever the size of the floor. The per-100-contacts rates, the
breakdowns and the weekly trend are pure functions of those rows.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.views.scope import Filters, Scope

CONTACT_COLUMNS = ["local_date", "team", "jurisdiction", "contacts", "scored", "score_sum", "passed", "auto_failed"]
FINDING_COLUMNS = ["local_date", "team", "jurisdiction", "family", "severity", "findings"]


def filter_options(session: Session, scope: Scope) -> dict[str, Any]:
    """Teams, jurisdictions and the date range present in the viewer's scope (for the filter widgets)."""
    i = m.RollupContacts
    where = scope.where(i.agent_id, i.team_id)
    first, last = session.execute(select(func.min(i.local_date), func.max(i.local_date)).where(*where)).one()
    team_stmt = select(m.Team.code).order_by(m.Team.code)
    if scope.team_ids is not None or scope.agent_ids is not None:
        team_stmt = team_stmt.where(m.Team.id.in_(select(i.team_id).where(*where).distinct()))
    jurisdictions = session.scalars(select(i.jurisdiction).where(*where, i.jurisdiction.is_not(None)).distinct())
    return {"start": first, "end": last, "teams": list(session.scalars(team_stmt)), "jurisdictions": sorted(jurisdictions)}


def contact_rows(session: Session, scope: Scope, filters: Filters, scorecard: str = "default") -> pd.DataFrame:
    """Contacts and their scores per local day, team and jurisdiction (from the daily roll-ups)."""
    c, s = m.RollupContacts, m.RollupScores
    contacts = (
        select(c.local_date, c.team_id, c.jurisdiction, func.sum(c.contacts))
        .where(*scope.where(c.agent_id, c.team_id), *filters.where(session, c))
        .group_by(c.local_date, c.team_id, c.jurisdiction)
    )
    scores = (
        select(
            s.local_date,
            s.team_id,
            s.jurisdiction,
            func.sum(s.scored),
            func.sum(s.score_sum),
            func.sum(s.passed),
            func.sum(s.auto_failed),
        )
        .where(s.scorecard == scorecard, *scope.where(s.agent_id, s.team_id), *filters.where(session, s))
        .group_by(s.local_date, s.team_id, s.jurisdiction)
    )
    scored = {tuple(r[:3]): r[3:] for r in session.execute(scores)}
    rows = [(*r, *scored.get(tuple(r[:3]), (0, 0.0, 0, 0))) for r in session.execute(contacts)]
    return _with_team_codes(session, rows, CONTACT_COLUMNS)


def finding_rows(session: Session, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Active findings per local day, team, jurisdiction, family and severity (from the daily roll-ups)."""
    f = m.RollupFindings
    agg = (
        select(f.local_date, f.team_id, f.jurisdiction, f.family, f.severity, func.sum(f.findings))
        .where(*scope.where(f.agent_id, f.team_id), *filters.where(session, f))
        .group_by(f.local_date, f.team_id, f.jurisdiction, f.family, f.severity)
    )
    return _with_team_codes(session, session.execute(agg).all(), FINDING_COLUMNS)


def _with_team_codes(session: Session, rows, columns: list[str]) -> pd.DataFrame:
    teams = dict(session.execute(select(m.Team.id, m.Team.code)).all())
    records = [(r[0], teams.get(r[1], "—"), r[2] or "—", *r[3:]) for r in rows]
    frame = pd.DataFrame(records, columns=columns)
    frame["local_date"] = pd.to_datetime(frame["local_date"])
    return frame


def kpis(contacts: pd.DataFrame, findings: pd.DataFrame) -> dict[str, float | int | None]:
    """Headline figures: contacts, findings, violations per 100 contacts, mean score, pass rate, auto-fails."""
    total = int(contacts["contacts"].sum())
    scored = int(contacts["scored"].sum())
    found = int(findings["findings"].sum())
    critical = int(findings.loc[findings["severity"] == "critical", "findings"].sum())
    return {
        "contacts": total,
        "findings": found,
        "critical": critical,
        "per_100": round(100 * found / total, 2) if total else None,
        "mean_score": round(float(contacts["score_sum"].sum()) / scored, 1) if scored else None,
        "pass_rate": round(float(contacts["passed"].sum()) / scored, 3) if scored else None,
        "auto_failed": int(contacts["auto_failed"].sum()),
    }


def per_100_by(contacts: pd.DataFrame, findings: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Violations per 100 contacts by ``family``, ``jurisdiction`` or ``team``, highest first.

    For ``family`` the denominator is every contact in view; for the other dimensions it is the
    contacts of that team or jurisdiction.
    """
    if dimension == "family":
        total = contacts["contacts"].sum()
        out = findings.groupby("family", as_index=False)["findings"].sum()
        out["contacts"] = total
    else:
        out = contacts.groupby(dimension, as_index=False)["contacts"].sum()
        hits = findings.groupby(dimension)["findings"].sum()
        out["findings"] = out[dimension].map(hits).fillna(0).astype(int)
    out["per_100"] = (100 * out["findings"] / out["contacts"].where(out["contacts"] > 0)).round(2).fillna(0.0)
    return out.sort_values("per_100", ascending=False).reset_index(drop=True)[[dimension, "findings", "contacts", "per_100"]]


def weekly_trend(contacts: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Per week (starting Monday) and family: violations per 100 contacts of that week."""
    if contacts.empty:
        return pd.DataFrame(columns=["week", "family", "findings", "contacts", "per_100"])
    week = contacts["local_date"].dt.to_period("W-SUN").dt.start_time
    weekly_contacts = contacts.assign(week=week).groupby("week")["contacts"].sum()
    hits = findings.assign(week=findings["local_date"].dt.to_period("W-SUN").dt.start_time)
    out = hits.groupby(["week", "family"], as_index=False)["findings"].sum()
    out["contacts"] = out["week"].map(weekly_contacts).fillna(0).astype(int)
    out["per_100"] = (100 * out["findings"] / out["contacts"].where(out["contacts"] > 0)).round(2).fillna(0.0)
    return out.sort_values(["week", "family"]).reset_index(drop=True)


def weekly_scores(contacts: pd.DataFrame) -> pd.DataFrame:
    """Per week: contacts, mean score and pass rate."""
    if contacts.empty:
        return pd.DataFrame(columns=["week", "contacts", "score", "pass_rate"])
    frame = contacts.assign(week=contacts["local_date"].dt.to_period("W-SUN").dt.start_time)
    out = frame.groupby("week", as_index=False)[["contacts", "scored", "score_sum", "passed"]].sum()
    out["score"] = (out["score_sum"] / out["scored"].where(out["scored"] > 0)).round(1)
    out["pass_rate"] = (out["passed"] / out["scored"].where(out["scored"] > 0)).round(3)
    return out[["week", "contacts", "score", "pass_rate"]]
