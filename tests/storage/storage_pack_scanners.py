"""The bundled rule packs with one rule changed, for rescan tests (``QA_SCANNER=storage_pack_scanners:load_tight``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from compliance_rules import Scanner
from compliance_rules.catalog import PACKS_DIR


def load_tight() -> Scanner:
    """The bundled packs with the US 7-in-7 call limit lowered to 3 in 7 (copied under ``QA_TIGHT_PACKS``)."""
    packs = Path(os.environ["QA_TIGHT_PACKS"])
    if not packs.exists():
        shutil.copytree(PACKS_DIR, packs)
        rule = packs / "US" / "seven-in-seven.yaml"
        text = rule.read_text(encoding="utf-8")
        assert "  max: 7\n" in text
        rule.write_text(text.replace("  max: 7\n", "  max: 3\n"), encoding="utf-8")
    return Scanner.load(packs_dir=packs)
