"""What a worker does with one task: transcribe recordings, scan, score. No database access.

The scanner is built once per worker process from ``WorkerConfig.scanner`` (``module:callable``;
default ``compliance_rules:Scanner.load``), so the same config works inline, in a local process
pool and on a cluster.
"""

from __future__ import annotations

import gc
import importlib
import os
import traceback
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from qa.domain import Finding, Interaction
from qa.scanner import Scanner
from qa.scoring import InteractionScore, Scorecard, load_scorecard, score_findings

SCANNER_ENV = "QA_SCANNER"
DEFAULT_SCANNER = "compliance_rules:Scanner.load"


class ScannerLoadError(RuntimeError):
    """The scanner could not be built (a rule-pack error, or a bad ``QA_SCANNER``); nothing can be scanned."""


def load_scanner(spec: str | None = None) -> Scanner:
    """Build the scanner named by ``module:callable`` (``QA_SCANNER`` or the bundled rule packs)."""
    spec = spec or os.environ.get(SCANNER_ENV) or DEFAULT_SCANNER
    module_name, _, attr = spec.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            target = getattr(target, part)
        return target()
    except Exception as exc:  # noqa: BLE001 - any failure here means no scan at all; say which and why
        raise ScannerLoadError(f"cannot load the scanner {spec}: {exc}") from exc


@dataclass(frozen=True)
class WorkerConfig:
    scanner: str | None = None
    scorecard: str = "default"
    # Where this worker runs Whisper: a cluster executor sets "cuda" for GPU workers and caps the
    # threads of CPU workers to the cores each one was given (0: CTranslate2's default, all cores).
    whisper_device: str = "cpu"
    whisper_cpu_threads: int = 0


@dataclass
class TaskItem:
    """One interaction to process, as its canonical document.

    Tasks travel to worker processes (or cluster actors) pickled; a plain JSON document
    pickles and unpickles with less work than the pydantic model, and the worker rebuilds
    the :class:`Interaction` with pydantic's compiled validator.
    """

    key: int
    document: dict[str, Any]
    audio_file: str | None = None

    def interaction(self) -> Interaction:
        return Interaction.model_validate(self.document)


@dataclass
class Task:
    """New interactions to scan, with the stored history of their accounts (documents) as context."""

    task_id: int
    items: list[TaskItem]
    history: list[dict[str, Any]] = field(default_factory=list)
    # Earlier contacts as the scanner's summaries (compliance_rules.account_facts), from the account state.
    history_facts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ItemOutcome:
    key: int
    interaction: Interaction | None = None  # set when the worker transcribed it (None: unchanged)
    findings: list[Finding] = field(default_factory=list)
    score: InteractionScore | None = None
    error: str | None = None
    redactions: list[dict[str, Any]] = field(default_factory=list)
    # For a transcribed recording: {"masked": path of the masked copy, "original": kept original or None}.
    recording: dict[str, str | None] | None = None


@dataclass
class TaskResult:
    task_id: int
    rule_pack_version: str
    outcomes: list[ItemOutcome]
    # Account facts of every contact scanned (new and history), by interaction id; empty when the scanner reports none.
    facts: dict[str, dict] = field(default_factory=dict)


class _WorkerState:
    config: WorkerConfig | None = None
    scanner: Scanner | None = None
    scorecard: Scorecard | None = None


_STATE = _WorkerState()


#: Garbage-collector thresholds while ingesting (CPython's default is (700, 10, 10)).
#: Scanning allocates millions of short-lived objects beside large long-lived caches
#: (lemma tables, analysed turns, the trigger index), and with the default thresholds the
#: collector took about a third of the CPU of the 100,000-chat benchmark (51 s → 38 s
#: wall). Reference cycles are still collected, only less often.
INGEST_GC_THRESHOLD = (50_000, 20, 100)


