"""Real transcription with the embedded Whisper base model (marked ``model``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from qa.domain import Interaction
from transcription import (
    AudioRecordError,
    TranscriptionOptions,
    resolve_audio_records,
    to_interaction,
    transcribe_file,
)
from transcription.redaction import MASKS

pytestmark = pytest.mark.model

RATE = 8000
SECONDS = 8
_t = np.arange(RATE * SECONDS) / RATE
_rng = np.random.default_rng(0)


def _cadence(signal: np.ndarray, on: float, off: float) -> np.ndarray:
    return signal * ((_t % (on + off)) < on)


def _hold_music() -> np.ndarray:
    music = np.zeros_like(_t)
    for i, freq in enumerate([261.6, 329.6, 392.0, 523.3, 392.0, 329.6, 293.7, 349.2]):
        envelope = np.exp(-3 * (_t - i)) * ((_t >= i) & (_t < i + 1))
        for harmonic, amplitude in ((1, 0.3), (2, 0.15), (3, 0.08), (1.5, 0.1)):
            music += amplitude * envelope * np.sin(2 * np.pi * freq * harmonic * _t)
    return music


def _pink() -> np.ndarray:
    walk = np.cumsum(_rng.normal(0, 1, len(_t)))
    walk -= np.convolve(walk, np.ones(400) / 400, "same")
    return 0.3 * walk / np.abs(walk).max()


NON_SPEECH = {
    "silence": np.zeros_like(_t),
    "ring_tone_425hz": _cadence(0.4 * np.sin(2 * np.pi * 425 * _t), 1, 4),
    "ring_tone_us": _cadence(0.2 * (np.sin(2 * np.pi * 440 * _t) + np.sin(2 * np.pi * 480 * _t)), 2, 4),
    "dtmf": _cadence(0.2 * (np.sin(2 * np.pi * 697 * _t) + np.sin(2 * np.pi * 1209 * _t)), 0.2, 0.3),
    "busy_tone": _cadence(0.4 * np.sin(2 * np.pi * 480 * _t) * np.sin(2 * np.pi * 620 * _t), 0.5, 0.5),
    "hold_music": _hold_music(),
    "white_noise": _rng.normal(0, 0.2, len(_t)),
    "pink_noise": _pink(),
    "mains_hum": 0.3 * np.sin(2 * np.pi * 60 * _t) + 0.05 * np.sin(2 * np.pi * 180 * _t),
}


@pytest.mark.parametrize("name", sorted(NON_SPEECH))
def test_non_speech_produces_no_words(tmp_path: Path, wav_writer, name: str) -> None:
    path = wav_writer(tmp_path / f"{name}.wav", NON_SPEECH[name].astype(np.float32))
    result = transcribe_file(path, TranscriptionOptions())
    assert result.turns == ()
    assert result.redactions == ()


def test_non_speech_on_one_stereo_channel_adds_nothing(tmp_path: Path, wav_writer, fixtures_dir: Path) -> None:
    from transcription.audio import decode

    speech = decode(fixtures_dir / "en_stereo_arrest.flac").channels[1][::2]  # agent channel back at 8 kHz
    music = np.resize(_hold_music() + NON_SPEECH["white_noise"] * 0.3, len(speech))
    path = wav_writer(tmp_path / "agent_and_music.wav", np.stack([music, speech], axis=1).astype(np.float32))
    result = transcribe_file(path, TranscriptionOptions(channels=("consumer", "agent")))
    assert result.turns
    assert {t.channel for t in result.turns} == {1}


def _invariants(result) -> None:
    starts = [t.start for t in result.turns]
    assert starts == sorted(starts), "turns are in time order"
    for turn in result.turns:
        assert 0 <= turn.start <= turn.end <= result.duration + 0.5
        assert turn.text.strip()
    for r in result.redactions:
        turn = result.turns[r.turn]
        assert turn.text[r.span[0] : r.span[1]] == MASKS[r.kind]
        assert r.start is not None and turn.start <= r.start <= r.end <= turn.end


def _overlaps(turn, reference: dict, slack: float = 0.8) -> bool:
    return turn.start < reference["end"] + slack and reference["start"] - slack < turn.end


@pytest.mark.parametrize("name", ["es_stereo_threat.wav", "en_stereo_arrest.flac"])
def test_stereo_agent_channel_inferred_and_turns_timed(transcripts, calls, name: str) -> None:
    result = transcripts(name)
    call = calls[name]
    expected_language = name[:2]
    assert result.language == expected_language and result.language_probability > 0.5
    assert result.roles.method == "inferred"
    assert result.roles.channels == tuple(call["channels"][str(i)] for i in range(2))
    assert "inferred as agent" in result.roles.note
    _invariants(result)
    # every reference turn is heard, on the right channel, by the right speaker, at about the right time
    for reference in call["turns"]:
        matching = [t for t in result.turns if t.speaker == reference["speaker"] and _overlaps(t, reference)]
        assert matching, f"no {reference['speaker']} turn near {reference['start']}-{reference['end']}s"


def test_channel_mapping_is_obeyed(fixtures_dir: Path) -> None:
    result = transcribe_file(
        fixtures_dir / "en_stereo_arrest.flac", TranscriptionOptions(channels=("consumer", "agent"), language="en")
    )
    assert result.roles.method == "mapping"
    assert result.language == "en" and result.language_probability is None
    arrested = [t for t in result.turns if "arrested" in t.text.lower()]
    assert arrested and all(t.speaker == "agent" and t.channel == 1 for t in arrested)


@pytest.mark.parametrize(
    ("name", "card_kind_ok"), [("en_mono_card.wav", {"card"}), ("es_mono_card.ogg", {"card", "long_number"})]
)
def test_mono_roles_and_spoken_card_redaction(transcripts, calls, name: str, card_kind_ok: set[str]) -> None:
    result = transcripts(name)
    reference = calls[name]["turns"]
    assert result.roles.method == "mono_cues"
    _invariants(result)
    assert {t.speaker for t in result.turns} <= {"agent", "consumer", "unknown"}
    # the greeting is recognised as the agent's
    assert result.turns[0].speaker == "agent"
    # the card read digit by digit is masked, and its seconds fall inside the consumer's reference turn
    cards = [r for r in result.redactions if r.kind in card_kind_ok]
    assert cards
    card_turn = reference[1]
    for r in cards:
        assert card_turn["start"] - 0.8 <= r.start <= r.end <= card_turn["end"] + 0.8
    # no run of four or more digits survives anywhere
    for turn in result.turns:
        assert sum(c.isdigit() for c in turn.text) < 4, turn.text


def test_ssn_said_in_pieces_is_masked(transcripts) -> None:
    result = transcripts("en_mono_card.wav")
    assert "us_ssn" in {r.kind for r in result.redactions}


def test_to_interaction_carries_turns_times_language_and_mapping(transcripts) -> None:
    result = transcripts("es_stereo_threat.wav")
    base = {
        "id": "call-es-1",
        "channel": "call",
        "started_at": "2026-03-02T10:00:00-05:00",
        "agent_id": "A1",
        "jurisdiction": "CO",
    }
    interaction = to_interaction(result, base)
    assert isinstance(interaction, Interaction)
    assert interaction.audio is None and interaction.language == "es"
    assert interaction.audio_channels == {"0": "agent", "1": "consumer"}
    assert len(interaction.turns) == len(result.turns)
    assert all(t.start is not None and t.end is not None for t in interaction.turns)
    jail = [t for t in interaction.turns if "cárcel" in t.text or "carcel" in t.text]
    assert jail and jail[0].speaker == "agent" and 17.8 <= jail[0].start <= jail[0].end <= 22.7


@dataclass(frozen=True)
class _Record:
    interaction: Interaction
    file: str
    line: int


def test_resolve_audio_records_transcribes_and_reports_bad_ones(tmp_path: Path, fixtures_dir: Path) -> None:
    data = tmp_path / "calls"
    data.mkdir()
    (data / "call.flac").write_bytes((fixtures_dir / "en_stereo_arrest.flac").read_bytes())
    (data / "empty.wav").write_bytes(b"")
    common = {"channel": "call", "started_at": "2026-03-02T10:00:00-05:00", "agent_id": "A1"}
    source = str(data / "in.jsonl")
    (data / "in.jsonl").write_text("", encoding="utf-8")  # recordings are confined to the folder of an existing file

    def record(line: int, **fields: object) -> _Record:
        return _Record(Interaction.model_validate({**common, **fields}), source, line)

    records = [
        record(1, id="a", audio="call.flac", audio_channels={"0": "consumer", "1": "agent"}),
        record(2, id="b", audio="empty.wav"),
        record(3, id="c", turns=[{"speaker": "agent", "text": "Hola"}]),
        record(4, id="d", audio="missing.wav"),
    ]
    seen: list[tuple[int, int]] = []
    interactions, errors = resolve_audio_records(
        records, TranscriptionOptions(), progress=lambda done, total, _f: seen.append((done, total))
    )
    assert [i.id for i in interactions] == ["a", "c"]
    assert interactions[0].turns and interactions[0].language == "en"
    assert any(t.speaker == "agent" and "arrested" in t.text for t in interactions[0].turns)
    assert [(e.record_id, e.line) for e in errors] == [("b", 2), ("d", 4)]
    assert all(isinstance(e, AudioRecordError) for e in errors)
    assert "empty file" in str(errors[0]) and "in.jsonl:2" in str(errors[0])
    assert errors[1].reason.startswith("recording refused")  # a missing file gets the one refusal message (paths.py)
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_hf_hub_is_offline() -> None:
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
