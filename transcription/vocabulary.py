"""Collection vocabulary for the recogniser: which words Whisper should expect, per language.

The terms are data, ``compliance_rules/asr_vocabulary.yaml`` (beside the rule packs), or the file
named by ``$QA_ASR_VOCABULARY``. For each language the file says whether the vocabulary is used by
default (``enabled``, set from ``benchmarks/bench_asr_vocabulary.py``: kept only where it helps),
how (``mode``: ``hotwords``, a prompt prefix on every 30-second window, or ``prompt``, faster-whisper's
``initial_prompt``, first window only) and the ``terms``. ``TranscriptionOptions.vocabulary``
chooses per run: ``auto`` (the file's ``enabled``), ``on`` (``hotwords``), ``prompt``, ``off``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from transcription.errors import TranscriptionError

DEFAULT_VOCABULARY = Path(__file__).resolve().parents[1] / "compliance_rules" / "asr_vocabulary.yaml"
VOCABULARY_CHOICES = ("auto", "on", "prompt", "off")
MAX_TERMS = 80
MAX_TERM_CHARS = 60
Mode = Literal["hotwords", "prompt"]


class VocabularyError(TranscriptionError):
    """The vocabulary file cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class LanguageVocabulary:
    language: str
    enabled: bool
    mode: Mode
    terms: tuple[str, ...]

    @property
    def text(self) -> str:
        """The terms as one comma-separated phrase list, the form Whisper's prompt takes them in."""
        return ", ".join(self.terms)


def vocabulary_path() -> Path:
    configured = os.environ.get("QA_ASR_VOCABULARY")
    return Path(configured) if configured else DEFAULT_VOCABULARY


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> dict[str, LanguageVocabulary]:
    del mtime_ns  # part of the cache key only: an edited file is read again
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise VocabularyError(f"{path}: cannot read the ASR vocabulary ({exc})") from None
    if not isinstance(data, dict):
        raise VocabularyError(f"{path}: the ASR vocabulary is a mapping of language codes (es, en) to entries")
    out: dict[str, LanguageVocabulary] = {}
    for language, entry in data.items():
        where = f"{path}: {language}"
        if not isinstance(entry, dict) or not isinstance(entry.get("terms"), list):
            raise VocabularyError(f"{where}: needs 'terms', a list of words or phrases")
        terms = tuple(str(t).strip() for t in entry["terms"] if str(t).strip())
        if len(terms) > MAX_TERMS or any(len(t) > MAX_TERM_CHARS or "\n" in t for t in terms):
            raise VocabularyError(f"{where}: at most {MAX_TERMS} terms of at most {MAX_TERM_CHARS} characters, one line each")
        mode = entry.get("mode", "hotwords")
        if mode not in ("hotwords", "prompt"):
            raise VocabularyError(f"{where}: mode must be hotwords or prompt, not {mode!r}")
        enabled = entry.get("enabled", False)
        if not isinstance(enabled, bool):
            raise VocabularyError(f"{where}: enabled must be true or false")
        out[str(language)] = LanguageVocabulary(str(language), enabled, mode, terms)
    return out


def load_vocabulary(path: Path | None = None) -> dict[str, LanguageVocabulary]:
    """The vocabulary per language (cached; re-read when the file changes). Raises :class:`VocabularyError`."""
    path = path or vocabulary_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise VocabularyError(f"{path}: cannot read the ASR vocabulary ({exc.strerror})") from None
    return _load(str(path), mtime)


def decoding_hints(language: str, choice: str, path: Path | None = None) -> dict[str, str]:
    """The faster-whisper arguments (``hotwords`` or ``initial_prompt``) for one language and choice."""
    if choice not in VOCABULARY_CHOICES:
        raise VocabularyError(f"vocabulary must be one of {', '.join(VOCABULARY_CHOICES)}, not {choice!r}")
    if choice == "off":
        return {}
    entry = load_vocabulary(path).get(language)
    if entry is None or not entry.terms or (choice == "auto" and not entry.enabled):
        return {}
    mode = {"on": "hotwords", "prompt": "prompt"}.get(choice, entry.mode)
    return {"hotwords": entry.text} if mode == "hotwords" else {"initial_prompt": entry.text + "."}
