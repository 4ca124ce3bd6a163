"""The consumer's local clock: time zone resolution and holiday calendars.

The zone comes from the record (``consumer_timezone``), else from the phone
number (``phonenumbers``; a US number may map to several zones, and then a
contact must be lawful in every one of them), else from the jurisdiction's
default (a US state maps to its main zone; bare ``US`` falls back to the
offset written in ``started_at``).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import phonenumbers
from phonenumbers import timezone as phone_timezone

from qa.domain import Interaction, split_jurisdiction

COUNTRY_ZONES = {
    "CO": "America/Bogota",
    "MX": "America/Mexico_City",
    "PE": "America/Lima",
    "CL": "America/Santiago",
    "AR": "America/Argentina/Buenos_Aires",
    "ES": "Europe/Madrid",
}
# Main zone of each US state (states split across zones use the zone of
# most of their population; the phone number or record refines it).
US_STATE_ZONES = {
    **dict.fromkeys("CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV".split(), "America/New_York"),
    **dict.fromkeys("AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI".split(), "America/Chicago"),
    **dict.fromkeys("CO MT NM UT WY ID".split(), "America/Denver"),
    "AZ": "America/Phoenix",
    **dict.fromkeys("CA NV OR WA".split(), "America/Los_Angeles"),
    "AK": "America/Anchorage",
    "HI": "Pacific/Honolulu",
}


@lru_cache(maxsize=4096)
def _phone_zones(phone: str) -> tuple[str, ...]:
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ()
    zones = tuple(z for z in phone_timezone.time_zones_for_number(number) if z != "Etc/Unknown")
    return zones


def resolve_zones(interaction: Interaction) -> tuple[list[ZoneInfo], str]:
    """Candidate zones of the consumer, and where they came from."""
    if interaction.consumer_timezone:
        return [ZoneInfo(interaction.consumer_timezone)], "record"
    if interaction.consumer_phone:
        zones = _phone_zones(interaction.consumer_phone)
        if zones:
            return [ZoneInfo(z) for z in zones], "phone number"
    country, sub = split_jurisdiction(interaction.jurisdiction or "")
    if country == "US":
        if sub in US_STATE_ZONES:
            return [ZoneInfo(US_STATE_ZONES[sub])], "state default"
        offset = interaction.started_at.utcoffset()
        return [timezone(offset)], "offset of started_at"  # type: ignore[list-item]
    if country in COUNTRY_ZONES:
        return [ZoneInfo(COUNTRY_ZONES[country])], "jurisdiction default"
    return [timezone(interaction.started_at.utcoffset())], "offset of started_at"  # type: ignore[list-item,arg-type]


def local_times(interaction: Interaction) -> tuple[list[datetime], str]:
    zones, source = resolve_zones(interaction)
    return [interaction.started_at.astimezone(z) for z in zones], source


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def holiday_name(country: str, day: date) -> str | None:
    """The public holiday on ``day`` in ``country``, or None."""
    return _calendar(country, day.year).get(day)
