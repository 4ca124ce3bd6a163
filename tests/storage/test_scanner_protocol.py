"""The typed scanner protocols (``qa.scanner``): the bundled scanner and the test double both satisfy them.

``runtime_checkable`` only checks that the members exist, so the methods' parameters are compared
too: every parameter the protocol passes must be accepted, under the same name and kind.
"""

from __future__ import annotations

import inspect

import pytest
from storage_fake_scanner import load_v1

from compliance_rules import Scanner as BundledScanner
from qa.domain import Interaction
from qa.scanner import ContextScanner, DetailedScanner, Scanner, ScanReport
from qa.storage.account_state import DEFAULT_RULE_DAYS, window_days
from qa.storage.outcomes import extractor_for

CALL = Interaction.model_validate(
    {"id": "p1", "channel": "call", "started_at": "2026-03-02T10:00:00-05:00", "jurisdiction": "CO", "agent_id": "A1",
     "language": "es", "turns": [{"speaker": "agent", "text": "Usted irá a la cárcel si no paga hoy.", "start": 0, "end": 2}]}
)  # fmt: skip


def _methods(protocol: type) -> list[str]:
    return [name for name, value in vars(protocol).items() if inspect.isfunction(value) and not name.startswith("_")]


def _accepts(implementation, protocol: type, name: str) -> bool:
    wanted = inspect.signature(getattr(protocol, name)).parameters
    given = inspect.signature(getattr(implementation, name)).parameters
    for param in list(wanted.values())[1:]:  # after self
        mine = given.get(param.name)
        if mine is None or mine.kind != param.kind:
            return False
        if param.default is not inspect.Parameter.empty and mine.default is inspect.Parameter.empty:
            return False
    return True


@pytest.fixture(scope="module")
def bundled() -> BundledScanner:
    return BundledScanner.load(layers="rules")


def test_the_bundled_scanner_satisfies_every_protocol(bundled):
    for protocol in (Scanner, DetailedScanner, ContextScanner):
        assert isinstance(bundled, protocol), protocol.__name__
        for name in _methods(protocol):
            assert _accepts(type(bundled), protocol, name), f"{protocol.__name__}.{name}"
    assert isinstance(bundled.version, str) and all(isinstance(r.id, str) for r in bundled.rules)
    report = bundled.scan_detailed([CALL])
    assert isinstance(report, ScanReport)
    assert [f.rule_id for f in report.findings] == [f.rule_id for f in bundled.scan([CALL])]
    assert report.findings, "the threat in the call must be found"


def test_the_test_double_satisfies_the_scanner_protocol_only():
    fake = load_v1()
    assert isinstance(fake, Scanner)
    assert _accepts(type(fake), Scanner, "scan")
    assert not isinstance(fake, DetailedScanner) and not isinstance(fake, ContextScanner)
    assert extractor_for(fake) is None  # no dialogue state: no call outcomes
    assert window_days(fake) >= DEFAULT_RULE_DAYS


def test_a_scanner_missing_a_member_is_not_a_scanner():
    class NoVersion:
        rules = ()

        def scan(self, interactions):
            return []

    class WrongParameter:
        version, rules = "x", ()

        def scan(self, batch):
            return []

    assert not isinstance(NoVersion(), Scanner)
    assert isinstance(WrongParameter(), Scanner) and not _accepts(WrongParameter, Scanner, "scan")
