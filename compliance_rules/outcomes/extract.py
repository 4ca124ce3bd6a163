"""What a contact achieved: whom the collector reached, a promise to pay, refusal, dispute,
an agreed callback, hardship (the spec's Outcome).

Built on what the scanner already knows about the interaction (its dialogue state: identity
confirmed, who is on the line, disputes and callbacks the lexicons heard) and on the consumer-turn
model's reading of each consumer turn. A promise is a consumer turn the model reads as a firm
commitment, or a plain "yes" to a collector's proposal naming an amount or a day; its amount and
day come from that turn, else from the collector's restatement right after it, else from the
proposal right before it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from compliance_rules.context import InteractionContext
from compliance_rules.learned.consumer import ConsumerReader
from compliance_rules.lexicon import LexiconSet
from compliance_rules.outcomes.amounts import Amount, amounts_in
from compliance_rules.outcomes.dates import resolve_date

Contact = Literal["right_party", "third_party", "no_contact"]
_WRITTEN = frozenset({"chat", "sms", "email"})
_MEMO_KEY = "consumer_signals"
# A mailbox that names nobody: nobody was reached (another person's own greeting is a third party).
_MAILBOX = (
    "numero que usted ha marcado",
    "numero que usted marco",
    "no esta disponible",
    "buzon de voz",
    "casilla de voz",
    "fuera de servicio",
    "number you have dialed",
    "number you dialed",
    "person you are calling",
    "person you re calling",
    "is not available",
    "voice mailbox",
    "mailbox is full",
    "at the tone",
)
# Hedges that make a "promise" no commitment: "si cobro te pago algo, no te prometo nada".
_HEDGES = (
    "no te prometo",
    "no le prometo",
    "no prometo",
    "no se si",
    "no se ni cuando",
    "a lo mejor",
    "tal vez",
    "quizas",
    "voy a ver",
    "vamos a ver",
    "can t promise",
    "cannot promise",
    "no promises",
    "i don t know yet",
    "not sure",
    "we ll see",
    "maybe",
    "i ll try",
    "i might",
)
# The consumer takes a promise back in a later turn.
_RETRACTIONS = (
    "mejor no",
    "no me lo registre",
    "no lo registre",
    "todavia no",
    "olvidelo",
    "olvidalo",
    "forget it",
    "never mind",
    "nevermind",
    "hold off",
    "don t put that down",
    "cancel that",
    "scratch that",
)
# A wrong number: the person who answered does not know the consumer at all.
_WRONG_NUMBER = (
    "numero equivocado",
    "equivocado de numero",
    "se equivoco de numero",
    "se equivocaron",
    "esta equivocado",
    "no vive ningun",
    "no vive ninguna",
    "no conozco",
    "no lo conozco",
    "no la conozco",
    "no vive nadie",
    "wrong number",
    "don t know",
    "dont know",
    "do not know",
    "nobody by that name",
    "no one by that name",
    "no one here by",
)


class PromiseToPay(BaseModel):
    model_config = ConfigDict(frozen=True)

    amount: float | None
    currency: str | None
    due_date: date | None
    turn: int


class Outcome(BaseModel):
    """One interaction's outcome, as ``qa outcomes --json`` writes it (spec: Outcome)."""

    model_config = ConfigDict(frozen=True)

    interaction_id: str
    contact: Contact
    promise_to_pay: PromiseToPay | None
    refusal: bool
    dispute: bool
    callback_at: datetime | None
    hardship: bool


def consumer_signals(ctx: InteractionContext, reader: ConsumerReader) -> dict[int, set[str]]:
    """The consumer-turn model's signals per turn of the consumer or of someone else who answered, computed once."""
    cached = ctx.memo.get(_MEMO_KEY)
    if cached is None:
        cached = {}
        for index, speaker in enumerate(ctx.speakers):
            if speaker in ("consumer", "other"):
                cached[index] = reader.signals(ctx.texts[index], ctx.texts[index - 1] if index else None)
        ctx.memo[_MEMO_KEY] = cached
    return cached


def extract_outcome(ctx: InteractionContext, reader: ConsumerReader, lexicons: LexiconSet) -> Outcome:
    signals = consumer_signals(ctx, reader)
    consumer_turns = [i for i, s in enumerate(ctx.speakers) if s == "consumer"]
    said = {name for i in consumer_turns for name in signals.get(i, ())}
    dialogue = ctx.dialogue
    contact = _contact(ctx, signals, consumer_turns, said)
    reached = contact == "right_party"
    promise = _promise(ctx, signals, consumer_turns, lexicons) if reached else None
    dispute = reached and ("dispute" in said or any(r.kind == "dispute" for r in dialogue.requests))
    return Outcome(
        interaction_id=ctx.interaction.id,
        contact=contact,
        promise_to_pay=promise,
        refusal=reached and "refusal" in said,
        dispute=dispute,
        callback_at=_callback(ctx, signals, consumer_turns, lexicons) if contact != "no_contact" else None,
        hardship=reached and "hardship" in said,
    )


