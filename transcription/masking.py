"""Masked recordings: a copy of each transcribed call with every redacted span replaced by a tone.

When a recording is transcribed at ingest, :func:`store_masked` writes a masked copy into the
media store (``QA_MEDIA_DIR``, default ``<data dir>/media``), ``masked/<key>.wav``: 16 kHz 16-bit
PCM WAV, every channel, in which the seconds of each redaction of the transcript (cards, CVV,
SSN, national IDs, e-mail: whatever :mod:`transcription.redaction` masked) are replaced by a
1 kHz tone (or silence), widened by a safety margin on each side (``QA_AUDIO_MASK_MARGIN``
seconds, default 0.3). A redaction whose words have no timestamps mutes its whole turn. Every
channel is masked at those seconds (a number said on one channel can be heard on the other).

The masked copy is the only recording the dashboards and the evidence export serve. The original
is copied to ``original/<key><suffix>`` only when ``QA_KEEP_ORIGINAL_AUDIO`` is set (mode 0600),
and is read only through :mod:`qa.workflow.recordings`, which requires an explicit grant and
audits each access. Retention deletes both files (:func:`remove_stored`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from transcription.audio import AUDIO_SUFFIXES, SAMPLE_RATE, DecodedAudio
from transcription.paths import inside
from transcription.transcript import TranscriptResult

MEDIA_DIR_ENV = "QA_MEDIA_DIR"
KEEP_ORIGINAL_ENV = "QA_KEEP_ORIGINAL_AUDIO"
MARGIN_ENV = "QA_AUDIO_MASK_MARGIN"
DEFAULT_MARGIN = 0.3
TONE_HZ = 1000.0
TONE_LEVEL = 0.1
MASKED = "masked"
ORIGINAL = "original"


def media_dir() -> Path:
    """Return the media store: ``QA_MEDIA_DIR``, else ``media`` in the data directory (created on first use)."""
    explicit = os.environ.get(MEDIA_DIR_ENV)
    if explicit:
        path = Path(explicit).expanduser()
    else:
        from qa.storage.config import data_dir

        path = data_dir() / "media"
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_original() -> bool:
    """Whether ``QA_KEEP_ORIGINAL_AUDIO`` asks to keep the unmasked original (``1``, ``true``, ``yes``)."""
    return (os.environ.get(KEEP_ORIGINAL_ENV) or "").strip().lower() in ("1", "true", "yes", "on")


def mask_margin() -> float:
    """Return the safety margin in seconds (``QA_AUDIO_MASK_MARGIN``; never below 0.1, default 0.3)."""
    try:
        value = float(os.environ.get(MARGIN_ENV) or DEFAULT_MARGIN)
    except ValueError:
        return DEFAULT_MARGIN
    return max(0.1, value) if np.isfinite(value) else DEFAULT_MARGIN


@dataclass(frozen=True)
class MaskedRecording:
    """What :func:`store_masked` wrote: the masked copy, the kept original (or None), the seconds masked."""

    masked_path: str
    original_path: str | None
    spans: tuple[tuple[float, float], ...]

    def as_json(self) -> dict[str, object]:
        return {"masked": self.masked_path, "original": self.original_path, "spans": [list(s) for s in self.spans]}


def mask_spans(result: TranscriptResult, margin: float = DEFAULT_MARGIN) -> list[tuple[float, float]]:
    """Seconds to mask: each redaction's words (or its whole turn when untimed) widened by ``margin``, merged."""
    turns = [(t.start, t.end) for t in result.turns]
    return spans_from([(r.start, r.end, r.turn) for r in result.redactions], turns, result.duration, margin)


def spans_from(
    redactions: Iterable[tuple[float | None, float | None, int | None]],
    turns: list[tuple[float | None, float | None]],
    duration: float,
    margin: float = DEFAULT_MARGIN,
) -> list[tuple[float, float]]:
    """Seconds to mask from ``(start, end, turn index)`` of each redaction and each turn's ``(start, end)``."""
    raw: list[tuple[float, float]] = []
    for start, end, turn in redactions:
        if start is None or end is None:
            timed = turns[turn] if turn is not None and 0 <= turn < len(turns) else (None, None)
            start, end = timed
        if start is None or end is None:  # a redaction we cannot place: mask the whole recording rather than leak it
            start, end = 0.0, duration
        raw.append((max(0.0, start - margin), min(duration, end + margin)))
    return merge_spans(raw)


