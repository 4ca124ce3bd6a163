"""Text analysis shared by every phrase-based detector.

A turn becomes a list of tokens from ``spacy.blank(lang)``'s tokenizer, each
with a normalised surface form (lower case, accents stripped, chat
abbreviations expanded, fillers dropped) and a lemma from the
``spacy-lookups-data`` lookup table. Patterns are matched against two
streams built from those tokens — surface forms and lemmas — so that
``"le embargaremos"`` matches a pattern written as ``embargar`` and ASR text
without punctuation or capitals matches the same patterns as written text.
Every token keeps its character offsets in the original text, so a match
maps back to an exact ``span`` and ``evidence``.

Before tokenising, text that could hide a word from the patterns is normalised
(:func:`matching_form`): Unicode NFKC (full-width and mathematical letters,
ligatures), invisible characters removed (zero-width spaces and joiners, soft
hyphens, bidi controls), and Cyrillic and Greek letters that look like Latin ones
folded to them ("c\u0430rcel" with a Cyrillic ``а``). The offsets still point into
the original text, so the evidence of "arr\u200bested" is those nine characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import spacy
from confusable_homoglyphs.confusables import confusables_data
from spacy.attrs import IDX, LENGTH
from spacy.util import load_language_data, registry

from compliance_rules.chunks import ChunkSplitter
from compliance_rules.shorthand import (
    CHAT_EN as _CHAT_EN,
)
from compliance_rules.shorthand import (
    CHAT_ES as _CHAT_ES,
)
from compliance_rules.shorthand import (
    EN_BARE_CLITICS as _EN_BARE_CLITICS,
)
from compliance_rules.shorthand import (
    EN_CLITIC_HOSTS as _EN_CLITIC_HOSTS,
)
from compliance_rules.shorthand import (
    EN_CLITICS as _EN_CLITICS,
)
from compliance_rules.shorthand import (
    FILLERS as _FILLERS,
)
from compliance_rules.shorthand import (
    MASKABLE as _MASKABLE,
)
from qa.folding import fold

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_WORD_CHARS = re.compile(r"[^\W_]+(?:[*][^\W_]*)*", re.UNICODE)
_MIXED_ALNUM = re.compile(r"(?=.*[a-z])(?=.*[0-9@$])")


# Default-ignorable code points that are not format characters (category Cf, dropped as a
# class): the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian
# variation selectors and the variation selectors. Unicode's DerivedCoreProperties.txt.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)


def _ignorable(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) == "Cf" or any(lo <= code <= hi for lo, hi in _IGNORABLE_RANGES)


def _lookalikes() -> dict[str, str]:
    """Cyrillic and Greek letters that Unicode's confusables data (UTS #39) lists as an ASCII letter.

    ``confusable-homoglyphs`` ships the data file in the package; nothing is downloaded.
    Its skeletons map a capital I and l alike to ``l``; a capital look-alike of the vertical
    stroke (Greek Ι, Cyrillic І and Ӏ) stands for ``I`` in the words it hides, so it folds to that.
    """
    table: dict[str, str] = {}
    for char, entries in confusables_data.items():
        if len(char) != 1 or not unicodedata.name(char, "").startswith(("CYRILLIC ", "GREEK ")):
            continue
        latin = next((e["c"] for e in entries if len(e["c"]) == 1 and e["c"].isascii() and e["c"].isalpha()), None)
        if latin is not None:
            table[char] = "I" if latin == "l" and char.isupper() else latin
    return table


_LOOKALIKE = _lookalikes()
_PLAIN_CHARS: dict[str, bool] = {}


def _plain(char: str) -> bool:
    """Whether ``char`` needs no normalisation before matching (cached; only non-ASCII chars are asked)."""
    known = _PLAIN_CHARS.get(char)
    if known is None:
        known = (
            char not in _LOOKALIKE and not _ignorable(char) and unicodedata.is_normalized("NFKC", char) and len(char.lower()) == 1
        )
        if len(_PLAIN_CHARS) < 100_000:
            _PLAIN_CHARS[char] = known
    return known


def matching_form(text: str, apostrophes: bool = False) -> tuple[str, tuple[int, ...] | None, tuple[int, ...] | None]:
    """The lower-cased text that patterns are matched against, and where each of its characters came from.

    Returns ``(form, starts, ends)``: character ``i`` of ``form`` comes from ``text[starts[i]:ends[i]]``.
    ``starts`` and ``ends`` are None when ``form`` has the length of ``text`` and character ``i``
    comes from character ``i`` (the usual case, checked first and cheaply). ``apostrophes``
    also reads the typographic apostrophe ``’`` as ``'`` (English clitics).
    """
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and all(_plain(c) for c in set(text) if c > "\x7f")):
        lowered = text.lower()
        return (lowered.replace("\u2019", "'") if apostrophes else lowered), None, None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        # A base character with its combining marks, so that NFKC can compose them.
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = unicodedata.normalize("NFKC", text[i:j])
        piece = "".join(_LOOKALIKE.get(c, c) for c in cluster if not _ignorable(c)).lower()
        if apostrophes:
            piece = piece.replace("\u2019", "'")
        out.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    return "".join(out), tuple(starts), tuple(ends)


#: Lower-case and remove diacritics (``ñ`` becomes ``n``): the project's one folding, :func:`qa.folding.fold`.
strip_accents = fold


class Token(NamedTuple):
    norm: str
    lemma: str
    start: int
    end: int


_CHUNKS = re.compile(r"\S+")  # what spaCy's tokenizer splits at: str.isspace() runs


class _Chunk(NamedTuple):
    """One whitespace-free chunk analysed: its tokens, its first and last tokenizer pieces."""

    tokens: tuple[Token, ...]
    first: str
    last: str
    # An English "n't" came before any token of the chunk: it may turn the previous chunk's "wo" into "will".
    orphan_clitic: bool


@dataclass(frozen=True, slots=True)
class Stream:
    """Tokens each followed by one space, with each token's offset in ``text``."""

    text: str
    offsets: tuple[int, ...]

    def token_at(self, char: int) -> int:
        """Index of the token containing (or starting after) character ``char``."""
        lo, hi = 0, len(self.offsets) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.offsets[mid] <= char:
                lo = mid
            else:
                hi = mid - 1
        return lo


