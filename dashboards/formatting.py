"""Numbers, percentages, money, dates and times as the viewer's language writes them, through babel (CLDR).

Every page formats what it shows through these functions (``dashboards.components`` re-exports the
number helpers as ``fmt_num`` / ``fmt_pct``): Spanish pages use the ``es_CO`` locale ("1.234,5",
"12,3%", "3 de dic de 2026"), English pages ``en_US``
("1,234.5", "12.3%", "Dec 3, 2026"). A missing value (None, NaN, NaT) is shown as "—", never "None".

Tables keep their numeric and datetime columns (so they still sort by value) and get the display text
from :func:`styled`: Streamlit shows a pandas Styler's display values for number, text and datetime
columns that have no ``format`` of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from babel import Locale
from babel.dates import format_skeleton, format_time, get_timezone_name
from babel.numbers import format_compact_decimal, format_decimal, format_percent

LOCALES = {"es": "es_CO", "en": "en_US"}
MISSING = "—"
UTC_ZONE = ZoneInfo("UTC")


@lru_cache(maxsize=8)
def locale_of(lang: str) -> Locale:
    """The babel locale of a page language (Spanish, the default language, for anything unknown)."""
    return Locale.parse(LOCALES.get(lang, LOCALES["es"]))


def missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array is not a missing scalar
        return False


def _pattern(digits: int, *, signed: bool = False, suffix: str = "") -> str:
    body = "#,##0" + ("." + "0" * digits if digits > 0 else "") + suffix
    return f"+{body};-{body}" if signed else body


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """``1234.5`` → "1.234,5" (es) / "1,234.5" (en), with exactly ``digits`` decimals."""
    if missing(value):
        return MISSING
    return format_decimal(value, format=_pattern(digits), locale=locale_of(lang))


def plain(value: float | int | None, lang: str) -> str:
    """A figure with only the decimals it has (up to three): 0.4 → "0,4" / "0.4", 60.0 → "60"."""
    if missing(value):
        return MISSING
    return format_decimal(value, format="#,##0.###", locale=locale_of(lang))


def signed(value: float | int | None, lang: str, digits: int = 1, unit: str = "") -> str:
    """A change with its sign: "+1,5" / "-0,3" (``unit`` appended after a space, e.g. "pp")."""
    if missing(value):
        return MISSING
    text = format_decimal(value, format=_pattern(digits, signed=True), locale=locale_of(lang))
    return f"{text} {unit}" if unit else text


def percent(value: float | None, lang: str, digits: int = 1) -> str:
    """A ratio (0.123) as the locale writes a percentage: "12,3%" (es_CO) / "12.3%" (en_US)."""
    if missing(value):
        return MISSING
    loc = locale_of(lang)
    pattern = loc.percent_formats[None].pattern.replace("#,##0", _pattern(digits), 1)
    return format_percent(value, format=pattern, locale=loc)


def compact(value: float | int | None, lang: str) -> str:
    """A large figure, short: 9 500 000 → "9,5 M" (es) / "9.5M" (en); below 10 000 written in full."""
    if missing(value):
        return MISSING
    if abs(value) < 10_000:
        return number(value, lang)
    return format_compact_decimal(value, locale=locale_of(lang), fraction_digits=1)


def money(amount: float | None, currency: str | None, lang: str, *, short: bool = False) -> str:
    """An amount with its ISO currency code in front: "COP 9.500.000" / "COP 9,500,000" (``short``: "COP 9,5 M")."""
    if missing(amount):
        return MISSING
    figure = compact(amount, lang) if short else number(amount, lang)
    return f"{currency} {figure}" if currency else figure


def amounts(values: Mapping[str, float], lang: str, *, short: bool = False) -> str:
    """Amounts per currency, sorted by currency: "COP 9.500.000 · USD 1.200"."""
    return " · ".join(money(v, c, lang, short=short) for c, v in sorted(values.items())) or MISSING


def day(value: date | datetime | None, lang: str) -> str:
    """A calendar day: "3 de dic de 2026" (es) / "Dec 3, 2026" (en)."""
    if missing(value):
        return MISSING
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return format_skeleton("yMMMd", value, locale=locale_of(lang))


def clock(value: datetime, lang: str) -> str:
    """The time of day as the locale writes it: "2:05 p. m." (es_CO) / "2:05 PM" (en_US)."""
    return format_time(value, format="short", locale=locale_of(lang))


def when(value: datetime | None, lang: str) -> str:
    """A day and time (no zone): "3 de dic de 2026, 2:05 p. m." / "Dec 3, 2026, 2:05 PM"."""
    if missing(value):
        return MISSING
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    joined = locale_of(lang).datetime_formats["medium"]
    return joined.replace("{1}", day(value, lang)).replace("{0}", clock(value, lang))


def zone_of(name: str | None) -> tzinfo:
    """The zone named ``name`` (an IANA name), UTC for none or an unknown name."""
    if not name:
        return UTC_ZONE
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE


def offset_text(value: datetime) -> str:
    """The UTC offset of an aware time: "UTC-05:00", "UTC+05:30", "UTC"."""
    offset = value.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(value: datetime, lang: str) -> str:
    """The zone of an aware time named in the viewer's language, with its offset: "hora estándar de Colombia, UTC-05:00"."""
    if not value.utcoffset():
        return "UTC"
    try:
        name = get_timezone_name(value, width="long", locale=locale_of(lang))
    except (LookupError, ValueError):
        name = str(value.tzinfo)
    return f"{name}, {offset_text(value)}"


