"""``qa scan`` over inputs of any size: read, scan and report a window at a time, with account state in memory.

The same bounded history as ingest (:mod:`qa.storage.account_state`), without a database: for
each account, the contacts inside ``2 x window`` days of its latest one and the contacts that
hold standing facts (stop, lawyer, dispute, refused channel; the first contact that reached
someone). Within a window an account's contacts are scanned together in time order, so a file
grouped or sorted by time gives the findings one pass over everything gives.

Earlier contacts are kept as the scanner's summaries (``compliance_rules.account_facts``: a few
hundred bytes each, no text), so memory holds one window, the per-account state and the ids
seen so far (duplicate ids are errors, as in one pass), never the whole input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from compliance_rules.account_facts import usable
from qa.domain import Finding, Interaction
from qa.ingest.stream import Progress, iter_records
from qa.ingest.worker import _scan
from qa.readers import ReadError, Record, iter_input_files
from qa.scanner import Scanner
from qa.storage.account_state import fact_keys

#: Interactions read, then scanned together, at a time.
SCAN_WINDOW = 1000

Prepare = Callable[[list[Record]], tuple[list[Interaction], list[ReadError]]]


@dataclass(frozen=True)
class _Seen:
    """An earlier contact: the scanner's summary of it, or the interaction itself when the scanner gives none."""

    started_at: datetime
    summary: dict[str, Any] | None
    interaction: Interaction | None


@dataclass
class _Account:
    recent: dict[str, _Seen] = field(default_factory=dict)
    standing: dict[str, tuple[_Seen, _Seen]] = field(default_factory=dict)

    def history(self) -> tuple[list[Interaction], list[dict[str, Any]]]:
        out = dict(self.recent)
        for first, last in self.standing.values():
            for seen in (first, last):
                out[seen.summary["id"] if seen.summary else seen.interaction.id] = seen  # type: ignore[union-attr]
        interactions = [s.interaction for s in out.values() if s.summary is None and s.interaction is not None]
        return interactions, [s.summary for s in out.values() if s.summary is not None]

    def add(self, interaction: Interaction, facts: dict[str, Any] | None, keep: timedelta) -> None:
        seen = _Seen(interaction.started_at, facts, None) if usable(facts) else _Seen(interaction.started_at, None, interaction)
        self.recent[interaction.id] = seen
        for key, _turn in fact_keys(facts, interaction.consumer_phone):
            held = self.standing.get(key)
            if held is None:
                self.standing[key] = (seen, seen)
            else:
                first, last = held
                self.standing[key] = (
                    seen if seen.started_at < first.started_at else first,
                    seen if seen.started_at > last.started_at else last,
                )
        latest = max(s.started_at for s in self.recent.values())
        self.recent = {k: s for k, s in self.recent.items() if s.started_at >= latest - keep}


@dataclass
class ScanTotals:
    scanned: int = 0
    findings: int = 0
    errors: int = 0


class StreamingScan:
    """Scan inputs window by window; ``emit`` receives each window's findings, ``report`` each window's errors."""

    def __init__(self, scanner: Scanner, days: int, window: int = SCAN_WINDOW) -> None:
        self.scanner, self.window = scanner, max(1, window)
        self.keep = timedelta(days=2 * days)
        self.accounts: dict[str, _Account] = defaultdict(_Account)
        self.first_seen: dict[str, str] = {}
        self.totals = ScanTotals()

    def _records(self, paths: Sequence[Path], progress: Progress) -> Iterator[tuple[list[Record], list[ReadError]]]:
        records: list[Record] = []
        errors: list[ReadError] = []
        for path in iter_input_files(paths):
            if not path.exists():
                errors.append(ReadError(str(path), None, "file not found"))
                continue
            streamed = path.suffix.lower() == ".jsonl"
            for result in iter_records(path):
                if not streamed:
                    progress.add_total(len(result.records) + len(result.errors))
                errors.extend(result.errors)
                for record in result.records:
                    first = self.first_seen.get(record.interaction.id)
                    if first is not None:
                        reason = f"duplicate interaction id (first seen at {first})"
                        errors.append(ReadError(record.file, record.line, reason, record.interaction.id))
                        continue
                    self.first_seen[record.interaction.id] = f"{record.file}:{record.line}"
                    records.append(record)
                if len(records) >= self.window:
                    yield records, errors
                    records, errors = [], []
        yield records, errors

    def run(
        self,
        paths: Sequence[Path],
        prepare: Prepare,
        emit: Callable[[list[Finding]], None],
        report: Callable[[list[ReadError]], None],
        progress: Progress,
    ) -> ScanTotals:
        for records, errors in self._records(paths, progress):
            interactions, failed = prepare(records)
            errors = errors + failed
            report(errors)
            self.totals.errors += len(errors)
            found = self._scan(interactions)
            self.totals.scanned += len(interactions)
            self.totals.findings += len(found)
            emit(found)
            progress.update(len(records) + len(errors))
        return self.totals

    def _scan(self, interactions: list[Interaction]) -> list[Finding]:
        if not interactions:
            return []
        new = {i.id for i in interactions}
        by_account: dict[str, list[Interaction]] = defaultdict(list)
        for interaction in interactions:
            by_account[interaction.account_id or f"\0{interaction.id}"].append(interaction)
        batch: list[Interaction] = []
        summaries: list[dict[str, Any]] = []
        for account, members in by_account.items():
            members.sort(key=lambda i: i.started_at)
            if not account.startswith("\0") and account in self.accounts:
                earlier, summarised = self.accounts[account].history()
                batch.extend(h for h in earlier if h.id not in new)
                summaries.extend(f for f in summarised if f["id"] not in new)
            batch.extend(members)
        facts: dict[str, dict] = {}
        findings = [f for f in _scan(self.scanner, batch, facts, summaries) if f.interaction_id in new]
        for account, members in by_account.items():
            if account.startswith("\0"):
                continue
            state = self.accounts[account]
            for interaction in members:
                state.add(interaction, facts.get(interaction.id), self.keep)
        order = {i.id: n for n, i in enumerate(interactions)}
        findings.sort(key=lambda f: order.get(f.interaction_id, 0))
        return findings