@dataclass(frozen=True, slots=True)
class AnalyzedText:
    """One turn's text, ready for pattern matching."""

    raw: str
    language: str
    tokens: tuple[Token, ...]
    surface: Stream
    lemmas: Stream
    is_question: bool
    # Per-turn results of lexicon lookups, filled by LexiconSet.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def words(self) -> frozenset[str]:
        """Every surface form and lemma of the turn."""
        cached = self.memo.get("words")
        if cached is None:
            cached = frozenset([t.norm for t in self.tokens] + [t.lemma for t in self.tokens])
            self.memo["words"] = cached
        return cached

    def span_of(self, first: int, last: int) -> tuple[int, int]:
        """Character span in ``raw`` covering tokens ``first..last``."""
        return self.tokens[first].start, self.tokens[last].end


def _stream(forms: list[str]) -> Stream:
    # Each form is followed by one space: offsets are the running sum of the lengths plus one.
    offsets = tuple(accumulate([len(form) + 1 for form in forms[:-1]], initial=0)) if forms else ()
    # The trailing space lets every compiled pattern element end in a space.
    return Stream(" ".join(forms) + " ", offsets)


def _lemma_lookup(language: str) -> dict[str, str]:
    """The ``lemma_lookup`` table of ``spacy-lookups-data`` for ``language``, as a plain dict.

    This is the table spaCy's lookup-mode lemmatizer consults (lemma = table[form], else
    the form). Reading it directly skips building spaCy's hashed ``Table``, which took
    about 1.4 s per language at every process start, for the same lemmas.
    """
    data = registry.lookups.get(language)
    return dict(load_language_data(data["lemma_lookup"]))


#: Analysed turns kept per language, least recently used dropped first. Enough for what truly repeats
#: (greetings, the mini-Miranda, short answers); a stream of distinct texts must not grow memory (issue 14:
#: ingest analyses each text twice, scan and call outcomes, so every text used to be kept, up to 200,000).
CACHED_TEXTS = 2048
#: Hashes of texts analysed once, remembered to spot a repeat (emptied when full).
SEEN_TEXTS = 200_000


