"""Domain types of the data contract (``shared/spec/interaction-format.md``).

This module imports nothing else of the project, so the scanner, the
transcription engine, storage and the dashboards can all depend on it
without depending on each other.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

Channel = Literal["call", "chat", "sms", "email"]
Direction = Literal["outbound", "inbound"]
Speaker = Literal["agent", "consumer", "other", "unknown"]
Language = Literal["es", "en"]


class Severity(StrEnum):
    """How grave a finding is: the one vocabulary and order of severities (a ``str``, so ``"critical"`` compares equal).

    ``rank`` grows with gravity (minor 1, major 2, critical 3); :meth:`gravest_first` gives the
    display and sort order. Scorecards, the scanner's sort, the review queue's order and the
    downgrade check all read it from here.
    """

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANKS[self]

    @classmethod
    def gravest_first(cls) -> tuple[Severity, ...]:
        return (cls.CRITICAL, cls.MAJOR, cls.MINOR)

    @classmethod
    def rank_of(cls, value: str) -> int:
        """The rank of a severity given as text; 0 for anything that is not one (sorts last)."""
        try:
            return cls(value).rank
        except ValueError:
            return 0


_SEVERITY_RANKS = {Severity.MINOR: 1, Severity.MAJOR: 2, Severity.CRITICAL: 3}


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

#: The ISO 3166-2 subdivision codes of each known country (the part after ``CC-``).
#: Written out from ISO 3166-2 rather than read from ``holidays``: its list lacks
#: Colombia, Mexico, Peru and Spain's provinces, and mixes in aliases ("Barcelona").
#: ``tests/hardening`` checks that every code ``holidays`` knows for these countries is here.
SUBDIVISIONS: dict[str, frozenset[str]] = {
    # 50 states, DC and the outlying areas.
    "US": frozenset(
        """AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH NJ NM NV NY OH OK
        OR PA RI SC SD TN TX UT VA VT WA WI WV WY AS GU MP PR UM VI""".split()
    ),
    # 32 departments and the capital district.
    "CO": frozenset(
        """DC AMA ANT ARA ATL BOL BOY CAL CAQ CAS CAU CES CHO COR CUN GUA GUV HUI LAG MAG MET NAR NSA PUT QUI RIS SAP SAN
        SUC TOL VAC VAU VID""".split()
    ),
    # 31 states and Mexico City.
    "MX": frozenset(
        """AGU BCN BCS CAM CHP CHH CMX COA COL DUR GUA GRO HID JAL MEX MIC MOR NAY NLE OAX PUE QUE ROO SLP SIN SON TAB
        TAM TLA VER YUC ZAC""".split()
    ),
    # 24 regions, Callao and Lima's metropolitan municipality.
    "PE": frozenset(
        """AMA ANC APU ARE AYA CAJ CAL CUS HUV HUC ICA JUN LAL LAM LIM LMA LOR MDD MOQ PAS PIU PUN SAM TAC TUM UCA""".split()
    ),
    # 16 regions.
    "CL": frozenset("AI AN AP AR AT BI CO LI LL LR MA ML NB RM TA VS".split()),
    # 23 provinces and the autonomous city of Buenos Aires.
    "AR": frozenset("A B C D E F G H J K L M N P Q R S T U V W X Y Z".split()),
    # 17 autonomous communities, 2 autonomous cities and 50 provinces.
    "ES": frozenset(
        """AN AR AS CB CE CL CM CN CT EX GA IB MC MD ML NC PV RI VC A AB AL AV B BA BI BU C CA CC CO CR CS CU GC GI GR GU
        H HU J L LE LO LU M MA MU NA O OR P PM PO S SA SE SG SO SS T TE TF TO V VA VI Z ZA""".split()
    ),
}

# Plausibility limits of a record, beyond its types. A value outside them is a mistake of the
# source system (or hostile input) that would otherwise be stored, scored and shown as real.
#: Timestamps outside these years are typing mistakes, and far ones overflow date arithmetic.
MIN_YEAR, MAX_YEAR = 1970, 2100
#: Real UTC offsets run from -12:00 to +14:00.
MAX_UTC_OFFSET = timedelta(hours=14)
#: No recording of a contact lasts two days: a longer time is a unit mistake (ms for s).
MAX_TURN_SECONDS = 48 * 3600.0
MAX_TEXT_CHARS = 1_000_000
#: Ids and names are stored in columns of these sizes (``qa/storage/models.py``).
MAX_ID_CHARS = 255
MAX_CODE_CHARS = 128
MAX_PHONE_CHARS = 32
MAX_PATH_CHARS = 1024

# NUL cannot be stored by PostgreSQL; a lone surrogate cannot be encoded as UTF-8 (it
# comes from a "\ud800" escape in JSON, or from a byte that was not UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_ISO_DATETIME = re.compile(r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}")


def shown(value: object, limit: int = 40) -> str:
    """``repr`` of a value for an error message: escaped (NUL, surrogates) and cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _storable_text(value: str) -> str:
    bad = _UNSTORABLE.search(value)
    if bad is not None:
        char = bad.group()
        if char == "\x00":
            what = "a NUL character"
        elif "\udc80" <= char <= "\udcff":
            what = f"a byte that is not UTF-8 (0x{ord(char) - 0xDC00:02X}) or a lone surrogate"
        else:
            what = f"a lone surrogate ({shown(char)})"
        raise ValueError(f"contains {what} at character {bad.start()}")
    return value


