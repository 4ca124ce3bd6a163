"""Masking card and identity numbers and e-mail addresses before any text is stored.

Used for transcripts (``redact_turns`` over a call's turns) and, at ingest, for every text
channel (chat, SMS, e-mail, transcripts supplied as text). Kinds and their masks (``MASKS``):

``card``        13-19 digits, Luhn-valid, or read after a card cue ("tarjeta", "card", "visa",
                "plástico"...) within 80 characters, also in groups with fillers between them
                ("4556 eh 7375 este 8689 ... 9855"); or the 4-digit group after "termina en",
                "terminada en", "ending in", "last four", "últimos cuatro"
``long_number`` 13-19 digits that are neither, unless an account cue ("cuenta", "obligación",
                "contrato", "referencia", "account"...) precedes them: those stay readable
``cvv``         3-4 digits right after "CVV", "CVC", "CID", "código de seguridad", "security code",
                "los tres dígitos de atrás"... (and their misheard forms: "se ve ve", "cvb",
                "código de seguridá", "el número de atrás"), or after a bare "código"/"code"; fillers
                between the digits are skipped and one misheard digit word is tolerated ("cuatro eh
                siete dos", "uno más tres", "for five six"; :mod:`transcription.redaction_spoken`); a
                code said again after "perdón"/"sorry"; and, without any cue, 3-4 digits said digit by
                digit within 160 characters after a card number ("¿y el de atrás? ocho uno uno"), unless
                an expiry word ("vence", "expires") or an account cue comes first
``us_ssn``      ``123-45-6789`` / ``123 45 6789`` (3-2-4 groups), or up to 9 digits after "social",
                "SSN", "SS#", "seguro social", "tax ID", "ITIN"
``co_cedula``   5-12 digits after "cédula", "C.C.", "CC", "c c", "número de identificación"
``dni``         5-12 digits after "DNI" / "documento nacional de identidad" (Peru, Argentina)
``cl_rut``      ``12.345.678-5`` with a valid check digit, or digits after "RUT" / "RUN"
``national_id`` digits after "documento", "carné de extranjería", "CUIL", "CUIT", "identificación";
                ``20-12345678-3``; an INE voter key; a spelled code after "clave de elector"/"INE"
``mx_curp``     an 18-character CURP (written, or spelled after "CURP")
``mx_rfc``      an RFC with or without homoclave (written, or spelled after "RFC")
``email``       ``name@example.com`` and spoken "name punto apellido arroba gmail punto com" /
                "name dot surname at gmail dot com"

A number preceded by a currency sign or followed by a currency or percent word ("$3.880",
"S/ 450", "noventa mil pesos", "40 %") is never masked: balances, fees and rates are evidence.
Numbers are read whether written or spoken (see :mod:`transcription.redaction_numbers`). A cue
other than the card cue applies to the first number after it only, so "cédula 80123456, saldo
$3.880.000" masks the cédula and keeps the balance. The context of a number is the text before
it and, for ``redact``, the end of the previous turn. Everything is linear in the text's length.

The original value is never kept: callers get the masked text and, per mask, its kind and its
span in both texts (the original span only to time the mask from word timestamps).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from transcription import redaction_cues as cues
from transcription.redaction_numbers import SEPARATORS, Run, Token, find_runs, fold, read_runs_with_text2num, tokenize
from transcription.redaction_spoken import CORRECTIONS, EXPIRY, code_reading, filler_gap

if TYPE_CHECKING:
    from qa.domain import Interaction

_GAP_WORDS = re.compile(r"\w+|[^\w\s]")
# "la tarjeta termina en diciembre de 2024": a month between "termina en" and the number makes it a date
_MONTH = re.compile(
    r"\b(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    r"january|february|march|april|may|june|july|august|september|october|november|december)\b"
)

MASKS = {
    "card": "[CARD]",
    "long_number": "[NUMBER]",
    "cvv": "[CVV]",
    "us_ssn": "[US_SSN]",
    "co_cedula": "[CO_CEDULA]",
    "dni": "[DNI]",
    "pe_dni": "[PE_DNI]",  # kind of masks stored before "dni" replaced it
    "cl_rut": "[CL_RUT]",
    "national_id": "[NATIONAL_ID]",
    "mx_curp": "[MX_CURP]",
    "mx_rfc": "[MX_RFC]",
    "email": "[EMAIL]",
}

#: The identifier each mask kind protects (the labelled set's kinds).
KIND_GROUPS = {
    "card": "card", "long_number": "card", "cvv": "cvv", "us_ssn": "ssn", "co_cedula": "national_id", "dni": "national_id",
    "pe_dni": "national_id", "cl_rut": "national_id", "national_id": "national_id", "mx_curp": "national_id",
    "mx_rfc": "national_id", "email": "email",
}  # fmt: skip

_ID_FAMILIES = ("co_cedula", "dni", "cl_rut", "national_id")
_DIGIT_RANGE = {"us_ssn": (4, 9), "co_cedula": (5, 12), "dni": (5, 12), "cl_rut": (5, 10), "national_id": (5, 12)}
_LETTER_THEN_DIGIT = re.compile(r"[a-z]-?\d")
_DASHED_DIGIT = re.compile(r"\d-[\dk]")
_MASK_TOKEN = re.compile("|".join(re.escape(mask.lower()) for mask in MASKS.values()))
_BRIDGE_MAX_LEN = 3  # one word this short between two pieces of an ID does not end it ("1-2-3 or 5-6-M-8-9")
_CONTEXT_CHARS = 120
_PAYMENT_CHARS = 160  # how far after a card number its security code is still looked for without a cue


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


class _Finder:
    """One pass over one text: cues, runs and codes, each found once, in order."""

    def __init__(self, text: str, reader: str) -> None:
        self.text = text
        self.folded = fold(text)
        self.masks_in_text: list[int] = []  # starts of masks already in the text ("[CVV]")
        self.mask_ends: list[tuple[int, str]] = []  # (end, mask) of each, for the code said after a masked card
        if "[" in text:  # a mask is no cue, and it answers the cue before it: redacting twice changes nothing
            found = list(_MASK_TOKEN.finditer(self.folded))
            self.masks_in_text = [m.start() for m in found]
            self.mask_ends = [(m.end(), m.group()) for m in found]
            self.folded = _MASK_TOKEN.sub(lambda m: " " * len(m.group()), self.folded)
        events = []
        for m in cues.ALL_CUES.finditer(self.folded):
            family = m.lastgroup
            events.append((m.end(), m.start(), family, m.group(family).strip()))
        self.events = events  # in order: matches of one pattern never overlap
        self.runs: list[Run] = find_runs(self.folded, [(start, end) for end, start, _f, _c in events])
        if reader == "text2num":
            read_runs_with_text2num(self.runs, text)
        self.found: list[Match] = []  # sorted by start
        self._starts: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) touches a match already found (matches never overlap: check the neighbours)."""
        i = bisect.bisect_left(self._starts, start)
        if i < len(self.found) and self.found[i].start < end:
            return True
        return i > 0 and self.found[i - 1].end > start

    def add(self, kind: str, start: int, end: int) -> None:
        if not self.overlaps(start, end):
            i = bisect.bisect_left(self._starts, start)
            self._starts.insert(i, start)
            self.found.insert(i, Match(kind, start, end))

    # -- codes and e-mails -------------------------------------------------------------------
    def codes(self) -> None:
        text = self.text
        for lo, hi in cues.written_emails(text, self.folded) + cues.spoken_emails(text, self.folded):
            self.add("email", lo, hi)
        if _LETTER_THEN_DIGIT.search(self.folded):  # one cheap pass before the code patterns
            for m in cues.CURP.finditer(text):
                if cues.yymmdd_ok(m.group(1)):
                    self.add("mx_curp", m.start(), m.end())
            for m in cues.INE.finditer(text):
                self.add("national_id", m.start(), m.end())
            for m in cues.RFC.finditer(text):
                if cues.yymmdd_ok(m.group(1)):
                    self.add("mx_rfc", m.start(), m.end())
        if _DASHED_DIGIT.search(self.folded):
            for m in cues.RUT.finditer(text):
                if rut_ok(m.group(1) + m.group(2) + m.group(3), m.group(4)):
                    self.add("cl_rut", m.start(), m.end())
            for m in cues.CUIL.finditer(text):
                self.add("national_id", m.start(), m.end())
        for end, _start, family, cue in self.events:
            if family == "spelled":
                self._spelled(end, cues.SPELLED_KIND.get(cue, "national_id"))

    def _spelled(self, cue_end: int, kind: str) -> None:
        """A code spelled letter by letter after "CURP"/"RFC": "g o m r ocho cinco cero ..."."""
        tokens = tokenize(self.text[cue_end : cue_end + 400], self.folded[cue_end : cue_end + 400])
        i = 0
        while i < len(tokens) and tokens[i].start <= cues.CUES["spelled"][1] and not _spell_item(tokens[i]):
            i += 1
        j = i
        while j < len(tokens) and _spell_item(tokens[j]):
            j += 1
        if j - i >= 10:
            self.add(kind, cue_end + tokens[i].start, cue_end + tokens[j - 1].end)

    # -- numbers ---------------------------------------------------------------------------
    def numbers(self) -> None:
        events, e = self.events, 0
        pending: tuple[int, str] | None = None  # latest unconsumed cue (end, family), card and account cues apart
        card_end = account_end = -(10**9)
        paid_end = cvv_end = -(10**9)  # end of the last card number masked, of the last code masked
        last4_masked: Match | None = None
        runs, r, k = self.runs, 0, 0
        while r < len(runs):
            run = runs[r]
            while k < len(self.mask_ends) and self.mask_ends[k][0] <= run.start:  # masks already in the text
                if self.mask_ends[k][1] in ("[card]", "[number]"):
                    paid_end = self.mask_ends[k][0]
                elif self.mask_ends[k][1] == "[cvv]":
                    cvv_end = self.mask_ends[k][0]
                k += 1
            while e < len(events) and events[e][0] <= run.start:
                end, _s, family, _cue = events[e]
                if family == "card":
                    card_end = end
                elif family == "account":
                    account_end = end
                elif family != "spelled":
                    pending = (end, family)
                e += 1
            r += 1
            if self.overlaps(run.start, run.end):
                continue
            cue, pending_end = None, 0
            if pending is not None and self.masks_in_text:
                k = bisect.bisect_left(self.masks_in_text, pending[0])
                if k < len(self.masks_in_text) and self.masks_in_text[k] < run.start:
                    pending = None  # "cvv [CVV], vence 0827": the cue was answered by the mask
            if pending is not None and run.start - pending[0] <= cues.CUES[pending[1]][1]:
                cue, pending_end = pending[1], pending[0]
            elif pending is None and self._corrected(cvv_end, run.start):
                cue, pending_end = "cvv", cvv_end  # "uno do tres, perdón, uno dos tres": the code said again
            pending = None  # a cue applies to the first number after it only
            if self._is_amount(run):
                continue
            digits, n = run.digits, len(run.digits)
            near_card = run.start - card_end <= cues.CUES["card"][1]
            if n < 13 and cue not in _DIGIT_RANGE and (joined := self._filled_card(runs, r - 1, near_card)) is not None:
                r, paid_end = joined  # card groups with fillers between them ("4556 eh 7375 este ...")
                self.add("card", run.start, paid_end)
            elif 13 <= n <= 19 and not run.magnitude and (luhn_ok(digits) or near_card):
                self.add("card", run.start, run.end)
                paid_end = run.end
            elif cue == "last4" and n == 4 and not self._date_or_account(pending_end, run.start, card_end, account_end):
                last4_masked = Match("card", run.start, run.end)
                self.add("card", run.start, run.end)
            elif cue in ("cvv", "code") and 3 <= n <= 4:
                self.add("cvv", run.start, run.end)
                cvv_end = run.end
            elif cue in ("cvv", "code") and (span := self._code(run, pending_end, unknown=cue == "cvv")) is not None:
                self.add("cvv", *span)  # a code split by fillers or with one digit misheard ("cuatro eh siete dos")
                cvv_end = span[1]
            elif cue in _DIGIT_RANGE and (after := self._identifier(cue, runs, r - 1)) is not None:
                r = after
            elif n == 4 and last4_masked is not None and self._another_last4(last4_masked, run):
                self.add("card", run.start, run.end)
            elif run.dashed == (3, 2, 4) or (not run.words and run.groups == (3, 2, 4) and run.joints == "  "):
                self.add("us_ssn", run.start, run.end)
            elif 13 <= n <= 19 and not run.magnitude and run.start - account_end > cues.CUES["account"][1]:
                self.add("long_number", run.start, run.end)
                paid_end = run.end
            elif cue is None and n <= 4 and (span := self._payment_code(run, paid_end, cvv_end, account_end)) is not None:
                self.add("cvv", *span)  # said digit by digit right after a card number: its code, whatever the question
                cvv_end = span[1]

    def _code(self, run: Run, after: int, *, unknown: bool, digit_by_digit: bool = False) -> tuple[int, int] | None:
        span = code_reading(self.text, self.folded, run.start, after, unknown=unknown, digit_by_digit=digit_by_digit)
        if span is None or cues.CURRENCY_AFTER_RE.match(self.folded, span[1], span[1] + 16):
            return None
        return None if self.overlaps(*span) else span

    def _corrected(self, cvv_end: int, start: int) -> bool:
        """A code said again after a correction ("perdón", "sorry") right after the last code masked."""
        if not 0 < start - cvv_end <= 30:
            return False
        return CORRECTIONS.search(self.folded, cvv_end, start) is not None and not EXPIRY.search(self.folded, cvv_end, start)

    def _payment_code(self, run: Run, paid_end: int, cvv_end: int, account_end: int) -> tuple[int, int] | None:
        """A code said digit by digit within ``_PAYMENT_CHARS`` after a card number, when no code was masked since.

        Not after an account or reference cue named since the card, nor right after an expiry word
        ("vence cero ocho dos siete" is a date).
        """
        if not 0 <= run.start - paid_end <= _PAYMENT_CHARS or cvv_end > paid_end or account_end > paid_end:
            return None
        if EXPIRY.search(self.folded, max(paid_end, run.start - 25), run.start):
            return None
        return self._code(run, max(paid_end, run.start - 16), unknown=True, digit_by_digit=True)

    def _filled_card(self, runs: list[Run], r: int, near_card: bool) -> tuple[int, int] | None:
        """Card groups joined across fillers ("4556 eh 7375 este 8689 ... 9855"): (next run index, end) or ``None``.

        13-19 digits in two runs or more, after a card cue or Luhn-valid and read in groups of four.
        """
        total, j, digits = len(runs[r].digits), r, [runs[r].digits]
        while j + 1 < len(runs) and filler_gap(self.folded[runs[j].end : runs[j + 1].start]):
            nxt = runs[j + 1]
            if nxt.magnitude or total + len(nxt.digits) > 19 or self._is_amount(nxt):
                break
            j += 1
            total += len(nxt.digits)
            digits.append(nxt.digits)
        if j == r or not 13 <= total <= 19 or runs[r].magnitude:
            return None
        grouped = all(len(d) % 4 == 0 for d in digits[:-1])
        if not (near_card or (luhn_ok("".join(digits)) and grouped)):
            return None
        return j + 1, runs[j].end

    def _identifier(self, kind: str, runs: list[Run], r: int) -> int | None:
        """Mask runs[r] (and pieces bridged to it) as ``kind`` if their digits fit; return the next run index.

        ``None`` when they do not fit: the run is then judged like any other.
        """
        low, high = _DIGIT_RANGE[kind]
        start, end, count = runs[r].start, runs[r].end, len(runs[r].digits)
        last = runs[r]
        nxt = r + 1
        while nxt < len(runs) and count < high and self._bridged(last, runs[nxt]):
            last = runs[nxt]
            end, count = last.end, count + len(last.digits)
            nxt += 1
        structured = runs[r].dashed == (3, 2, 4) or (not runs[r].words and runs[r].groups == (3, 2, 4))
        if low <= count <= high or (kind == "us_ssn" and structured):
            self.add(kind, start, end)
            return nxt
        return None

    def _bridged(self, a: Run, b: Run) -> bool:
        gap = self.text[a.end : b.start]
        if len(gap) > 12:
            return False
        words = [w for w in _GAP_WORDS.findall(gap) if w not in SEPARATORS]
        return len(words) <= 1 and all(len(w) <= _BRIDGE_MAX_LEN and w.isalpha() for w in words)

    def _date_or_account(self, cue_end: int, start: int, card_end: int, account_end: int) -> bool:
        """After "termina en": a month ("termina en diciembre de 2024"), or an account named after the last card."""
        if _MONTH.search(self.folded, cue_end, start):
            return True
        return account_end > card_end and cue_end - account_end <= 30

    def _another_last4(self, previous: Match, run: Run) -> bool:
        """A second 4-digit ending named right after the first ("termina en 6669 y la otra en 0486")."""
        gap = self.folded[previous.end : run.start]
        return len(gap) <= 25 and any(w in gap.split() for w in ("otra", "otro", "other"))

    def _is_amount(self, run: Run) -> bool:
        before = self.folded[max(0, run.start - 8) : run.start]
        after = self.folded[run.end : run.end + 16]
        return bool(cues.CURRENCY_BEFORE_RE.search(before) or cues.CURRENCY_AFTER_RE.match(after))


