"""When a consumer asks to be called back: day and time of day.

"Llámeme el jueves a las tres", "call me after 9 pm, I work days", "sí,
llámeme mañana en la mañana" become a :class:`CallbackRequest`; a later
outbound contact that falls inside it was asked for by the consumer, so it
is neither an off-hours nor a frequency breach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from compliance_rules.text import AnalyzedText

_WEEKDAYS = {
    "lunes": 0,
    "martes": 1,
    "miercoles": 2,
    "jueves": 3,
    "viernes": 4,
    "sabado": 5,
    "domingo": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_NUMBERS = {
    "una": 1,
    "uno": 1,
    "one": 1,
    "dos": 2,
    "two": 2,
    "tres": 3,
    "three": 3,
    "cuatro": 4,
    "four": 4,
    "cinco": 5,
    "five": 5,
    "seis": 6,
    "six": 6,
    "siete": 7,
    "seven": 7,
    "ocho": 8,
    "eight": 8,
    "nueve": 9,
    "nine": 9,
    "diez": 10,
    "ten": 10,
    "once": 11,
    "eleven": 11,
    "doce": 12,
    "twelve": 12,
}
# Parts of the day, as minute ranges of the local clock.
_PARTS = {
    "morning": (6 * 60, 12 * 60),
    "afternoon": (12 * 60, 19 * 60),
    "evening": (17 * 60, 23 * 60),
    "night": (19 * 60, 24 * 60),
    "tarde": (12 * 60, 19 * 60),
    "noche": (19 * 60, 24 * 60),
    "madrugada": (0, 6 * 60),
}
_PM_WORDS = {"pm", "p", "tarde", "noche", "evening", "night", "afternoon"}
_AM_WORDS = {"am", "a", "manana", "morning", "madrugada"}
_AFTER = {"after", "despues", "pasadas", "later"}
_BEFORE = {"before", "antes"}


@dataclass(frozen=True)
class CallbackRequest:
    """A time the consumer asked to be contacted at, in their local clock."""

    requested_on: date
    turn: int
    evidence: str
    weekday: int | None = None
    on_date: date | None = None
    minutes: tuple[int, int] | None = None

    def covers(self, local: datetime, horizon_days: int = 8) -> bool:
        """Whether a contact at ``local`` (consumer's clock) is the one asked for.

        A request with neither a day nor a time ("llámeme luego") is too vague
        to make any particular contact one the consumer asked for.
        """
        if self.weekday is None and self.on_date is None and self.minutes is None:
            return False
        delta = (local.date() - self.requested_on).days
        if delta < 0 or delta > horizon_days:
            return False
        if self.on_date is not None and local.date() != self.on_date:
            return False
        if self.weekday is not None and local.weekday() != self.weekday:
            return False
        if self.minutes is not None:
            minute = local.hour * 60 + local.minute
            lo, hi = self.minutes
            if not lo - 60 <= minute <= hi + 60:
                return False
        return True


def _hour_after(words: list[str], index: int) -> tuple[int, int] | None:
    """Parse ``3``, ``3:30``, ``7 30``, ``siete y media`` starting at ``index``."""
    word = words[index]
    hour: int | None = None
    minute = 0
    if word.isdigit() and len(word) <= 2:
        hour = int(word)
        if index + 1 < len(words) and words[index + 1].isdigit() and len(words[index + 1]) == 2:
            minute = int(words[index + 1])
    elif word.isdigit() and len(word) in (3, 4):
        hour, minute = int(word[:-2]), int(word[-2:])
    elif word in _NUMBERS:
        hour = _NUMBERS[word]
        rest = words[index + 1 : index + 3]
        if rest[:2] == ["y", "media"] or rest[:1] == ["thirty"]:
            minute = 30
    if hour is None or hour > 23 or minute > 59:
        return None
    return hour, minute


def parse_callback(text: AnalyzedText, requested_on: date, turn: int) -> CallbackRequest:
    """Extract the day and the time window from a callback request."""
    words = [t.norm for t in text.tokens]
    weekday = on_date = None
    minutes: tuple[int, int] | None = None
    part: tuple[int, int] | None = None
    clock: tuple[int, int] | None = None
    relation = None
    for i, word in enumerate(words):
        if word in _WEEKDAYS:
            weekday = _WEEKDAYS[word]
        elif word in ("tomorrow",) or (word == "manana" and (i == 0 or words[i - 1] not in ("la", "en", "por", "de"))):
            on_date = requested_on + timedelta(days=1)
        elif word in ("today", "hoy", "tonight") or (word in ("esta", "this") and i + 1 < len(words) and words[i + 1] in _PARTS):
            on_date = requested_on
        if word in _PARTS or (word == "manana" and i > 0 and words[i - 1] in ("la", "en", "por", "de")):
            part = _PARTS.get(word, (6 * 60, 12 * 60))
        if word in _AFTER:
            relation = "after"
        elif word in _BEFORE:
            relation = "before"
        if word in (
            "las",
            "at",
            "a",
            "around",
            "como",
            "after",
            "despues",
            "before",
            "antes",
            "by",
            "like",
            "about",
            "tipo",
            "eso",
        ) and i + 1 < len(words):
            parsed = _hour_after(words, i + 1)
            if parsed is not None and clock is None:
                clock = parsed
                tail = set(words[i + 2 : i + 6])
                hour, minute = clock
                if hour < 12 and (tail & _PM_WORDS and not tail & {"manana", "morning", "am"}):
                    hour += 12
                elif hour < 7 and not tail & _AM_WORDS:
                    hour += 12  # "a las tres" means 15:00 in a collection call
                clock = (hour, minute)
    if clock is not None:
        at = clock[0] * 60 + clock[1]
        if relation == "after":
            minutes = (at, 24 * 60)
        elif relation == "before":
            minutes = (0, at)
        else:
            minutes = (at, at)
    elif part is not None:
        minutes = part
    return CallbackRequest(requested_on, turn, text.raw, weekday, on_date, minutes)