def _limited(max_chars: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > max_chars:
            raise ValueError(f"is {len(value):,} characters long; at most {max_chars:,} are accepted")
        return value

    return AfterValidator(check)


def _timestamp_input(value: Any) -> Any:
    # pydantic reads numbers (and digit strings) as Unix times; the contract says ISO 8601.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        return value
    raise ValueError(f"must be an ISO 8601 date-time with UTC offset such as 2026-03-02T21:14:00-05:00, not {shown(value)}")


def _plausible_timestamp(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("has no UTC offset (write e.g. 2026-03-02T21:14:00-05:00)")
    if abs(offset) > MAX_UTC_OFFSET:
        raise ValueError(f"has UTC offset {offset}, beyond the real range -12:00 to +14:00")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is outside {MIN_YEAR}-{MAX_YEAR}")
    return value


def _finite_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, not {value}")
    return value


def _seconds(value: float) -> float:
    if not 0.0 <= value <= MAX_TURN_SECONDS:
        raise ValueError(f"{value} s is outside 0 to {MAX_TURN_SECONDS:.0f} s (48 hours)")
    return value


#: Text of any field: storable in every database (no NUL, no lone surrogate).
Text = Annotated[str, AfterValidator(_storable_text)]
Code = Annotated[Text, _limited(MAX_CODE_CHARS)]
#: A timestamp of the contract: an ISO 8601 string (or a datetime) with a real offset, in a sane year.
Timestamp = Annotated[datetime, BeforeValidator(_timestamp_input), AfterValidator(_plausible_timestamp)]
FiniteFloat = Annotated[float, BeforeValidator(_finite_number), AfterValidator(_finite)]
Seconds = Annotated[FiniteFloat, AfterValidator(_seconds)]

#: Pass as ``context`` to ``Interaction.model_validate`` for records read from input files:
#: they must say something (a turn) or carry a recording. A recording transcribed to no
#: speech at all is still a valid stored Interaction, so the check is not unconditional.
INPUT_RECORD: dict[str, bool] = {"input_record": True}


def split_jurisdiction(code: str) -> tuple[str, str | None]:
    """Return ``(country, subdivision)`` of a jurisdiction code like ``US-CA``."""
    country, _, sub = code.partition("-")
    return country, sub or None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class AsrConfidence(_Frozen):
    """How sure speech recognition was of a transcribed turn (extension, docs/interaction-extensions.md).

    ``avg_logprob``: the mean of the Whisper segments' average token log-probability over the
    turn's words (0 is certain; below about -1 is a guess); ``no_speech_prob``: the highest
    no-speech probability of those segments; ``channel``: the recording channel it came from.
    """

    avg_logprob: Annotated[FiniteFloat, Field(le=0.0, ge=-100.0)]
    no_speech_prob: Annotated[FiniteFloat, Field(ge=0.0, le=1.0)]
    channel: Annotated[int, Field(ge=0, le=7)] | None = None


class Turn(_Frozen):
    """One utterance of a call or one message of a chat, SMS or email thread."""

    speaker: Speaker
    text: Annotated[Text, _limited(MAX_TEXT_CHARS)]
    start: Seconds | None = None
    end: Seconds | None = None
    at: Timestamp | None = None
    # Extension (docs/interaction-extensions.md): present only on turns transcribed from a recording.
    asr: AsrConfidence | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Turn:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end} s) is before start ({self.start} s)")
        return self


