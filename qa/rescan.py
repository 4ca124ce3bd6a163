"""``qa rescan``: rescan stored interactions after the rule packs change.

Each account is rescanned as a whole (frequency and cease rules look across its contacts).
Findings are matched with the stored ones by fingerprint (rule, turn, span): a finding the new
version no longer raises is marked dropped, a new one is inserted, one raised again after a
drop is reactivated; each change is a ``finding_events`` row naming the rule-pack version. A stored
finding raised again takes the new explanation, severity and status ("unclear — listen" is set or cleared).
Finding rows are never deleted, so reviews pointing at them survive. Scores are recomputed.

Each rescanned account's state (``qa.storage.account_state``: recent contacts, standing facts) is
rebuilt from the new version's facts in the same transaction, so ingests after a rescan read a
bounded history that agrees with the new rules.

Resumable: an interaction records the version that last scanned it, and a rerun only picks up
accounts with an interaction scanned by another version (``--all`` rescans everything).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from qa.ingest.executors import Executor, default_executor
from qa.ingest.worker import _STATE, Task, TaskItem, TaskResult, WorkerConfig, ingest_collector, init_worker
from qa.scoring import Scorecard
from qa.storage import account_state, rollups
from qa.storage import models as m
from qa.storage import repository as repo
from qa.storage.engine import Database
from qa.storage.outcomes import refresh_outcomes
from qa.storage.types import utcnow


@dataclass(frozen=True)
class RescanOptions:
    workers: int | None = None
    chunk_size: int = 500
    scanner: str | None = None
    scorecard: str = "default"
    progress: bool = True
    all: bool = False


@dataclass
class RescanSummary:
    scan_run_id: int
    rule_pack_version: str
    interactions: int = 0
    raised: int = 0
    dropped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    outcomes: int = 0  # outcome rows recomputed (qa.storage.outcomes.refresh_outcomes)


def _target_groups(session: Session, version: str, everything: bool) -> list[list[int]]:
    """Interaction ids to rescan, grouped by account (an account is always rescanned whole)."""
    i = m.Interaction
    stale = or_(i.scanned_version.is_(None), i.scanned_version != version)
    if everything:
        rows = session.execute(select(i.id, i.account_id).order_by(i.account_id, i.started_at)).all()
    else:
        accounts = select(i.account_id).where(stale, i.account_id.is_not(None)).distinct()
        rows = session.execute(
            select(i.id, i.account_id)
            .where(or_(i.account_id.in_(accounts), (i.account_id.is_(None) & stale)))
            .order_by(i.account_id, i.started_at)
        ).all()
    groups: dict[object, list[int]] = defaultdict(list)
    for pk, account in rows:
        groups[account if account is not None else ("solo", pk)].append(pk)
    return list(groups.values())


def _tasks(db: Database, groups: list[list[int]], chunk_size: int) -> Iterator[Task]:
    batch: list[int] = []
    task_id = 0

    def build() -> Task:
        with db.session() as s:
            docs = dict(s.execute(select(m.Interaction.id, m.Interaction.document).where(m.Interaction.id.in_(batch))).all())
        return Task(task_id, [TaskItem(pk, docs[pk]) for pk in batch])

    for group in groups:
        if batch and len(batch) + len(group) > chunk_size:
            yield build()
            task_id += 1
            batch = []
        batch.extend(group)
    if batch:
        yield build()


def apply_rescan(session: Session, result: TaskResult, scorecard: Scorecard, scan_run_id: int, summary: RescanSummary) -> None:
    """Diff the new findings with the stored ones and record raised and dropped findings, then rescore."""
    version, now = result.rule_pack_version, utcnow()
    ok = [o for o in result.outcomes if o.error is None and o.score is not None]
    for outcome in result.outcomes:
        if outcome.error is not None:
            summary.failed += 1
            summary.errors.append(f"interaction #{outcome.key}: {outcome.error}")
    if not ok:
        return
    pks = [o.key for o in ok]
    stored: dict[int, dict[str, m.Finding]] = defaultdict(dict)
    for row in session.scalars(select(m.Finding).where(m.Finding.interaction_id.in_(pks))):
        stored[row.interaction_id][row.fingerprint] = row
    new_rows, events = [], []
    for outcome in ok:
        current = repo.unique_findings(outcome.findings)
        existing = stored.get(outcome.key, {})
        for fingerprint, finding in current.items():
            row = existing.get(fingerprint)
            if row is None:
                new_rows.append(repo.finding_row(outcome.key, finding, version, now))
                continue
            row.severity, row.citation, row.explanation, row.evidence, row.confidence, row.status = (
                finding.severity,
                finding.citation,
                finding.explanation,
                finding.evidence,
                finding.confidence,
                finding.status,  # "unclear — listen" is set and cleared by a rescan too (issue 12)
            )
            if not row.active:
                row.active, row.raised_version, row.raised_at, row.dropped_version, row.dropped_at = (
                    True,
                    version,
                    now,
                    None,
                    None,
                )
                events.append(
                    {"finding_id": row.id, "event": "raised", "rule_pack_version": version, "scan_run_id": scan_run_id, "at": now}
                )
                summary.raised += 1
        for fingerprint, row in existing.items():
            if row.active and fingerprint not in current:
                row.active, row.dropped_version, row.dropped_at = False, version, now
                events.append(
                    {
                        "finding_id": row.id,
                        "event": "dropped",
                        "rule_pack_version": version,
                        "scan_run_id": scan_run_id,
                        "at": now,
                    }
                )
                summary.dropped += 1
    session.flush()
    summary.raised += repo.insert_findings(session, new_rows, version, scan_run_id, now)
    if events:
        session.execute(insert(m.FindingEvent), events)
    session.execute(update(m.Interaction).where(m.Interaction.id.in_(pks)).values(scanned_version=version, scanned_at=now))
    scores = {
        s.interaction_id: s
        for s in session.scalars(select(m.Score).where(m.Score.interaction_id.in_(pks), m.Score.scorecard == scorecard.name))
    }
    missing = [o for o in ok if o.key not in scores]
    for outcome in ok:
        score = scores.get(outcome.key)
        if score is not None:
            score.score, score.passed, score.auto_failed = outcome.score.score, outcome.score.passed, outcome.score.auto_failed
            score.details, score.rule_pack_version, score.scorecard_version, score.computed_at = (
                outcome.score.details,
                version,
                scorecard.version,
                now,
            )
    if missing:
        meta = {
            pk: {"agent_id": a, "team_id": t, "local_date": d}
            for pk, a, t, d in session.execute(
                select(m.Interaction.id, m.Interaction.agent_id, m.Interaction.team_id, m.Interaction.local_date).where(
                    m.Interaction.id.in_([o.key for o in missing])
                )
            )
        }
        session.execute(insert(m.Score), [repo.score_row(o.key, meta[o.key], o.score, scorecard, version, now) for o in missing])
    # Reviews and dispute outcomes (issue 5) outlive a rescan: rescore the reviewed interactions with them.
    from qa.workflow.rescoring import rescore_interactions, reviewed_interactions

    session.flush()
    rescore_interactions(session, reviewed_interactions(session, [o.key for o in ok]))
    summary.interactions += len(ok)


def _record_state(session: Session, result: TaskResult, days: int) -> None:
    """Rebuild the account states of the rescanned accounts (a task holds whole accounts) from the new facts."""
    pks = [o.key for o in result.outcomes if o.error is None and o.score is not None]
    contacts = account_state.contacts_by_pk(session, pks, result.facts)
    account_state.record_contacts(session, contacts, result.rule_pack_version, days)


def rescan(db: Database, options: RescanOptions | None = None, executor: Executor | None = None) -> RescanSummary:
    """Rescan stored interactions with the current rule packs; see the module docstring."""
    with ingest_collector():
        return _rescan(db, options or RescanOptions(), executor)


def _rescan(db: Database, options: RescanOptions, executor: Executor | None) -> RescanSummary:
    from qa.ingest.pipeline import _progress

    began = time.perf_counter()
    config = WorkerConfig(options.scanner, options.scorecard)
    init_worker(config)
    version, scorecard = str(_STATE.scanner.version), _STATE.scorecard
    assert scorecard is not None
    with db.session() as s:
        repo.ensure_rule_pack(s, version, getattr(_STATE.scanner, "rules", None))
        run = m.ScanRun(kind="rescan", rule_pack_version=version)
        s.add(run)
        s.flush()
        scan_run_id = run.id
        groups = _target_groups(s, version, options.all)
    summary = RescanSummary(scan_run_id, version)
    days = account_state.window_days(_STATE.scanner)
    executor = executor or default_executor(options.workers)
    with _progress(sum(map(len, groups)), options.progress, "rescan") as bar:
        for result in executor.run(config, _tasks(db, groups, options.chunk_size)):
            with db.session() as s:
                apply_rescan(s, result, scorecard, scan_run_id, summary)
                _record_state(s, result, days)
                s.execute(
                    update(m.ScanRun)
                    .where(m.ScanRun.id == scan_run_id)
                    .values(interactions=summary.interactions, raised=summary.raised, dropped=summary.dropped)
                )
            bar.update(len(result.outcomes))
    summary.outcomes = refresh_outcomes(db, _STATE.scanner, everything=options.all)  # call outcomes (issue 17)
    rollups.refresh_quietly(db)
    with db.session() as s:
        s.execute(update(m.ScanRun).where(m.ScanRun.id == scan_run_id).values(status="finished", finished_at=utcnow()))
    summary.elapsed_s = time.perf_counter() - began
    return summary
