"""The ``performance`` section of a YAML scorecard (issue 17): how collection results sit beside compliance.

Compliance is a gate: a collector whose mean compliance score in the period is below ``gate`` gets an
overall score of 0 whatever they collected. Above the gate, the overall score (0-100) is the weighted
mean of the compliance score and the performance rates (each rate as 0-100); weights need not sum to 1,
they are normalised. ``grace_days``: days after a promise's due date before an unpaid promise is broken.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: The measures a weight can be given to (rates are 0-1, shown as percentages).
WEIGHTED = ("compliance", "right_party_rate", "promise_rate", "kept_rate")


class PerformanceConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    gate: float = Field(default=85, ge=0, le=100)
    grace_days: int = Field(default=3, ge=0, le=90)
    weights: dict[str, float] = Field(
        default_factory=lambda: {"compliance": 0.4, "right_party_rate": 0.2, "promise_rate": 0.2, "kept_rate": 0.2}
    )

    @model_validator(mode="after")
    def _check(self) -> PerformanceConfig:
        unknown = sorted(set(self.weights) - set(WEIGHTED))
        if unknown:
            raise ValueError(f"unknown performance weight(s) {', '.join(unknown)}; use {', '.join(WEIGHTED)}")
        if any(w < 0 for w in self.weights.values()) or not sum(self.weights.values()):
            raise ValueError("performance weights must be non-negative and not all zero")
        return self

    def overall(self, compliance: float | None, rates: dict[str, float | None]) -> float | None:
        """The overall score of a collector (0-100), 0 below the compliance gate; ``None`` without a compliance score.

        A rate that cannot be computed (no contacts reached, no promise due) leaves its weight out.
        """
        if compliance is None:
            return None
        if compliance < self.gate:
            return 0.0
        values = {"compliance": compliance, **{k: None if v is None else 100 * v for k, v in rates.items()}}
        used = {k: w for k, w in self.weights.items() if values.get(k) is not None and w > 0}
        total = sum(used.values())
        return round(sum(values[k] * w for k, w in used.items()) / total, 1) if total else None
