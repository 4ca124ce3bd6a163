"""The ingest pipeline: read → skip what is stored → scan and score in workers → store.

Guarantees:

* **Idempotent**: an interaction is identified by its content hash; one already stored is
  counted as a duplicate, never stored again (the database's unique constraints back this
  up when two runs race).
* **Resumable**: each task (whole accounts, at most ``chunk_size`` interactions) is stored
  in one transaction with its findings and scores. A killed run loses at most the tasks in
  flight; running the same command again skips what was stored and finishes the rest.
* **Bad input never aborts the batch**: every unreadable file, bad record, failed recording
  or scanner failure becomes an ``ingest_errors`` row naming the file, line and reason;
  ``--retry-failed`` re-reads the files those errors came from.
"""

from __future__ import annotations

import os
import socket
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from qa.ingest.executors import Executor, default_executor
from qa.ingest.sources import Item, iter_files, read_items
from qa.ingest.worker import _STATE, Task, TaskItem, TaskResult, WorkerConfig, ingest_collector, init_worker
from qa.readers import ReadError
from qa.storage import models as m
from qa.storage import repository as repo
from qa.storage import rollups
from qa.storage.engine import Database
from qa.storage.types import utcnow


@dataclass(frozen=True)
class IngestOptions:
    workers: int | None = None
    chunk_size: int = 1000
    scanner: str | None = None
    scorecard: str = "default"
    progress: bool = True
    retry_failed: bool = False
    kind: str = "ingest"


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

    def store(self, result: TaskResult, items: dict[int, Item]) -> int:
        """Store one task's results in one transaction; return how many items it settled."""
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
                    audio_path=item.audio_file,
                    redactions=outcome.redactions,
                )
            )
        stored, duplicates, raised = self._store_ready(ready, result.rule_pack_version)
        self.record_errors(errors)
        self.summary.stored += stored
        self.summary.duplicates += duplicates
        self.summary.findings += raised
        return len(result.outcomes)

    def _store_ready(self, ready: list[repo.StoredInteraction], version: str) -> tuple[int, int, int]:
        kwargs = {"run_id": self.summary.run_id, "scan_run_id": self.scan_run_id, "version": version, "scorecard": self.scorecard}
        try:
            with self.db.session() as s:
                raised = repo.store_interactions(s, ready, dims=self.dims, **kwargs)
                self._bump(s, stored=len(ready))
            return len(ready), 0, raised
        except IntegrityError:
            pass
        # Another run stored some of these meanwhile: store one by one, counting those as duplicates.
        self.dims = repo.Dimensions()
        stored = duplicates = raised = 0
        for item in ready:
            try:
                with self.db.session() as s:
                    raised += repo.store_interactions(s, [item], dims=self.dims, **kwargs)
                    self._bump(s, stored=1)
                stored += 1
            except IntegrityError:
                self.dims = repo.Dimensions()
                duplicates += 1
                with self.db.session() as s:
                    self._bump(s, duplicates=1)
        return stored, duplicates, raised


def repo_document(interaction) -> dict:
    from qa.ingest.sources import canonical_document

    return canonical_document(interaction)


def _group_tasks(db: Database, items: dict[int, Item], chunk_size: int) -> Iterator[Task]:
    """Pack whole accounts into tasks of about ``chunk_size`` interactions, each with its accounts' stored history."""
    by_account: dict[str, list[int]] = defaultdict(list)
    for key, item in items.items():
        by_account[item.interaction.account_id or f"\0{item.interaction.id}"].append(key)
    task_id = 0
    batch: list[int] = []
    accounts: list[str] = []

    def build() -> Task:
        with db.session() as s:
            history = repo.account_history(s, accounts)
        return Task(task_id, [TaskItem(k, items[k].document, items[k].audio_file) for k in batch], history)

    for account, keys in by_account.items():
        if batch and len(batch) + len(keys) > chunk_size:
            yield build()
            task_id += 1
            batch, accounts = [], []
        batch.extend(keys)
        if not account.startswith("\0"):
            accounts.append(account)
    if batch:
        yield build()


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="int", desc="ingest", disable=not enabled, dynamic_ncols=True, leave=False)


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

    items: dict[int, Item] = {}
    by_hash: dict[str, Item] = {}
    by_id: dict[str, Item] = {}
    seen_files: set[Path] = set()
    for path in iter_files(paths):
        if path.resolve() in seen_files:
            continue
        seen_files.add(path.resolve())
        read, errors = read_items(path)
        summary.seen += len(read) + len(errors)
        for item in read:
            first = by_id.get(item.interaction.id)
            if item.content_hash in by_hash:
                summary.duplicates += 1
            elif first is not None:
                errors.append(
                    ReadError(
                        item.source_file,
                        item.source_line,
                        f"interaction id also used at {first.source_file}:{first.source_line}",
                        item.interaction.id,
                    )
                )
            else:
                by_hash[item.content_hash] = by_id[item.interaction.id] = item
                items[len(items)] = item
        state.record_errors(errors)

    with db.session() as s:
        stored_hashes = repo.existing_hashes(s, list(by_hash))
        stored_ids = repo.existing_source_ids(s, list(by_id))
    conflicts: list[ReadError] = []
    for key in list(items):
        item = items[key]
        if item.content_hash in stored_hashes:
            summary.duplicates += 1
            del items[key]
        elif item.interaction.id in stored_ids:
            reason = "interaction id already stored with different content (not overwritten; give the new version its own id)"
            conflicts.append(ReadError(item.source_file, item.source_line, reason, item.interaction.id))
            del items[key]
    state.record_errors(conflicts)
    with db.session() as s:
        s.execute(update(m.IngestRun).where(m.IngestRun.id == run_id).values(seen=summary.seen, duplicates=summary.duplicates))

    with _progress(len(items), options.progress) as bar:
        for result in executor.run(config, _group_tasks(db, items, options.chunk_size)):
            bar.update(state.store(result, items))

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
