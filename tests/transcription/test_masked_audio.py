"""Masked recordings from word timestamps (no model: the timestamps are those the bundled model gives for the fixture)."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import pytest

from transcription.audio import SAMPLE_RATE, decode
from transcription.masking import (
    MASKED,
    TONE_LEVEL,
    mask_spans,
    masked_channels,
    media_dir,
    merge_spans,
    store_masked,
    stored_masked,
    stored_original,
    tone,
)
from transcription.options import TranscriptionOptions
from transcription.roles import decide_channels
from transcription.transcript import Redaction, TranscriptResult, TranscriptTurn

KEY = "ab" * 32
MARGIN = 0.3

# Word timestamps of the redacted values in en_mono_card.wav, as faster-whisper "base" gives them
# (see test_masked_recordings.py, which measures them with the real model end to end).
EN_TURNS = (
    TranscriptTurn(
        0, "agent", 0.41, 6.03, "Good morning, this is Mike from Acme Recovery. This is an attempt to collect a debt."
    ),
    TranscriptTurn(0, "consumer", 7.08, 16.42, "I want to pay with my card. The number is [CARD]."),
    TranscriptTurn(0, "agent", 17.84, 21.82, "Thank you. I also need your social security number."),
    TranscriptTurn(0, "consumer", 22.91, 26.93, "This is [US_SSN]."),
)
EN_REDACTIONS = (Redaction("card", 1, (42, 48), 10.18, 16.42), Redaction("us_ssn", 3, (8, 16), 23.21, 26.93))


@pytest.fixture(autouse=True)
def _media(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_MEDIA_DIR", str(tmp_path / "media"))
    monkeypatch.delenv("QA_KEEP_ORIGINAL_AUDIO", raising=False)


def _result(audio, turns=EN_TURNS, redactions=EN_REDACTIONS) -> TranscriptResult:
    roles = decide_channels([" ".join(t.text for t in turns)], None)
    return TranscriptResult(audio.path, audio.duration, len(audio.channels), "en", None, turns, redactions, roles, ())


def _window(start: float, end: float) -> slice:
    return slice(int(np.floor(start * SAMPLE_RATE)), int(np.ceil(end * SAMPLE_RATE)))


def _outside(n: int, spans: list[tuple[float, float]]) -> np.ndarray:
    keep = np.ones(n, dtype=bool)
    for start, end in spans:
        keep[_window(start, end)] = False
    return keep


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def test_masked_copy_has_the_tone_at_each_redaction_and_the_original_elsewhere(fixtures_dir: Path):
    audio = decode(fixtures_dir / "en_mono_card.wav")
    stored = store_masked(audio, _result(audio), KEY, margin=MARGIN, source=fixtures_dir / "en_mono_card.wav")
    assert stored.spans == ((9.88, 16.72), (22.91, 27.23))
    assert stored.original_path is None  # not kept unless configured
    masked = decode(stored.masked_path)
    original, copy = audio.channels[0], masked.channels[0]
    assert len(copy) == len(original)
    for start, end in stored.spans:
        window = _window(start, end)
        assert _rms(original[window]) > 0.02  # speech was there (the card and SSN digits) ...
        expected = tone(len(original[window]), window.start)
        assert np.max(np.abs(copy[window] - expected)) < 2e-4  # ... and now only the tone is
        assert abs(np.corrcoef(copy[window], original[window])[0, 1]) < 0.05
    keep = _outside(len(original), stored.spans)
    assert keep.sum() > 0.6 * len(original)
    assert np.max(np.abs(copy[keep] - original[keep])) < 2e-4  # elsewhere the original, to 16-bit precision
    assert _rms(original[keep]) > 0.02


def test_silence_mode_and_margins():
    class Fake:
        path, channels = "x", (np.full(SAMPLE_RATE * 4, 0.5, np.float32),)
        duration = 4.0

    out = masked_channels(Fake(), [(1.0, 2.0)], mode="silence")[0]
    assert (
        not out[_window(1.0, 2.0)].any() and np.all(out[: SAMPLE_RATE - 1] == 0.5) and np.all(out[2 * SAMPLE_RATE + 1 :] == 0.5)
    )
    assert merge_spans([(3, 4), (0.5, 1.2), (1.0, 2.0), (5, 5)]) == [(0.5, 2.0), (3, 4)]
    assert float(np.max(np.abs(tone(SAMPLE_RATE)))) == pytest.approx(TONE_LEVEL, rel=1e-3)


def test_a_redaction_without_timestamps_masks_its_whole_turn(fixtures_dir: Path):
    audio = decode(fixtures_dir / "en_mono_card.wav")
    result = _result(audio, redactions=(Redaction("us_ssn", 3, (8, 16), None, None), Redaction("card", 9, (0, 1), None, None)))
    # turn 3 whole (22.91-26.93), and an unplaceable redaction masks the whole recording rather than leak it
    assert mask_spans(result, MARGIN) == [(0.0, round(audio.duration, 3))]
    result = _result(audio, redactions=(Redaction("us_ssn", 3, (8, 16), None, None),))
    assert mask_spans(result, MARGIN) == [(22.61, 27.23)]


def test_every_channel_of_a_stereo_call_is_masked(fixtures_dir: Path):
    audio = decode(fixtures_dir / "es_stereo_threat.wav")
    turns = (TranscriptTurn(1, "consumer", 8.38, 10.2, "[CO_CEDULA]"),)
    stored = store_masked(audio, _result(audio, turns, (Redaction("co_cedula", 0, (0, 11), 8.5, 10.0),)), KEY, margin=MARGIN)
    masked = decode(stored.masked_path)
    window = _window(*stored.spans[0])
    for channel in masked.channels:
        assert np.max(np.abs(channel[window] - tone(window.stop - window.start, window.start))) < 2e-4
    assert np.max(np.abs(masked.channels[0][: window.start] - audio.channels[0][: window.start])) < 2e-4


def test_the_original_is_kept_only_when_configured_and_private(fixtures_dir: Path, monkeypatch):
    audio = decode(fixtures_dir / "en_mono_card.wav")
    monkeypatch.setenv("QA_KEEP_ORIGINAL_AUDIO", "1")
    stored = store_masked(audio, _result(audio), KEY, source=fixtures_dir / "en_mono_card.wav")
    original = Path(stored.original_path)
    assert original.read_bytes() == (fixtures_dir / "en_mono_card.wav").read_bytes()
    assert stat.S_IMODE(original.stat().st_mode) == 0o600
    assert stored_original(str(original)) == original.resolve() and stored_masked(str(original)) is None
    assert stored_masked(stored.masked_path) == Path(stored.masked_path).resolve()
    assert Path(stored.masked_path).parent == media_dir() / MASKED
    with pytest.raises(ValueError):
        store_masked(audio, _result(audio), "../../escape", source=fixtures_dir / "en_mono_card.wav")


def test_masking_defaults_keep_a_safety_margin(monkeypatch):
    from transcription.masking import mask_margin

    assert mask_margin() == 0.3
    monkeypatch.setenv("QA_AUDIO_MASK_MARGIN", "0")
    assert mask_margin() == 0.1  # never below 0.1 s
    monkeypatch.setenv("QA_AUDIO_MASK_MARGIN", "nan")
    assert mask_margin() == 0.3
    assert TranscriptionOptions().redact  # the masked copy follows the transcript's redaction
