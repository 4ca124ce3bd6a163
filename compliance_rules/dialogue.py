"""Dialogue state of one interaction: who is on the line, what was asked.

For every turn this records whom the collector is addressing (the
confirmed consumer, someone not yet identified, a third party, a spouse, a
co-signer or guarantor, a voicemail) and which requests the consumer made
(stop contacting, "I have a lawyer", a dispute, a refused channel or place,
a callback). Detectors read this state instead of re-parsing the call.

Speaker labels are trusted: a turn marked ``other`` is someone who is not
the consumer. Identity is confirmed when the consumer answers "yes / sí,
con él / speaking" to "¿hablo con...? / is this...?", answers a
verification question, or names themself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from compliance_rules.callbacks import CallbackRequest, parse_callback
from compliance_rules.lexicon import LexiconSet
from compliance_rules.text import AnalyzedText

Party = Literal["nobody", "unconfirmed", "consumer", "third_party", "spouse", "guarantor", "voicemail"]
RequestKind = Literal["stop", "attorney", "dispute", "channel", "proceedings"]
#: Reads consumer turns, each with the turn before it, into the request kinds each makes: the learned layers'
#: model. It is given every consumer turn of an interaction at once (so a model scores them together).
RequestReader = Callable[[list[tuple[AnalyzedText, AnalyzedText | None]]], list[frozenset[str]]]

# Words that cannot be a person's or a company's name after an intro cue.
_NOT_A_NAME = frozenset(
    """el la los las un una su sus mi tu de del al a por para con que y o the a an your my our his her their this that
    from with about on at to for of in calling call llamando llamo hablo habla oficina office banco bank empresa company
    despacho cobranza cobranzas collections agency area departamento department parte nombre name again otra vez nuevo
    aqui here alli there senor senora senorita sr sra mr mrs ms usted you it is es me yo attempt message call reminder
    notice regarding important urgent just only calling going credito debito what who which whom whose where when why how
    these those its was were be been do does did not no yes que quien cual donde cuando como""".split()
)
_GENERIC_COMPANY = frozenset(
    """banco bank oficina office empresa company despacho cobranza cobranzas app area
    departamento department juridico legal financiera entidad tienda store account cuenta accounts team billing customer
    support collections""".split()
)
# A "company" that is an authority is an impersonation, not an identification.
_AUTHORITY = frozenset(
    """county state police court federal government sheriff city district juzgado tribunal policia fiscalia gobierno
    hacienda""".split()
)
_CHANNEL_WORDS = {
    "whatsapp": "chat",
    "chat": "chat",
    "mensaje": "sms",
    "mensajes": "sms",
    "sms": "sms",
    "text": "sms",
    "texts": "sms",
    "texting": "sms",
    "textos": "sms",
    "correo": "email",
    "correos": "email",
    "email": "email",
    "emails": "email",
    "emailing": "email",
    "mail": "email",
    "e": "email",
    "trabajo": "work",
    "oficina": "work",
    "work": "work",
    "job": "work",
    "office": "work",
    "supervisor": "work",
    "jefe": "work",
    "boss": "work",
}


@dataclass(frozen=True)
class ConsumerRequest:
    kind: RequestKind
    turn: int
    evidence: str
    channel: str | None = None


@dataclass
class Dialogue:
    listener: list[Party]
    confirmed_at: int | None = None
    requests: list[ConsumerRequest] = field(default_factory=list)
    callbacks: list[CallbackRequest] = field(default_factory=list)
    agent_named: bool = False
    company_named: bool = False
    collector_stated: bool = False
    # Turns where whoever answered dodged "¿hablo con...?" ("¿quién habla?")
    # instead of confirming: talking about the debt after that reveals it.
    evasive: list[int] = field(default_factory=list)

    def evaded_before(self, turn: int) -> bool:
        return any(t < turn for t in self.evasive)

    @property
    def reached_consumer(self) -> bool:
        return self.confirmed_at is not None


_ARTICLES = frozenset({"el", "la", "los", "las", "del", "al", "the", "a", "an"})


def _is_name(token: str) -> bool:
    return len(token) > 1 and token not in _NOT_A_NAME and not token.isdigit()


def _names_after(text: AnalyzedText, lexicons: LexiconSet, cue: str, generic: frozenset[str]) -> bool:
    """Whether an intro cue ("le habla", "de", "with") is followed by a name.

    A generic noun ("banco", "cobranzas", "office") starts a name only when
    it is capitalised or followed by a proper word: "Banco Cordillera" and
    "cobranzas andina" are names, "del banco" and "la oficina" are not.
    """
    match = lexicons.find(cue, text, negation=False)
    if match is None:
        return False
    tokens = text.tokens
    index = match.last + 1
    if index < len(tokens) and tokens[index].norm in _ARTICLES:
        index += 1
    if index >= len(tokens):
        return False
    token = tokens[index]
    if token.norm in _AUTHORITY:
        return False
    if token.norm not in generic:
        return _is_name(token.norm)
    if text.raw[token.start : token.start + 1].isupper():
        return True
    if index + 1 >= len(tokens) or _clause_gap(text, index):
        return False
    follower = tokens[index + 1].norm
    return _is_name(follower) and follower not in generic


def _has_punctuation(text: AnalyzedText) -> bool:
    return any(ch in text.raw for ch in ".,;:!?¿¡")


def _clause_gap(text: AnalyzedText, index: int) -> bool:
    gap = text.raw[text.tokens[index].end : text.tokens[index + 1].start]
    return any(ch in gap for ch in ".,;:!?")


def build_dialogue(
    turns: list[tuple[str, AnalyzedText]],
    channel: str,
    lexicons: LexiconSet,
    day: date,
    reader: RequestReader | None = None,
    far_end: frozenset[int] | None = None,
) -> Dialogue:
    """Walk the turns once and record the state the detectors need.

    ``reader`` (the learned layers' consumer-turn model) names the requests a consumer turn makes,
    beside the dialogue lexicons' matches. ``far_end`` is given for a stereo recording transcribed
    here: the ``consumer`` turns that carry that label only because of their channel. Until identity
    is confirmed, such a turn is whoever answered (a voicemail, a spouse, a third party by what it
    says), and a recording whose far end said nothing is not taken to have reached the consumer.
    """
    # Messages go to the consumer's own address; so does a recording in which
    # nobody but the collector speaks (no one answered to say otherwise).
    monologue = far_end is None and all(speaker == "agent" for speaker, _ in turns)
    party: Party = "nobody" if channel == "call" and not monologue else "consumer"
    dialogue = Dialogue(listener=[])
    if party == "consumer":
        dialogue.confirmed_at = 0
    asked_identity = asked_verification = asked_when = False
    proposed_callback: int | None = None
    heard_at: dict[int, frozenset[str]] = {}
    if reader is not None:
        said = [index for index, (speaker, _) in enumerate(turns) if speaker == "consumer"]
        heard_at = dict(zip(said, reader([(turns[i][1], turns[i - 1][1] if i else None) for i in said]), strict=True))
    for index, (speaker, text) in enumerate(turns):
        if speaker == "agent":
            if party in ("third_party", "unconfirmed", "nobody") and lexicons.find("guarantor_role", text, negation=False):
                party = "guarantor"
            elif lexicons.find("addressed_as_third_party", text, negation=False):
                party = "third_party"
            dialogue.listener.append(party)
            # Before identity is confirmed, any short question ("¿Carolina
            # Sepúlveda?", "Mr. Hale?") is taken as asking who answered.
            # ASR text has no question marks: an unpunctuated short turn counts too.
            asked_identity = bool(lexicons.find("identity_question", text, negation=False)) or (
                dialogue.confirmed_at is None and len(text.tokens) <= 12 and (text.is_question or not _has_punctuation(text))
            )
            asked_when = bool(lexicons.find("callback_question", text, negation=False))
            asked_verification = bool(lexicons.find("verification_request", text, negation=False))
            dialogue.agent_named |= _names_after(text, lexicons, "agent_intro", frozenset())
            dialogue.company_named |= _names_after(text, lexicons, "company_intro", _GENERIC_COMPANY)
            dialogue.company_named |= bool(lexicons.find("company_named", text, negation=False))
            dialogue.collector_stated |= bool(lexicons.find("collector_statement", text, negation=False))
            proposed_callback = index if lexicons.find("agent_offers_callback", text) else None
            continue
        dialogue.listener.append(party)
        if speaker == "other":
            if lexicons.find("voicemail_greeting", text, negation=False):
                party = "voicemail"
            elif lexicons.find("spouse_statement", text, negation=False):
                party = "spouse"
            elif lexicons.find("guarantor_role", text, negation=False):
                party = "guarantor"
            elif party != "spouse":
                party = "third_party"
            asked_identity = asked_verification = False
            continue
        if speaker != "consumer":
            continue
        heard = _far_end_party(text, lexicons) if dialogue.confirmed_at is None and far_end and index in far_end else None
        if heard is not None:
            party = party if heard == "third_party" and party == "spouse" else heard
            asked_identity = asked_verification = False
            continue
        if dialogue.confirmed_at is None:
            answer = lexicons.find("affirmative_answer", text, negation=False)
            affirmed = answer is not None and answer.first <= 2
            named = lexicons.find("self_identification", text, negation=False) is not None
            denied = lexicons.find("not_the_consumer", text, negation=False) is not None
            if not denied and ((asked_identity and affirmed) or asked_verification or named):
                dialogue.confirmed_at = index
                party = "consumer"
            else:
                if party in ("nobody", "voicemail", "third_party") and not denied:
                    party = "unconfirmed"
                if asked_identity and not denied and lexicons.find("evasive_answer", text, negation=False):
                    dialogue.evasive.append(index)
        learned = heard_at.get(index, frozenset())
        _record_requests(dialogue, index, text, lexicons, day, learned)
        if asked_when and not any(cb.turn == index for cb in dialogue.callbacks):
            dialogue.callbacks.append(parse_callback(text, day, index))
        if proposed_callback is not None:
            answer = lexicons.find("affirmative_answer", text, negation=False)
            if answer is not None and answer.first <= 2:
                offer = turns[proposed_callback][1]
                dialogue.callbacks.append(parse_callback(offer, day, proposed_callback))
            proposed_callback = None
        asked_identity = asked_verification = asked_when = False
    return dialogue


def _far_end_party(text: AnalyzedText, lexicons: LexiconSet) -> Party | None:
    """Who an unverified far end says it is, read as a turn marked ``other`` would be; None: not said."""
    if lexicons.find("voicemail_greeting", text, negation=False):
        return "voicemail"
    if lexicons.find("spouse_statement", text, negation=False):
        return "spouse"
    if lexicons.find("not_the_consumer", text, negation=False):
        return "third_party"
    return None


def _record_requests(
    dialogue: Dialogue, index: int, text: AnalyzedText, lexicons: LexiconSet, day: date, learned: frozenset[str] = frozenset()
) -> None:
    refusal = lexicons.find("channel_refusal", text)
    if refusal is not None:
        # The channel word nearest the refusal wins ("no me escriban por WhatsApp").
        near = [t.norm for t in text.tokens[refusal.first : refusal.last + 3]]
        rest = [t.norm for t in text.tokens]
        channel = next((_CHANNEL_WORDS[w] for w in near + rest if w in _CHANNEL_WORDS), None)
        dialogue.requests.append(ConsumerRequest("channel", index, text.raw, channel))
    elif "stop" in learned or lexicons.find("stop_request", text):
        dialogue.requests.append(ConsumerRequest("stop", index, text.raw))
    elif "channel" in learned:
        # What the lexicons do not list, the consumer-turn model may still hear as a refused channel.
        words = [t.norm for t in text.tokens]
        channel = next((_CHANNEL_WORDS[w] for w in words if w in _CHANNEL_WORDS), None)
        dialogue.requests.append(ConsumerRequest("channel", index, text.raw, channel))
    if "attorney" in learned or lexicons.find("attorney_statement", text):
        dialogue.requests.append(ConsumerRequest("attorney", index, text.raw))
    if lexicons.find("proceedings_statement", text):
        dialogue.requests.append(ConsumerRequest("proceedings", index, text.raw))
    if "dispute" in learned or lexicons.find("dispute_statement", text):
        dialogue.requests.append(ConsumerRequest("dispute", index, text.raw))
    if lexicons.find("callback_request", text):
        dialogue.callbacks.append(parse_callback(text, day, index))
