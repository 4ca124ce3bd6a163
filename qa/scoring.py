"""Scorecards (YAML) and the QA score of one interaction.

A scorecard gives each finding family a weight and, optionally, the severity from which a
finding of that family fails the interaction outright (auto-fail). See
``qa/scorecards/default.yaml`` and ``docs/storage.md`` for the format.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from qa.domain import Family, Severity
from qa.performance_config import PerformanceConfig

SCORECARD_DIR = Path(__file__).with_name("scorecards")
#: Severity name -> rank (minor 1 .. critical 3), read from :class:`qa.domain.Severity`.
SEVERITY_RANK = {str(s): s.rank for s in Severity}


class ScorecardError(ValueError):
    """A scorecard file that cannot be used; the message names the file and the fix."""


class FamilyRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    weight: float = Field(ge=0)
    auto_fail: Severity | None = None


class Scorecard(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    title: dict[str, str] = Field(default_factory=dict)
    max_score: float = Field(default=100, gt=0)
    passing_mark: float = Field(ge=0)
    severity_multipliers: dict[Severity, float]
    families: dict[Family, FamilyRule]
    # Collection results beside compliance (issue 17): gate, weights, grace days; see qa.performance_config.
    performance: PerformanceConfig = Field(default_factory=PerformanceConfig)
    version: str = ""

    @model_validator(mode="after")
    def _check(self) -> Scorecard:
        missing = [str(s) for s in Severity if s not in self.severity_multipliers]
        if missing:
            raise ValueError(f"severity_multipliers lacks {', '.join(missing)}")
        if self.passing_mark > self.max_score:
            raise ValueError("passing_mark is above max_score")
        return self

    @property
    def auto_fail_families(self) -> dict[str, str]:
        return {f.value: str(r.auto_fail) for f, r in self.families.items() if r.auto_fail}


def load_scorecard(name_or_path: str | Path = "default") -> Scorecard:
    """Load a bundled scorecard by name (``default``) or a YAML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SCORECARD_DIR / f"{name_or_path}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScorecardError(f"{path}: cannot read scorecard ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScorecardError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ScorecardError(f"{path}: a scorecard is a YAML mapping with name, passing_mark, severity_multipliers, families")
    data["version"] = hashlib.sha256(text.encode()).hexdigest()[:12]
    try:
        return Scorecard.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ScorecardError(f"{path}: {problems}") from None


class Scorable(Protocol):
    family: Any
    severity: str


@dataclass(frozen=True)
class InteractionScore:
    score: float
    passed: bool
    auto_failed: bool
    # Per family: findings counted and points deducted; plus the auto-fail cause if any.
    details: dict[str, Any] = field(default_factory=dict)


def score_findings(scorecard: Scorecard, findings: Iterable[Scorable]) -> InteractionScore:
    """Score one interaction from its active findings."""
    deductions: dict[str, float] = {}
    counts: dict[str, int] = {}
    auto_fail_by: list[str] = []
    for finding in findings:
        if getattr(finding, "status", "violation") == "unclear":
            continue  # "unclear — listen": for an analyst to hear, not a violation
        family = Family(str(getattr(finding.family, "value", finding.family)))
        rule = scorecard.families.get(family)
        if rule is None:
            continue
        counts[family.value] = counts.get(family.value, 0) + 1
        points = rule.weight * scorecard.severity_multipliers[finding.severity]
        deductions[family.value] = min(rule.weight, deductions.get(family.value, 0.0) + points)
        if rule.auto_fail and Severity(finding.severity).rank >= rule.auto_fail.rank:
            auto_fail_by.append(family.value)
    auto_failed = bool(auto_fail_by)
    score = 0.0 if auto_failed else max(0.0, scorecard.max_score - sum(deductions.values()))
    details: dict[str, Any] = {"deductions": deductions, "counts": counts}
    if auto_failed:
        details["auto_fail"] = sorted(set(auto_fail_by))
    return InteractionScore(round(score, 2), not auto_failed and score >= scorecard.passing_mark, auto_failed, details)
