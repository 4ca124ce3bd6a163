"""The real scanner with and without its learned layer, as ``module:callable`` specs for ingest and rescan."""

from __future__ import annotations

from compliance_rules import Scanner


def rules_only() -> Scanner:
    return Scanner.load(layers="rules")


def combined() -> Scanner:
    return Scanner.load()
