"""Scoring findings against a labelled set (``expected`` per interaction).

Per family, at interaction level (did the family fire on the interaction)
and at turn level (did it fire on the right turn), as
``shared/eval/README.md`` defines it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from qa.domain import SCORED_FAMILIES, Family, Finding, LabelledEntry


@dataclass(frozen=True)
class Score:
    hits: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float | None:
        return self.hits / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)


@dataclass
class Evaluation:
    interaction: dict[Family, Score]
    turn: dict[Family, Score]
    compliant_total: int
    compliant_flagged: dict[str, list[Finding]] = field(default_factory=dict)
    misses: dict[Family, list[str]] = field(default_factory=dict)
    false_alarms: dict[Family, list[str]] = field(default_factory=dict)


def _score(gold: set, predicted: set) -> Score:
    return Score(len(gold & predicted), len(predicted), len(gold))


def evaluate(expected: dict[str, tuple[LabelledEntry, ...]], findings: list[Finding]) -> Evaluation:
    """Compare findings with the labels; findings for unknown ids are ignored."""
    # An "unclear — listen" finding (status "unclear") is not a violation: it is not counted.
    findings = [f for f in findings if f.interaction_id in expected and f.status != "unclear"]
    by_interaction: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_interaction[finding.interaction_id].append(finding)
    result = Evaluation({}, {}, sum(1 for e in expected.values() if not e))
    for family in SCORED_FAMILIES:
        gold_i = {iid for iid, entries in expected.items() if any(e.family == family for e in entries)}
        pred_i = {f.interaction_id for f in findings if f.family == family}
        gold_t = {(iid, e.turn) for iid, entries in expected.items() for e in entries if e.family == family}
        pred_t = {(f.interaction_id, f.turn) for f in findings if f.family == family}
        result.interaction[family] = _score(gold_i, pred_i)
        result.turn[family] = _score(gold_t, pred_t)
        result.misses[family] = sorted(gold_i - pred_i)
        result.false_alarms[family] = sorted(pred_i - gold_i)
    for iid, entries in expected.items():
        flagged = [f for f in by_interaction.get(iid, []) if f.family != Family.OTHER]
        if not entries and flagged:
            result.compliant_flagged[iid] = flagged
    return result
