"""Where scan tasks run: the seam between the pipeline and its workers.

An executor takes a picklable :class:`~qa.ingest.worker.WorkerConfig` (each worker builds
its scanner and scorecard from it once) and a stream of tasks, and yields their results
as they finish. The pipeline never touches processes itself, so a cluster executor (Ray
actors, each calling ``init_worker`` once and ``process_task`` per task) plugs in with
the same code path. Results are written by the caller, in the caller's process, so a
worker never needs a database connection.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Protocol

from qa.ingest.worker import Task, TaskResult, WorkerConfig, init_pool_worker, init_worker, process_task


class Executor(Protocol):
    name: str

    def run(self, config: WorkerConfig, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        """Process ``tasks``, yielding each result as soon as it is ready (in any order)."""
        ...


class InlineExecutor:
    """Run tasks one after another in this process (one worker, or debugging)."""

    name = "inline"

    def run(self, config: WorkerConfig, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        init_worker(config)
        for task in tasks:
            yield process_task(task)


def start_method() -> str:
    """How the local pool starts its workers: ``fork`` when it is safe, else a fresh interpreter.

    Forking is cheap and hands the workers the scanner already loaded here. It is not safe once
    this process has run Whisper: CTranslate2's threads do not survive ``fork()``, and a child
    then hangs on the inherited model or crashes loading its own (seen when the dashboards or a
    test suite ingested recordings in-process and later ingested with a pool). Then the workers
    start from ``forkserver`` (or ``spawn``) and load their own scanner in the initializer.
    """
    methods = multiprocessing.get_all_start_methods()
    engine = sys.modules.get("transcription.engine")
    whisper_used = engine is not None and engine.engines_loaded()
    if "fork" in methods and not whisper_used:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class LocalProcessExecutor:
    """A local process pool; at most ``2 x workers`` tasks are in flight, so tasks are built lazily."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.name = f"processes:{self.workers}"

    def run(self, config: WorkerConfig, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        context = multiprocessing.get_context(start_method())
        # Move everything alive now (the read batch, the scanner) out of the collector's
        # reach: forked workers then do not copy those pages by touching them in every
        # collection, and the parent's collections stop re-walking them.
        gc.freeze()
        try:
            yield from self._run(context, config, tasks)
        finally:
            gc.unfreeze()

    def _run(self, context, config: WorkerConfig, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        with ProcessPoolExecutor(self.workers, mp_context=context, initializer=init_pool_worker, initargs=(config,)) as pool:
            pending: set[Future[TaskResult]] = set()
            source = iter(tasks)
            exhausted = False
            while True:
                while not exhausted and len(pending) < 2 * self.workers:
                    task = next(source, None)
                    if task is None:
                        exhausted = True
                        break
                    pending.add(pool.submit(process_task, task))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()


def default_executor(workers: int | None = None) -> Executor:
    """One worker runs inline (no process start-up); more use the local process pool."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    return InlineExecutor() if count <= 1 else LocalProcessExecutor(count)
