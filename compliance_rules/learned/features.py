"""Sparse features of one collector turn, shared by training and scanning.

A turn is seen through the scanner's own text analysis (normalised words,
lemmas), so chat shorthand, masked profanity and missing accents look the
same to the model as to the rules. Features:

- ``w:`` normalised words, ``n:`` their bigrams, ``l:`` lemmas, ``b:`` lemma bigrams of the turn;
- ``c:`` character 3–5-grams inside each normalised word (misspellings, ASR);
- ``p:`` lemmas and ``q:`` lemma bigrams of the turn before it;
- ``s:`` the dialogue state: whom the collector addresses, the requests
  standing, who spoke before, the channel.

Values are sublinear TF × IDF, L2-normalised within each block — the turn's
own words, the turn before, the state — and the block then scaled by the
family's weight for it: context counts only where the law makes it count
(threats, insults and false claims are judged on the collector's words alone,
disclosure and cease violations also on who is listening and what was asked).
The words' block is divided by at least ``TEXT_NORM_FLOOR``, so a two-word turn
("está bien", "go ahead") carries less evidence than a sentence instead of
having its few n-grams blown up to unit length.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from compliance_rules.learned.corpus_format import FAMILY_NAMES, PARTIES, REQUESTS  # noqa: F401 - one vocabulary
from compliance_rules.text import AnalyzedText
from qa.domain import Family

TURN_FAMILIES: tuple[Family, ...] = (
    Family.THREAT,
    Family.ABUSIVE_LANGUAGE,
    Family.FALSE_CLAIM,
    Family.THIRD_PARTY_DISCLOSURE,
    Family.CEASE_VIOLATION,
)
assert FAMILY_NAMES == tuple(f.value for f in TURN_FAMILIES), "the corpus format names the same families"
# Feature prefixes a reader can recognise as words of the turn (used in explanations).
TEXT_PREFIXES = ("w:", "n:", "l:", "b:", "c:")
READABLE_PREFIXES = ("w:", "n:", "l:", "b:")
#: What a consumer's turn can say (the consumer-turn classifier; training/consumer/BRIEF.md).
CONSUMER_SIGNALS: tuple[str, ...] = (
    "stop",
    "attorney",
    "dispute",
    "channel",
    "refusal",
    "promise",
    "hardship",
    "callback",
    "confirms_identity",
    "wrong_party",
)
#: Feature blocks, each L2-normalised on its own: 0 the turn's words, 1 the turn before, 2 the state.
BLOCKS = ("text", "previous", "state")


def block_of(name: str) -> int:
    return 2 if name.startswith("s:") else 1 if name.startswith(("p:", "q:")) else 0


#: Smallest norm the words' block is divided by (about the norm of an eight-word turn).
TEXT_NORM_FLOOR = 40.0
#: Per family, the weight of each block (text, previous, state).
DEFAULT_BLOCK_WEIGHTS: dict[str, tuple[float, float, float]] = {
    "threat": (1.0, 0.0, 0.0),
    "abusive_language": (1.0, 0.0, 0.0),
    "false_claim": (1.0, 0.0, 0.0),
    "third_party_disclosure": (1.0, 0.5, 0.5),
    "cease_violation": (1.0, 0.5, 0.5),
}


def tfidf(
    counts: np.ndarray, idf: np.ndarray, blocks: np.ndarray, block_weights: np.ndarray, text_floor: float = TEXT_NORM_FLOOR
) -> np.ndarray:
    """Sublinear TF × IDF, L2-normalised per block; one column per row of ``block_weights`` (families × blocks).

    Training and scanning both call this, so the two compute the same numbers.
    """
    values = (1.0 + np.log(counts)) * idf
    norms = np.sqrt(np.bincount(blocks, weights=values * values, minlength=len(BLOCKS)))
    norms[0] = max(norms[0], text_floor)
    inverse = np.divide(1.0, norms, out=np.zeros(len(BLOCKS)), where=norms > 0)
    return (values * inverse[blocks])[:, None] * np.atleast_2d(block_weights).T[blocks]


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
    return phrase_features(view.text) + surround_features(view)


def surround_features(view: TurnView) -> list[str]:
    """The previous turn's lemmas and bigrams and the dialogue state, with repeats."""
    names: list[str] = []
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
