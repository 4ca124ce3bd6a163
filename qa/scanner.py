"""The scanner as the rest of the project sees it: typed protocols instead of ``Any``.

``compliance_rules.Scanner`` implements all three; test doubles implement :class:`Scanner` (a
rescan test's two rule versions, ``tests/storage/storage_fake_scanner.py``). Whoever takes a
scanner states the least it needs:

- :class:`Scanner` — a ``version`` naming the rules, the ``rules`` (each with an ``id``; a
  ``params`` mapping where it has one) and ``scan``, one batch in, findings out. Storage reads
  ``version`` and ``rules`` (the history a new contact needs, ``qa.storage.account_state``).
- :class:`DetailedScanner` — also ``scan_detailed``: the findings with each contact's account
  facts, for the next batch of the same account (ingest workers).
- :class:`ContextScanner` — also the analysed contexts, lexicons and the consumer-request reader
  that call outcomes and review labels are read from.

A module of the contract layer, like :mod:`qa.domain`: it imports nothing else of the project.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from qa.domain import Finding, Interaction


@runtime_checkable
class Rule(Protocol):
    """A rule as a scanner lists it (``compliance_rules.schema.RuleSpec``)."""

    @property
    def id(self) -> str: ...


@runtime_checkable
class ScanReport(Protocol):
    """What ``scan_detailed`` returns (``compliance_rules.engine.ScanResult``)."""

    @property
    def findings(self) -> list[Finding]: ...

    @property
    def facts(self) -> Mapping[str, dict[str, Any]]: ...


@runtime_checkable
class Scanner(Protocol):
    """Scans a batch of interactions (one account's contacts matter together) against named rules."""

    @property
    def version(self) -> str: ...

    @property
    def rules(self) -> Sequence[Rule]: ...

    def scan(self, interactions: Sequence[Interaction]) -> list[Finding]: ...


@runtime_checkable
class DetailedScanner(Scanner, Protocol):
    """A scanner that also reports each contact's account facts (``history``: summaries of earlier contacts)."""

    def scan_detailed(self, interactions: Sequence[Interaction], history: Sequence[dict] = ()) -> ScanReport: ...


@runtime_checkable
class ContextScanner(DetailedScanner, Protocol):
    """The bundled scanner's inside, as call outcomes and review labels read it."""

    @property
    def lexicons(self) -> Any: ...

    @property
    def reader(self) -> Any: ...

    def contexts(self, interactions: Sequence[Interaction], history: Sequence[dict] = ()) -> list[Any]: ...
