"""Scores that follow the reviews and disputes.

A finding counts towards its interaction's score while it is active (raised by the current
rule pack), not dismissed by a reviewer and not overturned on dispute; a downgraded (or
re-graded) finding counts at the reviewer's severity. Every service that changes one of
those calls :func:`rescore_interactions`; ``qa rescan`` calls it for reviewed interactions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from qa.scoring import Scorecard, ScorecardError, load_scorecard, score_findings
from qa.storage import models as m
from qa.storage.batching import chunks
from qa.storage.types import utcnow
from qa.storage.workflow_models import Dispute, FindingReview


@dataclass(frozen=True)
class CountedFinding:
    """A finding as the scorecard sees it (family and the effective severity)."""

    id: int
    interaction_id: int
    rule_id: str
    family: str
    severity: str


def counted_findings_query():
    """Select the findings that count, with their effective severity (the reviewer's, else the scanner's)."""
    f, r, d = m.Finding, FindingReview, Dispute
    return (
        select(f.id, f.interaction_id, f.rule_id, f.family, f.severity, r.severity.label("reviewed_severity"))
        .outerjoin(r, r.finding_id == f.id)
        .outerjoin(d, and_(d.finding_id == f.id, d.status == "overturned"))
        .where(f.active.is_(True), (r.state.is_(None)) | (r.state != "dismissed"), d.id.is_(None))
    )


def counted_findings(session: Session, interaction_ids: Iterable[int]) -> dict[int, list[CountedFinding]]:
    ids = sorted(set(interaction_ids))
    out: dict[int, list[CountedFinding]] = defaultdict(list)
    for part in chunks(ids):
        stmt = counted_findings_query().where(m.Finding.interaction_id.in_(part))
        for row in session.execute(stmt):
            out[row.interaction_id].append(
                CountedFinding(row.id, row.interaction_id, row.rule_id, row.family, row.reviewed_severity or row.severity)
            )
    return out


@lru_cache(maxsize=16)
def _scorecard(name: str) -> Scorecard | None:
    try:
        return load_scorecard(name)
    except ScorecardError:
        return None


def rescore_interactions(session: Session, interaction_ids: Iterable[int]) -> int:
    """Recompute the stored scores of these interactions from their counted findings; return rows updated.

    A score row whose scorecard cannot be loaded by name (a scorecard given by path at ingest)
    is left as it is.
    """
    ids = sorted(set(interaction_ids))
    if not ids:
        return 0
    findings = counted_findings(session, ids)
    updated = 0
    now = utcnow()
    for score in session.scalars(select(m.Score).where(m.Score.interaction_id.in_(ids))):
        card = _scorecard(score.scorecard)
        if card is None:
            continue
        result = score_findings(card, findings.get(score.interaction_id, []))
        score.score, score.passed, score.auto_failed = result.score, result.passed, result.auto_failed
        score.details, score.computed_at = result.details, now
        updated += 1
    session.flush()
    return updated


def reviewed_interactions(session: Session, interaction_ids: Iterable[int]) -> set[int]:
    """Return those of ``interaction_ids`` with a review or dispute that can change their score."""
    ids = sorted(set(interaction_ids))
    found: set[int] = set()
    for part in chunks(ids):
        found.update(
            session.scalars(
                select(m.Finding.interaction_id)
                .join(FindingReview, FindingReview.finding_id == m.Finding.id)
                .where(m.Finding.interaction_id.in_(part))
            )
        )
        found.update(session.scalars(select(Dispute.interaction_id).where(Dispute.interaction_id.in_(part))))
    return found
