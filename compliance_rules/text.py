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
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import spacy
from spacy.attrs import IDX, LENGTH
from spacy.util import load_language_data, registry

# Chat and SMS shorthand, expanded before matching. Keys are normalised
# (lower case, no accents) single tokens.
_CHAT_ES = {
    "q": "que",
    "k": "que",
    "xq": "porque",
    "pq": "porque",
    "porq": "porque",
    "xk": "porque",
    "x": "por",
    "tb": "tambien",
    "tmb": "tambien",
    "d": "de",
    "dl": "del",
    "pa": "para",
    "msj": "mensaje",
    "bn": "bien",
    "hdp": "hijo de puta",
    "hp": "hijueputa",
    "ptm": "puta madre",
    "ud": "usted",
    "uds": "ustedes",
    "vd": "usted",
    "sr": "senor",
    "sra": "senora",
    "tqm": "",
    "porfa": "por favor",
    "xfa": "por favor",
    "pls": "por favor",
    "nd": "nada",
    "ntp": "no te preocupes",
}
_CHAT_EN = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "y": "why",
    "pls": "please",
    "plz": "please",
    "b4": "before",
    "2day": "today",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "cuz": "because",
    "bc": "because",
    "coz": "because",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "dont": "do not",
    "wont": "will not",
    "cant": "can not",
    "didnt": "did not",
    "doesnt": "does not",
    "isnt": "is not",
    "im": "i am",
    "youre": "you are",
    "thats": "that is",
    "ya": "you",
    "n": "and",
    "thx": "thanks",
    "msg": "message",
    "acct": "account",
    "bal": "balance",
    "amt": "amount",
    "asap": "as soon as possible",
    "wtf": "what the fuck",
    "stfu": "shut the fuck up",
    "pos": "piece of shit",
}
# Spoken hesitations that ASR keeps and that would break adjacency in patterns.
_FILLERS = {
    "es": frozenset({"eh", "ehh", "em", "emm", "mm", "mmm", "hmm", "osea", "pues", "bueno", "ah", "aja", "mhm"}),
    "en": frozenset({"uh", "um", "umm", "uhh", "er", "erm", "hmm", "mm", "mmm", "ah", "mhm"}),
}
# English clitics as spaCy's tokenizer splits them ("won't" -> "wo" + "n't").
_EN_CLITICS = {"n't": "not", "'ll": "will", "'re": "are", "'ve": "have", "'m": "am", "'d": "would"}
# The same clitics typed without the apostrophe ("doesnt", "youre"), which the
# tokenizer also splits off; they only count when glued to the word before.
_EN_BARE_CLITICS = {"nt": "not", "re": "are", "ve": "have", "m": "am", "ll": "will"}
_EN_CLITIC_HOSTS = {"wo": "will", "ca": "can", "ai": "is", "sha": "shall"}
# Words that chat writers mask with asterisks ("p*ta", "h*ev*n", "f*cking"):
# a masked token is read as the first of these it can stand for.
_MASKABLE = {
    "es": """hijueputa hijoputa puta puto putas mierda pendejo pendeja pendejos huevon huevona guevon marica maricon malparido
    malparida cabron cabrona carajo verga chingada chingado chingar culero culera gonorrea conchesumadre culiao weon aweonao
    pelotudo pelotuda boludo boluda imbecil idiota estupido estupida""".split(),
    "en": """fucking fucker fucked fuck motherfucker shit shitty bullshit bitch bastard asshole dumbass jackass cunt dick prick
    damn goddamn idiot moron stupid retard""".split(),
}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_WORD_CHARS = re.compile(r"[^\W_]+(?:[*][^\W_]*)*", re.UNICODE)
_MIXED_ALNUM = re.compile(r"(?=.*[a-z])(?=.*[0-9@$])")


def strip_accents(text: str) -> str:
    """Lower-case ``text`` and remove diacritics (``ñ`` becomes ``n``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Token(NamedTuple):
    norm: str
    lemma: str
    start: int
    end: int


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
            cached = frozenset(t.norm for t in self.tokens) | frozenset(t.lemma for t in self.tokens)
            self.memo["words"] = cached
        return cached

    def span_of(self, first: int, last: int) -> tuple[int, int]:
        """Character span in ``raw`` covering tokens ``first..last``."""
        return self.tokens[first].start, self.tokens[last].end


def _stream(forms: list[str]) -> Stream:
    offsets, pos = [], 0
    for form in forms:
        offsets.append(pos)
        pos += len(form) + 1
    # The trailing space lets every compiled pattern element end in a space.
    return Stream(" ".join(forms) + " ", tuple(offsets))


def _lemma_lookup(language: str) -> dict[str, str]:
    """The ``lemma_lookup`` table of ``spacy-lookups-data`` for ``language``, as a plain dict.

    This is the table spaCy's lookup-mode lemmatizer consults (lemma = table[form], else
    the form). Reading it directly skips building spaCy's hashed ``Table``, which took
    about 1.4 s per language at every process start, for the same lemmas.
    """
    data = registry.lookups.get(language)
    return dict(load_language_data(data["lemma_lookup"]))


class Analyzer:
    """Tokenises and lemmatises turns for one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._nlp = spacy.blank(language)
        self._lookup = _lemma_lookup(language)
        self._chat = _CHAT_ES if language == "es" else _CHAT_EN
        self._fillers = _FILLERS[language]
        self._cache: dict[str, AnalyzedText] = {}
        self._forms: dict[str, tuple[str, str]] = {}
        self._maskable = _MASKABLE[language]

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
            return cached
        lowered = text.lower()
        if self.language == "en":
            lowered = lowered.replace("\u2019", "'")
        tokens: list[Token] = []
        doc = self._nlp.tokenizer(lowered)
        # Offsets straight from the Doc's arrays: iterating Token objects costs
        # more than the rest of the analysis.
        for start, length in doc.to_array([IDX, LENGTH]).tolist() if len(doc) else ():
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
        if not tokens:
            tokens = [Token("", "", 0, 0)]
        analyzed = AnalyzedText(
            raw=text,
            language=self.language,
            tokens=tuple(tokens),
            surface=_stream([t.norm for t in tokens]),
            lemmas=_stream([t.lemma for t in tokens]),
            is_question="?" in text,
        )
        if len(self._cache) < 200_000:
            self._cache[text] = analyzed
        return analyzed


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
