"""The scanner the hardening tests ingest with: the hand-written rules only.

The learned layer is trained and tested on its own (``tests/compliance/test_learned.py``);
what these tests check is that hostile input never reaches it, nor the database.
"""

from __future__ import annotations

from compliance_rules import Scanner

SPEC = "hardening_scanner:load_rules"


def load_rules() -> Scanner:
    return Scanner.load(layers="rules")
