"""Accuracy floors on the labelled sets (the product goal is 0.95; these are the release floors)."""

from pathlib import Path

import pytest

from compliance_rules import Scanner
from qa.domain import SCORED_FAMILIES
from qa.evaluation import evaluate
from qa.readers import expected_entries, read_paths

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
CHALLENGE = sorted((ROOT / "tests" / "fixtures" / "challenge").glob("*.jsonl"))
HOLDOUT = sorted((ROOT / "tests" / "fixtures" / "holdout").glob("*.jsonl"))


def _evaluate(paths: list[Path]):
    result = read_paths(paths)
    assert not result.errors, result.errors
    expected = {r.interaction.id: expected_entries(r) for r in result.records}
    return evaluate(expected, Scanner.load().scan(result.interactions))


@pytest.mark.parametrize(
    "paths", [pytest.param([DEV], id="dev"), pytest.param(CHALLENGE, id="challenge"), pytest.param(HOLDOUT, id="holdout")]
)
def test_every_family_meets_the_floor(paths):
    if not all(p.exists() for p in paths):
        pytest.skip(f"labelled set not present: {paths}")
    ev = _evaluate(paths)
    for family in SCORED_FAMILIES:
        inter, turn = ev.interaction[family], ev.turn[family]
        if inter.gold < 3:
            continue
        assert inter.precision >= 0.90 and inter.recall >= 0.90, (family, inter)
        assert turn.precision >= 0.85 and turn.recall >= 0.85, (family, turn)
