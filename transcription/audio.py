"""Decoding recordings with PyAV (as faster-whisper does) into 16 kHz float channels."""

from __future__ import annotations

import struct
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
    size = path.stat().st_size
    if size == 0:
        raise AudioError(name, "empty file / archivo vacío")
    check_riff(path, size)
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
        declared = _declared_seconds(container, stream) if codec.startswith(EXACT_LENGTH_CODECS) else None
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
    if declared is not None and data.shape[1] / SAMPLE_RATE < declared * (1 - SHORTFALL) - 0.5:
        raise AudioError(
            name,
            f"truncated: the header declares {declared:.1f} s, only {data.shape[1] / SAMPLE_RATE:.1f} s decode / "
            f"truncada: la cabecera declara {declared:.1f} s, solo se decodifican {data.shape[1] / SAMPLE_RATE:.1f} s",
        )
    return DecodedAudio(path=name, channels=tuple(np.ascontiguousarray(c) for c in data), source_rate=source_rate, codec=codec)


#: Codecs whose header states the exact length (PCM in WAV/AIFF, FLAC's STREAMINFO): a shorter decode is a truncation.
EXACT_LENGTH_CODECS = ("pcm_", "flac", "alac", "wavpack")
#: How much shorter than declared a decode may be (beside 0.5 s) before it counts as truncated.
SHORTFALL = 0.02
_MAX_CHUNKS = 1024


def check_riff(path: Path, size: int) -> None:
    """Refuse a RIFF/WAVE file whose header declares more bytes than the file holds (truncated, or a forged 4 GB size).

    FFmpeg silently decodes whatever is there, so a cut-off upload or a header claiming 4 GB
    would pass as a shorter call. Files that are not RIFF are left to the decoder.
    """
    name = str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return
            riff_size = struct.unpack("<I", head[4:8])[0]
            if riff_size + 8 > size + 1:  # one byte of slack: writers that leave out the final pad byte
                raise AudioError(name, _truncated_reason(riff_size + 8, size))
            offset = 12
            for _ in range(_MAX_CHUNKS):
                fh.seek(offset)
                chunk = fh.read(8)
                if len(chunk) < 8:
                    raise AudioError(name, "no audio data chunk in the WAV header / cabecera WAV sin bloque de datos de audio")
                chunk_id, chunk_size = chunk[:4], struct.unpack("<I", chunk[4:8])[0]
                if offset + 8 + chunk_size > size:
                    raise AudioError(name, _truncated_reason(offset + 8 + chunk_size, size))
                if chunk_id == b"data":
                    return
                offset += 8 + chunk_size + (chunk_size & 1)
    except OSError as exc:
        raise AudioError(name, f"cannot read / no se puede leer ({exc.strerror or type(exc).__name__})") from None


def _truncated_reason(declared: int, actual: int) -> str:
    return (
        f"truncated or corrupt WAV header: it declares {declared:,} bytes, the file holds {actual:,} / "
        f"cabecera WAV truncada o dañada: declara {declared:,} bytes, el archivo tiene {actual:,}"
    )


def _declared_seconds(container: av.container.InputContainer, stream: av.audio.stream.AudioStream) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / 1_000_000
    return None


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(":")[0].strip() if text else type(exc).__name__
