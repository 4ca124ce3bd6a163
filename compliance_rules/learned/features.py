"""Sparse features of one collector turn, shared by training and scanning.

A turn is seen through the scanner's own text analysis (normalised words,
lemmas), so chat shorthand, masked profanity and missing accents look the
same to the model as to the rules. Features:

- ``w:`` normalised words, ``n:`` their bigrams, ``l:`` lemmas, ``b:`` lemma bigrams of the turn;
- ``c:`` character 3–5-grams inside each normalised word (misspellings, ASR);
- ``p:`` lemmas and ``q:`` lemma bigrams of the turn before it;
- ``s:`` the dialogue state: whom the collector addresses, the requests
  standing, who spoke before, the channel.

Values are sublinear TF × IDF, L2-normalised over the whole vector.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from compliance_rules.text import AnalyzedText
from qa.domain import Family

TURN_FAMILIES: tuple[Family, ...] = (
    Family.THREAT,
    Family.ABUSIVE_LANGUAGE,
    Family.FALSE_CLAIM,
    Family.THIRD_PARTY_DISCLOSURE,
    Family.CEASE_VIOLATION,
)
PARTIES = ("consumer", "unconfirmed", "third_party", "spouse", "guarantor", "voicemail")
REQUESTS = ("stop", "attorney", "dispute", "channel")
# Feature prefixes a reader can recognise as words of the turn (used in explanations).
TEXT_PREFIXES = ("w:", "n:", "l:", "b:", "c:")
READABLE_PREFIXES = ("w:", "n:", "l:", "b:")


@dataclass(frozen=True)
class TurnView:
    """One collector turn as the model sees it."""

    text: AnalyzedText
    previous: AnalyzedText | None
    previous_speaker: str  # consumer | other | agent | none
    party: str  # one of PARTIES
    requests: frozenset[str]  # subset of REQUESTS standing before this turn
    channel: str
    jurisdiction: str

    @property
    def us(self) -> bool:
        return self.jurisdiction.split("-")[0] == "US"


def gate_open(family: Family | str, view: TurnView) -> bool:
    """Whether the law lets ``family`` apply to this turn at all.

    Disclosure needs a listener who is not the consumer (a spouse counts as
    the consumer in the US); a cease violation needs a standing request.
    Outside its gate a family is neither trained nor scored.
    """
    if family == Family.THIRD_PARTY_DISCLOSURE:
        return view.party != "consumer" and not (view.party == "spouse" and view.us)
    if family == Family.CEASE_VIOLATION:
        return bool(view.requests)
    return True


def _words(text: AnalyzedText) -> list[str]:
    return [part for token in text.tokens for part in token.norm.split() if part]


def _lemmas(text: AnalyzedText) -> list[str]:
    return [part for token in text.tokens for part in token.lemma.split() if part]


def word_features(word: str) -> list[str]:
    """The ``w:`` feature of one normalised word and its character 3–5-grams (``c:``), with repeats."""
    padded = f" {word} "
    return ["w:" + word, *("c:" + padded[i : i + size] for size in (3, 4, 5) for i in range(len(padded) - size + 1))]


def phrase_features(text: AnalyzedText) -> list[str]:
    """The turn's word bigrams (``n:``), lemmas (``l:``) and lemma bigrams (``b:``), with repeats."""
    words = _words(text)
    lemmas = _lemmas(text)
    names = [f"n:{first} {second}" for first, second in zip(words, words[1:], strict=False)]
    names.extend("l:" + lemma for lemma in lemmas)
    names.extend(f"b:{first} {second}" for first, second in zip(lemmas, lemmas[1:], strict=False))
    return names


def context_features(view: TurnView) -> list[str]:
    """Every feature of ``view`` beyond the per-word ones, with repeats: phrases, previous turn, state."""
    names = phrase_features(view.text)
    if view.previous is not None:
        before = _lemmas(view.previous)
        names.extend("p:" + lemma for lemma in before)
        names.extend(f"q:{first} {second}" for first, second in zip(before, before[1:], strict=False))
    names += ["s:party=" + view.party, "s:prev=" + view.previous_speaker, "s:channel=" + view.channel]
    names.extend("s:req=" + request for request in sorted(view.requests))
    if view.requests:
        names.append("s:req=any")
    return names


def text_counts(text: AnalyzedText) -> Counter[str]:
    """Counts of the turn's own features (``w:``, ``l:``, ``b:``, ``c:``)."""
    counts: Counter[str] = Counter()
    for word in _words(text):
        counts.update(word_features(word))
    counts.update(phrase_features(text))
    return counts


def turn_counts(view: TurnView) -> Counter[str]:
    """Raw counts of every feature of ``view``."""
    counts: Counter[str] = Counter()
    for word in _words(view.text):
        counts.update(word_features(word))
    counts.update(context_features(view))
    return counts


def words_of(text: AnalyzedText) -> list[str]:
    return _words(text)


def weight(count: float) -> float:
    """Sublinear term frequency."""
    return 1.0 + math.log(count) if count > 0 else 0.0