def merge_spans(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return [(round(s, 3), round(e, 3)) for s, e in merged]


def tone(n: int, offset: int = 0) -> np.ndarray:
    """``n`` samples of the masking tone at 16 kHz, phase-continuous from sample ``offset``."""
    t = (np.arange(n) + offset) / SAMPLE_RATE
    return (TONE_LEVEL * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)


def masked_channels(audio: DecodedAudio, spans: list[tuple[float, float]], mode: str = "tone") -> list[np.ndarray]:
    """Return copies of every channel with the spans replaced by the tone (``mode="tone"``) or zeros (``"silence"``)."""
    out = [np.array(c, dtype=np.float32, copy=True) for c in audio.channels]
    for start, end in spans:
        a = max(0, int(np.floor(start * SAMPLE_RATE)))
        for channel in out:
            b = min(len(channel), int(np.ceil(end * SAMPLE_RATE)))
            if b > a:
                channel[a:b] = tone(b - a, a) if mode == "tone" else 0.0
    return out


def write_wav(path: Path, channels: list[np.ndarray], rate: int = SAMPLE_RATE) -> None:
    """Write float channels as 16-bit PCM WAV atomically (a temporary file renamed into place)."""
    data = np.stack([np.clip(c, -1.0, 1.0) for c in channels], axis=1) if channels else np.zeros((0, 1), np.float32)
    pcm = np.round(data * 32767).astype("<i2")
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".wav", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh, wave.open(fh, "wb") as out:
            out.setnchannels(pcm.shape[1])
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(pcm.tobytes())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def recording_key(interaction_id: str, source: Path) -> str:
    """A file name for an interaction's recordings: SHA-256 of its id and of the recording's bytes."""
    digest = hashlib.sha256(interaction_id.encode("utf-8", "surrogatepass") + b"\0")
    with source.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def store_masked(
    audio: DecodedAudio,
    result: TranscriptResult | list[tuple[float, float]],
    key: str,
    *,
    source: Path | None = None,
    margin: float | None = None,
    keep: bool | None = None,
    mode: str = "tone",
) -> MaskedRecording:
    """Write the masked copy (and, when configured, the original ``source``) into the media store.

    ``result`` is the transcript whose redactions to mask, or the seconds to mask already computed.
    """
    if not key or not all(c in "0123456789abcdef" for c in key):
        raise ValueError("recording key must be lower-case hexadecimal")
    if isinstance(result, TranscriptResult):
        spans = mask_spans(result, mask_margin() if margin is None else margin)
    else:
        spans = merge_spans(result)
    folder = media_dir() / MASKED
    folder.mkdir(parents=True, exist_ok=True)
    masked = folder / f"{key}.wav"
    write_wav(masked, masked_channels(audio, spans, mode))
    original: str | None = None
    if (keep_original() if keep is None else keep) and source is not None:
        original = str(_copy_original(source, key))
    return MaskedRecording(str(masked), original, tuple(spans))


def _copy_original(source: Path, key: str) -> Path:
    folder = media_dir() / ORIGINAL
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    suffix = source.suffix.lower() if source.suffix.lower() in AUDIO_SUFFIXES else ".audio"
    target = folder / f"{key}{suffix}"
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=folder)  # created with mode 0600
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def stored_masked(path: str | None) -> Path | None:
    """Return ``path`` when it is a masked copy in the media store (resolved, links followed); else ``None``."""
    return inside(path, media_dir() / MASKED)


def stored_original(path: str | None) -> Path | None:
    """Return ``path`` when it is a kept original in the media store; else ``None``."""
    return inside(path, media_dir() / ORIGINAL)


def remove_stored(paths: Iterable[str | None]) -> int:
    """Delete the masked copies and kept originals among ``paths`` (only files in the media store); return how many."""
    removed = 0
    for path in paths:
        target = stored_masked(path) or stored_original(path)
        if target is None:
            continue
        try:
            target.unlink()
            removed += 1
        except FileNotFoundError:
            continue
    return removed
