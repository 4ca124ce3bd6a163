"""The one options object that travels through the transcription pipeline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Speaker = Literal["agent", "consumer", "other", "unknown"]
SPEAKERS: tuple[str, ...] = ("agent", "consumer", "other", "unknown")


@dataclass(frozen=True)
class TranscriptionOptions:
    """Model, decoding, guard, turn and redaction settings; immutable, hashable.

    ``model`` is a local CTranslate2 Whisper directory or ``"base"``/``None`` for the embedded
    default (see ``transcription.models``). ``language`` forces the language; when ``None`` it
    is detected once per call, restricted to ``languages``. ``channels`` names the speaker of
    each channel of a stereo recording, e.g. ``("agent", "consumer")``; when ``None`` the agent
    channel is inferred from what is said.
    """

    model: str | None = None
    device: str = "cpu"  # "cpu", "cuda" or "auto"
    compute_type: str = "auto"  # "auto": int8 on CPU, float16 on CUDA
    cpu_threads: int = 0  # 0: CTranslate2's default (all cores)
    beam_size: int = 5
    batch_size: int = 0  # >0: faster-whisper's batched pipeline (see BENCHMARKS.md before enabling)
    language: str | None = None
    languages: tuple[str, ...] = ("es", "en")
    channels: tuple[Speaker, ...] | None = None

    # Voice activity detection (always on; these tune it).
    vad_threshold: float = 0.5
    vad_min_silence_ms: int = 500
    vad_speech_pad_ms: int = 200

    # Hallucination guards (see transcription.guards).
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    drop_logprob_floor: float = -1.6  # a segment this unsure is dropped whatever its no-speech probability
    max_ngram_repeats: int = 3  # consecutive copies of one n-gram kept; more are removed

    # Turns: a pause this long (seconds) between words starts a new turn.
    turn_gap_stereo: float = 1.0
    turn_gap_mono: float = 0.8

    redact: bool = True

    # Collection vocabulary for decoding (transcription.vocabulary): "auto" uses the vocabulary
    # file's per-language `enabled`; "on" (as hotwords), "prompt" (as the initial prompt) or "off".
    vocabulary: str = "auto"

    @classmethod
    def gpu(cls, model: str, batch_size: int = 0, **changes: object) -> TranscriptionOptions:
        """The configuration for a larger model (large-v3, large-v3-turbo) on one NVIDIA GPU.

        ``model`` is the CTranslate2 conversion's directory; float16 on CUDA, the pipeline's own
        decoding settings otherwise (beam 5, VAD, guards, vocabulary as configured). ``batch_size``
        > 0 switches to faster-whisper's batched pipeline (see docs/transcription.md before using it).
        """
        return cls(model=model, device="cuda", compute_type="float16", batch_size=batch_size, **changes)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> TranscriptionOptions:
        """Return a copy with some fields changed (the object itself is frozen)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        if self.language is not None and self.language not in self.languages:
            raise ValueError(f"language {self.language!r} is not one of {', '.join(self.languages)}")
        if self.channels is not None:
            bad = [c for c in self.channels if c not in SPEAKERS]
            if bad:
                raise ValueError(f"unknown speaker(s) {', '.join(bad)} in channels (use {', '.join(SPEAKERS)})")
        if self.vocabulary not in ("auto", "on", "prompt", "off"):
            raise ValueError(f"vocabulary must be auto, on, prompt or off, not {self.vocabulary!r}")
        if self.beam_size < 1:
            raise ValueError("beam_size must be at least 1")


def parse_channels(text: str | None) -> tuple[Speaker, ...] | None:
    """``"agent,consumer"`` -> ``("agent", "consumer")``; empty -> ``None``."""
    if not text:
        return None
    names = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    bad = [n for n in names if n not in SPEAKERS]
    if bad:
        raise ValueError(f"unknown speaker(s) {', '.join(bad)} (use {', '.join(SPEAKERS)})")
    return names  # type: ignore[return-value]


def channels_from_mapping(mapping: dict[str, str] | None) -> tuple[Speaker, ...] | None:
    """Turn an interaction's ``audio_channels`` (``{"0": "agent", "1": "consumer"}``) as a tuple."""
    if not mapping:
        return None
    size = max(int(k) for k in mapping) + 1
    return tuple(mapping.get(str(i), "unknown") for i in range(size))  # type: ignore[misc]