class Analyzer:
    """Tokenises and lemmatises turns for one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._nlp = spacy.blank(language)
        self._lookup = _lemma_lookup(language)
        self._chat = _CHAT_ES if language == "es" else _CHAT_EN
        self._fillers = _FILLERS[language]
        # Analysed turns kept for texts that repeat (greetings, the mini-Miranda, "sí, con él"): a text
        # enters on its second sight. Most turns never repeat, and keeping them all made every full
        # collection walk millions of tokens.
        self._cache: OrderedDict[str, AnalyzedText] = OrderedDict()  # at most CACHED_TEXTS, LRU
        self._seen: set[int] = set()  # hashes of texts analysed once (at most SEEN_TEXTS, emptied when full)
        self._forms: dict[str, tuple[str, str]] = {}
        self._maskable = _MASKABLE[language]
        self._chunks: dict[str, _Chunk] = {}
        self._splitter = ChunkSplitter(self._nlp.tokenizer)
        self._special_pairs = self._splitter.pairs

    def _form(self, form: str) -> tuple[str, str]:
        """Normalised surface form and lemma of one lower-cased word."""
        known = self._forms.get(form)
        if known is not None:
            return known
        norm = strip_accents(form)
        if _MIXED_ALNUM.match(norm) and not norm.isdigit():
            norm = norm.translate(_LEET)
        if "*" in norm:
            norm = self._unmask(norm)
        lemma = self._lookup.get(form)
        result = (norm, strip_accents(lemma) if isinstance(lemma, str) else norm)
        if len(self._forms) < 500_000:
            self._forms[form] = result
        return result

    def _unmask(self, masked: str) -> str:
        shape = re.compile("[a-z]{0,3}".join(re.escape(part) for part in masked.split("*")) + "$")
        return next((word for word in self._maskable if shape.match(word)), masked.replace("*", ""))

    def analyze(self, text: str) -> AnalyzedText:
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        lowered, starts, ends = matching_form(text, apostrophes=self.language == "en")
        # Offsets map one to one (the usual case): tokens come from the word chunks, each analysed once.
        found = self._tokens_by_chunk(lowered) if starts is None else None
        if found is not None:
            tokens = found
        else:
            tokens = []
            doc = self._nlp.tokenizer(lowered)
            # Offsets straight from the Doc's arrays: iterating Token objects costs
            # more than the rest of the analysis.
            self._add_tokens(lowered, doc.to_array([IDX, LENGTH]).tolist() if len(doc) else (), tokens)
        if starts is not None and ends is not None:
            # Offsets so far are into the normalised form; spans must point into the original text.
            tokens = [Token(t.norm, t.lemma, starts[t.start], ends[t.end - 1]) for t in tokens]
        if not tokens:
            tokens = [Token("", "", 0, 0)]
        analyzed = AnalyzedText(
            raw=text,
            language=self.language,
            tokens=tuple(tokens),
            surface=_stream([t.norm for t in tokens]),
            lemmas=_stream([t.lemma for t in tokens]),
            is_question="?" in lowered,
        )
        key = hash(text)
        if key in self._seen:
            self._cache[text] = analyzed
            if len(self._cache) > CACHED_TEXTS:
                self._cache.popitem(last=False)
        else:
            if len(self._seen) >= SEEN_TEXTS:
                self._seen.clear()
            self._seen.add(key)
        return analyzed

    def _add_tokens(self, lowered: str, spans: Iterable[tuple[int, int]], tokens: list[Token]) -> bool:
        """Append the tokens of the tokenizer's ``(start, length)`` spans of ``lowered`` to ``tokens``.

        Returns True when an English ``n't`` came while ``tokens`` was still empty: its host
        ("wo", "ca") may be the last token before ``lowered`` (see :meth:`_tokens_by_chunk`).
        """
        orphan_clitic = False
        for start, length in spans:
            piece = lowered[start : start + length]
            if piece.strip("*") == "" and tokens and tokens[-1].end == start:
                # The tokenizer split a trailing mask off ("pendej*"): rejoin it.
                word = self._unmask(tokens[-1].norm + piece)
                tokens[-1] = Token(word, word, tokens[-1].start, start + length)
                continue
            glued = bool(tokens) and tokens[-1].end == start
            if self.language == "en" and (piece in _EN_CLITICS or (glued and piece in _EN_BARE_CLITICS)):
                if piece in ("n't", "nt") and tokens and tokens[-1].norm in _EN_CLITIC_HOSTS:
                    host = tokens[-1]
                    full = _EN_CLITIC_HOSTS[host.norm]
                    tokens[-1] = Token(full, full, host.start, host.end)
                orphan_clitic |= piece == "n't" and not tokens
                word = _EN_CLITICS.get(piece) or _EN_BARE_CLITICS[piece]
                tokens.append(Token(word, word, start, start + len(piece)))
                continue
            # Most tokens are plain words; only mixed ones ("f*ck", "d3adbeat!")
            # need splitting into word pieces.
            pieces = (
                ((piece, start, start + len(piece)),)
                if piece.isalnum()
                else ((w.group(), start + w.start(), start + w.end()) for w in _WORD_CHARS.finditer(piece))
            )
            for form, w_start, w_end in pieces:
                norm, lemma = self._form(form)
                if norm in self._fillers:
                    continue
                expansion = self._chat.get(norm)
                if expansion is not None:
                    for part in expansion.split():
                        tokens.append(Token(part, part, w_start, w_end))
                    continue
                tokens.append(Token(norm, lemma, w_start, w_end))
        return orphan_clitic

    def _chunk(self, chunk: str) -> _Chunk:
        """The tokens of one whitespace-free chunk, offsets relative to it (cached: words repeat)."""
        known = self._chunks.get(chunk)
        if known is None:
            spans = self._splitter.spans(chunk)
            tokens: list[Token] = []
            orphan = self._add_tokens(chunk, spans, tokens)
            first, last = spans[0], spans[-1]
            known = _Chunk(tuple(tokens), chunk[first[0] : first[0] + first[1]], chunk[last[0] : last[0] + last[1]], orphan)
            if len(self._chunks) < 500_000:
                self._chunks[chunk] = known
        return known

    def _tokens_by_chunk(self, lowered: str) -> list[Token] | None:
        """The tokens of ``lowered`` from its whitespace-separated chunks; None where that could differ.

        spaCy splits a text at whitespace and tokenises each chunk on its own; only its special
        cases (emoticons, "a.m.") are matched across the whole text afterwards. A chunk's tokens
        are therefore the text's tokens unless a special case could span the single space between
        two chunks (the pair of tokens there occurs in one): then the caller tokenises the whole text.
        """
        parts = lowered.split()
        if lowered.count(" ") == len(parts) - 1 and len(lowered) == sum(map(len, parts)) + len(parts) - 1:
            # Words one space apart (the usual case): their offsets follow from their lengths.
            offsets, position = [], 0
            for part in parts:
                offsets.append(position)
                position += len(part) + 1
            chunks = zip(offsets, parts, strict=True)
        else:
            chunks = ((found.start(), found.group()) for found in _CHUNKS.finditer(lowered))
        tokens: list[Token] = []
        pairs, known, new = self._special_pairs, self._chunks, tuple.__new__
        last_end, last_orth = -2, ""
        for start, text in chunks:
            chunk = known.get(text) or self._chunk(text)
            if start == last_end + 1 and lowered[last_end] == " " and (last_orth, chunk.first) in pairs:
                return None
            if chunk.orphan_clitic and tokens and tokens[-1].norm in _EN_CLITIC_HOSTS:
                host = tokens[-1]
                full = _EN_CLITIC_HOSTS[host.norm]
                tokens[-1] = Token(full, full, host.start, host.end)
            if start:
                # tuple.__new__ skips the named tuple's Python-level constructor: tokens are made per turn.
                tokens.extend([new(Token, (n, lemma, s + start, e + start)) for n, lemma, s, e in chunk.tokens])
            else:
                tokens.extend(chunk.tokens)
            last_end, last_orth = start + len(text), chunk.last
        return tokens


@lru_cache(maxsize=4)
def analyzer_for(language: str) -> Analyzer:
    return Analyzer(language)


_ES_HINTS = frozenset(
    """que de la el los las por para usted su sus le lo una un es con no se del al esta esto pero pago deuda hola buenos
    buenas senor senora""".split()
)
_EN_HINTS = frozenset(
    "the you your is are to and of this that for with have it be on not we my me calling debt pay balance hi hello".split()
)


def detect_language(texts: list[str]) -> str:
    """Guess ``es`` or ``en`` from function words; Spanish wins ties."""
    es = en = 0
    for text in texts:
        for word in strip_accents(text).split():
            word = word.strip(".,;:!?¿¡\"'()")
            es += word in _ES_HINTS
            en += word in _EN_HINTS
    return "en" if en > es else "es"
