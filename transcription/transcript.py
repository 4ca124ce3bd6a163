"""The project's own transcript types; faster-whisper objects never leave ``engine.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from transcription.options import Speaker


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str  # as Whisper wrote it, usually with a leading space
    probability: float
    # The statistics of the segment the word was decoded in (None: not from Whisper).
    avg_logprob: float | None = None
    no_speech_prob: float | None = None


@dataclass(frozen=True)
class Segment:
    """One decoded Whisper segment of one channel, with the statistics the guards look at."""

    channel: int
    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float


@dataclass(frozen=True)
class GuardDrop:
    """Something a hallucination guard removed; no text, so it can be logged safely."""

    channel: int
    start: float
    end: float
    guard: str
    words: int


@dataclass(frozen=True)
class Redaction:
    """Where a sensitive value was masked: the mask's span in the turn text and the seconds to mute."""

    kind: str
    turn: int
    span: tuple[int, int]
    start: float | None
    end: float | None

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "turn": self.turn, "span": list(self.span), "start": self.start, "end": self.end}


RoleMethod = Literal["mapping", "inferred", "undecided", "mono_cues"]


@dataclass(frozen=True)
class RoleDecision:
    """How speakers were assigned, in words a reviewer can check."""

    method: RoleMethod
    channels: tuple[Speaker, ...]  # speaker per channel ("unknown" for mono: decided per turn)
    scores: tuple[float, ...]  # agent-cue score per channel
    note: str

    def as_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "channels": {str(i): s for i, s in enumerate(self.channels)},
            "agent_scores": list(self.scores),
            "note": self.note,
        }


@dataclass(frozen=True)
class TranscriptTurn:
    channel: int
    speaker: Speaker
    start: float
    end: float
    text: str  # redacted when options.redact
    # Recognition confidence over the turn's words: mean segment average log-probability and the
    # highest segment no-speech probability (None when the words carry no segment statistics).
    avg_logprob: float | None = None
    no_speech_prob: float | None = None


@dataclass(frozen=True)
class TranscriptResult:
    """A transcribed recording: turns in time order, redactions, and how it was decided."""

    path: str
    duration: float
    channels: int
    language: str
    language_probability: float | None  # None when the language was given
    turns: tuple[TranscriptTurn, ...]
    redactions: tuple[Redaction, ...]
    roles: RoleDecision
    dropped: tuple[GuardDrop, ...]

    def as_json(self) -> dict[str, object]:
        """Return the metadata written beside an Interaction (``transcription`` field on ``--json``)."""
        return {
            "audio": self.path,
            "duration": round(self.duration, 3),
            "channels": self.channels,
            "language": self.language,
            "language_source": "given" if self.language_probability is None else "detected",
            "language_probability": None if self.language_probability is None else round(self.language_probability, 3),
            "roles": self.roles.as_json(),
            "redactions": [r.as_json() for r in self.redactions],
            "guard_drops": len(self.dropped),
        }
