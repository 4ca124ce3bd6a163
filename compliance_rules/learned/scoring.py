"""Scoring many turns at once: the fast path of :meth:`TurnModel.score`, the same numbers.

:meth:`TurnModel.score` builds one turn's feature names, looks each up, and runs a chain of
numpy calls on a few dozen ids, so most of its time went into Python and numpy call overhead
rather than arithmetic. Here the turns of an interaction are scored together, and no feature
name is formatted while scanning:

- the words of a turn are its surface stream split at spaces and its lemmas its lemma stream
  split the same way: exactly :func:`features.words_of` and the lemmas of ``features``, since a
  stream is the tokens' forms joined by spaces;
- per word, the ids of its known ``w:`` and ``c:`` features are kept as an array (words repeat
  across calls); every word and lemma that appears in a pair feature has a number, so the
  ``n:``, ``b:`` and ``q:`` features of all turns are found as integer keys
  ``first × size + second`` in a dictionary per kind, and lemmas' ``l:`` and
  ``p:`` ids are read from arrays indexed by lemma number;
- the ids of all turns, tagged with their row, are counted with one ``numpy.unique``, which
  also sorts each row's ids as :meth:`TurnModel.score` has them; TF-IDF, the per-block norms and
  the products follow :func:`features.tfidf` operation by operation, and each row's sum of
  products is one ``bincount`` (sequential, in that order).

``tests/compliance/test_learned_scoring.py`` checks the result against :meth:`TurnModel.score`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from itertools import chain, repeat
from typing import TYPE_CHECKING

import numpy as np

from compliance_rules.learned.features import BLOCKS, TurnView, gate_open, word_features
from compliance_rules.text import AnalyzedText
from qa.domain import Family

if TYPE_CHECKING:
    from compliance_rules.learned.model import TurnModel

_PARTS_KEY = "learned.parts"
_NUMBERS_KEY = "learned.numbers"
# Parts interned before the numbering starts over (a hostile stream of distinct words must not grow memory).
_INTERN_LIMIT = 200_000
_CACHE_LIMIT = 200_000
_NO_IDS = np.zeros(0, dtype=np.int64)


def parts_of(text: AnalyzedText) -> tuple[list[str], list[str]]:
    """The turn's normalised words and lemma parts (``features._words`` and ``_lemmas``), kept with the text."""
    parts = text.memo.get(_PARTS_KEY)
    if parts is None:
        parts = (text.surface.text.split(), text.lemmas.text.split())
        text.memo[_PARTS_KEY] = parts
    return parts


class _Interner(dict):
    """Every word and lemma part seen in this process, numbered once and shared by the models."""

    def __init__(self) -> None:
        super().__init__()
        self.strings: list[str] = []
        self.generation = 0

    def __missing__(self, part: str) -> int:
        number = len(self.strings)
        self[part] = number
        self.strings.append(part)
        return number

    def start_batch(self) -> None:
        """Start the numbering over when full (only between batches, so a batch's numbers stay valid)."""
        if len(self.strings) >= _INTERN_LIMIT:
            self.clear()
            self.strings = []
            self.generation += 1


_INTERNED = _Interner()
# The numbering and the tables are shared: one batch at a time reads or extends them (threads may scan).
_LOCK = threading.Lock()


def numbered(text: AnalyzedText) -> tuple[np.ndarray, np.ndarray]:
    """The interned numbers of the turn's words and of its lemma parts, kept with the text."""
    known = text.memo.get(_NUMBERS_KEY)
    if known is not None and known[0] == _INTERNED.generation:
        return known[1], known[2]
    words, lemmas = parts_of(text)
    get = _INTERNED.__getitem__
    found = (
        np.fromiter(map(get, words), dtype=np.int64, count=len(words)),
        np.fromiter(map(get, lemmas), dtype=np.int64, count=len(lemmas)),
    )
    text.memo[_NUMBERS_KEY] = (_INTERNED.generation, *found)
    return found


