"""Card numbers and security codes as speech recognition writes them, for :mod:`transcription.redaction`.

Speech recognition rarely writes a security code or a card number cleanly. It puts fillers between
the groups of a card ("4556 eh 7375 este 8689..."), mishears one digit of a code as a word
("uno más tres", "for five six", "sinco ocho cero") and garbles the question itself ("se ve ve",
"código de seguridá"). Two readings here tolerate that:

``code_reading``  the 3-4 digits of a code said after a security-code cue (or, digit by digit, in
                  the exchange that follows a card number): number words and numerals, fillers
                  skipped, and at most one short unknown word counted as a misheard digit when at
                  least two real digits are heard; the span runs from the first to the last of them.
``filler_gap``    whether the text between two numbers holds only fillers and separators, so that
                  card groups read with "eh", "uh", "o sea", "..." between them are one number.

Both look at a bounded window after a position, so redaction stays linear in the text's length.
"""

from __future__ import annotations

import re

from transcription.redaction_numbers import ATOM, SEPARATORS, Token, spoken_digits, tokenize

#: Hesitations between the groups of a number (folded). "o sea" is one filler of two words.
FILLERS = frozenset("eh ehh ehm em emm este mm mmm ah aja pues uh uhh um umm uhm er erm hmm".split())
_FILLER_GAP = re.compile(r"(?:[\s\-,./…]|\b(?:o sea|" + "|".join(sorted(FILLERS)) + r")\b)*")
#: Words that may stand between a cue and the code without being part of it ("el cvv es ...", "the code is ...").
_LEAD = frozenset(
    "es son seria sería el la los las de del que mi su numero número dice dicen si sí claro ok okay vale pues bueno "
    "is are it its it's s the my number says say yes yeah sure would be".split()
)
#: A correction before a code said again ("uno do tres, perdón, uno dos tres").
CORRECTIONS = re.compile(r"\b(?:perdon|perdone|digo|o sea|mejor dicho|disculpe|sorry|i mean|no wait|correction)\b")
#: An expiry date, not a code, follows these ("vence cero ocho dos siete", "expires zero nine two eight").
EXPIRY = re.compile(r"\b(?:vence|vencimiento|vto|venc|expira|expiracion|caduca|caducidad|expires?|expiration|exp|valid)\b")
_CORRECTION_WORDS = frozenset("perdon perdone digo disculpe sorry".split())
_UNKNOWN_MAX = 6  # letters in a word taken as one misheard digit ("más", "for", "sinco", "nuebe")
_UNKNOWN_MAX_UNCUED = 4  # without a cue ("más", "for", "do"; not "hijos" in "dos hijos tres")
#: Words that join two numbers and are no digit ("dos de tres cuotas", "one or two").
_JOINERS = frozenset("de del y o a en la el los las por para con sin of and or in the an".split())
_WINDOW = 80  # characters after the start position that a reading may span
_SINGLE = frozenset(
    "cero uno dos tres cuatro cinco seis siete ocho nueve zero oh one two three four five six seven eight nine".split()
)


def filler_gap(text: str) -> bool:
    """Whether ``text`` (folded, between two numbers) holds only fillers and separators."""
    return len(text) <= 24 and _FILLER_GAP.fullmatch(text) is not None


def _is_atom(token: Token) -> bool:
    return ATOM.fullmatch(token.norm) is not None


def _unknown(token: Token, longest: int = _UNKNOWN_MAX) -> bool:
    norm = token.norm
    return norm.isalpha() and len(norm) <= longest and norm not in FILLERS and norm not in _JOINERS and not _is_atom(token)


def code_reading(
    text: str, folded: str, start: int, after: int, *, unknown: bool = True, digit_by_digit: bool = False
) -> tuple[int, int] | None:
    """The span of a 3-4 digit code whose first number atom starts at ``start``, or ``None``.

    Fillers and separators between its pieces are skipped; with ``unknown``, one short unknown word
    between them, or right before them (but after ``after``, the cue's end), counts as a misheard
    digit, provided two real digits at least are heard. With ``digit_by_digit`` (no cue) every
    number word must say one digit ("tres cinco uno", not "trescientos") and an unknown word is
    at most four letters long. Words that join numbers ("de", "y", "or") are never a digit.
    """
    longest = _UNKNOWN_MAX_UNCUED if digit_by_digit else _UNKNOWN_MAX
    lo = max(after, start - 16)
    tokens = tokenize(text[lo : start + _WINDOW], folded[lo : start + _WINDOW])
    first = next((k for k, t in enumerate(tokens) if t.start + lo >= start), None)
    if first is None:
        return None
    before = first - 1
    while before >= 0 and tokens[before].norm in FILLERS:
        before -= 1
    unknowns, real, last, piece = 0, 0, None, []
    corrected = False
    j = first
    while j < len(tokens):
        tok = tokens[j]
        norm = tok.norm
        if _is_atom(tok):
            if digit_by_digit and not (norm in _SINGLE or norm.isdigit()):
                return None
            piece.append(norm)
            if norm.isdigit():  # a numeral is a group of its own ("9, 0, 6")
                real += len(spoken_digits(piece))
                piece = []
            last = j
        elif norm in SEPARATORS or norm in FILLERS or (norm in ("o", "sea") and _o_sea(tokens, j)):
            pass
        elif norm in _CORRECTION_WORDS and not digit_by_digit and last is not None:
            corrected = True  # "cinco cinco, perdón, cinco cuatro cinco": what came before is part of the code too
            break
        elif unknown and unknowns == 0 and _unknown(tok, longest) and _next_is_atom(tokens, j + 1):
            unknowns += 1
        else:
            break
        if not _is_atom(tok) and piece:
            real += len(spoken_digits(piece))
            piece = []
        if real + unknowns + (len(spoken_digits(piece)) if piece else 0) > 4:
            return None
        j += 1
    if piece:
        real += len(spoken_digits(piece))
    if unknown and real + unknowns == 2 and unknowns == 0 and before >= 0 and tokens[before].start > 0:
        if _unknown(tokens[before], longest) and tokens[before].norm not in _LEAD:
            first, unknowns = before, 1  # "for five six": the word right before two digits is the first, misheard
    if corrected and last is not None and real + unknowns <= 4:
        return lo + tokens[first].start, lo + tokens[last].end
    if last is None or not 3 <= real + unknowns <= 4 or real < 2:
        return None
    if digit_by_digit and any(len(t.norm) > 1 and t.norm.isdigit() for t in tokens[first : last + 1]):
        return None  # without a cue, only a code said digit by digit ("8, 1, 1"), never "trescientos" or "300"
    return lo + tokens[first].start, lo + tokens[last].end


def _o_sea(tokens: list[Token], j: int) -> bool:
    if tokens[j].norm == "o":
        return j + 1 < len(tokens) and tokens[j + 1].norm == "sea"
    return j > 0 and tokens[j - 1].norm == "o"


def _next_is_atom(tokens: list[Token], k: int) -> bool:
    """Whether the next token that is not a filler or separator is a number atom."""
    while k < len(tokens) and (tokens[k].norm in FILLERS or tokens[k].norm in SEPARATORS):
        k += 1
    return k < len(tokens) and _is_atom(tokens[k])
