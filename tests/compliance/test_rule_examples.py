"""Every rule's own examples: violating ones fire the rule, lawful ones do not."""

import pytest

from compliance_rules import Scanner
from compliance_rules.examples import example_interactions

_SCANNER = Scanner.load()
_CASES = [
    pytest.param(rule, example, kind, id=f"{rule.id}-{kind}-{n}")
    for rule in _SCANNER.rules
    for kind in ("violating", "lawful")
    for n, example in enumerate(getattr(rule.examples, kind))
]


@pytest.mark.parametrize(("rule", "example", "kind"), _CASES)
def test_rule_example(rule, example, kind):
    interactions = example_interactions(rule, example, f"{rule.id}-{kind}")
    target = interactions[-1].id
    findings = [f for f in _SCANNER.scan(interactions) if f.interaction_id == target and f.rule_id == rule.id]
    if kind == "violating":
        assert findings, f"{rule.id} did not fire on its violating example: {example}"
        for finding in findings:
            assert finding.explanation
            if finding.span is not None:
                text = interactions[-1].turns[finding.turn].text
                assert text[finding.span[0] : finding.span[1]] == finding.evidence
    else:
        assert not findings, f"{rule.id} fired on its lawful example: {[f.evidence for f in findings]}"


def test_every_rule_has_enough_examples():
    for rule in _SCANNER.rules:
        assert len(rule.examples.violating) >= 3 and len(rule.examples.lawful) >= 2, rule.id
