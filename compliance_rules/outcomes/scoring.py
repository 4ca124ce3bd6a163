"""Scoring extracted outcomes against a labelled outcome set (``expected_outcome`` per interaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import ValidationError

from compliance_rules.outcomes.extract import Outcome

FLAGS = ("refusal", "dispute", "hardship", "callback")


@dataclass
class Counts:
    hits: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class OutcomeScores:
    interactions: int = 0
    contact_right: int = 0
    promise: Counts = field(default_factory=Counts)
    amount_exact: int = 0  # over true promises (gold), both found and equal
    date_exact: int = 0
    both_exact: int = 0
    flags: dict[str, Counts] = field(default_factory=lambda: {name: Counts() for name in FLAGS})
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def contact_accuracy(self) -> float:
        return self.contact_right / self.interactions if self.interactions else 1.0

    def share(self, count: int) -> float:
        return count / self.promise.gold if self.promise.gold else 1.0


def parse_expected(raw: object) -> Outcome | str:
    """The ``expected_outcome`` of a labelled record, or why it cannot be read."""
    if not isinstance(raw, dict):
        return "labelled record lacks an 'expected_outcome' object"
    try:
        return Outcome.model_validate({"interaction_id": "expected", **raw})
    except ValidationError as exc:
        return f"bad 'expected_outcome': {exc.errors()[0]['loc']} {exc.errors()[0]['msg']}"


def _same_amount(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) < 0.005


def score(expected: dict[str, Outcome], predicted: dict[str, Outcome]) -> OutcomeScores:
    result = OutcomeScores()
    for ident, gold in expected.items():
        got = predicted.get(ident)
        if got is None:
            continue
        result.interactions += 1
        if got.contact == gold.contact:
            result.contact_right += 1
        else:
            result.errors.setdefault("contact", []).append(f"{ident}: {gold.contact} -> {got.contact}")
        _count(result.promise, gold.promise_to_pay is not None, got.promise_to_pay is not None, ident, "promise", result)
        if gold.promise_to_pay is not None and got.promise_to_pay is not None:
            g, p = gold.promise_to_pay, got.promise_to_pay
            amount = _same_amount(g.amount, p.amount) or (g.amount is None and p.amount is None)
            day = g.due_date == p.due_date
            result.amount_exact += amount
            result.date_exact += day
            result.both_exact += amount and day
            if not amount:
                result.errors.setdefault("amount", []).append(f"{ident}: {g.amount} -> {p.amount}")
            if not day:
                result.errors.setdefault("due_date", []).append(f"{ident}: {g.due_date} -> {p.due_date}")
        for name in FLAGS:
            gold_on = gold.callback_at is not None if name == "callback" else getattr(gold, name)
            got_on = got.callback_at is not None if name == "callback" else getattr(got, name)
            _count(result.flags[name], gold_on, got_on, ident, name, result)
    return result


def _count(counts: Counts, gold: bool, got: bool, ident: str, name: str, result: OutcomeScores) -> None:
    counts.gold += gold
    counts.predicted += got
    counts.hits += gold and got
    if gold != got:
        result.errors.setdefault(name, []).append(f"{ident}: {'missed' if gold else 'false alarm'}")


def as_json(outcome: Outcome) -> dict:
    """The spec's JSON form: dates as ISO strings."""
    data = outcome.model_dump()
    promise = data["promise_to_pay"]
    if promise is not None and isinstance(promise["due_date"], date):
        promise["due_date"] = promise["due_date"].isoformat()
    if isinstance(data["callback_at"], datetime):
        data["callback_at"] = data["callback_at"].isoformat()
    return data