def _contact(ctx: InteractionContext, signals: dict[int, set[str]], consumer_turns: list[int], said: set[str]) -> Contact:
    others = [i for i, s in enumerate(ctx.speakers) if s == "other"]
    wrong_number = any(_says_wrong_number(ctx, i) for i in others + consumer_turns)
    if consumer_turns:
        if ctx.interaction.channel in _WRITTEN:
            return "no_contact" if wrong_number or said == {"wrong_party"} else "right_party"
        engaged = said & {"confirms_identity", "promise", "refusal", "dispute", "hardship", "stop", "attorney"}
        if ctx.dialogue.reached_consumer or engaged:
            return "right_party"
        if "wrong_party" in said:
            return "no_contact" if wrong_number else "third_party"
    if others:
        if wrong_number or any(_says(ctx, i, _MAILBOX) for i in others):
            return "no_contact"
        if all(party == "voicemail" for party in ctx.dialogue.listener[others[0] :]) and not consumer_turns:
            # A mailbox greeting names no one or the consumer; a person's own greeting is someone else's line.
            return "no_contact"
        return "third_party"
    return "right_party" if consumer_turns else "no_contact"


def _says_wrong_number(ctx: InteractionContext, index: int) -> bool:
    return _says(ctx, index, _WRONG_NUMBER)


def _says(ctx: InteractionContext, index: int, phrases: tuple[str, ...]) -> bool:
    """Whether turn ``index`` holds one of ``phrases`` (normalised words: lower case, no accents or punctuation)."""
    words = " " + " ".join(t.norm for t in ctx.texts[index].tokens) + " "
    return any(f" {phrase} " in words for phrase in phrases)


def _promise(
    ctx: InteractionContext, signals: dict[int, set[str]], consumer_turns: list[int], lexicons: LexiconSet
) -> PromiseToPay | None:
    agents = [i for i, s in enumerate(ctx.speakers) if s == "agent"]
    chosen = None
    for index in consumer_turns:
        if "promise" in signals.get(index, ()):
            chosen = index
        elif index and ctx.speakers[index - 1] == "agent" and _accepts(ctx, index, lexicons) and _proposal(ctx, index - 1):
            chosen = index
        if chosen == index and ("refusal" in signals.get(index, ()) or _says(ctx, index, _HEDGES)):
            chosen = None
    if chosen is None or any(_says(ctx, i, _RETRACTIONS) for i in consumer_turns if i > chosen):
        return None
    after = next((i for i in agents if i > chosen), None)
    before = next((i for i in reversed(agents) if i < chosen), None)
    order = [chosen] + [i for i in (after, before) if i is not None]
    found = next(((i, a) for i in order for a in _amounts(ctx, i)[:1]), None)
    amount = found[1] if found else None
    today = ctx.local_start.date()
    due = None
    for i in order:
        text = ctx.interaction.turns[i].text
        # In the turn that holds the amount, the day said closest to it is the promise's.
        near = found[1].start / max(1, len(text)) if found and found[0] == i else None
        due = resolve_date(text, today, ctx.language, near)
        if due is not None:
            break
    return PromiseToPay(
        amount=amount.value if amount else None, currency=amount.currency if amount else None, due_date=due, turn=chosen
    )


def _amounts(ctx: InteractionContext, index: int) -> list[Amount]:
    return amounts_in(ctx.interaction.turns[index].text, ctx.language, ctx.interaction.jurisdiction or "US")


def _accepts(ctx: InteractionContext, index: int, lexicons: LexiconSet) -> bool:
    text = ctx.texts[index]
    answer = lexicons.find("affirmative_answer", text, negation=False)
    return answer is not None and answer.first <= 1 and len(text.tokens) <= 8


def _proposal(ctx: InteractionContext, index: int) -> bool:
    """A collector turn proposing a payment names an amount (a day alone may be a callback)."""
    return bool(_amounts(ctx, index))


def _callback(
    ctx: InteractionContext, signals: dict[int, set[str]], consumer_turns: list[int], lexicons: LexiconSet
) -> datetime | None:
    # A "yes, Tuesday" to a payment plan is about the payment, not a call: a turn that promises, or that
    # accepts a collector turn naming an amount, asks for no callback.
    def about_payment(i: int) -> bool:
        accepts_amount = i and ctx.speakers[i - 1] == "agent" and _amounts(ctx, i - 1) and _accepts(ctx, i, lexicons)
        return "promise" in signals.get(i, ()) or bool(accepts_amount)

    asked = [i for i in consumer_turns if "callback" in signals.get(i, ()) and not about_payment(i)]
    heard = {i for i in consumer_turns if not about_payment(i)}
    agent_turns = {i for i, s in enumerate(ctx.speakers) if s == "agent"}
    requests = [cb for cb in ctx.dialogue.callbacks if cb.turn in heard or (cb.turn in agent_turns and cb.turn + 1 in heard)]
    if not asked and not requests:
        return None
    local = ctx.local_start
    request = requests[-1] if requests else None
    day = None
    if request is not None and request.on_date is not None:
        day = request.on_date
    elif request is not None and request.weekday is not None:
        day = local.date() + timedelta(days=(request.weekday - local.weekday()) % 7 or 7)
    if day is None and asked:
        day = resolve_date(ctx.interaction.turns[asked[-1]].text, local.date(), ctx.language)
    minutes = request.minutes if request is not None else None
    at = time(minutes[0] // 60, minutes[0] % 60) if minutes and minutes[0] < 24 * 60 else None
    if day is None and at is None:
        return None
    if day is None:
        day = local.date() if at is not None and at > local.time() else local.date() + timedelta(days=1)
    stamp = datetime.combine(day, at or time(9, 0))
    return stamp.replace(tzinfo=local.tzinfo) if local.tzinfo is not None else stamp
