"""The faster-whisper boundary: the only module that imports it.

It consumes faster-whisper's lazy segment generator here and returns the project's own
:class:`~transcription.transcript.Segment` values.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import numpy as np

from transcription.models import resolve_model
from transcription.options import TranscriptionOptions
from transcription.transcript import Segment, Word
from transcription.vocabulary import decoding_hints

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faster_whisper import BatchedInferencePipeline, WhisperModel  # noqa: E402
from faster_whisper.vad import VadOptions, get_speech_timestamps  # noqa: E402


@dataclass(frozen=True)
class EngineKey:
    model_dir: str
    device: str
    compute_type: str
    cpu_threads: int


class WhisperEngine:
    """One loaded Whisper model; thread-safe to share, expensive to build (use :func:`get_engine`)."""

    def __init__(self, key: EngineKey) -> None:
        self.key = key
        self.model = WhisperModel(key.model_dir, device=key.device, compute_type=key.compute_type, cpu_threads=key.cpu_threads)
        self._batched: BatchedInferencePipeline | None = None

    def detect_language(self, audio: np.ndarray, options: TranscriptionOptions) -> tuple[str, float]:
        """Most probable language among ``options.languages`` (probabilities renormalised over them)."""
        vad = vad_options(options)
        if not get_speech_timestamps(audio, vad):
            return options.languages[0], 0.0  # nothing to listen to; the transcript will be empty anyway
        _, _, all_probs = self.model.detect_language(audio, vad_filter=True, vad_parameters=vad, language_detection_segments=2)
        allowed = {lang: p for lang, p in all_probs if lang in options.languages}
        if not allowed:
            return options.languages[0], 0.0
        best = max(allowed, key=allowed.__getitem__)
        total = sum(allowed.values()) or 1.0
        return best, allowed[best] / total

    def transcribe(self, audio: np.ndarray, channel: int, language: str, options: TranscriptionOptions) -> list[Segment]:
        """Decode one channel; the guards of ``transcription.guards`` run afterwards."""
        kwargs = dict(
            language=language,
            task="transcribe",
            beam_size=options.beam_size,
            vad_filter=True,
            vad_parameters=vad_options(options),
            condition_on_previous_text=False,
            word_timestamps=True,
            no_speech_threshold=options.no_speech_threshold,
            log_prob_threshold=options.log_prob_threshold,
            compression_ratio_threshold=options.compression_ratio_threshold,
            **decoding_hints(language, options.vocabulary),
        )
        if options.batch_size > 0:
            if self._batched is None:
                self._batched = BatchedInferencePipeline(self.model)
            segments, _info = self._batched.transcribe(audio, batch_size=options.batch_size, **kwargs)
        else:
            segments, _info = self.model.transcribe(audio, **kwargs)
        return [_convert(s, channel) for s in segments]  # consumes the lazy generator


def vad_options(options: TranscriptionOptions) -> VadOptions:
    return VadOptions(
        threshold=options.vad_threshold,
        min_silence_duration_ms=options.vad_min_silence_ms,
        speech_pad_ms=options.vad_speech_pad_ms,
    )


def _convert(segment: object, channel: int) -> Segment:
    logprob, no_speech = float(segment.avg_logprob), float(segment.no_speech_prob)
    words = tuple(
        Word(float(w.start), float(w.end), w.word, float(w.probability), logprob, no_speech) for w in (segment.words or ())
    )
    return Segment(
        channel=channel,
        start=float(segment.start),
        end=float(segment.end),
        text=segment.text,
        words=words,
        avg_logprob=float(segment.avg_logprob),
        no_speech_prob=float(segment.no_speech_prob),
        compression_ratio=float(segment.compression_ratio),
    )


_ENGINES: dict[EngineKey, WhisperEngine] = {}
_LOCK = threading.Lock()


def engine_key(options: TranscriptionOptions) -> EngineKey:
    device = options.device
    if device == "auto":
        import ctranslate2

        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    compute_type = options.compute_type
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    return EngineKey(str(resolve_model(options.model)), device, compute_type, options.cpu_threads)


def engines_loaded() -> bool:
    """Whether this process has loaded a Whisper model (after which it must not ``fork()`` workers that transcribe)."""
    return bool(_ENGINES)


def get_engine(options: TranscriptionOptions) -> WhisperEngine:
    """Return the cached engine for these options' model, device and compute type."""
    key = engine_key(options)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = WhisperEngine(key)
        return engine
