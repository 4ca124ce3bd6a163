"""Contact frequency across the interactions of one account.

``frequency.rolling.v1``: more than ``max`` outbound contacts through the
given channels in any ``days`` consecutive local days (US 7-in-7, CL one
call a week, MA two a week), optionally with a minimum gap between them.
``frequency.after_conversation.v1``: a call within ``days`` days after a
telephone conversation with the consumer (US Reg F 1006.14(b)(2)(ii)).
``frequency.direct_contact.v1``: after a direct contact, a second contact
the same day or through another channel the same week (CO Ley 2300).

Contacts the consumer asked for and inbound contacts are not counted, and
the finding goes on the interaction that exceeds the limit.
"""

from __future__ import annotations

from datetime import datetime

from compliance_rules.context import InteractionContext
from compliance_rules.detectors.registry import Hit, Params, message_for, register
from compliance_rules.detectors.timing import consumer_asked_for
from compliance_rules.lexicon import LexiconSet
from compliance_rules.schema import RuleSpec


def _counted(ctx: InteractionContext, channels: list[str]) -> bool:
    return ctx.is_outbound and ctx.interaction.channel in channels and not consumer_asked_for(ctx, ctx.local_start)


def _stamp(ctx: InteractionContext) -> str:
    return f"{ctx.interaction.id} {ctx.interaction.channel} {ctx.local_start:%Y-%m-%d %H:%M}"


def _hit(rule: RuleSpec, ctx: InteractionContext, detail_es: str, detail_en: str, evidence: str) -> list[Hit]:
    detail = detail_es if ctx.language == "es" else detail_en
    return [Hit(None, None, evidence, f"{message_for(rule, ctx.language)} ({detail})")]


class RollingParams(Params):
    channels: list[str]
    max: int
    days: int = 7
    min_gap_days: int | None = None


class RollingDetector:
    def __init__(self, rule: RuleSpec, params: RollingParams) -> None:
        self.rule, self.params = rule, params

    def detect(self, ctx: InteractionContext) -> list[Hit]:
        p = self.params
        if not _counted(ctx, p.channels):
            return []
        today = ctx.local_start.date()
        window = [h for h in ctx.history if _counted(h, p.channels) and 0 <= (today - h.local_start.date()).days < p.days]
        if len(window) + 1 > p.max:
            evidence = "; ".join(_stamp(h) for h in window + [ctx])
            return _hit(
                self.rule,
                ctx,
                f"contacto número {len(window) + 1} en {p.days} días; el límite es {p.max}",
                f"contact number {len(window) + 1} within {p.days} days; the limit is {p.max}",
                evidence,
            )
        if p.min_gap_days and window:
            last = max(window, key=lambda h: h.interaction.started_at)
            gap = (today - last.local_start.date()).days
            if gap < p.min_gap_days:
                return _hit(
                    self.rule,
                    ctx,
                    f"solo {gap} día(s) después del contacto anterior; se exigen {p.min_gap_days}",
                    f"only {gap} day(s) after the previous contact; {p.min_gap_days} required",
                    f"{_stamp(last)}; {_stamp(ctx)}",
                )
        return []


@register("frequency.rolling.v1", RollingParams)
def _build_rolling(rule: RuleSpec, params: RollingParams, lexicons: LexiconSet) -> RollingDetector:
    return RollingDetector(rule, params)


class AfterConversationParams(Params):
    days: int = 7
    channels: list[str] = ["call"]


class AfterConversationDetector:
    def __init__(self, rule: RuleSpec, params: AfterConversationParams) -> None:
        self.rule, self.params = rule, params

    def detect(self, ctx: InteractionContext) -> list[Hit]:
        p = self.params
        if not _counted(ctx, p.channels):
            return []
        today = ctx.local_start.date()
        for earlier in reversed(ctx.history):
            if earlier.interaction.channel != "call" or not earlier.dialogue.reached_consumer:
                continue
            elapsed = (today - earlier.local_start.date()).days
            if 0 <= elapsed < p.days:
                return _hit(
                    self.rule,
                    ctx,
                    f"llamada {elapsed} día(s) después de una conversación con el consumidor ({earlier.interaction.id})",
                    f"call {elapsed} day(s) after a conversation with the consumer ({earlier.interaction.id})",
                    f"{_stamp(earlier)}; {_stamp(ctx)}",
                )
        return []


@register("frequency.after_conversation.v1", AfterConversationParams)
def _build_after(rule: RuleSpec, params: AfterConversationParams, lexicons: LexiconSet) -> AfterConversationDetector:
    return AfterConversationDetector(rule, params)


class DirectContactParams(Params):
    channels: list[str] = ["call", "chat", "sms", "email"]


def _iso_week(moment: datetime) -> tuple[int, int]:
    year, week, _ = moment.isocalendar()
    return year, week


class DirectContactDetector:
    def __init__(self, rule: RuleSpec, params: DirectContactParams) -> None:
        self.rule, self.params = rule, params

    def detect(self, ctx: InteractionContext) -> list[Hit]:
        if not _counted(ctx, self.params.channels):
            return []
        today, week = ctx.local_start.date(), _iso_week(ctx.local_start)
        direct = [h for h in ctx.history if h.dialogue.reached_consumer]
        if not direct:
            return []
        same_day = [h for h in direct if h.local_start.date() == today]
        if same_day:
            earlier = same_day[-1]
            return _hit(
                self.rule,
                ctx,
                f"segundo contacto el mismo día tras el contacto directo {earlier.interaction.id}",
                f"second contact on the same day after direct contact {earlier.interaction.id}",
                f"{_stamp(earlier)}; {_stamp(ctx)}",
            )
        first_direct = direct[0].interaction.started_at
        others = [
            h
            for h in ctx.history
            if _counted(h, self.params.channels)
            and _iso_week(h.local_start) == week
            and h.interaction.channel != ctx.interaction.channel
            and h.interaction.started_at >= first_direct
        ]
        if others:
            earlier = others[-1]
            return _hit(
                self.rule,
                ctx,
                f"contacto por {ctx.interaction.channel} la misma semana que un contacto por {earlier.interaction.channel}",
                f"contact by {ctx.interaction.channel} in the same week as a contact by {earlier.interaction.channel}",
                f"{_stamp(earlier)}; {_stamp(ctx)}",
            )
        return []


@register("frequency.direct_contact.v1", DirectContactParams)
def _build_direct(rule: RuleSpec, params: DirectContactParams, lexicons: LexiconSet) -> DirectContactDetector:
    return DirectContactDetector(rule, params)
