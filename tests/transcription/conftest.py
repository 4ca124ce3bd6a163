"""Shared fixtures: the committed espeak-ng calls, generated non-speech audio, cached transcripts."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
CALLS = {Path(c["file"]).name: c for c in MANIFEST["calls"]}


def write_wav(path: Path, samples: np.ndarray, rate: int = 8000) -> Path:
    """Write float samples in [-1, 1] (shape (n,) or (n, channels)) as 16-bit PCM WAV."""
    data = np.clip(samples, -1.0, 1.0)
    channels = 1 if data.ndim == 1 else data.shape[1]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((data * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="session")
def wav_writer():
    return write_wav


@pytest.fixture(scope="session")
def calls() -> dict[str, dict]:
    """Return the manifest of the committed calls, by file name."""
    return CALLS


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def transcripts():
    """Each committed call transcribed once with the default options (no channel mapping)."""
    from transcription import TranscriptionOptions, transcribe_file

    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = transcribe_file(FIXTURES / name, TranscriptionOptions())
        return cache[name]

    return get
