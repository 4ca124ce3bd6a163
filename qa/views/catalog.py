"""Rules: the scanner's catalogue joined with hit counts from storage."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.views.scope import Scope


def rule_hits(session: Session, scope: Scope) -> pd.DataFrame:
    """Per rule: active findings, interactions hit and findings dropped by later rule-pack versions (daily roll-ups)."""
    r = m.RollupRuleHits
    stmt = (
        select(r.rule_id, func.sum(r.hits), func.sum(r.interactions), func.sum(r.dropped))
        .where(*scope.where(r.agent_id, r.team_id))
        .group_by(r.rule_id)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=["rule_id", "hits", "interactions", "dropped"])


def catalog_frame(rules: list[Any], lang: str = "es") -> pd.DataFrame:
    """Return the scanner's rules (``compliance_rules`` ``RuleSpec``) as rows in the viewer's language."""
    rows = []
    for rule in rules:
        title = getattr(rule.title, lang, None) or rule.title.es
        message = getattr(rule.message, lang, None) or rule.message.es
        rows.append(
            {
                "rule_id": rule.id,
                "jurisdiction": rule.jurisdiction,
                "family": str(getattr(rule.family, "value", rule.family)),
                "severity": rule.severity,
                "title": title,
                "message": message,
                "citation": rule.citation,
                "status": getattr(rule, "status", None),
                "violating": list(rule.examples.violating),
                "lawful": list(rule.examples.lawful),
            }
        )
    return pd.DataFrame(rows)


def catalog_with_hits(catalog: pd.DataFrame, hits: pd.DataFrame, precision: pd.DataFrame | None = None) -> pd.DataFrame:
    """Join the catalogue with hit counts (0 when a rule never fired) and, when given, reviewed precision per rule."""
    out = catalog.merge(hits, on="rule_id", how="left")
    for column in ("hits", "interactions", "dropped"):
        out[column] = out[column].fillna(0).astype(int)
    if precision is not None and not precision.empty:
        out = out.merge(precision, on="rule_id", how="left")
    return out.sort_values(["hits", "rule_id"], ascending=[False, True]).reset_index(drop=True)
