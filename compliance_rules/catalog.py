"""The rule catalogue as data: rule files parsed and validated, without building any detector.

Light to import (YAML and pydantic only, no spaCy), for readers of the catalogue such as the
dashboards' Rules page; :class:`compliance_rules.Scanner` builds its detectors from the same specs.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from compliance_rules.manifest import MANIFEST_NAME, PACKS_DIR, PackManifest, load_manifest
from compliance_rules.schema import RuleError, RuleSpec

__all__ = ["PACKS_DIR", "load_rule_file", "load_rule_specs", "rule_files"]

#: The detector whose missing ``windows`` / ``holiday_calendar`` come from the pack manifest.
OFF_HOURS_DETECTOR = "off_hours.v1"


def load_rule_file(path: Path, jurisdiction: str, manifest: PackManifest | None = None) -> RuleSpec:
    """Parse and validate one rule file; an off-hours rule without windows takes its pack manifest's."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise RuleError(f"{path}: a rule file holds one mapping (id, family, severity, ...)")
    rule_id = raw.get("id", "?")
    if (
        raw.get("detector") == OFF_HOURS_DETECTOR
        and isinstance(raw.get("params", {}), dict)
        and "windows" not in raw.get("params", {})
    ):
        manifest = manifest or load_manifest(path.parent)
        if manifest.contact_windows is None:
            raise RuleError(
                f"{path} (rule {rule_id}): params.windows missing and {path.parent / MANIFEST_NAME} has no contact_windows"
            )
        raw = {**raw, "params": {**manifest.rule_window_params(), **raw.get("params", {})}}
    try:
        return RuleSpec.model_validate({**raw, "jurisdiction": jurisdiction})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RuleError(f"{path} (rule {rule_id}): {problems}") from None


def rule_files(packs_dir: Path = PACKS_DIR) -> list[tuple[Path, str]]:
    """Every rule file with the jurisdiction of its pack (the pack folder's name), in a stable order.

    Each pack's manifest (``pack.yaml``) is read and validated first, so a pack without one, or
    with a bad one, fails here with the file named.
    """
    packs = sorted(p for p in packs_dir.iterdir() if p.is_dir())
    for pack in packs:
        load_manifest(pack)
    return [(path, pack.name) for pack in packs for path in sorted(pack.glob("*.yaml")) if path.name != MANIFEST_NAME]


def load_rule_specs(packs_dir: Path = PACKS_DIR) -> list[RuleSpec]:
    """Parse and validate every rule of every pack; a bad file raises :class:`RuleError`."""
    return [load_rule_file(path, jurisdiction) for path, jurisdiction in rule_files(packs_dir)]