def to_zone(value: datetime, zone: str | None) -> datetime:
    """``value`` (naive UTC as stored, or aware) in the zone named ``zone`` (UTC for none or an unknown name)."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    tz = zone_of(zone)
    return value.replace(tzinfo=UTC_ZONE).astimezone(tz) if value.tzinfo is None else value.astimezone(tz)


def zone_at(local: datetime, zone: str | None) -> datetime:
    """A naive wall-clock time that is already local to ``zone``, made aware (for :func:`zone_label`)."""
    if isinstance(local, pd.Timestamp):
        local = local.to_pydatetime()
    return local.replace(tzinfo=zone_of(zone)) if local.tzinfo is None else local


def local_when(value: datetime | None, zone: str | None, lang: str) -> str:
    """A moment in the given zone, with the zone named: "3 de dic de 2026, 2:05 p. m. (hora estándar de Colombia, UTC-05:00)"."""
    if missing(value):
        return MISSING
    local = to_zone(value, zone)
    return f"{when(local, lang)} ({zone_label(local, lang)})"


def styled(frame: pd.DataFrame, lang: str, formats: Mapping[str, str | Callable[[object], str]]) -> object:
    """A Styler that shows ``frame``'s columns in the viewer's locale while the values (and sorting) stay numeric.

    ``formats`` maps a column to a kind (``"int"``, ``"num1"``, ``"num2"``, ``"pct"``, ``"pct0"``, ``"signed"``,
    ``"day"``, ``"when"``, ``"utc"``) or to a function of the value. Give those columns no ``format`` in
    ``column_config`` (Streamlit then shows the Styler's text).
    """
    kinds: dict[str, Callable[[object], str]] = {
        "int": lambda v: number(v, lang),
        "num1": lambda v: number(v, lang, 1),
        "num2": lambda v: number(v, lang, 2),
        "pct": lambda v: percent(v, lang),
        "pct0": lambda v: percent(v, lang, 0),
        "signed": lambda v: signed(v, lang),
        "day": lambda v: day(v, lang),
        "when": lambda v: when(v, lang),
        "utc": lambda v: MISSING if missing(v) else f"{when(v, lang)} UTC",
    }
    chosen = {c: kinds[f] if isinstance(f, str) else f for c, f in formats.items() if c in frame.columns}
    return frame.style.format(chosen, na_rep=MISSING)
