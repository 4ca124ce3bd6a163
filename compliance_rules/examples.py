"""Turn the examples written beside each rule into real interactions.

A plain string is one collector turn said, on an outbound call at a lawful
time, to a consumer who has just confirmed their identity. A mapping gives
the turns (``"agent: ..."``), and optionally the local start time, channel,
direction, account facts and earlier contacts of the same account.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from compliance_rules.manifest import manifest_for
from compliance_rules.schedule import default_zone
from compliance_rules.schema import ExampleInteraction, RuleSpec
from qa.domain import Interaction

DEFAULT_START = "2026-03-03T10:00:00"  # a Tuesday, inside every window
_PREAMBLE = {
    "es": ["agent: Buenos días, ¿hablo con el señor Pérez?", "consumer: Sí, con él."],
    "en": ["agent: Good morning, am I speaking with Pat Smith?", "consumer: Yes, speaking."],
}


def _zone(jurisdiction: str) -> str:
    zone = default_zone(jurisdiction)
    if zone is None:
        raise ValueError(f"no time zone for {jurisdiction!r}: give the example a consumer_timezone or the pack a timezone")
    return zone


def _language(jurisdiction: str) -> str:
    """The first language of the pack's manifest (its country's, for a subdivision without a pack)."""
    manifest = manifest_for(jurisdiction) or manifest_for(jurisdiction.split("-")[0])
    if manifest is None:
        raise ValueError(f"no pack manifest for {jurisdiction!r}")
    return manifest.languages[0]


def _interaction(example: ExampleInteraction, rule: RuleSpec, ident: str) -> Interaction:
    jurisdiction = example.jurisdiction or (
        rule.jurisdiction if "-" in rule.jurisdiction else {"US": "US-NY"}.get(rule.jurisdiction, rule.jurisdiction)
    )
    zone = example.consumer_timezone or _zone(jurisdiction)
    language = example.language or _language(jurisdiction)
    started = datetime.fromisoformat(example.started_at or DEFAULT_START)
    if started.tzinfo is None:
        started = started.replace(tzinfo=ZoneInfo(zone))
    turns = []
    for position, line in enumerate(example.turns):
        speaker, _, text = line.partition(":")
        turns.append(
            {"speaker": speaker.strip(), "text": text.strip(), "start": float(position * 5), "end": float(position * 5 + 4)}
        )
    return Interaction.model_validate(
        {
            "id": ident,
            "channel": example.channel,
            "direction": example.direction,
            "started_at": started,
            "jurisdiction": jurisdiction,
            "consumer_timezone": zone,
            "language": language,
            "agent_id": "EXAMPLE",
            "account_id": f"{rule.id}-account",
            "consumer_phone": example.consumer_phone,
            "turns": turns,
            "account_facts": example.facts or None,
        }
    )


def example_interactions(rule: RuleSpec, example: str | ExampleInteraction, label: str) -> list[Interaction]:
    """The example's earlier contacts, then the example itself (last)."""
    if isinstance(example, str):
        language = _language(rule.jurisdiction)
        example = ExampleInteraction(turns=[*_PREAMBLE[language], f"agent: {example}"])
    history = [_interaction(h, rule, f"{label}-h{n}") for n, h in enumerate(example.history)]
    return [*history, _interaction(example, rule, label)]
