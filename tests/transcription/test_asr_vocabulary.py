"""The collection vocabulary for the recogniser (issue 12 item 4) and the synthetic call set."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.domain import Interaction, LabelledEntry
from transcription.options import TranscriptionOptions
from transcription.vocabulary import DEFAULT_VOCABULARY, VocabularyError, decoding_hints, load_vocabulary

SYNTHETIC = Path(__file__).resolve().parents[1] / "fixtures" / "audio" / "synthetic"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vocab.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_vocabulary_has_the_collection_words() -> None:
    vocab = load_vocabulary(DEFAULT_VOCABULARY)
    es, en = set(vocab["es"].terms), set(vocab["en"].terms)
    assert {"deuda", "cobranza", "embargo", "fiscalía", "demanda", "Datacrédito", "Infocorp", "DICOM", "abogado"} <= es
    assert {"debt collector", "attempt to collect a debt", "garnish", "attorney", "lawsuit"} <= en


def test_choices(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "es:\n  enabled: true\n  mode: hotwords\n  terms: [deuda, embargo]\n"
        "en:\n  enabled: false\n  mode: prompt\n  terms: [garnish, attorney]\n",
    )
    assert decoding_hints("es", "auto", path) == {"hotwords": "deuda, embargo"}
    assert decoding_hints("en", "auto", path) == {}  # not enabled for English: auto leaves decoding as it was
    assert decoding_hints("en", "on", path) == {"hotwords": "garnish, attorney"}
    assert decoding_hints("es", "prompt", path) == {"initial_prompt": "deuda, embargo."}
    assert decoding_hints("es", "off", path) == {}
    assert decoding_hints("fr", "on", path) == {}  # a language without terms


def test_edited_file_is_read_again(tmp_path: Path) -> None:
    path = write(tmp_path, "es:\n  enabled: true\n  terms: [deuda]\n")
    assert decoding_hints("es", "auto", path) == {"hotwords": "deuda"}
    path.write_text("es:\n  enabled: true\n  terms: [deuda, mora]\n", encoding="utf-8")
    import os

    os.utime(path, ns=(1, 10**18))
    assert decoding_hints("es", "auto", path) == {"hotwords": "deuda, mora"}


@pytest.mark.parametrize(
    "text",
    [
        "- just a list\n",
        "es:\n  enabled: yes please\n  terms: [deuda]\n",
        "es:\n  enabled: true\n  mode: shout\n  terms: [deuda]\n",
        "es:\n  enabled: true\n",
        "es:\n  enabled: true\n  terms: [" + "x" * 61 + "]\n",
        "es:\n  enabled: true\n  terms: [" + ", ".join(f"t{i}" for i in range(81)) + "]\n",
        "es: [unclosed\n",
    ],
)
def test_bad_files_are_refused_with_the_file_named(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(VocabularyError, match="vocab.yaml"):
        decoding_hints("es", "on", path)


def test_missing_file_and_bad_choice(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match="cannot read"):
        decoding_hints("es", "on", tmp_path / "nope.yaml")
    with pytest.raises(VocabularyError):
        decoding_hints("es", "loud", DEFAULT_VOCABULARY)
    with pytest.raises(ValueError):
        TranscriptionOptions(vocabulary="loud")


def test_engine_passes_the_vocabulary_to_faster_whisper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transcription import engine

    calls: list[dict] = []

    class FakeModel:
        def transcribe(self, audio, **kwargs):
            calls.append(kwargs)
            return iter(()), None

    fake = object.__new__(engine.WhisperEngine)
    fake.model, fake._batched = FakeModel(), None
    path = write(tmp_path, "es:\n  enabled: false\n  terms: [deuda, fiscalía]\n")
    monkeypatch.setenv("QA_ASR_VOCABULARY", str(path))
    audio = np.zeros(16000, dtype=np.float32)
    fake.transcribe(audio, 0, "es", TranscriptionOptions(vocabulary="auto"))
    fake.transcribe(audio, 0, "es", TranscriptionOptions(vocabulary="on"))
    fake.transcribe(audio, 0, "es", TranscriptionOptions(vocabulary="prompt"))
    assert "hotwords" not in calls[0] and "initial_prompt" not in calls[0]
    assert calls[1]["hotwords"] == "deuda, fiscalía"
    assert calls[2]["initial_prompt"] == "deuda, fiscalía."


def test_synthetic_call_set() -> None:
    from transcription.audio import decode

    sources = [json.loads(line) for line in (SYNTHETIC / "source.jsonl").read_text("utf-8").splitlines()]
    records = [json.loads(line) for line in (SYNTHETIC / "audio.jsonl").read_text("utf-8").splitlines()]
    assert len(sources) == len(records) >= 20
    assert {s["language"] for s in sources} == {"es", "en"}
    assert sum(p.stat().st_size for p in SYNTHETIC.glob("*.ogg")) < 3_000_000
    for source, record in zip(sources, records, strict=True):
        Interaction.model_validate({k: v for k, v in source.items() if k not in ("expected", "snr_db", "noise")})
        for entry in source["expected"]:
            LabelledEntry.model_validate(entry)
        audio = decode(SYNTHETIC / record["audio"])
        assert len(audio.channels) == (2 if "audio_channels" in record else 1)
        assert abs(audio.duration - (source["turns"][-1]["end"] + 0.6)) < 0.3
        if len(audio.channels) == 2:  # each speaker on their own channel: no bleed
            assert abs(np.corrcoef(audio.channels[0], audio.channels[1])[0, 1]) < 0.2