class _PartTable:
    """What one model knows of each interned part: its number among the model's pair words and among its
    lemmas (-1: none), and its ``w:`` and ``c:`` ids with repeats (``start``, ``count`` into ``flat``).
    """

    def __init__(self, index: dict[str, int], word_numbers: dict[str, int], lemma_numbers: dict[str, int]) -> None:
        self.index, self.word_numbers, self.lemma_numbers = index, word_numbers, lemma_numbers
        self.generation = -1
        self.size = self.used = 0
        self.word_no = self.lemma_no = self.start = self.count = _NO_IDS
        self.flat = np.zeros(0, dtype=np.int32)

    def sync(self) -> None:
        """Add the parts interned since the last call (all of them after the numbering started over)."""
        if self.generation != _INTERNED.generation:
            self.generation, self.size, self.used = _INTERNED.generation, 0, 0
        new = _INTERNED.strings[self.size :]
        if not new:
            return
        end = self.size + len(new)
        if end > len(self.start):
            capacity = max(2 * end, 1024)
            self.word_no, self.lemma_no, self.start, self.count = (
                np.resize(array, capacity) for array in (self.word_no, self.lemma_no, self.start, self.count)
            )
        index = self.index
        ids = [[index[name] for name in word_features(part) if name in index] for part in new]
        counts = [len(found) for found in ids]
        total = self.used + sum(counts)
        if total > len(self.flat):
            self.flat = np.resize(self.flat, max(2 * total, 16384))
        self.flat[self.used : total] = list(chain.from_iterable(ids))
        self.word_no[self.size : end] = [self.word_numbers.get(part, -1) for part in new]
        self.lemma_no[self.size : end] = [self.lemma_numbers.get(part, -1) for part in new]
        self.count[self.size : end] = counts
        self.start[self.size : end] = np.cumsum([self.used, *counts[:-1]])
        self.size, self.used = end, total


