"""Named phrase lists (lexicons) and the pruning applied to their matches.

Lexicons live in ``compliance_rules/lexicons/*.yaml`` and are shared by the
rules of every jurisdiction that speaks the language. A match survives only
if it is not negated ("no lo vamos a demandar", "you will not be arrested")
and no lawful-context phrase of the same lexicon appears in the same
sentence ("como lo permite su contrato", "as allowed by law"). Every pruned
match is recorded with its reason, so a tuning session can see what the
pruning stages removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from compliance_rules.patterns import ANY, CompiledPattern, Match, PatternError, compile_pattern
from compliance_rules.schema import Lexicon
from compliance_rules.text import AnalyzedText, Stream

LEXICON_DIR = Path(__file__).parent / "lexicons"

NEGATORS = {
    "es": frozenset({"no", "nunca", "jamas", "tampoco", "ni", "nadie", "nada", "ningun", "ninguna", "ninguno"}),
    "en": frozenset({"not", "never", "no", "nobody", "nothing", "none", "neither", "nor", "without"}),
}
# A negator right after one of these belongs to a condition ("si no paga,
# lo demandamos"; "if you don't pay we'll sue"), not to the main clause.
CONDITIONALS = {
    "es": frozenset({"si", "mientras", "hasta", "salvo", "cuando", "menos"}),
    "en": frozenset({"if", "unless", "until", "till", "when", "once"}),
}
# "por no pagar" / "for not paying": the negation is the cause, not the claim.
CAUSAL = {"es": "por", "en": "for"}
CLAUSE_WORDS = {
    "es": frozenset({"pero", "sino", "entonces", "porque", "aunque", "asi", "igual", "luego", "despues", "solo"}),
    "en": frozenset({"but", "then", "because", "although", "though", "so", "otherwise", "else"}),
}
_CLAUSE_PUNCT = re.compile(r"[.;:!?,\n]")
_SENTENCE_PUNCT = re.compile(r"[.!?;\n]+")


class LexiconError(ValueError):
    """A lexicon file that does not validate; the message names the file."""


@dataclass(frozen=True)
class Pruned:
    """A match removed by a pruning stage, and why."""

    lexicon: str
    pattern: str
    reason: str


@dataclass(frozen=True)
class _Compiled:
    patterns: tuple[CompiledPattern, ...]
    unless: tuple[CompiledPattern, ...]
    negatable: bool
    negation_window: int
    match_lemmas: bool
    unless_turn: bool


def _clause_break(text: AnalyzedText, left: int, right: int) -> bool:
    """True if punctuation separates token ``left`` from token ``right``."""
    gap = text.raw[text.tokens[left].end : text.tokens[right].start]
    return bool(_CLAUSE_PUNCT.search(gap))


def _is_negator(tokens: tuple, index: int, negators: frozenset[str]) -> bool:
    norm = tokens[index].norm
    if norm not in negators:
        return False
    # "nada más" / "no más" mean "just" in Latin American Spanish.
    return not (norm in ("nada", "no") and index + 1 < len(tokens) and tokens[index + 1].norm == "mas")


def negation_of(text: AnalyzedText, match: Match, window: int = 6) -> str | None:
    """The negator that scopes over ``match``, or None.

    Looks inside what the pattern's gaps swallowed, then back from the match
    up to ``window`` tokens, stopping at a clause boundary. A negator right
    after "si" / "if" belongs to a condition and does not count.
    """
    lang = text.language
    negators, conditionals, clause_words = NEGATORS[lang], CONDITIONALS[lang], CLAUSE_WORDS[lang]
    tokens = text.tokens
    for index in match.free:
        if _is_negator(tokens, index, negators):
            return tokens[index].norm
    index = match.first - 1
    while index >= 0 and match.first - index <= window:
        norm = tokens[index].norm
        if norm in clause_words or _clause_break(text, index, index + 1):
            return None
        if _is_negator(tokens, index, negators):
            before = {t.norm for t in tokens[max(0, index - 3) : index]}
            if before & conditionals or (index > 0 and tokens[index - 1].norm == CAUSAL[lang]):
                return None
            return norm
        index -= 1
    return None


def sentence_bounds(text: AnalyzedText, match: Match) -> tuple[int, int]:
    """Token range ``[first, last]`` of the sentence that holds ``match``."""
    first = match.first
    while first > 0 and not _SENTENCE_PUNCT.search(text.raw[text.tokens[first - 1].end : text.tokens[first].start]):
        first -= 1
    last = match.last
    while last < len(text.tokens) - 1 and not _SENTENCE_PUNCT.search(
        text.raw[text.tokens[last].end : text.tokens[last + 1].start]
    ):
        last += 1
    return first, last


class _TriggerIndex:
    """Which patterns can match a turn, from the words the turn contains.

    Every word of the language's vocabulary is looked up once (cached): the patterns it can
    trigger, and which of the patterns' mandatory elements ("requirement groups") it fills. A
    pattern is a candidate in a turn when a word triggers it and every one of its groups is
    filled by some word of the turn, which is :meth:`CompiledPattern.may_match` done in sets.
    """

    def __init__(self) -> None:
        self.exact: dict[str, set[CompiledPattern]] = {}
        self.prefixes: dict[int, dict[str, set[CompiledPattern]]] = {}
        self.always: frozenset[CompiledPattern] = frozenset()
        self._group_ids: dict[tuple[frozenset[str], tuple[str, ...]], int] = {}
        self._group_exact: dict[str, set[int]] = {}
        self._group_prefixes: dict[int, dict[str, set[int]]] = {}
        # Per pattern, the ids of its requirement groups.
        self.groups_of: dict[CompiledPattern, frozenset[int]] = {}
        self._by_word: dict[str, tuple[frozenset[CompiledPattern], frozenset[int]]] = {}

    def add(self, pattern: CompiledPattern) -> None:
        for trigger in pattern.triggers:
            if trigger == ANY:
                self.always |= {pattern}
            elif trigger.endswith("*"):
                stem = trigger[:-1]
                self.prefixes.setdefault(len(stem), {}).setdefault(stem, set()).add(pattern)
            else:
                self.exact.setdefault(trigger, set()).add(pattern)
        ids = set()
        for group in pattern.requirements:
            known = self._group_ids.get(group)
            if known is None:
                known = self._group_ids[group] = len(self._group_ids)
                exact, prefixes = group
                for word in exact:
                    self._group_exact.setdefault(word, set()).add(known)
                for stem in prefixes:
                    self._group_prefixes.setdefault(len(stem), {}).setdefault(stem, set()).add(known)
            ids.add(known)
        self.groups_of[pattern] = frozenset(ids)
        self._by_word.clear()

    def _for_word(self, word: str) -> tuple[frozenset[CompiledPattern], frozenset[int]]:
        """The patterns ``word`` triggers and the requirement groups it fills (cached per word)."""
        known = self._by_word.get(word)
        if known is None:
            found = set(self.exact.get(word, ()))
            for length, stems in self.prefixes.items():
                if len(word) >= length:
                    found |= stems.get(word[:length], set())
            groups = set(self._group_exact.get(word, ()))
            for length, group_stems in self._group_prefixes.items():
                if len(word) >= length:
                    groups |= group_stems.get(word[:length], set())
            known = (frozenset(found), frozenset(groups))
            if len(self._by_word) < 500_000:
                self._by_word[word] = known
        return known

    def candidates(self, words: frozenset[str]) -> list[CompiledPattern]:
        """The patterns that may match a turn with these words (each requirement group filled)."""
        found = set(self.always)
        filled: set[int] = set()
        by_word, for_word = self._by_word, self._for_word
        for word in words:
            patterns, groups = by_word.get(word) or for_word(word)
            if patterns:
                found |= patterns
            if groups:
                filled |= groups
        groups_of = self.groups_of
        return [pattern for pattern in found if groups_of[pattern] <= filled]


class LexiconSet:
    """All lexicons, compiled per language."""

    def __init__(self, lexicons: dict[str, Lexicon], classes: dict[str, dict[str, list[str]]], use_index: bool = True) -> None:
        self.lexicons = lexicons
        # Without the index every pattern runs on every turn (the benchmark's baseline).
        self.use_index = use_index
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._index = {"es": _TriggerIndex(), "en": _TriggerIndex()}
        # Which lexicon each pattern belongs to, and its position there.
        self._owner: dict[CompiledPattern, tuple[str, int]] = {}
        self._candidates_key = (id(self), "candidates")
        for name, lexicon in lexicons.items():
            for lang in ("es", "en"):
                body = getattr(lexicon, lang)
                if body is None:
                    continue
                word_classes = classes.get(lang, {})
                try:
                    self._compiled[(name, lang)] = _Compiled(
                        tuple(compile_pattern(p, word_classes) for p in body.patterns),
                        tuple(compile_pattern(p, word_classes) for p in body.unless),
                        lexicon.negatable,
                        lexicon.negation_window,
                        lexicon.match_lemmas,
                        lexicon.unless_scope == "turn",
                    )
                except PatternError as exc:
                    raise LexiconError(f"lexicon {name!r} ({lang}): {exc}") from None
                for position, pattern in enumerate(self._compiled[(name, lang)].patterns):
                    self._index[lang].add(pattern)
                    self._owner[pattern] = (name, position)
        # Candidates sorted by this rank come grouped by lexicon, each in its patterns' order.
        self._rank = {pattern: rank for rank, pattern in enumerate(sorted(self._owner, key=self._owner.__getitem__))}

    @classmethod
    def load(cls, directory: Path = LEXICON_DIR, use_index: bool = True) -> LexiconSet:
        lexicons: dict[str, Lexicon] = {}
        classes: dict[str, dict[str, list[str]]] = {}
        for path in sorted(directory.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if path.stem == "classes":
                classes = data
                continue
            for raw in data if isinstance(data, list) else [data]:
                try:
                    lexicon = Lexicon.model_validate(raw)
                except ValidationError as exc:
                    raise LexiconError(f"{path}: {exc}") from None
                if lexicon.name in lexicons:
                    raise LexiconError(f"{path}: lexicon {lexicon.name!r} is defined twice")
                lexicons[lexicon.name] = lexicon
        return cls(lexicons, classes, use_index)

    def has(self, name: str) -> bool:
        return name in self.lexicons

    def find(self, name: str, text: AnalyzedText, pruned: list[Pruned] | None = None, negation: bool = True) -> Match | None:
        """The earliest surviving match of lexicon ``name`` in ``text``."""
        if self.use_index:
            # Fast path: most lexicons have no candidate pattern in a given turn.
            candidates = text.memo.get(self._candidates_key)
            if candidates is None:  # not "or": a turn where no lexicon has a candidate is an empty dict
                candidates = self._candidates(text)
            patterns = candidates.get(name)
            if not patterns:
                return None
        compiled = self._compiled.get((name, text.language))
        if compiled is None:
            return None
        if not self.use_index:
            patterns = compiled.patterns
        key = (self._candidates_key, name, negation)
        if key in text.memo:
            result, removed = text.memo[key]
            if pruned is not None:
                pruned.extend(removed)
            return result
        result: Match | None = None
        removed: list[Pruned] = []
        for pattern in patterns:
            for match in _matches(pattern, text, compiled.match_lemmas):
                if result is not None and match.first >= result.first:
                    break
                reason = self._prune_reason(compiled, text, match, negation)
                if reason is None:
                    result = match  # the earliest surviving match of any pattern
                    break
                removed.append(Pruned(name, pattern.source, reason))
        # The pruning record is kept with the result, so a repeated text reports it too.
        text.memo[key] = (result, tuple(removed))
        if pruned is not None:
            pruned.extend(removed)
        return result

    def _candidates(self, text: AnalyzedText) -> dict[str, list[CompiledPattern]]:
        """Per lexicon, the patterns that may match this turn, in lexicon order."""
        key = self._candidates_key
        found = text.memo.get(key)
        if found is None:
            found = {}
            rank, owner = self._rank, self._owner
            for pattern in sorted(self._index[text.language].candidates(text.words), key=rank.__getitem__):
                found.setdefault(owner[pattern][0], []).append(pattern)
            text.memo[key] = found
        return found

    def _prune_reason(self, compiled: _Compiled, text: AnalyzedText, match: Match, negation: bool) -> str | None:
        if negation and compiled.negatable:
            negator = negation_of(text, match, compiled.negation_window)
            if negator is not None:
                return f"negated by '{negator}'"
        if compiled.unless:
            first, last = (0, len(text.tokens) - 1) if compiled.unless_turn else sentence_bounds(text, match)
            sentence = text.surface.text[
                text.surface.offsets[first] : text.surface.offsets[last] + len(text.tokens[last].norm) + 1
            ]
            lemma_sentence = text.lemmas.text[
                text.lemmas.offsets[first] : text.lemmas.offsets[last] + len(text.tokens[last].lemma) + 1
            ]
            for pattern in compiled.unless:
                if pattern.regex.search(sentence) or pattern.regex.search(lemma_sentence):
                    return f"lawful context '{pattern.source}'"
        return None


def _matches(pattern: CompiledPattern, text: AnalyzedText, lemmas: bool) -> Iterator[Match]:
    """Every non-overlapping match, surface stream first, then lemmas."""
    streams = (text.surface, text.lemmas) if lemmas else (text.surface,)
    for stream in streams:
        for found in pattern.regex.finditer(stream.text):
            yield _to_match(pattern, stream, found)


def _to_match(pattern: CompiledPattern, stream: Stream, found: re.Match[str]) -> Match:
    first = stream.token_at(found.start())
    last = stream.token_at(max(found.start(), found.end() - 2))
    free: list[int] = []
    for name, value in found.groupdict().items():
        if value:
            free.extend(range(stream.token_at(found.start(name)), stream.token_at(found.end(name) - 2) + 1))
    return Match(pattern.source, first, last, tuple(free))
