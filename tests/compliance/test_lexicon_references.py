"""A lexicon name a rule (or the code) refers to must exist: a misspelt one fails at load, naming file, rule and name."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from compliance_rules.catalog import PACKS_DIR
from compliance_rules.detectors import RuleError
from compliance_rules.detectors.registry import _REGISTRY, LEXICON_FIELDS
from compliance_rules.engine import Scanner
from compliance_rules.lexicon import LexiconSet

ROOT = Path(__file__).resolve().parents[2]


def _pack_copy(tmp_path: Path, pack: str, rule_file: str, params: dict) -> tuple[Path, Path]:
    packs = tmp_path / "packs"
    shutil.copytree(PACKS_DIR / pack, packs / pack, ignore=shutil.ignore_patterns("learned-*.yaml"))
    if (PACKS_DIR / pack / "pack.yaml").exists():
        shutil.copy(PACKS_DIR / pack / "pack.yaml", packs / pack / "pack.yaml")
    path = packs / pack / rule_file
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["params"] = {**raw.get("params", {}), **params}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return packs, path


@pytest.mark.parametrize(
    ("pack", "rule_file", "params", "field", "name"),
    [
        ("MX", "threats.yaml", {"lexicons": ["arrest_jail", "lawsuit_thret"]}, "lexicons", "lawsuit_thret"),
        ("MX", "cease.yaml", {"pressing": "pressing_paymnt"}, "pressing", "pressing_paymnt"),
        ("US-CA", "recording-notice.yaml", {"notice": "recording_notice_typo"}, "notice", "recording_notice_typo"),
    ],
)
def test_a_misspelt_lexicon_name_is_refused_at_load(tmp_path, pack, rule_file, params, field, name) -> None:
    packs, path = _pack_copy(tmp_path, pack, rule_file, params)
    rule_id = yaml.safe_load(path.read_text(encoding="utf-8"))["id"]
    with pytest.raises(RuleError) as caught:
        Scanner.load(packs_dir=packs, layers="rules")
    message = str(caught.value)
    assert str(path) in message and rule_id in message and repr(name) in message and f"params.{field}" in message


def test_every_lexicon_field_of_every_detector_is_checked() -> None:
    """A detector parameter whose default names lexicons must be in ``LEXICON_FIELDS``, or its names go unchecked."""
    names = set(LexiconSet.load().lexicons)
    unchecked = []
    for detector, (params, _factory) in _REGISTRY.items():
        for field, info in params.model_fields.items():
            default = info.default
            values = [default] if isinstance(default, str) else default if isinstance(default, list) else []
            if values and all(isinstance(v, str) and v in names for v in values) and field not in LEXICON_FIELDS:
                unchecked.append(f"{detector}.{field}")
    assert not unchecked


def test_every_lexicon_the_shipped_rules_name_exists() -> None:
    scanner = Scanner.load(layers="rules")
    assert scanner.rules  # loading checked every reference; also check the code's own references below
    names = set(scanner.lexicons.lexicons)
    in_code = set()
    for path in (ROOT / "compliance_rules").rglob("*.py"):
        in_code |= set(re.findall(r"lexicons\.find\(\s*\"([a-z_]+)\"", path.read_text(encoding="utf-8")))
    assert in_code, "expected the dialogue reader to look lexicons up by name"
    assert in_code <= names, f"code names unknown lexicons {sorted(in_code - names)}"
