"""Retention: delete interactions older than the configured period, never one under legal hold.

The period is ``QA_RETENTION_DAYS`` (default 1825, five years) or an explicit ``days``. Each run
is a ``retention_runs`` row, each deleted interaction a ``retention_deletions`` row (source id,
content hash, start, agent, account, recording path, findings) and the run an audit-log entry.
Deleting an interaction removes its turns, findings, scores, reviews, disputes and case links
(foreign keys cascade). The interaction's stored recordings, the masked copy and the kept
original in the media store (``transcription.masking``), are deleted from disk with it; files
outside the media store (the input folders) are never touched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.batching import chunks
from qa.storage.types import utcnow
from qa.storage.workflow_models import RetentionDeletion, RetentionRun
from qa.workflow import audit
from qa.workflow.access import Principal, Right, require
from qa.workflow.cases import held_interaction_ids
from qa.workflow.errors import InvalidRequest

DEFAULT_RETENTION_DAYS = 1825


def retention_days(days: int | None = None) -> int:
    value = days if days is not None else int(os.environ.get("QA_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)
    if value < 1:
        raise InvalidRequest(
            "the retention period must be at least one day / el periodo de retención debe ser de al menos un día"
        )
    return value


@dataclass
class RetentionResult:
    run_id: int | None  # None for a dry run
    cutoff: datetime
    days: int
    deleted: list[str] = field(default_factory=list)  # source ids
    held: list[str] = field(default_factory=list)  # expired but under legal hold, kept


def apply_retention(
    session: Session, principal: Principal, *, days: int | None = None, now: datetime | None = None, dry_run: bool = False
) -> RetentionResult:
    """Delete expired interactions (started before now - days) that no legal hold protects."""
    require(principal, Right.RETENTION)
    days = retention_days(days)
    cutoff = (now or utcnow()) - timedelta(days=days)
    i = m.Interaction
    expired = session.execute(
        select(i.id, i.source_id, i.content_hash, i.started_at, i.audio_path, m.Agent.code, m.Account.code, i.original_audio_path)
        .outerjoin(m.Agent, m.Agent.id == i.agent_id)
        .outerjoin(m.Account, m.Account.id == i.account_id)
        .where(i.started_at < cutoff)
        .order_by(i.started_at, i.id)
    ).all()
    held = held_interaction_ids(session)
    result = RetentionResult(None, cutoff, days)
    doomed = []
    for row in expired:
        (result.held if row.id in held else result.deleted).append(row.source_id)
        if row.id not in held:
            doomed.append(row)
    if dry_run:
        return result
    run = RetentionRun(actor=principal.username, retention_days=days, cutoff=cutoff, deleted=len(doomed), held=len(result.held))
    session.add(run)
    session.flush()
    ids = [r.id for r in doomed]
    counts: dict[int, int] = {}
    for part in chunks(ids):
        counts.update(
            session.execute(
                select(m.Finding.interaction_id, func.count())
                .where(m.Finding.interaction_id.in_(part))
                .group_by(m.Finding.interaction_id)
            ).all()
        )
    session.add_all(
        RetentionDeletion(run_id=run.id, source_id=r.source_id, content_hash=r.content_hash, started_at=r.started_at,
                          agent_code=r[5], account_code=r[6], audio_path=r.audio_path, findings=counts.get(r.id, 0))
        for r in doomed
    )  # fmt: skip
    session.flush()
    for part in chunks(ids):
        # Re-check the hold inside the delete itself, so a hold placed meanwhile still wins.
        session.execute(delete(i).where(i.id.in_(part), i.id.not_in(_held_subquery())))
    _remove_recordings(session, doomed)
    audit.record(
        session, principal, "retention.apply", "retention_run", run.id,
        {"days": days, "cutoff": cutoff.isoformat(), "deleted": len(doomed), "held": result.held},
    )  # fmt: skip
    result.run_id = run.id
    return result


def _remove_recordings(session: Session, doomed: list) -> int:
    """Delete the recording files of the interactions that are gone (a hold placed meanwhile keeps its files)."""
    from transcription.masking import remove_stored

    ids = [r.id for r in doomed]
    survivors: set[int] = set()
    for part in chunks(ids):
        survivors.update(session.scalars(select(m.Interaction.id).where(m.Interaction.id.in_(part))))
    return remove_stored(p for r in doomed if r.id not in survivors for p in (r.audio_path, r.original_audio_path))


def _held_subquery():
    from qa.storage.workflow_models import Case, CaseInteraction

    return select(CaseInteraction.interaction_id).join(Case, Case.id == CaseInteraction.case_id).where(Case.legal_hold.is_(True))


def retention_log(session: Session, principal: Principal, *, limit: int = 20) -> list[dict]:
    """Return the latest retention runs with what each deleted."""
    require(principal, Right.RETENTION)
    out = []
    for run in session.scalars(select(RetentionRun).order_by(RetentionRun.id.desc()).limit(limit)):
        deleted = session.scalars(select(RetentionDeletion.source_id).where(RetentionDeletion.run_id == run.id)).all()
        out.append({"id": run.id, "at": run.at, "actor": run.actor, "days": run.retention_days, "cutoff": run.cutoff,
                    "deleted": list(deleted), "held": run.held})  # fmt: skip
    return out
