"""Results that finish out of order, and a run stopped among them, store what one inline pass stores.

Executors yield results as tasks finish (the local pool and Ray both do), and a later window's task
of an account takes the in-flight contacts of that account's earlier task as history. Two things
once made the stored findings depend on which task finished first:

* a later task stored before the task it took history from: a stop in between left the later
  contacts stored and the earlier ones not, and the resumed run scanned the earlier contacts with
  the later ones as history (a count of contacts in a day that one pass never gives);
* in-flight contacts given as history whatever their time, where the account state gives only those
  up to the task's latest contact.

Here an executor wrapper makes the order adversarial and repeatable: it holds a group of finished
results and hands them back last first, then stops after a given number. No Ray needed.
"""

from __future__ import annotations

import pytest
from scale_helpers import snapshot
from sqlalchemy import func, select
from storage_helpers import SCANNER_V1, chat, write_jsonl

from qa.ingest import IngestOptions, InlineExecutor, LocalProcessExecutor, ingest
from qa.storage import models as m
from qa.storage.engine import open_database


class Stopped(Exception):
    """The wrapper's stand-in for Ctrl-C."""


class LastFirst:
    """Wrap an executor: collect ``group`` results, yield them in reverse, raise :class:`Stopped` after ``stop`` results."""

    def __init__(self, inner, group: int, stop: int | None = None) -> None:
        self.inner, self.group, self.stop = inner, group, stop
        self.name = inner.name

    def run(self, config, tasks):
        for count, result in enumerate(self._reordered(config, tasks), 1):
            yield result
            if count == self.stop:
                raise Stopped

    def _reordered(self, config, tasks):
        held = []
        for result in self.inner.run(config, tasks):
            held.append(result)
            if len(held) == self.group:
                yield from reversed(held)
                held = []
        yield from reversed(held)


def _chats(n: int = 200, accounts: int = 40) -> list[dict]:
    """Five same-day contacts per account, spread over three windows out of time order (hours vary within the day)."""
    return [
        chat(
            f"r{i}",
            account=f"ACC-{i % accounts}",
            started_at=f"2026-03-{1 + i % 5:02d}T{8 + i % 14:02d}:00:00-05:00",
            text="Hello, this is the collections office." + (" You could go to jail." if i % 7 == 0 else ""),
        )
        for i in range(n)
    ]


def _ingest(url: str, source, executor) -> tuple[object, dict]:
    db = open_database(url)
    try:
        summary = ingest(db, [source], IngestOptions(scanner=SCANNER_V1, chunk_size=20, progress=False), executor)
        return summary, snapshot(db)
    finally:
        db.dispose()


def _stored(url: str) -> int:
    db = open_database(url)
    try:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(m.Interaction))
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def one_pass(tmp_path_factory):
    """The reference: one inline pass, each task stored before the next is built."""
    folder = tmp_path_factory.mktemp("one-pass")
    source = write_jsonl(folder / "chats.jsonl", _chats())
    summary, stored = _ingest(f"sqlite:///{folder / 'inline.sqlite3'}", source, InlineExecutor())
    assert summary.stored == 200
    frequency = [f for f in stored["findings"] if ("rule_id", "'T-FREQ'") in f]
    assert len(frequency) >= 20  # the comparison covers the history-dependent counts
    return source, stored


@pytest.mark.parametrize("stop", [3, 5, 6, 9])
def test_results_returned_last_first_then_stopped_resume_as_one_pass(one_pass, tmp_path, stop):
    source, expected = one_pass
    url = f"sqlite:///{tmp_path / 'reordered.sqlite3'}"
    with pytest.raises(Stopped):
        _ingest(url, source, LastFirst(InlineExecutor(), group=8, stop=stop))
    partial = _stored(url)
    assert partial < 200

    resumed, stored = _ingest(url, source, LastFirst(InlineExecutor(), group=8))
    assert (resumed.duplicates, resumed.stored, resumed.failed) == (partial, 200 - partial, 0)
    for table in ("interactions", "findings", "scores"):
        assert stored[table] == expected[table], table


def test_a_later_task_is_held_until_the_task_it_took_history_from_is_stored(one_pass, tmp_path):
    """Eight tasks in hand (two windows), yielded last first: the second window's wait for the first's."""
    source, _expected = one_pass
    url = f"sqlite:///{tmp_path / 'held.sqlite3'}"
    with pytest.raises(Stopped):  # the three results handed back all belong to the second window
        _ingest(url, source, LastFirst(InlineExecutor(), group=8, stop=3))
    assert _stored(url) == 0


@pytest.mark.parametrize("stop", [None, 4])
def test_the_local_pool_out_of_order_and_stopped_stores_what_one_pass_stores(one_pass, tmp_path, stop):
    source, expected = one_pass
    url = f"sqlite:///{tmp_path / 'pool.sqlite3'}"
    if stop is not None:
        with pytest.raises(Stopped):
            _ingest(url, source, LastFirst(LocalProcessExecutor(2), group=6, stop=stop))
    resumed, stored = _ingest(url, source, LastFirst(LocalProcessExecutor(2), group=6))
    assert resumed.failed == 0 and resumed.stored + resumed.duplicates == 200
    for table in ("interactions", "findings", "scores"):
        assert stored[table] == expected[table], table
