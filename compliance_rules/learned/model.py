"""A trained turn classifier: load it as data, check it, score and explain turns.

The model file is JSON (no pickle: loading it runs no code). Each feature is one
row ``[name, idf, weight per family...]`` so a reviewer can read and diff it.
Beside it, ``MODEL_CARD.md`` opens with a YAML block naming the model file's
SHA-256, version, data version and thresholds; a model whose file does not
match its card, or whose content does not fit the schema, is refused.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from scipy import sparse

from compliance_rules.learned.features import (
    BLOCKS,
    CONSUMER_SIGNALS,
    READABLE_PREFIXES,
    TEXT_PREFIXES,
    TURN_FAMILIES,
    TurnView,
    block_of,
    gate_open,
    phrase_features,
    surround_features,
    text_counts,
    tfidf,
    turn_counts,
    word_features,
    words_of,
)
from compliance_rules.learned.scoring import BatchScorer
from compliance_rules.text import AnalyzedText, analyzer_for

SCHEMA = "qa.turn-classifier/1"
#: The same format over a consumer's turn, with the consumer signals as its "families".
CONSUMER_SCHEMA = "qa.consumer-classifier/1"
_CLASSES = {SCHEMA: frozenset(f.value for f in TURN_FAMILIES), CONSUMER_SCHEMA: frozenset(CONSUMER_SIGNALS)}
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
DEFAULT_MODEL = "turn_classifier"


class ModelError(ValueError):
    """A model file that cannot be used; the message says which file and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelFile(_Strict):
    schema_: str = Field(alias="schema")
    version: str = Field(min_length=1)
    data_version: str = Field(min_length=1)
    settings: dict
    families: list[str]
    intercepts: dict[str, float]
    thresholds: dict[str, float]
    features: list[list]
    examples: dict[str, list[tuple[str, str, str]]]

    @field_validator("schema_")
    @classmethod
    def _schema(cls, value: str) -> str:
        if value not in _CLASSES:
            raise ValueError(f"schema {value!r} is not one of {sorted(_CLASSES)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ModelFile:
        known = _CLASSES[self.schema_]
        if not self.families or not set(self.families) <= known or len(set(self.families)) != len(self.families):
            raise ValueError(f"families must be distinct classes of {self.schema_} ({sorted(known)})")
        for name in ("intercepts", "thresholds"):
            if set(getattr(self, name)) != set(self.families):
                raise ValueError(f"{name} must name exactly the model's families")
        for family, value in self.thresholds.items():
            if not 0.0 < value < 1.0:
                raise ValueError(f"threshold of {family} must lie strictly between 0 and 1")
        width = 2 + len(self.families)
        names = set()
        for row in self.features:
            if len(row) != width or not isinstance(row[0], str) or not all(isinstance(v, int | float) for v in row[1:]):
                raise ValueError(f"feature row {row[:1]} must be [name, idf, one weight per family]")
            if not all(math.isfinite(v) for v in row[1:]) or row[1] <= 0:
                raise ValueError(f"feature {row[0]!r} has a non-finite weight or a non-positive idf")
            names.add(row[0])
        if len(names) != len(self.features):
            raise ValueError("feature names must be unique")
        if not all(math.isfinite(v) for v in self.intercepts.values()):
            raise ValueError("intercepts must be finite")
        floor = self.settings.get("text_norm_floor")
        if not isinstance(floor, int | float) or not math.isfinite(floor) or floor < 0:
            raise ValueError("settings.text_norm_floor must be a finite, non-negative number")
        weights = self.settings.get("block_weights")
        if not isinstance(weights, dict) or set(weights) != set(self.families):
            raise ValueError("settings.block_weights must name exactly the model's families")
        for family, row in weights.items():
            if (
                not isinstance(row, list)
                or len(row) != len(BLOCKS)
                or not all(isinstance(v, int | float) and math.isfinite(v) and v >= 0 for v in row)
            ):
                raise ValueError(f"settings.block_weights.{family} must be {len(BLOCKS)} finite weights ({list(BLOCKS)})")
        return self


class ModelCard(_Strict):
    model: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    version: str
    data_version: str
    thresholds: dict[str, float]


_CARD_BLOCK = re.compile(r"^```yaml\n(.*?)\n```", re.S | re.M)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_card(path: Path) -> ModelCard:
    if not path.is_file():
        raise ModelError(f"{path}: model card missing")
    match = _CARD_BLOCK.search(path.read_text(encoding="utf-8"))
    if match is None:
        raise ModelError(f"{path}: the card must open with a ```yaml block (model, sha256, version, data_version, thresholds)")
    try:
        return ModelCard.model_validate(yaml.safe_load(match.group(1)))
    except (yaml.YAMLError, ValidationError) as exc:
        raise ModelError(f"{path}: invalid card header: {exc}") from None


@dataclass(frozen=True)
class Explanation:
    """Why a turn scored as it did: the heaviest n-grams and the nearest training example."""

    ngrams: tuple[str, ...]
    span: tuple[int, int]
    example_id: str | None
    example_text: str | None


class TurnModel:
    """One classifier per family over shared features, loaded from a checked model file."""

    def __init__(self, data: ModelFile, path: Path) -> None:
        self.path = path
        self.version = data.version
        self.data_version = data.data_version
        self.families = tuple(data.families)
        self.thresholds = dict(data.thresholds)
        self.index = {row[0]: i for i, row in enumerate(data.features)}
        self.names = [row[0] for row in data.features]
        table = np.asarray([row[1:] for row in data.features], dtype=np.float64).reshape(len(data.features), -1)
        self.idf = table[:, 0].copy()
        self.blocks = np.asarray([block_of(name) for name in self.names], dtype=np.int64)
        # Families × blocks; the nearest-example search compares the turn's own words only.
        self.block_weights = np.asarray([data.settings["block_weights"][f] for f in self.families], dtype=np.float64)
        self._words_only = np.asarray([1.0, 0.0, 0.0])
        self._uses_context = self.block_weights[:, 1:].any(axis=1)
        self.text_floor = float(data.settings["text_norm_floor"])
        self.weights = table[:, 1:].copy()
        self.intercepts = np.asarray([data.intercepts[f] for f in self.families])
        self.examples = data.examples
        # Per word, the indices of its known ``w:`` and ``c:`` features (the hot path of scoring).
        self._word_index: dict[str, tuple[int, ...]] = {}
        # Per family, the TF-IDF rows of its positive training examples, built on first use.
        self._neighbours: dict[str, sparse.csr_matrix] = {}
        self._batch: BatchScorer | None = None

    @classmethod
    def load(cls, path: Path, card: Path | None = None) -> TurnModel:
        """Load ``path`` after checking it against its card (``MODEL_CARD.md`` beside it by default)."""
        card_path = card or path.with_name("MODEL_CARD.md")
        if not path.is_file():
            raise ModelError(f"{path}: model file missing")
        header = read_card(card_path)
        if header.model != path.name:
            raise ModelError(f"{card_path}: the card describes {header.model!r}, not {path.name!r}")
        digest = file_sha256(path)
        if digest != header.sha256:
            raise ModelError(f"{path}: SHA-256 {digest[:12]}… does not match its card ({header.sha256[:12]}…)")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ModelError(f"{path}: not a valid model file: {exc}") from None
        kind = raw.get("schema") if isinstance(raw, dict) and raw.get("schema") in _CLASSES else SCHEMA
        try:
            data = ModelFile.model_validate(raw)
        except ValidationError as exc:
            raise ModelError(f"{path}: not a valid {kind} model: {exc}") from None
        if (header.version, header.data_version, header.thresholds) != (data.version, data.data_version, data.thresholds):
            raise ModelError(f"{path}: version, data version or thresholds differ from its card {card_path.name}")
        return cls(data, path)

    def vector(self, counts: dict[str, float], weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Indices and TF-IDF values (see :func:`tfidf`) of the known features in ``counts``, one row of block weights."""
        pairs = [(self.index[name], count) for name, count in counts.items() if name in self.index]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        tf = np.fromiter((c for _, c in pairs), dtype=np.float64, count=len(pairs))
        return idx, tfidf(tf, self.idf[idx], self.blocks[idx], weights, self.text_floor)[:, 0]

    def _word_indices(self, word: str) -> tuple[int, ...]:
        known = self._word_index.get(word)
        if known is None:
            index = self.index
            known = tuple(index[name] for name in word_features(word) if name in index)
            if len(self._word_index) < 200_000:
                self._word_index[word] = known
        return known

    def _text_ids(self, text: AnalyzedText) -> list[int]:
        """Known feature indices of the turn's own words and phrases, kept with the analysed text.

        The analyser hands out one object per distinct text, so a greeting or a mini-Miranda
        said on every call is indexed once.
        """
        key = (id(self), "ids")
        ids = text.memo.get(key)
        if ids is None:
            ids = []
            for word in words_of(text):
                ids.extend(self._word_indices(word))
            index = self.index
            ids.extend(index[name] for name in phrase_features(text) if name in index)
            text.memo[key] = ids
        return ids

    def _indexed_counts(self, view: TurnView, surround: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Feature indices and counts: :func:`turn_counts` restricted to the vocabulary (``surround``: with context)."""
        ids = self._text_ids(view.text)
        if surround:
            index = self.index
            ids = ids + [index[name] for name in surround_features(view) if name in index]
        return np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)

    def score(self, view: TurnView) -> dict[str, float]:
        """Probability per family of the families whose gate is open for this turn."""
        open_families = [(column, family) for column, family in enumerate(self.families) if gate_open(family, view)]
        # Context weighs only in some families (the gated ones); when none of them is open it need not be read.
        surround = any(self._uses_context[column] for column, _ in open_families)
        idx, counts = self._indexed_counts(view, surround)
        if len(idx):
            values = tfidf(counts, self.idf[idx], self.blocks[idx], self.block_weights, self.text_floor)  # features × families
            logits = np.einsum("nf,nf->f", values, self.weights[idx]) + self.intercepts
        else:
            logits = self.intercepts
        return {family: 1.0 / (1.0 + math.exp(-float(logits[column]))) for column, family in open_families}

    def score_many(self, views: Sequence[TurnView], only: Sequence[str] | None = None) -> list[dict[str, float]]:
        """:meth:`score` of every view, computed together (``scoring.BatchScorer``: the same numbers, faster).

        ``only``: compute just these families (each one's score is the same as when all are computed).
        """
        if self._batch is None:
            self._batch = BatchScorer(self)
        return self._batch.score_many(views, only)

    def flagged(self, scores: dict[str, float], family: str) -> bool:
        return family in scores and scores[family] >= self.thresholds[family]

    def explain(self, view: TurnView, family: str) -> Explanation:
        column = self.families.index(family)
        idx, values = self.vector(turn_counts(view), self.block_weights[column])
        contributions = values * self.weights[idx, column]
        order = np.argsort(-contributions)
        ngrams: list[str] = []
        for position in order:
            if contributions[position] <= 0 or len(ngrams) == 3:
                break
            name = self.names[idx[position]]
            if name.startswith(READABLE_PREFIXES):
                words = name[2:]
                if words not in ngrams:
                    ngrams.append(words)
        span = _span_of(view, ngrams)
        example = self.nearest(view, family)
        return Explanation(tuple(ngrams), span, example[0] if example else None, example[1] if example else None)

    def nearest(self, view: TurnView, family: str) -> tuple[str, str] | None:
        """The positive training example of ``family`` closest to the turn's own words (cosine)."""
        examples = self.examples.get(family) or []
        if not examples:
            return None
        matrix = self._neighbours.get(family)
        if matrix is None:
            rows = [self._text_vector(text_counts(analyzer_for(lang).analyze(text))) for _, lang, text in examples]
            matrix = sparse.vstack([self._as_row(idx, values) for idx, values in rows]).tocsr()
            self._neighbours[family] = matrix
        similarities = (matrix @ self._as_row(*self._text_vector(text_counts(view.text))).T).toarray().ravel()
        best = int(np.argmax(similarities))
        if similarities[best] <= 0:
            return None
        ident, _, text = examples[best]
        return ident, text

    def _text_vector(self, counts: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """The turn's own words only, at unit length (no norm floor): what "similar to" compares."""
        pairs = [(self.index[n], c) for n, c in counts.items() if n.startswith(TEXT_PREFIXES) and n in self.index]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.asarray([i for i, _ in pairs], dtype=np.int64)
        tf = np.asarray([c for _, c in pairs], dtype=np.float64)
        return idx, tfidf(tf, self.idf[idx], self.blocks[idx], self._words_only, 0.0)[:, 0]

    def _as_row(self, idx: np.ndarray, values: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix((values, idx, [0, len(idx)]), shape=(1, len(self.names)))


def _span_of(view: TurnView, ngrams: list[str]) -> tuple[int, int]:
    """The clause of the turn holding the heaviest readable n-gram (the whole turn if none)."""
    tokens = view.text.tokens
    raw = view.text.raw
    if not tokens:
        return 0, len(raw)
    anchor = None
    for ngram in ngrams:
        parts = ngram.split()
        for i in range(len(tokens) - len(parts) + 1):
            window = tokens[i : i + len(parts)]
            if all(part in (t.norm, t.lemma) for part, t in zip(parts, window, strict=True)):
                anchor = (i, i + len(parts) - 1)
                break
        if anchor:
            break
    if anchor is None:
        return tokens[0].start, tokens[-1].end
    first, last = anchor
    while first > 0 and first > anchor[0] - 20 and not _SENTENCE_BREAK.search(raw[tokens[first - 1].end : tokens[first].start]):
        first -= 1
    while (
        last < len(tokens) - 1
        and last < anchor[1] + 20
        and not _SENTENCE_BREAK.search(raw[tokens[last].end : tokens[last + 1].start])
    ):
        last += 1
    return tokens[first].start, tokens[last].end


_SENTENCE_BREAK = re.compile(r"[.!?¡¿;]")


@lru_cache(maxsize=4)
def load_model(name: str = DEFAULT_MODEL, directory: Path = MODELS_DIR) -> TurnModel:
    """The model ``name`` (a folder of the models directory), loaded and checked once per process."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ModelError(f"model name {name!r} must be lower-case letters, digits and underscores")
    return TurnModel.load(directory / name / "model.json")
