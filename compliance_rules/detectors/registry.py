"""Explicit registry of detectors under versioned names (``phrase.v1``).

A rule names its detector; the factory registered under that name builds it
from the rule and its validated parameters. Modules register at import time
through :func:`register`, and ``compliance_rules.detectors`` imports each
module by name, so the set of detectors is always the listed one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from compliance_rules.context import InteractionContext
from compliance_rules.lexicon import LexiconSet
from compliance_rules.schema import RuleError, RuleSpec


@dataclass(frozen=True)
class Hit:
    """Where a detector found a breach, and the sentence that explains it."""

    turn: int | None
    span: tuple[int, int] | None
    evidence: str
    explanation: str
    # A learned detector's probability for the family on this turn.
    confidence: float | None = None


class Detector(Protocol):
    def detect(self, ctx: InteractionContext) -> list[Hit]: ...


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Factory = Callable[[RuleSpec, BaseModel, LexiconSet], Detector]
_REGISTRY: dict[str, tuple[type[Params], Factory]] = {}


def register(name: str, params: type[Params]) -> Callable[[Factory], Factory]:
    def decorator(factory: Factory) -> Factory:
        if name in _REGISTRY:
            raise RuntimeError(f"detector {name!r} registered twice")
        _REGISTRY[name] = (params, factory)
        return factory

    return decorator


def registered() -> list[str]:
    return sorted(_REGISTRY)


def build_detector(rule: RuleSpec, lexicons: LexiconSet) -> Detector:
    if rule.detector not in _REGISTRY:
        raise RuleError(f"(rule {rule.id}) unknown detector {rule.detector!r} (known: {', '.join(registered())})")
    params_model, factory = _REGISTRY[rule.detector]
    try:
        params = params_model.model_validate(rule.params)
    except ValidationError as exc:
        problems = "; ".join(f"params.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RuleError(f"(rule {rule.id}) {problems}") from None
    for field, name in lexicon_references(params):
        if not lexicons.has(name):
            known = ", ".join(sorted(lexicons.lexicons))
            raise RuleError(f"(rule {rule.id}) unknown lexicon {name!r} in params.{field} (known: {known})")
    return factory(rule, params, lexicons)


#: Parameter fields that name lexicons, in any detector (a string or a list of strings).
#: ``tests/compliance/test_lexicon_references.py`` fails if a detector adds one not listed here.
LEXICON_FIELDS = ("lexicons", "pressing", "acknowledgement", "attorney_on_line", "discussed", "notice", "before")


def lexicon_references(params: BaseModel) -> list[tuple[str, str]]:
    """Every ``(field, lexicon name)`` a detector's parameters refer to."""
    found = []
    for field in LEXICON_FIELDS:
        value = getattr(params, field, None)
        for name in [value] if isinstance(value, str) else value or ():
            found.append((field, name))
    return found


def message_for(rule: RuleSpec, language: str) -> str:
    return rule.message.es if language == "es" else rule.message.en
