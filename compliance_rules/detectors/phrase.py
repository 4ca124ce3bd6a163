"""``phrase.v1``: what the collector says (threats, false claims, insults)."""

from __future__ import annotations

from typing import Any

from compliance_rules.context import InteractionContext
from compliance_rules.detectors.registry import Hit, Params, message_for, register
from compliance_rules.lexicon import LexiconSet
from compliance_rules.schema import RuleSpec
from qa.domain import Interaction


class PhraseParams(Params):
    lexicons: list[str]
    # Skip when the account's facts make the statement lawful, e.g.
    # {"garnishment_order": true} for a garnishment announcement.
    unless_facts: dict[str, Any] = {}
    # Only flag when the account's facts are known to match, e.g.
    # {"time_barred": true} for a suit threat on a time-barred debt.
    require_facts: dict[str, Any] = {}
    channels: list[str] = ["call", "chat", "sms", "email"]


def facts_match(interaction: Interaction, wanted: dict[str, Any]) -> bool:
    facts = interaction.account_facts
    if facts is None:
        return False
    return all(getattr(facts, key, None) == value for key, value in wanted.items())


class PhraseDetector:
    def __init__(self, rule: RuleSpec, params: PhraseParams, lexicons: LexiconSet) -> None:
        self.rule = rule
        self.params = params
        self.lexicons = lexicons

    def detect(self, ctx: InteractionContext) -> list[Hit]:
        interaction = ctx.interaction
        if interaction.channel not in self.params.channels:
            return []
        if self.params.unless_facts and facts_match(interaction, self.params.unless_facts):
            return []
        if self.params.require_facts and not facts_match(interaction, self.params.require_facts):
            return []
        hits = []
        for index in ctx.collector_turns():
            text = ctx.texts[index]
            for name in self.params.lexicons:
                match = self.lexicons.find(name, text, ctx.pruned)
                if match is None:
                    continue
                span = text.span_of(match.first, match.last)
                evidence = text.raw[span[0] : span[1]]
                explanation = f"{message_for(self.rule, ctx.language)} «{evidence}»"
                hits.append(Hit(index, span, evidence, explanation))
                break
        return hits


@register("phrase.v1", PhraseParams)
def _build(rule: RuleSpec, params: PhraseParams, lexicons: LexiconSet) -> PhraseDetector:
    return PhraseDetector(rule, params, lexicons)
