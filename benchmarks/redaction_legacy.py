"""Frozen copy of transcription/redaction.py as it was before issue 12, kept only so that
benchmarks/bench_redaction.py can compare the new redactor with it (recall, over-masking, speed).
Not used by the product.

Masking card and identity numbers and e-mail addresses before a transcript is stored.

Kinds and their masks (``MASKS``):

``card``       13-19 digits in one run (numerals or spoken digits, "4556 7375 ...", "cuatro cinco
               cinco seis ...", "forty five ..."), Luhn-valid or said after a card word
``long_number`` 13-19 digits that are neither (account numbers are masked too, under their own kind)
``cvv``        2-4 digits after "CVV", "CVC", "código de seguridad", "security code", ...
``us_ssn``     ``123-45-6789``, or digits after "social security" / "seguro social" / "SSN"
``co_cedula``  digits after "cédula" / "número de identificación" / "documento"
``pe_dni``     digits after "DNI"
``cl_rut``     ``12.345.678-5`` with a valid check digit, or digits after "RUT" / "RUN"
``mx_curp``    an 18-character CURP
``email``      ``name@example.com`` and spoken "name punto apellido arroba gmail punto com" /
               "name dot surname at gmail dot com"

The context of a number is the text before it in its turn and the end of the previous turn,
so "¿Y el código de seguridad?" / "Uno dos tres." masks the answer. Numbers said in pieces
("one two three, four five, six seven eight nine") form one run: digits separated only by
spaces, commas, periods, hyphens or slashes. Within a context, runs separated by one short
word ("or", "y", a letter Whisper misheard) are masked as one.

The original value is never kept: callers get the masked text and, per mask, its kind and
its span in both texts (the original span only to time the mask from word timestamps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transcription.guards import normalise

MASKS = {
    "card": "[CARD]",
    "long_number": "[NUMBER]",
    "cvv": "[CVV]",
    "us_ssn": "[US_SSN]",
    "co_cedula": "[CO_CEDULA]",
    "pe_dni": "[PE_DNI]",
    "cl_rut": "[CL_RUT]",
    "mx_curp": "[MX_CURP]",
    "email": "[EMAIL]",
}

_UNITS = {
    "cero": 0, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17,
    "dieciocho": 18, "diecinueve": 19, "veintiuno": 21, "veintiun": 21, "veintidos": 22, "veintitres": 23,
    "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SEPARATORS = frozenset("-,./")
_BRIDGE_MAX_LEN = 3  # a word this short between two runs in a context does not end the number

_CONTEXTS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    # kind, cue on normalised text, fewest digits masked after it
    ("cvv", re.compile(r"\b(cvv2?|cvc2?|codigo de seguridad|codigo de verificacion|security code|verification code|"
                       r"(tres|3) (numeros|digitos) (de atras|del reverso)|(three|3) (digits|numbers) on the back)\b"), 2),
    ("us_ssn", re.compile(r"\b(social security|seguro social|ssn|ss number)\b"), 2),
    ("co_cedula", re.compile(r"\b(cedula|numero de identificacion|documento de identidad|numero de documento)\b"), 2),
    ("pe_dni", re.compile(r"\b(dni|documento nacional de identidad)\b"), 2),
    ("cl_rut", re.compile(r"\b(rut|run|rol unico)\b"), 2),
    ("card", re.compile(r"\b(tarjeta|card|visa|mastercard|amex|american express|debito|credito|debit|credit)\b"), 4),
)  # fmt: skip

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_SPOKEN_EMAIL = re.compile(
    r"\b[\w+-]+(?:\s+(?:punto|dot|guion|underscore|guion bajo)\s+[\w+-]+)*\s+(?:arroba|at)\s+[\w-]+"
    r"(?:\s*(?:\bpunto\b|\bdot\b|\.)\s*[\w-]+)*?\s*(?:\bpunto\b|\bdot\b|\.)\s*(?:com|net|org|edu|gov|co|mx|pe|cl|es|ar|us|io)\b",
    re.IGNORECASE,
)
_CURP = re.compile(r"\b[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d\b", re.IGNORECASE)
_SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
_RUT = re.compile(r"\b(\d{1,2})\.?(\d{3})\.?(\d{3})-([\dkK])\b")
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]")


@dataclass(frozen=True)
class Match:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Masked:
    """One mask: its kind, its span in the redacted text and the span it replaced."""

    kind: str
    span: tuple[int, int]
    source_span: tuple[int, int]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def rut_ok(body: str, check: str) -> bool:
    factors = [2, 3, 4, 5, 6, 7]
    total = sum(int(d) * factors[i % 6] for i, d in enumerate(reversed(body)))
    value = 11 - total % 11
    expected = {11: "0", 10: "K"}.get(value, str(value))
    return check.upper() == expected


@dataclass(frozen=True)
class _Run:
    digits: str
    start: int
    end: int
    first_token: int
    last_token: int


def _number_at(tokens: list[tuple[str, int, int]], i: int) -> tuple[str, int] | None:
    """Digits said at token ``i`` and how many tokens they take, or ``None``."""
    word = normalise(tokens[i][0])
    if word.isdigit():
        return word, 1
    if word in _UNITS:
        return str(_UNITS[word]), 1
    if word in _TEENS:
        return str(_TEENS[word]), 1
    if word in _TENS:
        tens = _TENS[word]
        # "cuarenta y cinco", "forty five", "forty-five"
        j = i + 1
        if j < len(tokens) and normalise(tokens[j][0]) in ("y", "-"):
            j += 1
        if j < len(tokens) and normalise(tokens[j][0]) in _UNITS and _UNITS[normalise(tokens[j][0])] > 0:
            return str(tens + _UNITS[normalise(tokens[j][0])]), j - i + 1
        return str(tens), 1
    return None


def _runs(text: str) -> tuple[list[tuple[str, int, int]], list[_Run]]:
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    runs: list[_Run] = []
    i = 0
    while i < len(tokens):
        first = _number_at(tokens, i)
        if first is None:
            i += 1
            continue
        digits, used = first
        start, last = i, i + used - 1
        j = i + used
        while j < len(tokens):
            k = j
            while k < len(tokens) and tokens[k][0] in _SEPARATORS:
                k += 1
            if k == len(tokens):
                break
            nxt = _number_at(tokens, k)
            # "oh" is a digit only inside a run ("four oh five")
            if nxt is None and normalise(tokens[k][0]) == "oh":
                nxt = ("0", 1)
            if nxt is None:
                break
            digits += nxt[0]
            last = k + nxt[1] - 1
            j = k + nxt[1]
        runs.append(_Run(digits, tokens[start][1], tokens[last][2], start, last))
        i = last + 1
    return tokens, runs


def _context_kind(before: str) -> tuple[str, int] | None:
    """Return the context cue nearest to the end of ``before`` (normalised text)."""
    best: tuple[int, str, int] | None = None
    for kind, pattern, min_digits in _CONTEXTS:
        for m in pattern.finditer(before):
            if best is None or m.end() > best[0]:
                best = (m.end(), kind, min_digits)
    return None if best is None else (best[1], best[2])


def find_sensitive(text: str, context: str = "") -> list[Match]:
    """Non-overlapping matches in ``text``, in order; ``context`` is the previous turn's text."""
    found: list[Match] = []

    def add(kind: str, start: int, end: int) -> None:
        if not any(m.start < end and start < m.end for m in found):
            found.append(Match(kind, start, end))

    for m in _EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in _SPOKEN_EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in _CURP.finditer(text):
        add("mx_curp", m.start(), m.end())
    for m in _SSN.finditer(text):
        add("us_ssn", m.start(), m.end())
    for m in _RUT.finditer(text):
        if rut_ok(m.group(1) + m.group(2) + m.group(3), m.group(4)):
            add("cl_rut", m.start(), m.end())

    tokens, runs = _runs(text)
    tail = context[-120:]
    previous: Match | None = None
    previous_run: _Run | None = None
    for run in runs:
        before = normalise(tail + " " + text[max(0, run.start - 80) : run.start])
        ctx = _context_kind(before)
        kind: str | None = None
        if 13 <= len(run.digits) <= 19:
            kind = "card" if luhn_ok(run.digits) or (ctx and ctx[0] == "card") else "long_number"
        elif ctx is not None and len(run.digits) >= ctx[1]:
            kind = ctx[0]
        elif ctx is not None and previous is not None and previous_run is not None and previous.kind == ctx[0]:
            # a piece of the same number after a one-word interruption ("five six M eight nine")
            between = tokens[previous_run.last_token + 1 : run.first_token]
            words = [t for t in between if t[0] not in _SEPARATORS]
            if len(words) <= 1 and all(len(t[0]) <= _BRIDGE_MAX_LEN for t in words):
                kind = ctx[0]
        if kind is None:
            continue
        start = run.start
        if previous is not None and previous_run is not None and previous.kind == kind and kind != "long_number":
            between = tokens[previous_run.last_token + 1 : run.first_token]
            words = [t for t in between if t[0] not in _SEPARATORS]
            if len(words) <= 1 and all(len(t[0]) <= _BRIDGE_MAX_LEN for t in words) and previous in found:
                found.remove(previous)
                start = previous.start
        if any(m.start < run.end and start < m.end for m in found):
            continue
        previous = Match(kind, start, run.end)
        previous_run = run
        found.append(previous)
    return sorted(found, key=lambda m: m.start)


