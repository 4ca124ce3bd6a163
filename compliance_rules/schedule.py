"""The consumer's local clock: time zone resolution and holiday calendars.

The zone comes from the record (``consumer_timezone``), else from the phone
number (``phonenumbers``; a US number may map to several zones, and then a
contact must be lawful in every one of them), else from the jurisdiction's
default, read from the pack manifests (``packs/<J>/pack.yaml``: a US state maps
to its main zone; bare ``US``, which has no single zone, falls back to the offset
written in ``started_at``).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import phonenumbers
from phonenumbers import timezone as phone_timezone

from compliance_rules.manifest import manifest_for
from qa.domain import Interaction, split_jurisdiction


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
    manifest = manifest_for(country)
    if sub:
        own = manifest_for(f"{country}-{sub}")
        zone = (manifest.subdivision_zones.get(sub) if manifest else None) or (own.timezone if own else None)
        if zone:
            return [ZoneInfo(zone)], "state default"
    if manifest is not None and manifest.timezone:
        return [ZoneInfo(manifest.timezone)], "jurisdiction default"
    return [timezone(interaction.started_at.utcoffset())], "offset of started_at"  # type: ignore[list-item,arg-type]


def default_zone(jurisdiction: str) -> str | None:
    """The zone a consumer of ``jurisdiction`` is assumed to be in (subdivision first), from the pack manifests."""
    country, sub = split_jurisdiction(jurisdiction)
    manifest = manifest_for(country)
    own = manifest_for(jurisdiction) if sub else None
    if sub and manifest and sub in manifest.subdivision_zones:
        return manifest.subdivision_zones[sub]
    if own and own.timezone:
        return own.timezone
    return manifest.timezone if manifest else None


def local_times(interaction: Interaction) -> tuple[list[datetime], str]:
    zones, source = resolve_zones(interaction)
    return [interaction.started_at.astimezone(z) for z in zones], source


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def holiday_name(country: str, day: date) -> str | None:
    """The public holiday on ``day`` in ``country``, or None."""
    return _calendar(country, day.year).get(day)
