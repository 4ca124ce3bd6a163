"""Who may hear about the debt, and what the collector must say first.

``third_party.v1`` flags a collector turn that reveals the debt while the
listener is not the confirmed consumer. ``identification.v1`` flags a
contact that reached the consumer without the required identification.
"""

from __future__ import annotations

from typing import Literal

from compliance_rules.context import InteractionContext
from compliance_rules.detectors.registry import Hit, Params, message_for, register
from compliance_rules.lexicon import LexiconSet
from compliance_rules.schema import RuleSpec

_EXPLAIN_LISTENER = {
    "es": {
        "third_party": "a un tercero",
        "voicemail": "en un buzón de voz que otros pueden oír",
        "unconfirmed": "antes de confirmar la identidad del consumidor",
        "nobody": "antes de confirmar la identidad del consumidor",
        "spouse": "al cónyuge, que en esta jurisdicción es un tercero",
        "guarantor": "a un avalista que este paquete no autoriza",
    },
    "en": {
        "third_party": "to a third party",
        "voicemail": "on a voicemail others can hear",
        "unconfirmed": "before the consumer's identity was confirmed",
        "nobody": "before the consumer's identity was confirmed",
        "spouse": "to the spouse, a third party in this jurisdiction",
        "guarantor": "to a guarantor this pack does not allow",
    },
}


class ThirdPartyParams(Params):
    lexicons: list[str]
    allow_spouse: bool = False
    allow_guarantor: bool = True


class ThirdPartyDetector:
    def __init__(self, rule: RuleSpec, params: ThirdPartyParams, lexicons: LexiconSet) -> None:
        self.rule, self.params, self.lexicons = rule, params, lexicons
        allowed = {"consumer"}
        if params.allow_spouse:
            allowed.add("spouse")
        if params.allow_guarantor:
            allowed.add("guarantor")
        self.allowed = frozenset(allowed)

    def _before_identity(self, ctx: InteractionContext, index: int, debt_last: int) -> bool:
        """Whether the debt came up before the person on the line was identified.

        A consumer greeted by name who goes along is taken as the consumer; the
        breach is raising the debt and only then asking "¿hablo con...?", or
        going on after the person dodged the question ("¿quién habla?").
        """
        if ctx.dialogue.evaded_before(index):
            return True
        question = self.lexicons.find("identity_question", ctx.texts[index], negation=False)
        return question is not None and question.first > debt_last

    def detect(self, ctx: InteractionContext) -> list[Hit]:
        hits = []
        for index in ctx.collector_turns():
            listener = ctx.dialogue.listener[index]
            if listener in self.allowed:
                continue
            text = ctx.texts[index]
            for name in self.params.lexicons:
                match = self.lexicons.find(name, text, ctx.pruned)
                if match is None:
                    continue
                if listener in ("unconfirmed", "nobody") and not self._before_identity(ctx, index, match.last):
                    continue
                span = text.span_of(match.first, match.last)
                evidence = text.raw[span[0] : span[1]]
                who = _EXPLAIN_LISTENER["es" if ctx.language == "es" else "en"][listener]
                hits.append(Hit(index, span, evidence, f"{message_for(self.rule, ctx.language)} ({who}) «{evidence}»"))
                break
        return hits


@register("third_party.v1", ThirdPartyParams)
def _build_third_party(rule: RuleSpec, params: ThirdPartyParams, lexicons: LexiconSet) -> ThirdPartyDetector:
    return ThirdPartyDetector(rule, params, lexicons)


class IdentificationParams(Params):
    # company_and_collector: US (company name and "debt collector" statement);
    # name_and_company: MX / CO (the agent's name and the company or creditor).
    requires: Literal["company_and_collector", "name_and_company"]
    channels: list[str] = ["call", "chat"]
    # The duty arises once the collector talks about the debt or asks for money.
    discussed: list[str] = ["debt_reveal", "pressing_payment"]


class IdentificationDetector:
    def __init__(self, rule: RuleSpec, params: IdentificationParams, lexicons: LexiconSet) -> None:
        self.rule, self.params, self.lexicons = rule, params, lexicons

    def _debt_discussed(self, ctx: InteractionContext) -> bool:
        return any(
            self.lexicons.find(name, ctx.texts[i], ctx.pruned) for i in ctx.collector_turns() for name in self.params.discussed
        )

    def detect(self, ctx: InteractionContext) -> list[Hit]:
        dialogue = ctx.dialogue
        if ctx.interaction.channel not in self.params.channels or not dialogue.reached_consumer:
            return []
        if not self._debt_discussed(ctx):
            return []
        es = ctx.language == "es"
        if self.params.requires == "company_and_collector":
            if dialogue.company_named or dialogue.collector_stated:
                return []
            missing = (
                "nunca nombra a la empresa ni dice que es un cobrador de deudas"
                if es
                else "never names the company and never states it is a debt collector"
            )
        else:
            if dialogue.agent_named or dialogue.company_named:
                return []
            missing = (
                "el gestor nunca da su nombre ni la empresa o el acreedor que representa"
                if es
                else "the collector never gives their name nor the company or creditor they represent"
            )
        return [Hit(None, None, missing, f"{message_for(self.rule, ctx.language)} ({missing})")]


@register("identification.v1", IdentificationParams)
def _build_identification(rule: RuleSpec, params: IdentificationParams, lexicons: LexiconSet) -> IdentificationDetector:
    return IdentificationDetector(rule, params, lexicons)


class NoticeParams(Params):
    notice: str
    before: str = "debt_reveal"
    channels: list[str] = ["call"]


class NoticeDetector:
    """A required statement (e.g. the recording notice) missing, or said only
    after the debt was already being discussed.
    """

    def __init__(self, rule: RuleSpec, params: NoticeParams, lexicons: LexiconSet) -> None:
        self.rule, self.params, self.lexicons = rule, params, lexicons

    def _first(self, ctx: InteractionContext, lexicon: str) -> int | None:
        for index in ctx.collector_turns():
            if self.lexicons.find(lexicon, ctx.texts[index], negation=lexicon == self.params.before):
                return index
        return None

    def detect(self, ctx: InteractionContext) -> list[Hit]:
        if ctx.interaction.channel not in self.params.channels or not ctx.dialogue.reached_consumer:
            return []
        notice = self._first(ctx, self.params.notice)
        debt = self._first(ctx, self.params.before)
        es = ctx.language == "es"
        if notice is None:
            detail = "el aviso nunca se da" if es else "the notice is never given"
        elif debt is not None and notice > debt:
            detail = (
                f"el aviso llega en el turno {notice}, después de hablar de la deuda en el turno {debt}"
                if es
                else f"the notice comes at turn {notice}, after the debt was discussed at turn {debt}"
            )
        else:
            return []
        return [Hit(None, None, detail, f"{message_for(self.rule, ctx.language)} ({detail})")]


@register("notice.v1", NoticeParams)
def _build_notice(rule: RuleSpec, params: NoticeParams, lexicons: LexiconSet) -> NoticeDetector:
    return NoticeDetector(rule, params, lexicons)
