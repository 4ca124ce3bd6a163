"""A larger Whisper model (large-v3 / large-v3-turbo, CTranslate2) on a GPU (issue 12 item 7).

The configuration checks run everywhere. The end-to-end check runs only where a GPU and a converted
model are present: ``QA_TEST_LARGE_MODEL=/srv/models/whisper-large-v3-turbo pytest -m model ...``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from transcription.engine import engine_key
from transcription.errors import ModelNotFoundError
from transcription.models import V3_VOCABULARY_SIZE, check_mel_bins, mel_bins, resolve_model, vocabulary_size
from transcription.options import TranscriptionOptions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audio"


def fake_conversion(tmp_path: Path, vocab: int, feature_size: int | None, fmt: str = "json") -> Path:
    """A directory shaped like ``ct2-transformers-converter`` output (weights are not read here)."""
    model = tmp_path / f"whisper-{vocab}-{feature_size}-{fmt}"
    model.mkdir()
    (model / "model.bin").write_bytes(b"\0" * 16)
    (model / "config.json").write_text(json.dumps({"lang_ids": [50259, 50262], "suppress_ids": []}), encoding="utf-8")
    (model / "tokenizer.json").write_text("{}", encoding="utf-8")
    tokens = [f"t{i}" for i in range(vocab)]
    if fmt == "json":
        (model / "vocabulary.json").write_text(json.dumps(tokens), encoding="utf-8")
    else:
        (model / "vocabulary.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
    if feature_size is not None:
        (model / "preprocessor_config.json").write_text(json.dumps({"feature_size": feature_size}), encoding="utf-8")
    return model


@pytest.mark.parametrize("fmt", ["json", "txt"])
def test_v3_conversion_with_its_preprocessor_config_is_accepted(tmp_path: Path, fmt: str) -> None:
    model = fake_conversion(tmp_path, V3_VOCABULARY_SIZE, 128, fmt)
    assert vocabulary_size(model) == V3_VOCABULARY_SIZE and mel_bins(model) == 128
    assert resolve_model(str(model)) == model


@pytest.mark.parametrize("feature_size", [None, 80])
def test_v3_conversion_without_128_mel_bins_is_refused_with_the_fix(tmp_path: Path, feature_size: int | None) -> None:
    model = fake_conversion(tmp_path, V3_VOCABULARY_SIZE, feature_size)
    with pytest.raises(ModelNotFoundError, match="--copy_files tokenizer.json preprocessor_config.json"):
        resolve_model(str(model))


def test_earlier_models_need_no_preprocessor_config(tmp_path: Path) -> None:
    model = fake_conversion(tmp_path, 51865, None, "txt")  # base, small, medium, large-v2
    check_mel_bins(model)
    assert mel_bins(model) == 80


def test_gpu_configuration(tmp_path: Path) -> None:
    model = fake_conversion(tmp_path, V3_VOCABULARY_SIZE, 128)
    options = TranscriptionOptions.gpu(str(model))
    assert (options.device, options.compute_type, options.batch_size, options.beam_size) == ("cuda", "float16", 0, 5)
    key = engine_key(options)
    assert (key.model_dir, key.device, key.compute_type) == (str(model), "cuda", "float16")
    assert TranscriptionOptions.gpu(str(model), batch_size=16, language="es").batch_size == 16
    # compute type "auto" picks float16 on CUDA too.
    assert engine_key(TranscriptionOptions(model=str(model), device="cuda")).compute_type == "float16"


def _gpu_model() -> str | None:
    path = os.environ.get("QA_TEST_LARGE_MODEL")
    if not path:
        return None
    try:
        import ctranslate2

        return path if ctranslate2.get_cuda_device_count() > 0 else None
    except Exception:  # noqa: BLE001 - no CUDA runtime: the check cannot run here
        return None


@pytest.mark.model
@pytest.mark.skipif(_gpu_model() is None, reason="needs QA_TEST_LARGE_MODEL (a large-v3/turbo conversion) and a CUDA GPU")
def test_large_model_on_gpu_transcribes_the_fixtures() -> None:
    from transcription import transcribe_file

    options = TranscriptionOptions.gpu(_gpu_model() or "", language="en", redact=False)
    result = transcribe_file(FIXTURES / "en_stereo_arrest.flac", options.with_(channels=("consumer", "agent")))
    text = " ".join(t.text for t in result.turns).lower()
    assert "debt collector" in text and "arrest" in text
