"""Offline model resolution: assembly from the PyPI packages, checksum, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from transcription import models
from transcription.errors import ModelNotFoundError
from transcription.models import ModelSource, ensure_default_model, resolve_model


@pytest.mark.model
def test_default_model_is_assembled_once_and_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("QA_WHISPER_MODEL", raising=False)
    path = resolve_model(None)
    assert path == tmp_path / "models" / "whisper-base"
    for name in ("model.bin", "config.json", "tokenizer.json"):
        assert (path / name).is_file()
    assert any(path.glob("vocabulary.*"))
    marker = (path / ".verified").read_text(encoding="utf-8").split()
    assert models.sha256_of(path / "model.bin") == marker[1]
    assert marker[1] in {s.model_sha256 for s in models.DEFAULT_SOURCES}
    mtime = (path / "model.bin").stat().st_mtime_ns
    assert resolve_model("base") == path
    assert (path / "model.bin").stat().st_mtime_ns == mtime  # not rebuilt


def test_missing_packages_name_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = ModelSource("nope", ("nope-part1", "nope-part2"), ("nope_part1_mod", "nope_part2_mod"), ("config.json",), "0" * 64)
    monkeypatch.setattr(models, "DEFAULT_SOURCES", (fake, fake))
    with pytest.raises(ModelNotFoundError, match="pip install nope-part1 nope-part2"):
        ensure_default_model(tmp_path / "m")


def test_checksum_mismatch_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = []
    for i in (1, 2):
        pkg = tmp_path / "site" / f"fakepart{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("", encoding="utf-8")
        (pkg / "data" / f"model.bin.part{i}").write_bytes(b"x" * 10)
        parts.append(pkg)
    (parts[0] / "data" / "config.json").write_text("{}", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    source = ModelSource("fake", ("fake-part1", "fake-part2"), ("fakepart1", "fakepart2"), ("config.json",), "f" * 64)
    monkeypatch.setattr(models, "DEFAULT_SOURCES", (source,))
    with pytest.raises(ModelNotFoundError, match="expected f{64}; reinstall"):
        ensure_default_model(tmp_path / "m")
    assert not (tmp_path / "m").exists()  # nothing half-written left behind


def test_unknown_model_name_is_not_downloaded(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="never downloaded"):
        resolve_model("large-v3")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFoundError, match="not a CTranslate2 Whisper model directory"):
        resolve_model(str(tmp_path / "empty"))


def test_model_directory_is_used_as_is(tmp_path: Path) -> None:
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert resolve_model(str(tmp_path)) == tmp_path


def test_env_var_points_at_a_larger_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    monkeypatch.setenv("QA_WHISPER_MODEL", str(tmp_path))
    assert resolve_model(None) == tmp_path
