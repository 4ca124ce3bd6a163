"""Numbers in text for redaction: tokens, runs of numerals or number words, and the digits they say.

A *run* is a maximal sequence of number atoms (a digit group "4556", a number word "cuatro",
"cuarenta", "mil", "hundred") joined only by spaces, single separators (``- , . /``), "y" between
tens and units ("treinta y siete") or a spoken dash ("guion", "raya", "dash"). Its digits are read
group by group, the way card and ID numbers are read aloud: one by one ("cuatro cinco cinco"),
in pairs ("cincuenta y dos trece"), in thousands groups ("cuatro mil seiscientos sesenta y seis
mil setecientos sesenta": 4666 then 1760, since one group holds "mil" once) or in hundreds
("forty eight hundred"). Amounts with millions read as one value ("dos millones trescientos mil").

Two readers: the hand-written one below (default) and ``text2num``'s ``alpha2digit`` (``reader="text2num"``),
kept for the side-by-side measurement in ``benchmarks/bench_redaction.py``.

Everything here is linear in the text's length: one regex pass for tokens, one pass for runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from qa.folding import fold_aligned

_UNITS = {
    "cero": 0, "uno": 1, "un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9,
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17,
    "dieciocho": 18, "diecinueve": 19, "veintiuno": 21, "veintiun": 21, "veintiuna": 21, "veintidos": 22,
    "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28,
    "veintinueve": 29,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
    "noventa": 90,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_HUNDREDS = {
    "cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300, "trescientas": 300,
    "cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500, "quinientas": 500, "seiscientos": 600,
    "seiscientas": 600, "setecientos": 700, "setecientas": 700, "ochocientos": 800, "ochocientas": 800,
    "novecientos": 900, "novecientas": 900,
}  # fmt: skip
_THOUSAND = frozenset({"mil", "thousand"})
_MILLION = frozenset({"millon", "millones", "million", "millions"})
_HUNDRED = frozenset({"hundred"})
_SPOKEN_DASH = frozenset({"guion", "raya", "dash", "hyphen"})
_ARTICLE_ONE = frozenset({"un", "una"})  # a number only before "mil"/"millón"
SEPARATORS = frozenset("-,./")
_EN = frozenset(
    "zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million millions".split()
)
_TOKEN = re.compile(r"\d+|[^\W\d_]+|\S")


#: Lower case without accents, one character for one: offsets in the result are offsets in the text
#: (:func:`qa.folding.fold_aligned`, the project's one folding).
fold = fold_aligned


class Token(NamedTuple):
    text: str
    norm: str
    start: int
    end: int


def tokenize(text: str, folded: str | None = None) -> list[Token]:
    folded = fold(text) if folded is None else folded
    return [Token(m.group(), folded[m.start() : m.end()], m.start(), m.end()) for m in _TOKEN.finditer(text)]


_NUMBER_WORDS = sorted({*_UNITS, *_TEENS, *_TENS, *_HUNDREDS, *_THOUSAND, *_MILLION, *_HUNDRED}, key=len, reverse=True)
_ATOM = re.compile(r"\d+|\b(?=[a-z])(?:" + "|".join(_NUMBER_WORDS) + r")\b")
ATOM = _ATOM  # one number atom: a numeral or a number word (folded)
_GAP = re.compile(r"([^\S\n]*)([-,./])?([^\S\n]*)\Z")  # a line break ends a number: "OH 43216\n888-555-0142"
_WORD_GAP = re.compile(r"[^\S\n]+(y|guion|raya|dash|hyphen)[^\S\n]+\Z")


@dataclass
class Run:
    """Consecutive number atoms, characters ``start``..``end`` of the text."""

    start: int
    end: int
    atoms: list[str] = field(default_factory=list)  # the atoms, folded ("4556", "cuatro", "mil")
    seps: list[str] = field(default_factory=list)  # the joint before each atom after the first: " ", "-", ".", "y"...
    digits: str = ""
    groups: tuple[int, ...] = ()  # lengths of the numeral groups when written with digits only
    joints: str = ""  # the separators between numeral groups (" ", "-", ".", ...)
    words: bool = False  # some atom is a word
    magnitude: bool = False  # has "millón"/"million" (a quantity, never a card)
    dashed: tuple[int, ...] = ()  # digits per piece when split by dashes ("412-76-5432", "four one two dash ...")


def _joint(gap: str, prev: str, nxt: str) -> str | None:
    """How two atoms are joined by ``gap``, or ``None`` when the gap ends the number."""
    if len(gap) > 12:
        return None
    m = _GAP.match(gap)
    if m:
        before, sep, after = m.groups()
        if not sep:
            return " " if before else None  # "4556 7375"; atoms glued to each other are not a number
        return sep + ("_" if after else "")  # "_": a space after the separator
    m = _WORD_GAP.match(gap)
    if not m:
        return None
    word = m.group(1)
    if word == "y":
        return "y" if prev in _TENS and nxt in _UNITS and _UNITS[nxt] > 0 else None
    return "-"


def find_runs(folded: str, blocked: list[tuple[int, int]] | None = None) -> list[Run]:
    """Runs in order, from one regex pass over the folded text.

    Atoms inside ``blocked`` spans (the words of a cue: "last four", "tres dígitos") are skipped.
    """
    blocked = sorted(blocked or [])
    b = 0
    atoms: list[tuple[int, int, str]] = []
    for m in _ATOM.finditer(folded):
        start, end = m.span()
        while b < len(blocked) and blocked[b][1] <= start:
            b += 1
        if b < len(blocked) and blocked[b][0] <= start and end <= blocked[b][1]:
            continue
        atoms.append((start, end, m.group()))
    runs: list[Run] = []
    run: Run | None = None
    formatted = False  # "1.250.000", "3,880", "15/03/2024": an amount or a date, which ends at a space
    for index, (start, end, word) in enumerate(atoms):
        joint = None
        if run is not None:
            joint = _joint(folded[run.end : start], run.atoms[-1], word)
            if joint is not None and formatted and (joint == " " or joint.endswith("_")):
                joint = None  # "$1.500.000 15/03/2024", "1.500.000. 3 cuotas": two numbers, not one
        if joint is None:
            if word in ("un", "una") and not _before_magnitude(atoms, index, folded):
                run = None
                continue
            if word == "oh":  # a zero only inside a number ("four oh five")
                run = None
                continue
            run = Run(start, end, [word])
            runs.append(run)
            formatted = False
            continue
        sep = joint.rstrip("_")
        if sep == "/" or (sep in ".," and len(word) == 3 and word.isdigit() and not joint.endswith("_")):
            formatted = True
        run.atoms.append(word)
        run.seps.append(sep)
        run.end = end
    for r in runs:
        _describe(r)
    return runs


def _before_magnitude(atoms: list[tuple[int, int, str]], index: int, folded: str) -> bool:
    if index + 1 >= len(atoms):
        return False
    nxt = atoms[index + 1]
    return (nxt[2] in _THOUSAND or nxt[2] in _MILLION) and folded[atoms[index][1] : nxt[0]].isspace()


def _describe(run: Run) -> None:
    run.words = any(not a.isdigit() for a in run.atoms)
    run.magnitude = any(a in _MILLION for a in run.atoms)
    if not run.words:
        run.groups = tuple(len(a) for a in run.atoms)
        run.joints = "".join(run.seps)
    words: list[str] = [run.atoms[0]]
    for sep, atom in zip(run.seps, run.atoms[1:], strict=True):
        if sep == "y":
            words.append("y")
        words.append(atom)
    run.digits = spoken_digits(words)
    if "-" in run.seps:
        pieces: list[list[str]] = [[run.atoms[0]]]
        for sep, atom in zip(run.seps, run.atoms[1:], strict=True):
            if sep == "-":
                pieces.append([])
            pieces[-1].append(atom)
        run.dashed = tuple(len(spoken_digits(p)) for p in pieces)


def spoken_digits(words: list[str]) -> str:
    """The digits a sequence of atoms says, read group by group (see the module docstring)."""
    out: list[str] = []
    total = current = 0
    last = ""  # kind of the last word in the open group, "" when none is open
    has_thousand = has_hundred = False

    def close() -> None:
        nonlocal total, current, last, has_thousand, has_hundred
        if last:
            out.append(str(total + current))
        total = current = 0
        last = ""
        has_thousand = has_hundred = False

    tens_word = ""
    joined = False  # the previous word was "y" ("treinta y siete")
    for w in words:
        if w == "y":
            joined = True
            continue
        joined, was_joined = False, joined
        if w.isdigit():
            close()
            out.append(w)
            continue
        if w in _UNITS:
            value = _UNITS[w]
            if value == 0:
                close()
                out.append("0")
                continue
            tens_ok = last == "tens" and current % 10 == 0 and (was_joined or tens_word in _EN)
            if tens_ok or last in ("hundreds", "hundred", "thousand", "million"):
                current += value
            else:
                close()
                current = value
            last = "unit"
        elif w in _TEENS:
            if last not in ("hundreds", "hundred", "thousand", "million"):
                close()
            current += _TEENS[w]
            last = "teen"
        elif w in _TENS:
            if last not in ("hundreds", "hundred", "thousand", "million"):
                close()
            current += _TENS[w]
            tens_word = w
            last = "tens"
        elif w in _HUNDREDS:
            if last not in ("thousand", "million") or has_hundred:
                close()
            current += _HUNDREDS[w]
            has_hundred = True
            last = "hundreds"
        elif w in _HUNDRED:
            if last in ("unit", "teen", "tens") and 0 < current < 100 and not has_hundred:
                current *= 100
            else:
                close()
                current = 100
            has_hundred = True
            last = "hundred"
        elif w in _THOUSAND:
            if has_thousand or last == "":
                close()
                total, current = 1000, 0
            else:
                total += (current or 1) * 1000
                current = 0
            has_thousand, has_hundred = True, False
            last = "thousand"
        elif w in _MILLION:
            total = (total + (current or 1)) * 1_000_000
            current = 0
            has_thousand = has_hundred = False
            last = "million"
    close()
    return "".join(out)


def text2num_digits(words: list[str], raw: str) -> str:
    """The digits ``alpha2digit`` (text2num) reads in ``raw``, the text of a run (language from its words)."""
    from text_to_num import alpha2digit

    lang = "en" if sum(w in _EN for w in words) * 2 >= len([w for w in words if not w.isdigit()]) else "es"
    try:
        converted = alpha2digit(raw, lang, threshold=0)
    except (ValueError, RuntimeError):
        converted = raw
    return "".join(c for c in converted if c.isdigit())


def read_runs_with_text2num(runs: list[Run], text: str) -> None:
    """Replace each run's digits with text2num's reading (runs written with numerals only are unchanged)."""
    for run in runs:
        if run.words:
            run.digits = text2num_digits(run.atoms, text[run.start : run.end])
