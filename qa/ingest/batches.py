"""Streaming ingest: bounded windows of input, deduplicated, packed into tasks with bounded account history.

The pipeline reads its inputs a window at a time (``IngestOptions.window`` items). Within a
window an account's new contacts go to one task, in time order, with the history they need
from the account state (:mod:`qa.storage.account_state`): the recent contacts and the standing
facts, a bounded number of documents whatever the account's age. An account met again in a
later window while its earlier task is still in flight gets that task's contacts as history too
(those not later than its own latest, as from the account state), and is stored only after that
task (:meth:`Batcher.in_order`): what a task sees, and what a stopped run leaves stored, do not
depend on which tasks were in flight or finished first. So splitting an input into windows (or
into several ingests) scans each contact with the same earlier contacts as one pass over
everything would (for contacts arriving in time order).

Memory holds one window and the tasks in flight, never the whole input. Duplicates are found
within the window, against the items in flight and against the database. Against the database,
:func:`check_stored` sorts each item before it is scanned: already stored (a duplicate), refused
by a live retention tombstone, or its id stored with other content (both reported as failed items
with file, line, id and reason). The pipeline runs the same check again inside each store
transaction, under its write lock, because another ingest may have stored the same record meanwhile.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from qa.ingest.sources import Item, iter_files
from qa.ingest.stream import Progress, iter_items
from qa.ingest.worker import Task, TaskItem
from qa.readers import ReadError
from qa.storage import account_state
from qa.storage import repository as repo
from qa.storage.engine import Database
from qa.workflow.tombstones import REASON as TOMBSTONE_REASON
from qa.workflow.tombstones import any_live, live_tombstones

CONFLICT_REASON = (
    "interaction id already stored with different content (not overwritten; give the new version its own id)"
    " / id de interacción ya guardado con otro contenido (no se sobrescribe; dé a la nueva versión su propio id)"
)


class _Record(Protocol):
    """What :func:`check_stored` reads of an item (an :class:`Item` or a ``StoredInteraction``)."""

    interaction: Any
    content_hash: str
    source_file: str | None
    source_line: int | None


T = TypeVar("T", bound=_Record)


def check_stored(session: Session, items: Sequence[T]) -> tuple[list[T], int, list[ReadError]]:
    """Split ``items`` into those still to store, the number already stored, and failures.

    A failure is an item whose source id or content hash a live retention tombstone names, or
    whose id is already stored with other content (never overwritten). An item whose exact
    content is stored is a duplicate whatever its id; ids are compared with their stored
    content hash in the same query, so a record another run stores meanwhile is a duplicate,
    never a spurious "different content".
    """
    if not items:
        return [], 0, []
    hashes = [i.content_hash for i in items]
    ids = [i.interaction.id for i in items]
    stored_hashes = repo.existing_hashes(session, hashes)
    stored_ids = repo.existing_source_ids(session, ids)
    stored_hashes.update(stored_ids.values())
    dead_ids: set[str] = set()
    dead_hashes: set[str] = set()
    if any_live(session):
        dead_ids, dead_hashes = live_tombstones(session, ids, hashes)
    kept: list[T] = []
    failed: list[ReadError] = []
    duplicates = 0
    for item in items:
        source_id = item.interaction.id
        if item.content_hash in stored_hashes or stored_ids.get(source_id) == item.content_hash:
            duplicates += 1
        elif source_id in dead_ids or item.content_hash in dead_hashes:
            failed.append(ReadError(item.source_file or "-", item.source_line, TOMBSTONE_REASON, source_id))
        elif source_id in stored_ids:
            failed.append(ReadError(item.source_file or "-", item.source_line, CONFLICT_REASON, source_id))
        else:
            kept.append(item)
    return kept, duplicates, failed


@dataclass
class Counts:
    seen: int = 0
    duplicates: int = 0


@dataclass
class _Open:
    """A task handed to the executor and not yet fully stored."""

    left: int
    rebuild: list[str] = field(default_factory=list)
    # Earlier open tasks whose contacts this one took as history: its results are stored only after theirs.
    after: set[int] = field(default_factory=set)


def _account(item: Item) -> str:
    return item.interaction.account_id or f"\0{item.interaction.id}"


class Batcher:
    """Turns input paths into tasks lazily; the pipeline calls :meth:`settle` after storing each result."""

    def __init__(
        self,
        db: Database,
        paths: Sequence[Path],
        *,
        chunk_size: int,
        window: int,
        version: str,
        days: int,
        record_errors: Callable[[list[ReadError]], None],
        progress: Progress,
    ) -> None:
        self.db, self.paths, self.chunk_size, self.window = db, list(paths), max(1, chunk_size), max(1, window)
        self.version, self.days = version, days
        self.record_errors, self.progress = record_errors, progress
        self.counts = Counts()
        self.items: dict[int, Item] = {}  # the current window's and the in-flight items, by key
        self._next_key = 0
        self._task_id = 0
        self._inflight_hash: dict[str, Item] = {}
        self._inflight_id: dict[str, Item] = {}
        self._inflight_docs: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        self._meta: dict[int, tuple[str, str, str]] = {}  # key -> (account, hash, id) while in flight
        self._open: dict[int, _Open] = {}
        self._task_of: dict[int, int] = {}  # key -> task id while in flight
        self._waiting: dict[int, list[Any]] = {}  # results held until the tasks they depend on are stored

    # ------------------------------------------------------------------ reading
    def _windows(self) -> Iterator[list[int]]:
        seen_files: set[Path] = set()
        window: list[int] = []
        by_hash: dict[str, Item] = {}
        by_id: dict[str, Item] = {}
        for path in iter_files(self.paths):
            resolved = path.resolve()
            if resolved in seen_files:
                continue
            seen_files.add(resolved)
            streamed = path.suffix.lower() == ".jsonl"
            for read, errors in iter_items(path, self.paths, slice_lines=self.window):
                if not streamed:
                    self.progress.add_total(len(read) + len(errors))
                self.counts.seen += len(read) + len(errors)
                duplicates = 0
                for item in read:
                    first = by_id.get(item.interaction.id) or self._inflight_id.get(item.interaction.id)
                    if item.content_hash in by_hash or item.content_hash in self._inflight_hash:
                        duplicates += 1
                    elif first is not None:
                        reason = f"interaction id also used at {first.source_file}:{first.source_line}"
                        errors.append(ReadError(item.source_file, item.source_line, reason, item.interaction.id))
                    else:
                        by_hash[item.content_hash] = by_id[item.interaction.id] = item
                        self.items[self._next_key] = item
                        window.append(self._next_key)
                        self._next_key += 1
                        if len(window) >= self.window:
                            yield self._against_database(window)
                            window, by_hash, by_id = [], {}, {}
                self.counts.duplicates += duplicates
                self.progress.update(duplicates + len(errors))
                self.record_errors(errors)
        if window:
            yield self._against_database(window)

    def _against_database(self, keys: list[int]) -> list[int]:
        """Drop what is stored, and report what a tombstone refuses or would overwrite, before anything is scanned."""
        with self.db.session() as s:
            kept_items, duplicates, failed = check_stored(s, [self.items[k] for k in keys])
        kept_ids = {id(item) for item in kept_items}
        kept: list[int] = []
        for key in keys:
            if id(self.items[key]) in kept_ids:
                kept.append(key)
            else:
                del self.items[key]
        self.counts.duplicates += duplicates
        self.progress.update(duplicates + len(failed))
        self.record_errors(failed)
        return kept

    # ------------------------------------------------------------------ tasks
    def tasks(self) -> Iterator[Task]:
        """Tasks of whole accounts (within a window), about ``chunk_size`` interactions each, built as they are asked for."""
        for keys in self._windows():
            by_account: dict[str, list[int]] = defaultdict(list)
            for key in keys:
                by_account[_account(self.items[key])].append(key)
            batch: list[int] = []
            for members in by_account.values():
                members.sort(key=lambda k: self.items[k].interaction.started_at)
                if batch and len(batch) + len(members) > self.chunk_size:
                    yield self._build(batch)
                    batch = []
                batch.extend(members)
            if batch:
                yield self._build(batch)

    def _build(self, batch: list[int]) -> Task:
        spans: dict[str, tuple[Any, Any]] = {}
        for key in batch:
            interaction = self.items[key].interaction
            if not interaction.account_id:
                continue
            first, last = spans.get(interaction.account_id, (interaction.started_at, interaction.started_at))
            spans[interaction.account_id] = (min(first, interaction.started_at), max(last, interaction.started_at))
        with self.db.session() as s:
            plan = account_state.plan_history(s, spans, self.version, self.days)
        history = list(plan.documents)
        after: set[int] = set()
        for account, (_first, last) in spans.items():
            docs = self._inflight_docs.get(account, {})
            # As from the account state (``plan_history``): never a contact later than this task's latest one,
            # so a task's history does not depend on whether an earlier task was still in flight or stored.
            history.extend(doc for k, doc in docs.items() if self.items[k].interaction.started_at <= last)
            after.update(self._task_of[k] for k in docs)
        rebuild = [d["id"] for d in plan.documents if d.get("account_id") in plan.rebuild]
        items = [TaskItem(k, self.items[k].document, self.items[k].audio_file) for k in batch]
        task = Task(self._task_id, items, history, plan.summaries)
        self._open[self._task_id] = _Open(len(batch), rebuild, after)
        self._task_id += 1
        for key in batch:
            item = self.items[key]
            account, content, source_id = _account(item), item.content_hash, item.interaction.id
            self._meta[key] = (account, content, source_id)
            self._task_of[key] = task.task_id
            self._inflight_hash[content] = self._inflight_id[source_id] = item
            if item.interaction.account_id:
                self._inflight_docs[account][key] = item.document
        return task

    def rebuild_ids(self, task_id: int) -> list[str]:
        """Source ids of the history contacts whose facts rebuild their accounts' states (accounts without a current one)."""
        opened = self._open.get(task_id)
        return opened.rebuild if opened is not None else []

    def in_order(self, result: Any) -> Iterator[Any]:
        """Yield ``result`` and any results it releases, each only once the tasks it took history from are stored.

        The caller stores and settles (:meth:`settle`) each yielded result before asking for the next. A
        task that took an in-flight task's contacts as history is never stored before that task:
        otherwise a stop in between would leave the later contacts stored and the earlier ones not,
        and the resumed run would scan the earlier contacts with the later ones as history, which
        one pass never does (a different count of contacts in a day, for one). A held result waits
        only for tasks already handed to the executor, each of which yields a result or a failure.
        """
        self._waiting.setdefault(result.task_id, []).append(result)
        while True:
            free = next((t for t in self._waiting if not self._blocked(t)), None)
            if free is None:
                return
            yield from self._waiting.pop(free)

    def _blocked(self, task_id: int) -> bool:
        opened = self._open.get(task_id)
        return opened is not None and any(dep in self._open for dep in opened.after)

    def settle(self, task_id: int, keys: list[int]) -> None:
        """Forget the in-flight bookkeeping of stored (or failed) items."""
        for key in keys:
            meta = self._meta.pop(key, None)
            self.items.pop(key, None)
            self._task_of.pop(key, None)
            if meta is None:
                continue
            account, content, source_id = meta
            self._inflight_hash.pop(content, None)
            self._inflight_id.pop(source_id, None)
            docs = self._inflight_docs.get(account)
            if docs is not None:
                docs.pop(key, None)
                if not docs:
                    del self._inflight_docs[account]
        opened = self._open.get(task_id)
        if opened is not None:
            opened.left -= len(keys)
            if opened.left <= 0:
                del self._open[task_id]
