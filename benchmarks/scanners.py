"""Scanner factories for ``--scanner module:callable`` in the benchmarks (run with ``PYTHONPATH=benchmarks``)."""

from __future__ import annotations

from compliance_rules import Scanner


def rules_only() -> Scanner:
    """The hand-written rules without the learned layer: the baseline of the learned layer's cost."""
    return Scanner.load(layers="rules")
