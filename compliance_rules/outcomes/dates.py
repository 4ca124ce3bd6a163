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


def resolve_date(text: str, today: date, language: str = "es") -> date | None:
    """The payment day ``text`` names, or None when it names none (or only a vague one: "next week")."""
    t = " " + strip_accents(text.lower()) + " "
    t = _words_to_days(t, language)
    # Absolute: "15 de marzo", "march 15th", "15/03" (es) or "3/15" (en).
    match = re.search(rf"\b{_DAY}\s+(?:de\s+)?({_MONTH_NAMES})\b", t)
    if match:
        return _month_day(today, _MONTHS[match.group(2)], int(match.group(1)))
    match = re.search(rf"\b({_MONTH_NAMES})\.?\s+(?:the\s+)?{_DAY}\b", t)
    if match and not (match.group(1) == "may" and language == "en" and not re.search(r"\bmay\s+\d", t)):
        return _month_day(today, _MONTHS[match.group(1)], int(match.group(2)))
    match = re.search(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b", t)
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        month, dom = (first, second) if language == "en" else (second, first)
        if 1 <= month <= 12:
            return _month_day(today, month, dom)
    if re.search(r"\b(pasado manana|day after tomorrow)\b", t):
        return today + timedelta(days=2)
    if re.search(r"\btomorrow\b", t) or re.search(r"(?<!la )\bmanana\b", t):  # "mañana", not "en la mañana"
        return today + timedelta(days=1)
    if re.search(r"\b(fin de mes|fin del mes|finales de mes|ultimo dia del mes|end of (the )?month|last day of the month)\b", t):
        end = _month_end(today)
        return end if end >= today else _month_end(end + timedelta(days=1))
    if re.search(r"\b(quincena)\b", t):
        fifteenth = today.replace(day=15)
        return fifteenth if fifteenth >= today else _month_end(today)
    match = re.search(r"\b(?:en|in)\s+(\d{1,2}|" + "|".join(_COUNTS) + r")\s+(dias?|days?|semanas?|weeks?)\b", t)
    if match:
        count = _COUNTS.get(match.group(1)) or int(match.group(1))
        return today + timedelta(days=count * (7 if match.group(2).startswith(("sem", "week")) else 1))
    match = re.search(
        r"\b(next|proximo|proxima|que viene|this|este|esta|coming|el|on|para el|hasta el|by)?\s*("
        + "|".join(_WEEKDAYS)
        + r")\b(\s+que viene|\s+de la (?:otra|proxima) semana)?",
        t,
    )
    if match:
        return _after_weekday(today, _WEEKDAYS[match.group(2)], bool(match.group(3) and "semana" in match.group(3)))
    match = re.search(
        rf"\b(?:el|the|on the|by the|para el|hasta el|dia|day)\s+{_DAY}\b(?!\s*{_NOT_A_DAY})",
        t,
    )
    if match:
        dom = int(match.group(1))
        if 1 <= dom <= 31:
            return _next_month_day(today, dom)
    if re.search(
        r"\b(primero del? (?:mes|proximo mes|mes que viene)|first of (?:the|next) month|1st of (?:the|next) month)\b", t
    ):
        return _next_month_day(today + timedelta(days=1), 1)
    if re.search(r"\b(hoy|today|ahorita|right now|ahora mismo|tonight|esta noche)\b", t):
        return today
    return None


def _words_to_days(t: str, language: str) -> str:
    """Ordinals and day numbers in words ("el quince", "the fifteenth") as digits."""
    for word, value in _ORDINAL_WORDS.items():
        t = re.sub(rf"\b{word}\b", str(value), t)
    try:
        from text_to_num import alpha2digit

        return " " + alpha2digit(t.strip(), "en" if language == "en" else "es") + " "
    except (ValueError, IndexError):
        return t
