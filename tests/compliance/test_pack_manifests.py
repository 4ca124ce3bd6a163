"""Pack manifests (``packs/<J>/pack.yaml``): validated at load, the source of default zones and contact windows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from compliance_rules import manifest as manifests
from compliance_rules.catalog import PACKS_DIR, load_rule_specs
from compliance_rules.engine import Scanner
from compliance_rules.manifest import MANIFEST_NAME, load_manifest, manifest_for
from compliance_rules.schedule import resolve_zones
from compliance_rules.schema import RuleError
from tests.compliance.helpers import call

GOOD = {
    "jurisdiction": "CO",
    "country": "CO",
    "languages": ["es"],
    "timezone": "America/Bogota",
    "holiday_calendar": "CO",
    "contact_windows": {"days": {d: "08:00-18:00" for d in manifests.DAY_KEYS}, "closed_on_holidays": True},
}


def _write(folder: Path, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST_NAME).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_every_shipped_pack_has_a_valid_manifest() -> None:
    packs = sorted(p for p in PACKS_DIR.iterdir() if p.is_dir())
    assert len(packs) >= 9
    for pack in packs:
        manifest = load_manifest(pack)
        assert manifest.jurisdiction == pack.name and manifest.country == pack.name.split("-")[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"timezone": "America/Atlantis"}, "unknown time zone 'America/Atlantis'"),
        ({"holiday_calendar": "XX"}, "unknown holiday calendar 'XX'"),
        ({"country": "PE"}, "is not the country of jurisdiction 'CO'"),
        ({"languages": ["fr"]}, "languages.0"),
        ({"languages": []}, "languages"),
        ({"jurisdiction": "PE"}, "is not the pack folder's name 'CO'"),
        ({"time_zone": "America/Bogota"}, "time_zone"),
        ({"contact_windows": {"days": {"mon": "08:00-18:00"}}}, "missing ['tue'"),
        ({"contact_windows": {"days": {**GOOD["contact_windows"]["days"], "sat": "18:00-08:00"}}}, "window for sat"),
        ({"holiday_calendar": None}, "closed_on_holidays needs a holiday_calendar"),
        ({"subdivision_zones": {"ANT": "Mars/Olympus"}}, "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_a_bad_manifest_is_refused_naming_the_file_and_the_field(tmp_path, change, message) -> None:
    pack = _write(tmp_path / "CO", {**GOOD, **change})
    with pytest.raises(RuleError) as caught:
        load_manifest(pack)
    assert str(pack / MANIFEST_NAME) in str(caught.value) and message in str(caught.value)


def test_a_pack_without_a_manifest_fails_the_scanner_load(tmp_path) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(PACKS_DIR / "CO", packs / "CO")
    (packs / "CO" / MANIFEST_NAME).unlink()
    with pytest.raises(RuleError, match="has no pack.yaml"):
        Scanner.load(packs_dir=packs, layers="rules")


def test_an_off_hours_rule_takes_its_windows_from_the_manifest() -> None:
    hours = {s.jurisdiction: s.params for s in load_rule_specs() if s.detector == "off_hours.v1"}
    assert hours["CO"]["windows"]["sat"] == "08:00-15:00" and hours["CO"]["holiday_calendar"] == "CO"
    assert hours["MX"]["windows"]["sun"] == "07:00-22:00" and hours["MX"]["holiday_calendar"] is None


@pytest.mark.parametrize(
    ("jurisdiction", "zone", "source"),
    [
        ("US-TX", "America/Chicago", "state default"),
        ("US-CA", "America/Los_Angeles", "state default"),
        ("CO", "America/Bogota", "jurisdiction default"),
        ("CO-ANT", "America/Bogota", "jurisdiction default"),
        ("ES", "Europe/Madrid", "jurisdiction default"),
        ("US", "UTC-05:00", "offset of started_at"),
    ],
)
def test_the_default_zone_comes_from_the_manifests(jurisdiction, zone, source) -> None:
    zones, found = resolve_zones(call([("agent", "hola")], jurisdiction=jurisdiction))
    assert [str(z) for z in zones] == [zone] and found == source


def test_a_throwaway_pack_works_end_to_end(tmp_path, monkeypatch) -> None:
    """A new subdivision pack (Quintana Roo, one hour off Mexico City) with its own zone and windows."""
    manifest_for("MX")  # the bundled manifests are registered before the registry is swapped for this test
    monkeypatch.setattr(manifests, "_registered", dict(manifests._registered))
    packs = tmp_path / "packs"
    shutil.copytree(PACKS_DIR, packs, ignore=shutil.ignore_patterns("learned-*.yaml"))
    weekdays = dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "09:00-18:00")
    _write(
        packs / "MX-ROO",
        {
            "jurisdiction": "MX-ROO",
            "country": "MX",
            "languages": ["es"],
            "timezone": "America/Cancun",
            "holiday_calendar": "MX",
            "contact_windows": {"days": {**weekdays, "sat": None, "sun": None}, "closed_on_holidays": True},
        },
    )
    hours = yaml.safe_load((PACKS_DIR / "CO" / "hours.yaml").read_text(encoding="utf-8"))
    hours.update(id="MX-ROO-test-hours", citation="a throwaway rule for this test")
    (packs / "MX-ROO" / "hours.yaml").write_text(yaml.safe_dump(hours, allow_unicode=True), encoding="utf-8")

    scanner = Scanner.load(packs_dir=packs, layers="rules")
    assert "MX-ROO-test-hours" in {r.spec.id for r in scanner.rules_for("MX-ROO")}
    turns = [("agent", "Buenas tardes, le llamo por el pago de su tarjeta.")]
    # 17:30 in Mexico City is 18:30 in Cancún (no daylight saving time in either in 2026).
    late = call(turns, ident="late", jurisdiction="MX-ROO", started_at="2026-03-03T17:30:00-06:00")
    on_time = call(turns, ident="on-time", jurisdiction="MX-ROO", started_at="2026-03-03T10:00:00-06:00")
    saturday = call(turns, ident="saturday", jurisdiction="MX-ROO", started_at="2026-03-07T10:00:00-06:00")
    elsewhere = call(turns, ident="elsewhere", jurisdiction="MX-CMX", started_at="2026-03-03T17:30:00-06:00")
    scanned = scanner.scan([late, on_time, saturday, elsewhere])
    found = {(f.interaction_id, f.rule_id): f for f in scanned if f.family.value == "off_hours"}
    rule = "MX-ROO-test-hours"
    assert set(found) == {("late", rule), ("saturday", rule)}
    assert "America/Cancun" in found[("late", rule)].evidence and "18:30" in found[("late", rule)].evidence
