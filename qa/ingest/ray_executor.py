"""Run ingest tasks on a Ray cluster: ``qa ingest --executor ray [--address ...]``.

Each worker is a Ray actor that calls :func:`~qa.ingest.worker.init_worker` once (its scanner,
scorecard and, on the first recording, its one Whisper model stay loaded for the whole run) and
:func:`~qa.ingest.worker.process_task` per task, transcription and scanning side by side. Actors
ask for one GPU each where the cluster has GPUs (``QA_RAY_GPUS_PER_WORKER`` packs several on
one), one CPU each otherwise. Results come back to the driver, which stores each task in one
transaction, as with the local pool; workers never open the database.

Failure handling, all in the driver:

* **Back-pressure**: at most ``tasks_per_worker`` tasks are queued on each actor, and tasks are
  pulled from the pipeline's lazy task stream only when a slot frees, so memory stays bounded
  however large the input.
* **A worker that dies** (process killed, node lost, out of memory) loses nothing: its tasks
  go back to the queue and run again on a fresh actor. A result is yielded once per task, and
  the pipeline's content hashes and unique constraints make a second store impossible anyway.
* **A poisoned input** (one that kills its worker every time, or makes ``process_task`` raise)
  fails alone: a task that was retried ``max_attempts`` times is split, each item is run alone
  on an otherwise idle worker, the items that kill it get an error naming why, and the others
  run again together (so a scan keeps its whole-account context) and are stored.
* **Stop and resume**: stopping the driver (Ctrl-C) kills its actors; what was stored stays,
  and the same command later skips it (see :mod:`qa.ingest.pipeline`).

Ray is imported only when a :class:`RayExecutor` runs; importing this module does not import it.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from qa.ingest.worker import (
    SCANNER_ENV,
    ItemOutcome,
    ScannerLoadError,
    Task,
    TaskResult,
    WorkerConfig,
    init_pool_worker,
    process_task,
)

GPUS_ENV = "QA_RAY_GPUS_PER_WORKER"
#: Variables copied from the driver into every actor when set there (a shared model directory, for one).
FORWARDED_ENV = ("QA_WHISPER_MODEL",)


class RayUnavailableError(RuntimeError):
    """Ray is not installed here, or the cluster cannot be reached."""


class TaskActor:
    """One Ray worker: its scanner, scorecard and Whisper model stay loaded between tasks."""

    def __init__(self, config: WorkerConfig) -> None:
        init_pool_worker(config)

    def ready(self) -> int:
        return os.getpid()

    def process(self, task: Task) -> TaskResult:
        return process_task(task)


@dataclass
class RayRunStats:
    """What happened to the workers during the last run (for the CLI's closing line and the tests)."""

    workers: int = 0
    gpus_per_worker: float = 0.0
    worker_deaths: int = 0
    retried: int = 0
    poisoned: int = 0  # inputs failed because they killed their worker or made it raise


@dataclass
class _Split:
    """A task that kept failing: its items are probed one by one, then the survivors rerun together."""

    task: Task
    waiting: int
    poisoned: dict[int, str] = field(default_factory=dict)


@dataclass
class _Job:
    task: Task
    attempts: int = 0
    probe_of: _Split | None = None  # a single-item probe of a split task
    rerun_of: _Split | None = None  # the survivors of a split task, run together
    reasons: list[str] = field(default_factory=list)

    @property
    def splittable(self) -> bool:
        return self.probe_of is None and self.rerun_of is None and len(self.task.items) > 1


@dataclass
class _Slot:
    actor: Any
    generation: int = 0
    load: int = 0
    alone: bool = False  # running a suspect job, which must not share the worker


def _import_ray():
    try:
        import ray
    except ImportError:
        raise RayUnavailableError(
            "the Ray executor needs Ray: pip install 'collections-qa[scale]' / el ejecutor Ray necesita Ray instalado"
        ) from None
    return ray


class RayExecutor:
    """Ingest tasks on Ray actors; see the module docstring for the guarantees."""

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        *,
        gpus_per_worker: float | None = None,
        cpus_per_worker: float = 1,
        tasks_per_worker: int = 2,
        max_attempts: int = 3,
    ) -> None:
        if gpus_per_worker is None and os.environ.get(GPUS_ENV):
            gpus_per_worker = float(os.environ[GPUS_ENV])
        self.address = address
        self.workers = workers
        self.gpus_per_worker = gpus_per_worker
        self.cpus_per_worker = cpus_per_worker
        self.tasks_per_worker = max(1, tasks_per_worker)
        self.max_attempts = max(1, max_attempts)
        self.stats = RayRunStats()
        self._slots: list[_Slot] = []
        self.name = f"ray:{address or os.environ.get('RAY_ADDRESS') or 'local'}"

    @property
    def actors(self) -> list[Any]:
        """The live actor handles of the current run (tests kill one of them mid-task)."""
        return [slot.actor for slot in self._slots]

    # -- cluster ---------------------------------------------------------------------------

    def _connect(self, ray) -> bool:
        """Join the running Ray instance, the cluster at ``address``, or start a local one; True when started here."""
        if ray.is_initialized():
            return False
        kwargs: dict[str, Any] = {"logging_level": logging.WARNING}
        address = self.address or os.environ.get("RAY_ADDRESS")
        if address:
            kwargs["address"] = address
        else:
            # A private single-machine cluster: room for the requested workers, no dashboard.
            cpus = os.cpu_count() or 1
            if self.workers:
                cpus = max(cpus, int(self.workers * self.cpus_per_worker + 0.999))
            kwargs.update(num_cpus=cpus, include_dashboard=False)
        try:
            ray.init(**kwargs)
        except ConnectionError as exc:
            raise RayUnavailableError(f"cannot reach the Ray cluster at {address}: {exc} / no se pudo conectar a Ray") from None
        return True

    def _layout(self, ray, config: WorkerConfig) -> tuple[int, dict[str, Any], WorkerConfig]:
        """How many actors, with which resources, and the worker config they get."""
        resources = ray.cluster_resources()
        gpus = float(resources.get("GPU", 0))
        per_gpu = self.gpus_per_worker if self.gpus_per_worker is not None else (1.0 if gpus else 0.0)
        # The scanner named by QA_SCANNER here must be the one the workers load, wherever they run.
        config = replace(config, scanner=config.scanner or os.environ.get(SCANNER_ENV))
        if per_gpu > 0:
            count = self.workers or max(1, int(gpus / per_gpu))
            options = {"num_cpus": self.cpus_per_worker, "num_gpus": per_gpu}
            config = replace(config, whisper_device="cuda")
        else:
            count = self.workers or max(1, int(float(resources.get("CPU", 1)) / self.cpus_per_worker))
            options = {"num_cpus": self.cpus_per_worker}
            config = replace(config, whisper_device="cpu", whisper_cpu_threads=max(1, int(self.cpus_per_worker)))
        env = {k: os.environ[k] for k in FORWARDED_ENV if os.environ.get(k)}
        if env:
            options["runtime_env"] = {"env_vars": env}
        self.stats = RayRunStats(workers=count, gpus_per_worker=per_gpu)
        return count, options, config

    # -- the run ---------------------------------------------------------------------------

    def run(self, config: WorkerConfig, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        ray = _import_ray()
        started = self._connect(ray)
        try:
            count, options, config = self._layout(ray, config)
            actor_class = ray.remote(TaskActor).options(**options)
            self._slots = [_Slot(actor_class.remote(config)) for _ in range(count)]
            self._check_first_worker(ray)
            yield from self._drive(ray, actor_class, config, iter(tasks))
        finally:
            for slot in self._slots:
                ray.kill(slot.actor, no_restart=True)
            self._slots = []
            if started:
                ray.shutdown()

    def _check_first_worker(self, ray) -> None:
        """Fail fast when a worker cannot even start (its scanner or rule packs do not load there)."""
        refs = [slot.actor.ready.remote() for slot in self._slots]
        done, _ = ray.wait(refs, num_returns=1)
        try:
            ray.get(done[0])
        except ray.exceptions.RayError as exc:
            raise ScannerLoadError(f"a Ray worker could not start: {_first_line(exc)}") from None

    def _drive(self, ray, actor_class, config: WorkerConfig, source: Iterator[Task]) -> Iterator[TaskResult]:
        deaths = tuple(
            getattr(ray.exceptions, name)
            for name in ("RayActorError", "WorkerCrashedError", "ObjectLostError", "OutOfMemoryError", "NodeDiedError")
            if hasattr(ray.exceptions, name)
        )
        suspects: deque[_Job] = deque()  # retried or probed: each runs alone on an idle worker
        ready: deque[_Job] = deque()  # survivors of a split, before new tasks
        in_flight: dict[Any, tuple[_Job, _Slot, int]] = {}
        exhausted = False
        version = ""

        def submit(job: _Job, slot: _Slot, alone: bool) -> None:
            slot.load += 1
            slot.alone = alone
            in_flight[slot.actor.process.remote(job.task)] = (job, slot, slot.generation)

        while True:
            # Suspects first, each on a worker of its own; new work waits until none is left.
            while suspects:
                idle = next((s for s in self._slots if s.load == 0), None)
                if idle is None:
                    break
                submit(suspects.popleft(), idle, alone=True)
            while not suspects:
                slot = min((s for s in self._slots if not s.alone), key=lambda s: s.load, default=None)
                if slot is None or slot.load >= self.tasks_per_worker:
                    break
                if ready:
                    job = ready.popleft()
                else:
                    task = None if exhausted else next(source, None)
                    if task is None:
                        exhausted = True
                        break
                    job = _Job(task)
                submit(job, slot, alone=False)
            if not in_flight:
                return
            done, _ = ray.wait(list(in_flight), num_returns=1)
            job, slot, generation = in_flight.pop(done[0])
            if slot.generation == generation:
                slot.load -= 1
                slot.alone = slot.alone and slot.load > 0
            try:
                result: TaskResult = ray.get(done[0])
            except deaths as exc:
                if slot.generation == generation:  # replace the dead worker once, not once per lost task
                    self.stats.worker_deaths += 1
                    ray.kill(slot.actor, no_restart=True)
                    slot.actor, slot.generation, slot.load, slot.alone = actor_class.remote(config), generation + 1, 0, False
                job.attempts += 1
                job.reasons.append(type(exc).__name__)
                if job.attempts < self.max_attempts:
                    self.stats.retried += 1
                    suspects.append(job)
                    continue
                failure = f"the worker died {job.attempts} times while processing it (last: {job.reasons[-1]})"
            except ray.exceptions.RayTaskError as exc:
                # process_task itself raised: the same input would raise again, so no plain retry.
                failure = f"worker error: {_first_line(exc)}"
            else:
                version = result.rule_pack_version or version
                yield from self._settled(job, result, None, ready, version)
                continue
            if job.splittable:
                split = _Split(job.task, waiting=len(job.task.items))
                suspects.extend(_Job(replace(job.task, items=[item]), probe_of=split) for item in job.task.items)
                continue
            yield from self._settled(job, None, failure, ready, version)

    def _settled(
        self, job: _Job, result: TaskResult | None, failure: str | None, ready: deque[_Job], version: str
    ) -> Iterator[TaskResult]:
        """Yield a finished task's result (or its failure); probes of a split task are collected until all are in."""
        if result is None:
            result = TaskResult(job.task.task_id, version, [ItemOutcome(i.key, error=failure) for i in job.task.items])
            self.stats.poisoned += len(job.task.items)
        split = job.probe_of
        if split is None:
            if job.rerun_of is not None:
                poisoned = job.rerun_of.poisoned
                result = replace(result, outcomes=[*result.outcomes, *(ItemOutcome(k, error=r) for k, r in poisoned.items())])
            yield result
            return
        # A probe: its result is discarded (the survivors rerun together, keeping their account context).
        if failure is not None:
            split.poisoned[job.task.items[0].key] = failure
        split.waiting -= 1
        if split.waiting:
            return
        survivors = [i for i in split.task.items if i.key not in split.poisoned]
        if survivors:
            # The task's history (documents and account-state summaries) goes with every probe and the rerun.
            ready.append(_Job(replace(split.task, items=survivors), rerun_of=split))
        else:
            yield TaskResult(split.task.task_id, version, [ItemOutcome(k, error=r) for k, r in split.poisoned.items()])


def _first_line(exc: BaseException) -> str:
    """The cause of a Ray error, without Ray's traceback banner."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        return f"{type(cause).__name__}: {cause}".strip()
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1].strip() if lines else type(exc).__name__