_SPELL_NUMBERS = frozenset(
    "cero uno dos tres cuatro cinco seis siete ocho nueve zero one two three four five six seven eight nine".split()
)


def _spell_item(token: Token) -> bool:
    norm = token.norm
    return (len(norm) == 1 and norm.isalnum()) or norm.isdigit() or norm in _SPELL_NUMBERS


def find_sensitive(text: str, context: str = "", *, reader: str = "hand") -> list[Match]:
    """Non-overlapping matches in ``text``, in order; ``context`` is the previous turn's text.

    ``reader`` picks how spoken numbers are read: ``"hand"`` (default) or ``"text2num"``.
    """
    tail = context[-_CONTEXT_CHARS:] if context else ""
    offset = len(tail) + 1 if tail else 0
    finder = _Finder(f"{tail} {text}" if tail else text, reader)
    finder.codes()
    finder.numbers()
    out = []
    for m in finder.found:
        if m.end > offset:
            out.append(Match(m.kind, max(m.start, offset) - offset, m.end - offset))
    return out


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
    index = 0
    for m in find_sensitive(stream):
        while index + 1 < len(texts) and starts[index + 1] <= m.start:
            index += 1
        k = index
        while k < len(texts) and starts[k] < m.end:
            base, text = starts[k], texts[k]
            lo, hi = max(m.start, base), min(m.end, base + len(text))
            if lo < hi and text[lo - base : hi - base].strip(" .,;:-"):
                per_turn[k].append(Match(m.kind, lo - base, hi - base))
            k += 1
    return [apply_matches(text, matches) for text, matches in zip(texts, per_turn, strict=True)]


def redact(text: str, context: str = "") -> tuple[str, list[Masked]]:
    """``text`` with every match replaced by its mask, and where each mask is."""
    return apply_matches(text, find_sensitive(text, context))


def redact_text(text: str) -> str:
    """Only the masked text (for channels without word timestamps: chat, SMS, e-mail)."""
    return apply_matches(text, find_sensitive(text))[0]


def redact_interaction(interaction: Interaction) -> Interaction:
    """The interaction with its turns redacted as one stream (chat, SMS, e-mail, transcripts given as text).

    Returns the same object when nothing is masked; turns keep their speaker, times and order.
    """
    if not interaction.turns:
        return interaction
    redacted = redact_turns([turn.text for turn in interaction.turns])
    if not any(masks for _text, masks in redacted):
        return interaction
    turns = tuple(
        turn.model_copy(update={"text": text}) if masks else turn
        for turn, (text, masks) in zip(interaction.turns, redacted, strict=True)
    )
    return interaction.model_copy(update={"turns": turns})


def apply_matches(text: str, matches: list[Match]) -> tuple[str, list[Masked]]:
    """``text`` with each match (in order, not overlapping) replaced by its mask, and where each mask is."""
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
