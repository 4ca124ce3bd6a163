"""Decoding recordings with PyAV (as faster-whisper does) into 16 kHz float channels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from transcription.errors import AudioError

SAMPLE_RATE = 16000
#: Suffixes the CLI looks for when given a folder; any container FFmpeg reads is accepted.
AUDIO_SUFFIXES = (".wav", ".mp3", ".ogg", ".opus", ".oga", ".m4a", ".mp4", ".aac", ".flac", ".webm", ".amr", ".gsm")


@dataclass(frozen=True)
class DecodedAudio:
    """A recording as one float32 array per channel at 16 kHz."""

    path: str
    channels: tuple[np.ndarray, ...]
    source_rate: int
    codec: str

    @property
    def duration(self) -> float:
        return len(self.channels[0]) / SAMPLE_RATE if self.channels else 0.0

    def mix(self) -> np.ndarray:
        """All channels averaged (for language detection)."""
        if len(self.channels) == 1:
            return self.channels[0]
        return np.mean(np.stack(self.channels), axis=0).astype(np.float32)


def decode(path: str | Path) -> DecodedAudio:
    """Decode any audio FFmpeg knows; raise :class:`AudioError` saying why it cannot."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise AudioError(name, "file not found / archivo no encontrado")
    if path.is_dir():
        raise AudioError(name, "is a directory, not a recording / es una carpeta, no una grabación")
    if path.stat().st_size == 0:
        raise AudioError(name, "empty file / archivo vacío")
    try:
        container = av.open(name, metadata_errors="ignore")
    except av.FFmpegError as exc:
        raise AudioError(name, f"unsupported or corrupt audio / audio no soportado o dañado ({_reason(exc)})") from None
    with container:
        if not container.streams.audio:
            raise AudioError(name, "no audio stream / no contiene audio")
        stream = container.streams.audio[0]
        codec = stream.codec_context.name
        source_rate = stream.codec_context.sample_rate or 0
        n_channels = stream.codec_context.channels or 1
        layout = "mono" if n_channels == 1 else ("stereo" if n_channels == 2 else None)
        if layout is None:
            raise AudioError(name, f"{n_channels} channels; only mono and stereo are supported / solo mono o estéreo")
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                frame.pts = None  # the resampler re-times frames; broken source pts must not matter
                chunks.extend(f.to_ndarray() for f in resampler.resample(frame))
            chunks.extend(f.to_ndarray() for f in resampler.resample(None))
        except av.FFmpegError as exc:
            raise AudioError(name, f"corrupt audio data / datos de audio dañados ({_reason(exc)})") from None
    if not chunks:
        raise AudioError(name, "no audio samples (empty recording) / grabación sin muestras de audio")
    data = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
    if data.shape[1] == 0:
        raise AudioError(name, "no audio samples (empty recording) / grabación sin muestras de audio")
    return DecodedAudio(path=name, channels=tuple(np.ascontiguousarray(c) for c in data), source_rate=source_rate, codec=codec)


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(":")[0].strip() if text else type(exc).__name__
