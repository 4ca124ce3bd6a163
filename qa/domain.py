"""Domain types of the data contract (``shared/spec/interaction-format.md``).

This module imports nothing else of the project, so the scanner, the
transcription engine, storage and the dashboards can all depend on it
without depending on each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Channel = Literal["call", "chat", "sms", "email"]
Direction = Literal["outbound", "inbound"]
Speaker = Literal["agent", "consumer", "other", "unknown"]
Language = Literal["es", "en"]
Severity = Literal["critical", "major", "minor"]


class Family(StrEnum):
    """The fixed vocabulary of finding families."""

    THREAT = "threat"
    THIRD_PARTY_DISCLOSURE = "third_party_disclosure"
    FALSE_CLAIM = "false_claim"
    OFF_HOURS = "off_hours"
    FREQUENCY = "frequency"
    MISSING_DISCLOSURE = "missing_disclosure"
    ABUSIVE_LANGUAGE = "abusive_language"
    CEASE_VIOLATION = "cease_violation"
    OTHER = "other"


#: The eight scored families (``other`` is reported but never scored).
SCORED_FAMILIES: tuple[Family, ...] = tuple(f for f in Family if f is not Family.OTHER)

#: Country codes the spec allows; a subdivision may follow after ``-``.
KNOWN_COUNTRIES = frozenset({"US", "CO", "MX", "PE", "CL", "AR", "ES"})
_JURISDICTION_RE = re.compile(r"^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$")


def split_jurisdiction(code: str) -> tuple[str, str | None]:
    """Return ``(country, subdivision)`` of a jurisdiction code like ``US-CA``."""
    country, _, sub = code.partition("-")
    return country, sub or None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Turn(_Frozen):
    """One utterance of a call or one message of a chat, SMS or email thread."""

    speaker: Speaker
    text: str
    start: float | None = None
    end: float | None = None
    at: datetime | None = None

    @field_validator("at")
    @classmethod
    def _at_has_offset(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("turn 'at' timestamp has no UTC offset")
        return value


class AccountFacts(_Frozen):
    """Optional facts of record about the debt, beyond the spec's fields.

    Rules that depend on the state of the account (a garnishment threat is
    lawful only with a judgment; a suit threat is unlawful on a time-barred
    debt) read these. Every field is optional; when a fact is absent the
    rules stay conservative, which means they only flag what is unlawful
    whatever the fact would have been.
    """

    balance_of_record: float | None = None
    currency: str | None = None
    time_barred: bool | None = None
    lawsuit_filed: bool | None = None
    lawsuit_authorized: bool | None = None
    judgment_entered: bool | None = None
    garnishment_order: bool | None = None
    furnishes_credit_bureaus: bool | None = None
    consumer_served_in_lawsuit: bool | None = None
    insolvency_proceeding: bool | None = None
    cease_letter_received_at: datetime | None = None
    attorney_on_file: str | None = None
    authorized_channels: tuple[Channel, ...] | None = None


class Interaction(_Frozen):
    """One contact with a consumer: a call, a chat, an SMS or an email thread."""

    id: str = Field(min_length=1)
    channel: Channel
    direction: Direction = "outbound"
    started_at: datetime
    jurisdiction: str | None = None
    consumer_timezone: str | None = None
    language: Language | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    team: str | None = None
    account_id: str | None = None
    consumer_phone: str | None = None
    turns: tuple[Turn, ...] | None = None
    audio: str | None = None
    audio_channels: dict[str, Speaker] | None = None
    # Extensions documented in docs/interaction-extensions.md.
    account_facts: AccountFacts | None = None
    requested_by_consumer: bool = False

    @field_validator("id", "agent_id", "account_id", mode="before")
    @classmethod
    def _ids_as_text(cls, value: object) -> object:
        # Source systems often export numeric ids; they are still ids.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("started_at")
    @classmethod
    def _started_has_offset(cls, value: datetime) -> datetime:
        if value.utcoffset() is None:
            raise ValueError("started_at has no UTC offset (write e.g. 2026-03-02T21:14:00-05:00)")
        return value

    @field_validator("jurisdiction")
    @classmethod
    def _known_jurisdiction(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().upper()
        match = _JURISDICTION_RE.match(value)
        if not match or match.group(1) not in KNOWN_COUNTRIES:
            known = ", ".join(sorted(KNOWN_COUNTRIES))
            raise ValueError(f"unknown jurisdiction {value!r} (known: {known}, optionally with -SUBDIVISION)")
        return value

    @field_validator("consumer_timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as America/Bogota)") from None
        return value

    @model_validator(mode="after")
    def _content_and_agent(self) -> Interaction:
        # A transcribed call keeps its recording next to its turns, for playback.
        if self.turns is None and self.audio is None:
            raise ValueError("an interaction needs 'turns' or 'audio'")
        if self.channel in ("call", "chat") and not self.agent_id:
            raise ValueError(f"agent_id is required for a {self.channel}")
        return self

    @property
    def country(self) -> str | None:
        return split_jurisdiction(self.jurisdiction)[0] if self.jurisdiction else None


class Finding(_Frozen):
    """One rule breach, with the evidence a QA analyst or a lawyer can check."""

    interaction_id: str
    rule_id: str
    family: Family
    severity: Severity
    jurisdiction: str
    citation: str
    turn: int | None = None
    start: float | None = None
    end: float | None = None
    span: tuple[int, int] | None = None
    evidence: str = ""
    explanation: str = ""
    # Extensions of the spec's Finding (extra fields readers ignore): the learned layer's
    # probability for this family and turn, and whether the finding comes from it alone.
    confidence: float | None = None
    learned: bool = False


@dataclass(frozen=True)
class ReadError:
    """A record that could not be read (or transcribed), and why; the batch goes on."""

    file: str
    line: int | None
    reason: str
    record_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        who = f" [{self.record_id}]" if self.record_id else ""
        return f"{where}{who}: {self.reason}"


class LabelledEntry(_Frozen):
    family: Family
    turn: int | None = None
