"""The day a consumer names for a payment, resolved against the day of the contact.

"el viernes", "pasado mañana", "a fin de mes", "el quince", "the 15th", "March 3rd", "15/03",
"en dos semanas", "la quincena", "next Tuesday" → a date in the consumer's calendar. The day of
the contact is its local date in the consumer's time zone (a call at 23:30 in Bogotá on the 31st
is on the 31st, whatever UTC says). A weekday means the next such day after today; a day of the
month that has passed this month means next month's. ``dateparser`` reads the absolute dates
with month names it knows in both languages; the relative forms collections use are read here.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from compliance_rules.text import strip_accents

_WEEKDAYS = {
    "lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_ORDINAL_WORDS = {
    "primero": 1, "first": 1, "second": 2, "third": 3, "fifth": 5, "tenth": 10, "fifteenth": 15, "twentieth": 20,
    "thirtieth": 30,
}  # fmt: skip
_COUNTS = {"una": 1, "un": 1, "a": 1, "one": 1, "dos": 2, "two": 2, "tres": 3, "three": 3, "cuatro": 4, "four": 4}
# What follows a number that is not a day of the month: money, percentages, clock times.
_NOT_A_DAY = r"(?:%|mil|k\b|dolares|dollars|pesos|soles|lucas|de la|am|pm|:)"
_WEEKDAY_NAMES = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(\d{1,2})(?:st|nd|rd|th|ro|vo|to)?"


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month_day(today: date, dom: int) -> date | None:
    """The next day ``dom`` of a month on or after today (this month's if still ahead, else next month's)."""
    year, month = today.year, today.month
    for _ in range(3):
        last = calendar.monthrange(year, month)[1]
        if dom <= last:
            candidate = date(year, month, dom)
            if candidate >= today:
                return candidate
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return None


def _after_weekday(today: date, weekday: int, next_week: bool = False) -> date:
    """The next such weekday after today; with ``next_week``, that weekday of the next calendar week."""
    if next_week:
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _month_day(today: date, month: int, dom: int) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, dom)
        except ValueError:
            return None
        if candidate >= today - timedelta(days=7):
            return candidate
    return None


def date_candidates(text: str, today: date, language: str = "es") -> list[tuple[int, int, date]]:
    """Every day ``text`` names, as ``(position, specificity, day)``; higher specificity is a more exact form.

    A day the speaker rules out ("el lunes no", "not tomorrow") is left out.
    """
    t = _words_to_days(" " + strip_accents(text.lower()) + " ", language)
    found: list[tuple[int, int, date | None]] = []

    def add(match: re.Match | None, rank: int, day: date | None) -> None:
        if match is not None and day is not None and not _ruled_out(t, match.start(), match.end()):
            found.append((match.start(), rank, day))

    day_month = rf"\b{_DAY}\s+(?:de\s+)?({_MONTH_NAMES})\b"
    month_day = rf"\b({_MONTH_NAMES})\.?\s+(?:the\s+)?{_DAY}\b"
    # English writes "march 20", Spanish "20 de marzo": try the language's own order first, so that
    # "march 20 april 20" is not read as "20 april".
    for pattern, month_first in sorted(((day_month, False), (month_day, True)), key=lambda p: p[1] != (language == "en")):
        for m in re.finditer(pattern, t):
            month, dom = (m.group(1), m.group(2)) if month_first else (m.group(2), m.group(1))
            if month == "may" and language == "en" and month_first is False:
                continue
            if not any(pos <= m.start() < pos + 12 for pos, rank, _ in found if rank == 5):
                add(m, 5, _month_day(today, _MONTHS[month], int(dom)))
    for m in re.finditer(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b", t):
        first, second = int(m.group(1)), int(m.group(2))
        month, dom = (first, second) if language == "en" else (second, first)
        if 1 <= month <= 12:
            add(m, 5, _month_day(today, month, dom))
    for m in re.finditer(
        rf"\b(?:el|the|on the|by the|para el|hasta el|dia|day|{_WEEKDAY_NAMES})\s+{_DAY}\b(?!\s*{_NOT_A_DAY})", t
    ):
        if 1 <= int(m.group(1)) <= 31 and not any(abs(pos - m.start()) < 12 for pos, rank, _ in found if rank == 5):
            add(m, 4, _next_month_day(today, int(m.group(1))))
    for m in re.finditer(
        r"\b(primero del? (?:mes|proximo mes|mes que viene)|first of (?:the|next) month|1st of (?:the|next) month)\b", t
    ):
        add(m, 4, _next_month_day(today + timedelta(days=1), 1))
    for m in re.finditer(rf"\b({_WEEKDAY_NAMES})\b(\s+que viene|\s+de la (?:otra|proxima) semana)?", t):
        if any(abs(pos - m.start()) < 14 for pos, rank, _ in found if rank >= 4):
            continue  # "el viernes 15", "friday march 20th": the exact day is already read
        add(m, 3, _after_weekday(today, _WEEKDAYS[m.group(1)], bool(m.group(2) and "semana" in m.group(2))))
    for m in re.finditer(r"\b(pasado manana|day after tomorrow)\b", t):
        add(m, 2, today + timedelta(days=2))
    for m in re.finditer(r"\btomorrow\b|(?<!la )(?<!pasado )\bmanana\b", t):  # "mañana", not "en la mañana"
        add(m, 2, today + timedelta(days=1))
    for m in re.finditer(
        r"\b(fin de mes|fin del mes|finales de mes|ultimo dia del mes|end of (the )?month|last day of the month)\b", t
    ):
        end = _month_end(today)
        add(m, 2, end if end >= today else _month_end(end + timedelta(days=1)))
    for m in re.finditer(r"\bquincena\b", t):
        fifteenth = today.replace(day=15)
        add(m, 2, fifteenth if fifteenth >= today else _month_end(today))
    counts = "|".join(_COUNTS)
    for m in re.finditer(
        rf"\b(?:(?:en|in|dentro de)\s+(\d{{1,2}}|{counts})\s+(dias?|days?|semanas?|weeks?)"
        rf"|(\d{{1,2}}|{counts})\s+(days?|weeks?)\s+from\s+(?:today|now))\b",
        t,
    ):
        count_word = m.group(1) or m.group(3)
        unit = m.group(2) or m.group(4)
        count = _COUNTS.get(count_word) or int(count_word)
        add(m, 2, today + timedelta(days=count * (7 if unit.startswith(("sem", "week")) else 1)))
    for m in re.finditer(r"\b(hoy|today|ahorita|right now|ahora mismo|tonight|esta noche)\b", t):
        add(m, 1, today)
    return sorted((pos, rank, day) for pos, rank, day in found if day is not None)


def _ruled_out(t: str, start: int, end: int) -> bool:
    """Whether the speaker rules this day out: "el lunes no", "not tomorrow", "no el viernes"."""
    before = t[max(0, start - 8) : start]
    after = t[end : end + 5]
    return bool(re.search(r"\b(not|no)\s+$", before) or re.match(r"\s*(no|not)\b(?!\s+(?:se|puedo|hay|tengo))", after))


def resolve_date(text: str, today: date, language: str = "es", near: float | None = None) -> date | None:
    """The payment day ``text`` names, or None when it names none (or only a vague one: "next week").

    With ``near`` (where the promised amount is said, as a share of the text's length), the day said
    closest to it wins; otherwise the most exact form, the first of equals.
    """
    candidates = date_candidates(text, today, language)
    if not candidates:
        return None
    if near is not None:
        length = len(text) + 2
        return min(candidates, key=lambda c: (abs(c[0] / length - near), -c[1]))[2]
    return max(candidates, key=lambda c: (c[1], -c[0]))[2]


def _words_to_days(t: str, language: str) -> str:
    """Ordinals and day numbers in words ("el quince", "the fifteenth") as digits."""
    for word, value in _ORDINAL_WORDS.items():
        t = re.sub(rf"\b{word}\b", str(value), t)
    try:
        from text_to_num import alpha2digit

        return " " + alpha2digit(t.strip(), "en" if language == "en" else "es") + " "
    except (ValueError, IndexError):
        return t