class _Pairs:
    """The features ``prefix + "first second"`` of a model as integer keys of numbered parts.

    A turn's words never hold whitespace, so a name matches a pair of them exactly when its first
    space separates the two; a name with no space can match no pair. The keys are looked up in a
    dictionary: a hash probe touches a line or two of memory, where a binary search over the
    sorted keys touched some sixteen, cold between calls.
    """

    def __init__(self, names: Sequence[str], prefix: str, numbers: dict[str, int]) -> None:
        self.width = len(numbers) + 1
        self.ids: dict[int, int] = {}
        for position, name in enumerate(names):
            if name.startswith(prefix):
                first, space, second = name[len(prefix) :].partition(" ")
                if space:
                    self.ids[numbers[first] * self.width + numbers[second]] = position

    def lookup(self, numbers: np.ndarray, last: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ids (-1: unknown) and rows of the pairs of consecutive ``numbers`` (``last``: a turn's last part, no pair after)."""
        if len(numbers) < 2 or not self.ids:
            return _NO_IDS, _NO_IDS
        first, second = numbers[:-1], numbers[1:]
        usable = (first >= 0) & (second >= 0) & ~last[:-1]
        keys = (first[usable] * self.width + second[usable]).tolist()
        found = np.fromiter(map(self.ids.get, keys, repeat(-1)), dtype=np.int64, count=len(keys))
        return found, rows[:-1][usable]


class BatchScorer:
    """Lookup tables of one model and the batched TF-IDF × weights of :meth:`TurnModel.score`."""

    def __init__(self, model: TurnModel) -> None:
        self.model = model
        names, index = model.names, model.index
        self.size = len(names)
        word_parts, lemma_parts = set(), set()
        for name in names:
            if name.startswith("n:"):
                word_parts.update(name[2:].partition(" ")[::2])
            elif name.startswith(("b:", "q:")):
                lemma_parts.update(name[2:].partition(" ")[::2])
            elif name.startswith(("l:", "p:")):
                lemma_parts.add(name[2:])
        self.word_numbers = {word: n for n, word in enumerate(sorted(word_parts))}
        self.lemma_numbers = {lemma: n for n, lemma in enumerate(sorted(lemma_parts))}
        self.word_pairs = _Pairs(names, "n:", self.word_numbers)
        self.lemma_pairs = _Pairs(names, "b:", self.lemma_numbers)
        self.previous_pairs = _Pairs(names, "q:", self.lemma_numbers)
        self.parts = _PartTable(index, self.word_numbers, self.lemma_numbers)
        # Per lemma number, its ``l:`` and ``p:`` ids (-1: none); the last slot answers an unnumbered lemma (-1).
        self.lemma_ids = np.full(len(self.lemma_numbers) + 1, -1, dtype=np.int64)
        self.previous_ids = np.full(len(self.lemma_numbers) + 1, -1, dtype=np.int64)
        for name, position in index.items():
            if name.startswith("l:"):
                self.lemma_ids[self.lemma_numbers[name[2:]]] = position
            elif name.startswith("p:"):
                self.previous_ids[self.lemma_numbers[name[2:]]] = position
        self.states: dict[tuple, tuple[int, ...]] = {}
        # Families whose gate may close (features.gate_open); the others are open on every turn.
        self.gated = [c for c, f in enumerate(model.families) if f in (Family.THIRD_PARTY_DISCLOSURE, Family.CEASE_VIOLATION)]
        self._by_columns: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def state_ids(self, view: TurnView) -> tuple[int, ...]:
        """Ids of the dialogue-state features (``s:``) of :func:`features.surround_features`."""
        key = (view.party, view.previous_speaker, view.channel, view.requests)
        state = self.states.get(key)
        if state is None:
            index = self.model.index
            names = ["s:party=" + view.party, "s:prev=" + view.previous_speaker, "s:channel=" + view.channel]
            names.extend("s:req=" + request for request in sorted(view.requests))
            if view.requests:
                names.append("s:req=any")
            state = tuple(index[name] for name in names if name in index)
            if len(self.states) < _CACHE_LIMIT:
                self.states[key] = state
        return state

    def score_many(self, views: Sequence[TurnView], only: Sequence[str] | None = None) -> list[dict[str, float]]:
        """:meth:`TurnModel.score` of every view, in order; ``only``: just these families (the others not computed)."""
        if not views:
            return []
        model = self.model
        families = model.families
        uses_context = model._uses_context
        wanted = tuple(c for c, f in enumerate(families) if only is None or f in only)
        open_columns: list[list[int]] = []
        surround: list[int] = []
        for row, view in enumerate(views):
            columns = list(range(len(families)))
            if self.gated:
                columns = [c for c in columns if c not in self.gated or gate_open(families[c], view)]
            # As in TurnModel.score: the context is read when any open family weighs it, asked for or not.
            if any(uses_context[c] for c in columns):
                surround.append(row)
            open_columns.append([c for c in columns if c in wanted])
        logits = self._logits(*self._ids(views, surround), wanted)
        position = {c: i for i, c in enumerate(wanted)}
        results = []
        for row, columns in enumerate(open_columns):
            values = logits[row].tolist()
            results.append({families[c]: 1.0 / (1.0 + math.exp(-values[position[c]])) for c in columns})
        return results

    def _tables(self, wanted: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per feature ``[idf, block, weight per wanted family]``, block weights and intercepts of those families."""
        tables = self._by_columns.get(wanted)
        if tables is None:
            model, columns = self.model, list(wanted)
            # One row per feature: one gather per id, one cache line, instead of three arrays.
            table = np.column_stack([model.idf, model.blocks.astype(np.float64), model.weights[:, columns]])
            tables = (table, np.ascontiguousarray(model.block_weights[columns].T), model.intercepts[columns])
            self._by_columns[wanted] = tables
        return tables

    def _ids(self, views: Sequence[TurnView], surround: list[int]) -> tuple[int, np.ndarray, np.ndarray]:
        """Known feature ids of every view, with repeats, and the row of each (context only for ``surround`` rows)."""
        with _LOCK:
            return self._ids_locked(views, surround)

    def _ids_locked(self, views: Sequence[TurnView], surround: list[int]) -> tuple[int, np.ndarray, np.ndarray]:
        rows = len(views)
        _INTERNED.start_batch()
        own = [numbered(view.text) for view in views]
        before = [row for row in surround if views[row].previous is not None]
        previous = [numbered(views[row].previous)[1] for row in before]
        table = self.parts
        table.sync()
        pieces: list[tuple[np.ndarray, np.ndarray]] = []
        words, word_rows, last = _joined([w for w, _ in own], range(rows))
        if len(words):
            starts, counts = table.start[words], table.count[words]
            total = int(counts.sum())
            # Each word's run of ids in ``flat``, one after the other.
            shift = np.repeat(starts - (np.cumsum(counts) - counts), counts)
            pieces.append((table.flat[shift + np.arange(total)].astype(np.int64), np.repeat(word_rows, counts)))
            pieces.append(self.word_pairs.lookup(table.word_no[words], last, word_rows))
        lemmas, lemma_rows, last = _joined([lemmas for _, lemmas in own], range(rows))
        if len(lemmas):
            numbers = table.lemma_no[lemmas]
            pieces += [(self.lemma_ids[numbers], lemma_rows), self.lemma_pairs.lookup(numbers, last, lemma_rows)]
        lemmas, lemma_rows, last = _joined(previous, before)
        if len(lemmas):
            numbers = table.lemma_no[lemmas]
            pieces += [(self.previous_ids[numbers], lemma_rows), self.previous_pairs.lookup(numbers, last, lemma_rows)]
        states = [self.state_ids(views[row]) for row in surround]
        if states:
            state_rows = np.repeat(np.asarray(surround, dtype=np.int64), list(map(len, states)))
            pieces.append((np.fromiter(chain.from_iterable(states), dtype=np.int64, count=len(state_rows)), state_rows))
        ids = np.concatenate([p[0] for p in pieces]) if pieces else _NO_IDS
        row_of = np.concatenate([p[1] for p in pieces]) if pieces else _NO_IDS
        known = ids >= 0
        return rows, ids[known], row_of[known]

    def _logits(self, rows: int, ids: np.ndarray, row_of: np.ndarray, wanted: tuple[int, ...]) -> np.ndarray:
        """Rows × wanted families: intercept plus the sum of TF-IDF × weight, as :meth:`TurnModel.score` computes it."""
        table, weights_by_block, intercepts = self._tables(wanted)
        keys, counts = np.unique(row_of * self.size + ids, return_counts=True)
        row_of, ids = np.divmod(keys, self.size)
        # features.tfidf, on every row at once: sublinear TF × IDF, L2 norm per row and block, floor on the words' block.
        rows_of_table = table[ids]
        values = (1.0 + np.log(counts)) * rows_of_table[:, 0]
        blocks = rows_of_table[:, 1].astype(np.int64)
        width = len(BLOCKS)
        slots = row_of * width + blocks
        norms = np.sqrt(np.bincount(slots, weights=values * values, minlength=rows * width)).reshape(rows, width)
        norms[:, 0] = np.maximum(norms[:, 0], self.model.text_floor)
        inverse = np.divide(1.0, norms, out=np.zeros((rows, width)), where=norms > 0).ravel()
        products = (values * inverse[slots])[:, None] * weights_by_block[blocks] * rows_of_table[:, 2:]
        count = len(wanted)
        cells = (row_of[:, None] * count + np.arange(count)).ravel()
        sums = np.bincount(cells, weights=products.ravel(), minlength=rows * count).reshape(rows, count)
        return sums + intercepts


def _joined(arrays: list[np.ndarray], rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrays end to end, the row of each element, and the mask of the elements that end an array."""
    if not arrays:
        return _NO_IDS, _NO_IDS, np.zeros(0, dtype=bool)
    lengths = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
    joined = np.concatenate(arrays)
    last = np.zeros(len(joined), dtype=bool)
    ends = np.cumsum(lengths) - 1
    last[ends[ends >= 0]] = True
    return joined, np.repeat(np.asarray(rows, dtype=np.int64), lengths), last
