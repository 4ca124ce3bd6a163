"""Decoding: every committed format, mono and stereo, and each kind of bad file (no model needed)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from transcription.audio import SAMPLE_RATE, decode
from transcription.errors import AudioError


@pytest.mark.parametrize(
    ("name", "channels"),
    [("es_stereo_threat.wav", 2), ("en_stereo_arrest.flac", 2), ("es_mono_card.ogg", 1), ("en_mono_card.wav", 1)],
)
def test_committed_fixtures_decode(fixtures_dir: Path, calls: dict, name: str, channels: int) -> None:
    audio = decode(fixtures_dir / name)
    assert len(audio.channels) == channels
    assert audio.source_rate == 8000
    assert all(c.dtype == np.float32 and len(c) == len(audio.channels[0]) for c in audio.channels)
    assert audio.duration == pytest.approx(calls[name]["turns"][-1]["end"] + 0.6, abs=0.7)
    if channels == 2:
        # each speaker is on their own channel: the channels differ
        assert not np.allclose(audio.channels[0], audio.channels[1])


def _encode(path: Path, codec: str, rate: int, layout: str, container_format: str | None = None) -> Path:
    """Encode two seconds of a 440 Hz tone with PyAV (so the test needs no ffmpeg binary)."""
    t = np.arange(rate * 2) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    n = 1 if layout == "mono" else 2
    with av.open(str(path), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        fmt = stream.codec_context.codec.audio_formats[0].name
        frame = av.AudioFrame.from_ndarray(np.tile(tone, (n, 1)), format="fltp", layout=layout)
        frame.sample_rate = rate
        resampler = av.AudioResampler(format=fmt, layout=layout, rate=rate)
        for f in resampler.resample(frame):
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.mark.parametrize(
    ("suffix", "codec", "rate", "layout", "fmt"),
    [
        (".mp3", "libmp3lame", 16000, "mono", None),
        (".m4a", "aac", 16000, "stereo", "mp4"),
        (".opus", "libopus", 48000, "mono", "ogg"),
        (".flac", "flac", 8000, "stereo", None),
        (".wav", "pcm_mulaw", 8000, "mono", None),
    ],
)
def test_other_formats_decode(tmp_path: Path, suffix: str, codec: str, rate: int, layout: str, fmt: str | None) -> None:
    try:
        path = _encode(tmp_path / f"tone{suffix}", codec, rate, layout, fmt)
    except (av.FFmpegError, ValueError) as exc:  # an encoder missing from this PyAV build
        pytest.skip(f"PyAV cannot encode {codec} here: {exc}")
    audio = decode(path)
    assert len(audio.channels) == (1 if layout == "mono" else 2)
    assert audio.duration == pytest.approx(2.0, abs=0.15)
    assert float(np.abs(audio.channels[0]).max()) > 0.1


def test_output_is_16khz(fixtures_dir: Path) -> None:
    audio = decode(fixtures_dir / "es_mono_card.ogg")
    assert len(audio.channels[0]) == pytest.approx(audio.duration * SAMPLE_RATE, abs=1)


def _bad_files(tmp_path: Path, fixtures_dir: Path, wav_writer) -> dict[str, Path]:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    no_samples = wav_writer(tmp_path / "no_samples.wav", np.zeros(0, dtype=np.float32))
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 4)
    garbage = tmp_path / "garbage.mp3"
    garbage.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    text = tmp_path / "notes.txt"
    text.write_text("this is not audio\n", encoding="utf-8")
    truncated = tmp_path / "truncated.flac"
    truncated.write_bytes((fixtures_dir / "en_stereo_arrest.flac").read_bytes()[:20000])
    six = wav_writer(tmp_path / "six_channels.wav", np.zeros((800, 6), dtype=np.float32))
    return {
        "empty": empty,
        "no_samples": no_samples,
        "corrupt": corrupt,
        "garbage": garbage,
        "text": text,
        "truncated": truncated,
        "six_channels": six,
        "missing": tmp_path / "missing.wav",
        "directory": tmp_path,
    }


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("empty", "empty file"),
        ("no_samples", "no audio samples"),
        ("corrupt", "corrupt"),
        ("garbage", "corrupt"),
        ("text", "unsupported"),
        ("truncated", "corrupt"),
        ("six_channels", "only mono and stereo"),
        ("missing", "not found"),
        ("directory", "directory"),
    ],
)
def test_bad_audio_is_reported(tmp_path: Path, fixtures_dir: Path, wav_writer, case: str, reason: str) -> None:
    path = _bad_files(tmp_path, fixtures_dir, wav_writer)[case]
    with pytest.raises(AudioError) as info:
        decode(path)
    assert info.value.path == str(path)
    assert reason in info.value.reason
    assert str(path) in str(info.value)