@contextmanager
def ingest_collector() -> Iterator[None]:
    """Use :data:`INGEST_GC_THRESHOLD` in this process for the duration, then restore the previous thresholds."""
    previous = gc.get_threshold()
    gc.set_threshold(*INGEST_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def init_pool_worker(config: WorkerConfig) -> None:
    """Initialise a dedicated worker process (pool worker, cluster actor): ingest collector thresholds, scanner, scorecard."""
    gc.set_threshold(*INGEST_GC_THRESHOLD)
    init_worker(config)


def init_worker(config: WorkerConfig) -> None:
    """Build this process's scanner and scorecard; a no-op when already built from the same config (forked workers)."""
    if _STATE.config == config and _STATE.scanner is not None:
        return
    _STATE.scanner = load_scanner(config.scanner)
    warm_up = getattr(_STATE.scanner, "warm_up", None)  # optional: test doubles have none
    if callable(warm_up):
        warm_up()
    _STATE.scorecard = load_scorecard(config.scorecard)
    _STATE.config = config


def _transcribe(
    interaction: Interaction, audio_file: str | None
) -> tuple[Interaction, list[dict[str, Any]], dict[str, str | None]]:
    from qa.ingest.audio import transcribe_item

    config = _STATE.config or WorkerConfig()
    device, threads = config.whisper_device, config.whisper_cpu_threads
    return transcribe_item(interaction, audio_file, device=device, cpu_threads=threads)


def _definer(cls: type, name: str) -> type | None:
    return next((klass for klass in cls.__mro__ if name in vars(klass)), None)


def _scan(
    scanner: Scanner, interactions: list[Interaction], facts: dict[str, dict], summaries: list[dict[str, Any]] | None = None
) -> list[Finding]:
    """Scan a batch; with a scanner that reports them (``scan_detailed(...).facts``), collect each contact's account facts.

    A scanner whose ``scan`` overrides the one beside its ``scan_detailed`` (a test double) is called through ``scan``.
    """
    cls = type(scanner)
    detailed, plain = _definer(cls, "scan_detailed"), _definer(cls, "scan")
    if detailed is None or plain is None or not issubclass(detailed, plain):
        return list(scanner.scan(interactions))
    result = scanner.scan_detailed(interactions, history=summaries) if summaries else scanner.scan_detailed(interactions)
    found = getattr(result, "facts", None)
    if isinstance(found, dict):
        facts.update(found)
    return list(result.findings)


def _scan_groups(
    scanner: Any,
    history: list[Interaction],
    ready: list[Interaction],
    facts: dict[str, dict] | None = None,
    summaries: list[dict[str, Any]] | None = None,
) -> tuple[list[Finding], dict[str, str]]:
    """Scan everything as one batch; if the scanner fails, retry per account so one bad account fails alone."""
    facts = {} if facts is None else facts
    summaries = summaries or []
    try:
        return _scan(scanner, [*history, *ready], facts, summaries), {}
    except Exception:  # noqa: BLE001 - a scanner bug must not lose the batch; it is reported per item below
        facts.clear()
    groups: dict[str | None, list[Interaction]] = defaultdict(list)
    for interaction in ready:
        groups[interaction.account_id or f"\0{interaction.id}"].append(interaction)
    by_account: dict[str | None, list[Interaction]] = defaultdict(list)
    for interaction in history:
        by_account[interaction.account_id].append(interaction)
    findings: list[Finding] = []
    failed: dict[str, str] = {}
    for account, members in groups.items():
        try:
            own = [f for f in summaries if f.get("account") == account]
            findings.extend(_scan(scanner, [*by_account.get(account, []), *members], facts, own))
        except Exception as exc:  # noqa: BLE001
            reason = f"scanner failed: {type(exc).__name__}: {exc}".strip()
            tail = traceback.extract_tb(exc.__traceback__)[-1:]
            if tail:
                reason += f" (at {tail[0].filename.rsplit('/', 1)[-1]}:{tail[0].lineno})"
            failed.update({m.id: reason for m in members})
    return findings, failed


def process_task(task: Task) -> TaskResult:
    """Transcribe, scan (with the accounts' history) and score the task's new interactions."""
    scanner, scorecard = _STATE.scanner, _STATE.scorecard
    if scanner is None or scorecard is None:
        raise RuntimeError("init_worker() was not called in this worker")
    outcomes: dict[int, ItemOutcome] = {}
    ready: dict[str, tuple[int, Interaction]] = {}
    redactions: dict[int, list[dict[str, Any]]] = {}
    recordings: dict[int, dict[str, str | None]] = {}
    for item in task.items:
        interaction = item.interaction()
        if interaction.turns is None:
            try:
                interaction, redactions[item.key], recordings[item.key] = _transcribe(interaction, item.audio_file)
            except Exception as exc:  # noqa: BLE001 - one bad recording is reported, never aborts the task
                outcomes[item.key] = ItemOutcome(item.key, error=f"transcription failed: {exc}")
                continue
        ready[interaction.id] = (item.key, interaction)
    history = [Interaction.model_validate(doc) for doc in task.history]
    facts: dict[str, dict] = {}
    findings, failed = _scan_groups(scanner, history, [i for _, i in ready.values()], facts, task.history_facts)
    per_interaction: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.interaction_id in ready:
            per_interaction[finding.interaction_id].append(finding)
    for iid, (key, interaction) in ready.items():
        if iid in failed:
            outcomes[key] = ItemOutcome(key, error=failed[iid])
            continue
        found = per_interaction.get(iid, [])
        score = score_findings(scorecard, found)
        # Send the interaction back only when transcription changed it: the caller has the rest.
        changed = interaction if key in redactions else None
        outcomes[key] = ItemOutcome(key, changed, found, score, redactions=redactions.get(key, []), recording=recordings.get(key))
    ordered = [outcomes[i.key] for i in task.items if i.key in outcomes]
    return TaskResult(task.task_id, str(scanner.version), ordered, {k: v for k, v in facts.items() if k not in failed})
