"""Rule packs as data, the detectors that run them, and the scanning engine.

from compliance_rules import Scanner
scanner = Scanner.load()
findings = scanner.scan(interactions)   # one batch; account history matters

The names below are imported on first use, so ``compliance_rules.catalog`` (the rule specs
alone) can be read without loading spaCy and the detectors.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "PACKS_DIR": "compliance_rules.catalog",
    "RuleError": "compliance_rules.schema",
    "LoadedRule": "compliance_rules.engine",
    "ScanResult": "compliance_rules.engine",
    "Scanner": "compliance_rules.engine",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'compliance_rules' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
