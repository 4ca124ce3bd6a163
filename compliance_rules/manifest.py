"""Pack manifests: what a jurisdiction's rules assume about the place (``packs/<J>/pack.yaml``).

A manifest names the country, the languages spoken in its contacts, the default time zone of a
consumer there (and of each subdivision, where they differ), the public-holiday calendar, and
the allowed contact windows. Off-hours rules that do not state their own windows take them from
their pack's manifest, and the consumer's clock falls back to the manifest's zone when neither the
record nor the phone number gives one (:mod:`compliance_rules.schedule`).

Every manifest loaded (the bundled packs, or another folder given to ``Scanner.load``) is
registered by jurisdiction; a later load of the same jurisdiction replaces the earlier one.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from compliance_rules.schema import RuleError

PACKS_DIR = Path(__file__).parent / "packs"
MANIFEST_NAME = "pack.yaml"
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW_RE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$")
_JURISDICTION_RE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$")


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as America/Bogota)") from None
    return value


class ContactWindows(BaseModel):
    """When a collector may contact a consumer, in the consumer's local time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Allowed window per weekday, "HH:MM-HH:MM" (both ends allowed); null = closed all day.
    days: dict[str, str | None]
    # Whether the holiday calendar's public holidays close the whole day.
    closed_on_holidays: bool = False

    @field_validator("days")
    @classmethod
    def _every_day(cls, days: dict[str, str | None]) -> dict[str, str | None]:
        unknown = sorted(set(days) - set(DAY_KEYS))
        missing = [d for d in DAY_KEYS if d not in days]
        if unknown or missing:
            raise ValueError(f"days must name each of {DAY_KEYS} once (null = closed); missing {missing}, unknown {unknown}")
        for day, window in days.items():
            if window is None:
                continue
            found = _WINDOW_RE.match(window)
            if not found or int(found[1]) * 60 + int(found[2]) >= int(found[3]) * 60 + int(found[4]):
                raise ValueError(f"window for {day} must be 'HH:MM-HH:MM' with start before end, got {window!r}")
        return days


class PackManifest(BaseModel):
    """One jurisdiction's ``pack.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    jurisdiction: str
    country: str
    languages: list[Literal["es", "en"]] = Field(min_length=1)
    # Zone of a consumer of this jurisdiction when the record and the phone say nothing; null: the
    # offset written in ``started_at`` (a country with several zones and no main one, such as the US).
    timezone: str | None
    # Zone per subdivision code (the part after ``CC-``), where it differs from ``timezone``.
    subdivision_zones: dict[str, str] = Field(default_factory=dict)
    # ``holidays`` country code of the public-holiday calendar; null: none.
    holiday_calendar: str | None = None
    contact_windows: ContactWindows | None = None

    @field_validator("jurisdiction")
    @classmethod
    def _jurisdiction_code(cls, value: str) -> str:
        if not _JURISDICTION_RE.match(value):
            raise ValueError(f"jurisdiction {value!r} must be a country code, optionally with a subdivision (US, US-CA)")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return None if value is None else _zone(value)

    @field_validator("subdivision_zones")
    @classmethod
    def _known_zones(cls, value: dict[str, str]) -> dict[str, str]:
        for zone in value.values():
            _zone(zone)
        return value

    @field_validator("holiday_calendar")
    @classmethod
    def _known_calendar(cls, value: str | None) -> str | None:
        if value is not None and value not in holidays.list_supported_countries():
            raise ValueError(f"unknown holiday calendar {value!r} (a country code the 'holidays' library knows, such as CO)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> PackManifest:
        if self.jurisdiction.split("-")[0] != self.country:
            raise ValueError(f"country {self.country!r} is not the country of jurisdiction {self.jurisdiction!r}")
        if self.contact_windows and self.contact_windows.closed_on_holidays and not self.holiday_calendar:
            raise ValueError("contact_windows.closed_on_holidays needs a holiday_calendar")
        return self

    def rule_window_params(self) -> dict:
        """The off-hours parameters this pack gives a rule that does not state its own."""
        if self.contact_windows is None:
            return {}
        calendar = self.holiday_calendar if self.contact_windows.closed_on_holidays else None
        return {"windows": dict(self.contact_windows.days), "holiday_calendar": calendar}


_registered: dict[str, PackManifest] = {}


def load_manifest(pack: Path) -> PackManifest:
    """Read and validate ``pack/pack.yaml``; the folder's name is the jurisdiction. Raises :class:`RuleError`."""
    path = pack / MANIFEST_NAME
    if not path.is_file():
        raise RuleError(f"{pack}: rule pack has no {MANIFEST_NAME} (country, languages, timezone; see docs/rules.md)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise RuleError(f"{path}: a pack manifest holds one mapping (jurisdiction, country, languages, timezone, ...)")
    if raw.get("jurisdiction") != pack.name:
        raise RuleError(f"{path}: jurisdiction {raw.get('jurisdiction')!r} is not the pack folder's name {pack.name!r}")
    try:
        manifest = PackManifest.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'manifest'}: {e['msg']}" for e in exc.errors())
        raise RuleError(f"{path}: {problems}") from None
    _registered[manifest.jurisdiction] = manifest
    return manifest


@cache
def _bundled() -> None:
    for pack in sorted(p for p in PACKS_DIR.iterdir() if p.is_dir()):
        if pack.name not in _registered:
            load_manifest(pack)


def manifest_for(jurisdiction: str) -> PackManifest | None:
    """The registered manifest of ``jurisdiction`` (the bundled packs are read on first use), or None."""
    _bundled()
    return _registered.get(jurisdiction)
