"""Pydantic models of the rule-pack YAML files, validated at load time."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from qa.domain import Family, Severity


class RuleError(ValueError):
    """A rule that cannot be built; the message names the file and rule id."""


RULE_ID_RE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]+)*(?:-[A-Za-z0-9.]+)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    es: str = Field(min_length=1)
    en: str = Field(min_length=1)


class ExampleInteraction(_Strict):
    """A rule example: a few turns, optionally with time, channel and history.

    A plain string stands for one agent turn said to the confirmed consumer
    on an outbound call at a lawful time.
    """

    turns: list[str] = Field(default_factory=list)
    started_at: str | None = None
    channel: Literal["call", "chat", "sms", "email"] = "call"
    direction: Literal["outbound", "inbound"] = "outbound"
    language: Literal["es", "en"] | None = None
    jurisdiction: str | None = None
    consumer_phone: str | None = None
    consumer_timezone: str | None = None
    facts: dict[str, Any] = Field(default_factory=dict)
    history: list[ExampleInteraction] = Field(default_factory=list)
    note: str | None = None

    @field_validator("turns")
    @classmethod
    def _speaker_prefixed(cls, turns: list[str]) -> list[str]:
        for turn in turns:
            speaker, sep, _ = turn.partition(":")
            if not sep or speaker.strip() not in ("agent", "consumer", "other", "unknown"):
                raise ValueError(f"example turn must start with 'agent:', 'consumer:', 'other:' or 'unknown:': {turn!r}")
        return turns


class Examples(_Strict):
    violating: list[str | ExampleInteraction] = Field(min_length=3)
    lawful: list[str | ExampleInteraction] = Field(min_length=2)


class RuleSpec(_Strict):
    """One rule: identity, law, message, detector and examples."""

    id: str
    family: Family
    severity: Severity
    citation: str = Field(min_length=3)
    status: Literal["confirmed-primary", "confirmed-secondary", "policy"]
    title: Bilingual
    message: Bilingual
    detector: str
    params: dict[str, Any] = Field(default_factory=dict)
    examples: Examples
    jurisdiction: str = ""  # filled from the pack folder by the loader

    @field_validator("id")
    @classmethod
    def _stable_id(cls, value: str) -> str:
        if not RULE_ID_RE.match(value):
            raise ValueError(f"rule id {value!r} must look like CO-L2300-art3-hours (country code first)")
        return value

    @model_validator(mode="after")
    def _id_matches_pack(self) -> RuleSpec:
        if self.jurisdiction and not self.id.startswith(self.jurisdiction.split("-")[0] + "-"):
            raise ValueError(f"rule id {self.id!r} does not start with its pack's country {self.jurisdiction!r}")
        return self


class LexiconLanguage(_Strict):
    patterns: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    # Documentation that runs as a test (tests/compliance/test_lexicon_examples.py), semgrep-style:
    # every pattern must match one of ``examples``; no ``counter_examples`` text may survive pruning.
    # The matcher never reads them.
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)


class Lexicon(_Strict):
    """Named phrase lists shared by rules of several jurisdictions."""

    name: str
    description: str
    negatable: bool = True
    # How many tokens before a match a negator may stand ("no lo vamos a demandar").
    negation_window: int = Field(default=8, ge=1, le=12)
    # Lemmas widen recall ("embargaremos" -> "embargar") but also turn nouns
    # into verbs ("orden de embargo" -> "embargar"); some lists opt out.
    match_lemmas: bool = True
    # Where a lawful-context phrase must appear to prune a match.
    unless_scope: Literal["sentence", "turn"] = "sentence"
    es: LexiconLanguage | None = None
    en: LexiconLanguage | None = None
