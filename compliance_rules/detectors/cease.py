"""``cease.v1``: collecting after the consumer said stop, lawyer or dispute.

Within a contact, every collector turn after the request that keeps pressing
for payment is a breach; acknowledging the request and ending the contact is
not. Across contacts of one account, a later outbound contact after a stop
or lawyer request, or through a refused channel, is a breach on its first
collector turn, and so is every turn of it that presses for payment.
"""

from __future__ import annotations

from compliance_rules.context import InteractionContext
from compliance_rules.detectors.registry import Hit, Params, message_for, register
from compliance_rules.detectors.timing import consumer_asked_for
from compliance_rules.dialogue import ConsumerRequest
from compliance_rules.lexicon import LexiconSet
from compliance_rules.schema import RuleSpec

_KIND_TEXT = {
    "es": {
        "stop": "pidió no ser contactado",
        "attorney": "informó que tiene abogado",
        "dispute": "disputó la deuda",
        "channel": "rechazó este canal o lugar de contacto",
        "proceedings": "está demandado o en un procedimiento concursal",
    },
    "en": {
        "stop": "asked not to be contacted",
        "attorney": "said a lawyer represents them",
        "dispute": "disputed the debt",
        "channel": "refused this channel or place of contact",
        "proceedings": "is in a lawsuit or insolvency proceedings",
    },
}


class CeaseParams(Params):
    within: list[str] = ["stop", "attorney", "dispute", "channel"]
    across: list[str] = ["stop", "attorney", "channel"]
    pressing: str = "pressing_payment"
    acknowledgement: str = "cease_acknowledgement"
    attorney_on_line: str = "attorney_on_line"
    # Account facts that, when true, forbid any outbound collection contact.
    facts_stop: list[str] = []


class CeaseDetector:
    def __init__(self, rule: RuleSpec, params: CeaseParams, lexicons: LexiconSet) -> None:
        self.rule, self.params, self.lexicons = rule, params, lexicons

    def _explain(self, ctx: InteractionContext, request: ConsumerRequest, earlier: bool) -> str:
        lang = "es" if ctx.language == "es" else "en"
        what = _KIND_TEXT[lang][request.kind]
        if earlier:
            when = "en un contacto anterior" if lang == "es" else "in an earlier contact"
        else:
            when = f"en el turno {request.turn}" if lang == "es" else f"at turn {request.turn}"
        return (
            f"{message_for(self.rule, ctx.language)} (el consumidor {what} {when})"
            if lang == "es"
            else (f"{message_for(self.rule, ctx.language)} (the consumer {what} {when})")
        )

    def _pressing(self, ctx: InteractionContext, after: int) -> list[tuple[int, tuple[int, int], str]]:
        found = []
        for index in ctx.collector_turns():
            if index <= after:
                continue
            text = ctx.texts[index]
            match = self.lexicons.find(self.params.pressing, text, ctx.pruned)
            if match is not None:
                span = text.span_of(match.first, match.last)
                found.append((index, span, text.raw[span[0] : span[1]]))
        return found

    def _earlier_request(self, ctx: InteractionContext) -> ConsumerRequest | None:
        if not ctx.is_outbound or consumer_asked_for(ctx, ctx.local_start):
            return None
        facts = ctx.interaction.account_facts
        for name in self.params.facts_stop:
            if facts is not None and getattr(facts, name, None):
                return ConsumerRequest("proceedings", -1, f"account fact: {name}")
        for earlier in reversed(ctx.history):
            for request in earlier.dialogue.requests:
                if request.kind not in self.params.across:
                    continue
                if request.kind == "channel":
                    refused = request.channel
                    same_phone = earlier.interaction.consumer_phone == ctx.interaction.consumer_phone
                    if refused == ctx.interaction.channel or (
                        refused == "work" and ctx.interaction.channel == "call" and same_phone
                    ):
                        return request
                    continue
                return request
        return None

    def detect(self, ctx: InteractionContext) -> list[Hit]:
        hits: dict[int, Hit] = {}
        earlier = self._earlier_request(ctx)
        first = ctx.first_collector_turn()
        if earlier is not None and first is not None and not self._exempt_followup(ctx, first):
            text = ctx.texts[first]
            evidence = text.raw
            hits[first] = Hit(first, (0, len(evidence)), evidence, self._explain(ctx, earlier, True))
            for index, span, words in self._pressing(ctx, first):
                hits[index] = Hit(index, span, words, self._explain(ctx, earlier, True))
        for request in ctx.dialogue.requests:
            if request.kind not in self.params.within:
                continue
            # A refused channel only binds this contact if it is that channel (or the place).
            if request.kind == "channel" and request.channel not in (None, "work", ctx.interaction.channel):
                continue
            for index, span, words in self._pressing(ctx, request.turn):
                hits.setdefault(index, Hit(index, span, words, self._explain(ctx, request, False)))
        return [hits[i] for i in sorted(hits)]

    def _exempt_followup(self, ctx: InteractionContext, first: int) -> bool:
        """A contact that only confirms the cease, or that reaches the lawyer."""
        if any(
            self.lexicons.find(self.params.attorney_on_line, ctx.texts[i], negation=False)
            for i, s in enumerate(ctx.speakers)
            if s == "other"
        ):
            return True
        acknowledged = self.lexicons.find(self.params.acknowledgement, ctx.texts[first]) is not None
        return acknowledged and not self._pressing(ctx, first - 1)


@register("cease.v1", CeaseParams)
def _build(rule: RuleSpec, params: CeaseParams, lexicons: LexiconSet) -> CeaseDetector:
    return CeaseDetector(rule, params, lexicons)
