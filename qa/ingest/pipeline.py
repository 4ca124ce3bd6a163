"""The ingest pipeline: read → skip what is stored → scan and score in workers → store.

Guarantees:

* **Idempotent**: an interaction is identified by its content hash; one already stored is
  counted as a duplicate, never stored again (the database's unique constraints back this
  up when two runs race).
* **Safe to run concurrently**: two ingests may start together, even on a fresh database
  (migrations run under a lock, ``qa.storage.migrate``; the rule-pack version row is
  insert-or-ignore). Each store transaction takes a write lock first and checks its items
  again (``qa.ingest.batches.check_stored``), so a record the other run stored meanwhile is a
  duplicate, a record retention purged is a failed item, and neither is counted as stored.
* **Resumable**: each task (whole accounts, at most ``chunk_size`` interactions) is stored
  in one transaction with its findings and scores. A killed run loses at most the tasks in
  flight; running the same command again skips what was stored and finishes the rest.
* **Streaming, bounded history**: inputs are read a window at a time and each account's new
  contacts are scanned with the recent contacts and standing facts its account state names
  (``qa.ingest.batches``, ``qa.storage.account_state``), so neither memory nor the cost of a
  batch grows with the input's size or the accounts' age.
* **Bad input never aborts the batch**: every unreadable file, bad record, failed recording
  or scanner failure becomes an ``ingest_errors`` row naming the file, line and reason;
  ``--retry-failed`` re-reads the files those errors came from.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from qa.ingest.batches import Batcher, Counts, check_stored
from qa.ingest.executors import Executor, default_executor
from qa.ingest.sources import Item, iter_files
from qa.ingest.stream import Progress, count_lines
from qa.ingest.worker import _STATE, TaskResult, WorkerConfig, ingest_collector, init_worker
from qa.readers import ReadError
from qa.storage import account_state, rollups
from qa.storage import models as m
from qa.storage import repository as repo
from qa.storage.engine import Database
from qa.storage.types import utcnow

#: Key of the PostgreSQL advisory lock that serialises the store transactions of concurrent ingests.
STORE_LOCK = 0x51A_0_1A57
#: Tries to store one item that keeps hitting a unique-key race before it is reported as failed.
STORE_ATTEMPTS = 3


@dataclass(frozen=True)
class IngestOptions:
    workers: int | None = None
    chunk_size: int = 1000
    scanner: str | None = None
    scorecard: str = "default"
    progress: bool = True
    retry_failed: bool = False
    kind: str = "ingest"
    # Items read ahead and grouped by account at a time (default: chunk_size x max(4, 2 x workers)).
    window: int | None = None


@dataclass
class IngestSummary:
    run_id: int
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    findings: int = 0
    errors: list[str] = field(default_factory=list)
    rule_pack_version: str = ""
    elapsed_s: float = 0.0
    reader_duplicates: int = 0  # of ``duplicates``, those the reader skipped (the rest: another run stored them first)


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _close_stale_runs(db: Database) -> None:
    """Mark runs left ``running`` by a process of this host that no longer exists as ``interrupted``."""
    host = socket.gethostname()
    with db.session() as s:
        for run in s.scalars(select(m.IngestRun).where(m.IngestRun.status == "running", m.IngestRun.host == host)):
            if not _pid_alive(run.pid) or run.pid == os.getpid():
                run.status = "interrupted"


def _failed_sources(db: Database) -> tuple[list[Path], list[int]]:
    with db.session() as s:
        rows = s.execute(select(m.IngestError.id, m.IngestError.source_file).where(m.IngestError.resolved_at.is_(None))).all()
    files = sorted({Path(f) for _, f in rows})
    return files, [i for i, _ in rows]


class _Run:
    """State of one run while it goes: counters, dimension cache, the open run rows."""

    def __init__(self, db: Database, options: IngestOptions, summary: IngestSummary, scan_run_id: int) -> None:
        self.db, self.options, self.summary, self.scan_run_id = db, options, summary, scan_run_id
        self.dims = repo.Dimensions()
        self.scorecard = _STATE.scorecard
        self.history_days = account_state.window_days(_STATE.scanner)

    def record_errors(self, errors: list[ReadError]) -> None:
        if not errors:
            return
        with self.db.session() as s:
            s.add_all(
                m.IngestError(
                    run_id=self.summary.run_id, source_file=e.file, source_line=e.line, record_id=e.record_id, reason=e.reason
                )
                for e in errors
            )
            self._bump(s, failed=len(errors))
        self.summary.failed += len(errors)
        self.summary.errors.extend(str(e) for e in errors)

    def _bump(self, s, **counts: int) -> None:
        values = {k: getattr(m.IngestRun, k) + v for k, v in counts.items() if v}
        if values:
            s.execute(update(m.IngestRun).where(m.IngestRun.id == self.summary.run_id).values(**values))

    def store(self, result: TaskResult, items: dict[int, Item], rebuild: Sequence[str] = ()) -> int:
        """Store one task's results in one transaction, with their accounts' states; return how many items it settled.

        ``rebuild``: source ids of history contacts whose facts also go into the states (accounts without a current one).
        """
        errors: list[ReadError] = []
        ready: list[repo.StoredInteraction] = []
        for outcome in result.outcomes:
            item = items.pop(outcome.key)
            if outcome.error or outcome.score is None:
                errors.append(
                    ReadError(item.source_file, item.source_line, outcome.error or "not processed", item.interaction.id)
                )
                continue
            # A transcribed recording's document gains its turns; other records are stored as read.
            interaction = outcome.interaction or item.interaction
            ready.append(
                repo.StoredInteraction(
                    interaction,
                    repo_document(interaction) if outcome.interaction is not None else item.document,
                    item.content_hash,
                    outcome.findings,
                    outcome.score,
                    item.source_file,
                    item.source_line,
                    # Only the masked copy is served; the original path is kept only when configured.
                    audio_path=(outcome.recording or {}).get("masked"),
                    original_audio_path=(outcome.recording or {}).get("original"),
                    redactions=outcome.redactions,
                )
            )
        stored, duplicates, raised = self._store_ready(ready, result.rule_pack_version, result.facts, rebuild)
        self.record_errors(errors)
        self.summary.stored += stored
        self.summary.duplicates += duplicates
        self.summary.findings += raised
        return len(result.outcomes)

    def _record_state(self, s, source_ids: list[str], facts: dict[str, dict], version: str) -> None:
        if source_ids:
            contacts = account_state.contacts_for(s, facts, source_ids)
            account_state.record_contacts(s, contacts, version, self.history_days)

    def _lock_writes(self, s) -> None:
        """Serialise store transactions across concurrent runs, and start the transaction as a writer.

        PostgreSQL: a transaction-level advisory lock, so two ingests never hold each other's
        new rows (interactions, agents, account states) and deadlock, and an account state is
        never merged from a stale read. SQLite: a no-op write to this run's row takes the database's
        write lock now, so the check below reads what every committed writer stored.
        """
        if self.db.backend == "postgresql":
            s.execute(select(func.pg_advisory_xact_lock(STORE_LOCK)))
        else:
            s.execute(update(m.IngestRun).where(m.IngestRun.id == self.summary.run_id).values(stored=m.IngestRun.stored))

    def _store_ready(
        self, ready: list[repo.StoredInteraction], version: str, facts: dict[str, dict], rebuild: Sequence[str]
    ) -> tuple[int, int, int]:
        kwargs = {"run_id": self.summary.run_id, "scan_run_id": self.scan_run_id, "version": version, "scorecard": self.scorecard}
        try:
            with self.db.session() as s:
                self._lock_writes(s)
                # Another run may have stored some of these since the batcher checked (or retention purged them).
                ready, duplicates, failed = check_stored(s, ready)
                raised = repo.store_interactions(s, ready, dims=self.dims, **kwargs)
                self._record_state(s, [r.interaction.id for r in ready] + list(rebuild), facts, version)
                self._bump(s, stored=len(ready), duplicates=duplicates)
            self.record_errors(failed)
            return len(ready), duplicates, raised
        except IntegrityError:
            pass
        # Still a unique-key race (a writer the lock does not cover): store one by one, each checked again.
        self.dims = repo.Dimensions()
        stored = duplicates = raised = 0
        for item in ready:
            outcome = self._store_one(item, facts, version, kwargs)
            if isinstance(outcome, ReadError):
                self.record_errors([outcome])
            elif outcome is None:
                duplicates += 1
            else:
                stored, raised = stored + 1, raised + outcome
        with self.db.session() as s:
            self._record_state(s, list(rebuild), facts, version)
        return stored, duplicates, raised

    def _store_one(self, item: repo.StoredInteraction, facts: dict[str, dict], version: str, kwargs: dict):
        """Store one item: findings raised, ``None`` for a duplicate, or the :class:`ReadError` that refused it."""
        error = "not stored: conflicting concurrent writes"
        for _ in range(STORE_ATTEMPTS):
            try:
                with self.db.session() as s:
                    self._lock_writes(s)
                    kept, duplicates, failed = check_stored(s, [item])
                    if failed:
                        return failed[0]
                    if duplicates:
                        self._bump(s, duplicates=1)
                        return None
                    raised = repo.store_interactions(s, kept, dims=self.dims, **kwargs)
                    self._record_state(s, [item.interaction.id], facts, version)
                    self._bump(s, stored=1)
                return raised
            except IntegrityError as exc:  # the next attempt's check sees what the other writer committed
                self.dims = repo.Dimensions()
                error = f"not stored: {type(exc.orig).__name__ if exc.orig is not None else 'IntegrityError'}"
        return ReadError(item.source_file or "-", item.source_line, f"{error} / no guardada", item.interaction.id)


def repo_document(interaction) -> dict:
    from qa.ingest.sources import canonical_document

    return canonical_document(interaction)


def _progress(total: int | None, enabled: bool, desc: str = "ingest") -> Progress:
    """Items/s and time left on stderr; silent when stderr is not a terminal (logs, pipes) or when disabled."""
    return Progress(desc, total, enabled)


def _record_counts(db: Database, run_id: int, counts: Counts, summary: IngestSummary) -> None:
    """Items read and duplicates skipped so far (the reader's counts; stored and failed are bumped as they happen)."""
    if (counts.seen, counts.duplicates) == (summary.seen, summary.reader_duplicates):
        return
    summary.duplicates += counts.duplicates - summary.reader_duplicates
    summary.seen, summary.reader_duplicates = counts.seen, counts.duplicates
    with db.session() as s:
        s.execute(update(m.IngestRun).where(m.IngestRun.id == run_id).values(seen=summary.seen, duplicates=summary.duplicates))


def ingest(
    db: Database, paths: list[Path], options: IngestOptions | None = None, executor: Executor | None = None
) -> IngestSummary:
    """Ingest interaction files, chat exports and recording manifests under ``paths``; see the module docstring."""
    with ingest_collector():
        return _ingest(db, paths, options or IngestOptions(), executor)


def _ingest(db: Database, paths: list[Path], options: IngestOptions, executor: Executor | None) -> IngestSummary:
    began = time.perf_counter()
    _close_stale_runs(db)
    config = WorkerConfig(options.scanner, options.scorecard)
    init_worker(config)  # in this process too: the run records the rule-pack version, and forked workers inherit it
    version = str(_STATE.scanner.version)
    retry_error_ids: list[int] = []
    if options.retry_failed:
        retry_paths, retry_error_ids = _failed_sources(db)
        paths = [*paths, *retry_paths]
    executor = executor or default_executor(options.workers)
    with db.session() as s:
        repo.ensure_rule_pack(s, version, getattr(_STATE.scanner, "rules", None))
        run = m.IngestRun(
            kind="retry" if options.retry_failed else options.kind,
            host=socket.gethostname(),
            pid=os.getpid(),
            executor=executor.name,
            paths=[str(p) for p in paths],
            rule_pack_version=version,
            scorecard=options.scorecard,
        )
        s.add(run)
        s.flush()
        scan_run = m.ScanRun(kind="ingest", rule_pack_version=version, ingest_run_id=run.id)
        s.add(scan_run)
        s.flush()
        run_id, scan_run_id = run.id, scan_run.id
    summary = IngestSummary(run_id=run_id, rule_pack_version=version)
    state = _Run(db, options, summary, scan_run_id)

    files = list(iter_files(paths))
    workers = max(1, getattr(executor, "workers", None) or 1)
    window = options.window or options.chunk_size * max(4, 2 * workers)
    with _progress(count_lines(files), options.progress) as bar:
        batcher = Batcher(
            db,
            paths,
            chunk_size=options.chunk_size,
            window=window,
            version=version,
            days=state.history_days,
            record_errors=state.record_errors,
            progress=bar,
        )
        for finished in executor.run(config, batcher.tasks()):
            for result in batcher.in_order(finished):  # never before the tasks it took history from
                keys = [o.key for o in result.outcomes]
                bar.update(state.store(result, batcher.items, batcher.rebuild_ids(result.task_id)))
                batcher.settle(result.task_id, keys)
                _record_counts(db, run_id, batcher.counts, summary)
    _record_counts(db, run_id, batcher.counts, summary)

    rollups.refresh_quietly(db)  # the dashboards' daily roll-ups of the days this run touched
    summary.elapsed_s = time.perf_counter() - began
    with db.session() as s:
        now = utcnow()
        s.execute(
            update(m.IngestRun)
            .where(m.IngestRun.id == run_id)
            .values(status="finished", finished_at=now, duplicates=summary.duplicates)
        )
        s.execute(
            update(m.ScanRun)
            .where(m.ScanRun.id == scan_run_id)
            .values(status="finished", finished_at=now, interactions=summary.stored, raised=summary.findings)
        )
        if retry_error_ids:
            for start in range(0, len(retry_error_ids), 500):
                part = retry_error_ids[start : start + 500]
                s.execute(
                    update(m.IngestError).where(m.IngestError.id.in_(part)).values(resolved_at=now, resolved_by_run_id=run_id)
                )
    return summary