def redact_turns(texts: list[str]) -> list[tuple[str, list[Masked]]]:
    """Redact consecutive turns as one stream.

    A number said across a pause or a turn change ("four five five six" ... "seven three ...")
    and a cue in the previous turn are then both seen.

    A match that spans several turns masks its part in each of them, under the same kind.
    """
    starts: list[int] = []
    pos = 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + 1
    stream = " ".join(texts)
    per_turn: list[list[Match]] = [[] for _ in texts]
    for m in find_sensitive(stream):
        for index, (base, text) in enumerate(zip(starts, texts, strict=True)):
            lo, hi = max(m.start, base), min(m.end, base + len(text))
            if lo < hi and text[lo - base : hi - base].strip(" .,;:-"):
                per_turn[index].append(Match(m.kind, lo - base, hi - base))
    return [_apply(text, matches) for text, matches in zip(texts, per_turn, strict=True)]


def redact(text: str, context: str = "") -> tuple[str, list[Masked]]:
    """``text`` with every match replaced by its mask, and where each mask is."""
    return _apply(text, find_sensitive(text, context))


def _apply(text: str, matches: list[Match]) -> tuple[str, list[Masked]]:
    out: list[str] = []
    masks: list[Masked] = []
    pos = 0
    length = 0
    for m in matches:
        out.append(text[pos : m.start])
        length += m.start - pos
        mask = MASKS[m.kind]
        out.append(mask)
        masks.append(Masked(m.kind, (length, length + len(mask)), (m.start, m.end)))
        length += len(mask)
        pos = m.end
    out.append(text[pos:])
    return "".join(out), masks
