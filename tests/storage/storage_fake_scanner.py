"""A small rule-based scanner with the ``compliance_rules.Scanner`` interface, used only by these tests.

It keeps the storage tests independent of the real rule packs' wording while exercising the
same contract: ``scan(list[Interaction]) -> list[Finding]`` over a batch (account history
matters), ``version`` and ``rules``. Two versions differ on purpose so rescans have something
to raise and drop. A turn saying ``explode-scanner`` makes it raise, to test failure handling.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from qa.domain import Family, Finding, Interaction


@dataclass(frozen=True)
class RuleSpec:
    id: str
    family: Family
    severity: str
    citation: str
    jurisdiction: str
    message: dict[str, str]
    words: tuple[str, ...] = ()


V1 = (
    RuleSpec(
        "T-JAIL", Family.THREAT, "critical", "test", "US", {"es": "Amenaza de cárcel", "en": "Jail threat"}, ("jail", "cárcel")
    ),
    RuleSpec("T-IDIOT", Family.ABUSIVE_LANGUAGE, "major", "test", "US", {"es": "Insulto", "en": "Insult"}, ("idiot", "idiota")),
    RuleSpec("T-HOURS", Family.OFF_HOURS, "major", "test", "US", {"es": "Fuera de horario", "en": "Off hours"}),
    RuleSpec("T-FREQ", Family.FREQUENCY, "minor", "test", "US", {"es": "Frecuencia", "en": "Frequency"}),
)
# v2 drops the insult rule and adds a false-claim rule.
V2 = (
    V1[0],
    RuleSpec(
        "T-LAWYER", Family.FALSE_CLAIM, "major", "test", "US", {"es": "Falso abogado", "en": "Fake lawyer"}, ("lawyer", "abogado")
    ),
    V1[2],
    V1[3],
)


class FakeScanner:
    def __init__(self, version: str, rules: tuple[RuleSpec, ...]) -> None:
        self.version = version
        self.rules = rules

    def scan(self, interactions: list[Interaction]) -> list[Finding]:
        delay = float(os.environ.get("STORAGE_FAKE_SCANNER_DELAY") or 0)
        if delay:
            time.sleep(delay * len(interactions))
        findings: list[Finding] = []
        per_day: dict[tuple[str, str], list[Interaction]] = defaultdict(list)
        for interaction in interactions:
            for index, turn in enumerate(interaction.turns or ()):
                lowered = turn.text.lower()
                if "explode-scanner" in lowered:
                    raise RuntimeError("test scanner exploded on purpose")
                for rule in self.rules:
                    for word in rule.words:
                        at = lowered.find(word)
                        if at >= 0 and turn.speaker == "agent":
                            findings.append(
                                self._finding(interaction, rule, index, (at, at + len(word)), turn.text[at : at + len(word)])
                            )
            local = interaction.started_at.astimezone(ZoneInfo(interaction.consumer_timezone or "UTC"))
            if interaction.direction == "outbound" and not 8 <= local.hour < 21:
                findings.append(self._finding(interaction, self._rule("T-HOURS"), None, None, local.strftime("%H:%M")))
            if interaction.account_id and interaction.direction == "outbound":
                per_day[(interaction.account_id, local.date().isoformat())].append(interaction)
        for contacts in per_day.values():
            for extra in sorted(contacts, key=lambda i: i.started_at)[3:]:
                findings.append(self._finding(extra, self._rule("T-FREQ"), None, None, f"{len(contacts)} contacts in a day"))
        return findings

    def _rule(self, rule_id: str) -> RuleSpec:
        return next(r for r in self.rules if r.id == rule_id)

    def _finding(self, interaction: Interaction, rule: RuleSpec, turn, span, evidence: str) -> Finding:
        return Finding(
            interaction_id=interaction.id,
            rule_id=rule.id,
            family=rule.family,
            severity=rule.severity,
            jurisdiction=rule.jurisdiction,
            citation=rule.citation,
            turn=turn,
            span=span,
            evidence=evidence,
            explanation=rule.message["en"],
        )


def load_v1() -> FakeScanner:
    return FakeScanner("test-v1", V1)


def load_v2() -> FakeScanner:
    return FakeScanner("test-v2", V2)