class AccountFacts(_Frozen):
    """Optional facts of record about the debt, beyond the spec's fields.

    Rules that depend on the state of the account (a garnishment threat is
    lawful only with a judgment; a suit threat is unlawful on a time-barred
    debt) read these. Every field is optional; when a fact is absent the
    rules stay conservative, which means they only flag what is unlawful
    whatever the fact would have been.
    """

    balance_of_record: FiniteFloat | None = None
    currency: Annotated[Text, _limited(8)] | None = None
    time_barred: bool | None = None
    lawsuit_filed: bool | None = None
    lawsuit_authorized: bool | None = None
    judgment_entered: bool | None = None
    garnishment_order: bool | None = None
    furnishes_credit_bureaus: bool | None = None
    consumer_served_in_lawsuit: bool | None = None
    insolvency_proceeding: bool | None = None
    cease_letter_received_at: Timestamp | None = None
    attorney_on_file: Annotated[Text, _limited(MAX_ID_CHARS)] | None = None
    authorized_channels: tuple[Channel, ...] | None = None


class Interaction(_Frozen):
    """One contact with a consumer: a call, a chat, an SMS or an email thread."""

    id: Annotated[Text, Field(min_length=1), _limited(MAX_ID_CHARS)]
    channel: Channel
    direction: Direction = "outbound"
    started_at: Timestamp
    jurisdiction: Text | None = None
    consumer_timezone: Text | None = None
    language: Language | None = None
    agent_id: Code | None = None
    agent_name: Annotated[Text, _limited(MAX_ID_CHARS)] | None = None
    team: Code | None = None
    account_id: Code | None = None
    consumer_phone: Annotated[Text, _limited(MAX_PHONE_CHARS)] | None = None
    turns: tuple[Turn, ...] | None = None
    audio: Annotated[Text, _limited(MAX_PATH_CHARS)] | None = None
    audio_channels: dict[Annotated[Text, _limited(8)], Speaker] | None = None
    # Extensions documented in docs/interaction-extensions.md.
    account_facts: AccountFacts | None = None
    requested_by_consumer: bool = False

    @field_validator("id", "agent_id", "account_id", mode="before")
    @classmethod
    def _ids_as_text(cls, value: object) -> object:
        # Source systems often export numeric ids; they are still ids.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("jurisdiction")
    @classmethod
    def _known_jurisdiction(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().upper()
        match = _JURISDICTION_RE.match(value)
        if not match or match.group(1) not in KNOWN_COUNTRIES:
            known = ", ".join(sorted(KNOWN_COUNTRIES))
            raise ValueError(f"unknown jurisdiction {shown(value)} (known: {known}, optionally with -SUBDIVISION)")
        country, sub = match.groups()
        if sub is not None and sub not in SUBDIVISIONS[country]:
            raise ValueError(f"unknown jurisdiction {shown(value)}: {sub} is not an ISO 3166-2 subdivision of {country}")
        return value

    @field_validator("consumer_timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            if len(value) > 64:  # the longest IANA name has 32 characters; longer ones fail in the file system
                raise ValueError
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone {shown(value)} (use an IANA name such as America/Bogota)") from None
        return value

    @field_validator("audio")
    @classmethod
    def _audio_path(cls, value: str | None) -> str | None:
        # A path component longer than file systems allow makes the lookup itself fail.
        if value is not None and any(len(part.encode("utf-8")) > 255 for part in re.split(r"[\\/]", value)):
            raise ValueError("has a path component longer than 255 bytes")
        return value

    @model_validator(mode="after")
    def _content_and_agent(self, info: ValidationInfo) -> Interaction:
        # A transcribed call keeps its recording next to its turns, for playback.
        if self.turns is None and self.audio is None:
            raise ValueError("an interaction needs 'turns' or 'audio'")
        if not self.turns and self.audio is None and info.context and info.context.get("input_record"):
            raise ValueError("'turns' is empty: an interaction needs at least one turn (or 'audio' to transcribe)")
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
    # "unclear": not a violation but a point for an analyst to listen to (a required statement
    # missing from an opening that speech recognition could not hear clearly); not scored.
    status: Literal["violation", "unclear"] = "violation"


def printable(text: str, limit: int) -> str:
    """``text`` with NUL and lone surrogates escaped (they cannot be printed or stored) and cut to ``limit``."""
    if _UNSTORABLE.search(text):
        text = _UNSTORABLE.sub(lambda m: ascii(m.group())[1:-1], text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ReadError:
    """A record that could not be read (or transcribed), and why; the batch goes on.

    The reason and the record id come from hostile input as often as not: they are escaped
    and cut here, so that printing or storing an error never fails in turn.
    """

    file: str
    line: int | None
    reason: str
    record_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", printable(str(self.reason), 2000))
        if self.record_id is not None:
            object.__setattr__(self, "record_id", printable(str(self.record_id), MAX_ID_CHARS) or None)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        who = f" [{self.record_id}]" if self.record_id else ""
        return f"{where}{who}: {self.reason}"


class LabelledEntry(_Frozen):
    family: Family
    turn: int | None = None
