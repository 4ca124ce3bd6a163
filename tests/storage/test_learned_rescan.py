"""A new model version is applied like a new rule-pack version: rescan records what it raised and dropped."""

from __future__ import annotations

from sqlalchemy import select
from storage_helpers import chat, write_jsonl

from compliance_rules import Scanner
from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.rescan import RescanOptions, rescan
from qa.storage import models as m
from qa.storage.queries import finding_history

RULES = "storage_learned_scanners:rules_only"
COMBINED = "storage_learned_scanners:combined"


def _violating_example() -> tuple[str, str]:
    """A turn the learned US threat rule flags and no phrase rule catches (its own first example)."""
    rule = next(r for r in Scanner.load().rules if r.id == "US-ML-threat")
    example = rule.examples.violating[0]
    assert isinstance(example, str)
    return rule.id, example


def test_rescan_with_the_learned_layer_raises_then_drops_its_findings(db, tmp_path):
    rule_id, text = _violating_example()
    records = [chat("veiled", text=text), chat("plain", account="ACC-2")]
    ingest(db, [write_jsonl(tmp_path / "in.jsonl", records)], IngestOptions(scanner=RULES, progress=False), InlineExecutor())
    with db.session() as s:
        assert not s.scalars(select(m.Finding).where(m.Finding.rule_id == rule_id)).all()
        rules_version = s.scalar(select(m.Interaction.scanned_version).where(m.Interaction.source_id == "veiled"))

    up = rescan(db, RescanOptions(scanner=COMBINED, progress=False), InlineExecutor())
    assert up.raised >= 1 and up.failed == 0
    combined_version = up.rule_pack_version
    assert combined_version != rules_version
    with db.session() as s:
        learned = s.scalars(select(m.Finding).where(m.Finding.rule_id == rule_id)).one()
        assert learned.learned and learned.active and 0.0 < learned.confidence <= 1.0
        assert "similar to" in learned.explanation and learned.raised_version == combined_version
        assert [e["event"] for e in finding_history(s, learned.id)] == ["raised"]

    down = rescan(db, RescanOptions(scanner=RULES, progress=False), InlineExecutor())
    assert down.dropped >= 1
    with db.session() as s:
        learned = s.scalars(select(m.Finding).where(m.Finding.rule_id == rule_id)).one()
        assert not learned.active and learned.dropped_version == rules_version
        assert [(e["event"], e["rule_pack_version"]) for e in finding_history(s, learned.id)] == [
            ("raised", combined_version),
            ("dropped", rules_version),
        ]
