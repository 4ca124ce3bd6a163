"""Speaker roles from what is said.

Stereo recordings with no ``audio_channels`` mapping: each channel's whole text is scored
with the *agent cues* below (weights add up; each cue counts once per channel). The channel
with the highest score is the agent when it scores at least ``MIN_AGENT_SCORE`` and beats the
other channel by at least ``MIN_MARGIN``; the other channel is then the consumer. Otherwise the
decision is ``undecided`` and turns fall back to the per-turn rule below.

Mono recordings (and undecided stereo): each turn is scored with the agent cues and with the
*consumer cues*; the higher score wins when it is at least 1, otherwise the turn is ``unknown``.
Nothing is guessed from turn order or position.

Cues are matched on normalised text (lower case, no accents, no punctuation), so
"le habla" matches "Le habla," and "Cobranzas" matches "cobranzas".
"""

from __future__ import annotations

import re

from transcription.guards import normalise
from transcription.options import Speaker
from transcription.transcript import RoleDecision

MIN_AGENT_SCORE = 2.0
MIN_MARGIN = 1.5

# (pattern on normalised text, weight). Strong cues (self-identification as a collector,
# the debt-collection disclosure) weigh 3; company and greeting words weigh 1.
AGENT_CUES: tuple[tuple[str, float], ...] = (
    # Spanish
    (r"\ble habla \w+", 2.0),
    (r"\bmi nombre es \w+", 1.5),
    (r"\ble (llamo|llamamos|estoy llamando|estamos llamando) (de|del|desde|por|en nombre)\b", 3.0),
    (r"\b(cobranzas?|cobros|recaudo|recuperacion de cartera|gestion de cartera|despacho juridico|agencia)\b", 1.5),
    (r"\b(su|la) (deuda|obligacion|saldo|credito|cuenta) (vencid[ao]|pendiente|en mora|con)\b", 2.0),
    (r"\b(hablo con|hablo con el senor|hablo con la senora|me comunico con|se encuentra el senor|se encuentra la senora)\b", 2.0),
    (r"\besta llamada (es|puede ser|sera) grabada\b", 3.0),
    (r"\b(acuerdo de pago|como desea pagar|cuando puede pagar|fecha de pago|realizar el pago)\b", 1.5),
    (r"\b(buenos dias|buenas tardes|buenas noches)\b", 1.0),
    (r"\b(necesito|me confirma|me puede dar|me regala|me indica) (su|el numero de su|sus)\b", 1.5),
    # English
    (r"\bthis is an attempt to collect a debt\b", 4.0),
    (r"\battempt to collect\b", 2.0),
    (r"\bdebt collector\b", 3.0),
    (r"\b(calling|i am calling|im calling|we are calling) (from|on behalf of|about your)\b", 3.0),
    (r"\bthis is \w+( \w+)? (from|with) \w+", 2.0),
    (r"\b(recovery|collections?|collection agency|receivables)\b", 1.5),
    (r"\b(you owe|your (debt|balance|account|payment) (is|of|with))\b", 2.0),
    (r"\b(am i speaking (with|to)|is this (mr|mrs|ms|miss)\b|may i speak (with|to))", 2.0),
    (r"\b(this call (is|may be) (being )?recorded)\b", 3.0),
    (r"\b(payment (plan|arrangement)|how would you like to pay|make a payment)\b", 1.5),
    (r"\b(good morning|good afternoon|good evening)\b", 1.0),
    (r"\b(i (also )?need your|can you (confirm|give me) your|could you (confirm|give me) your)\b", 1.5),
)

CONSUMER_CUES: tuple[tuple[str, float], ...] = (
    # Spanish
    (r"\b(con (el|ella) habla|el habla|soy yo|si soy yo)\b", 2.0),
    (r"\bquien (habla|llama|es)\b", 2.0),
    (r"\bno (tengo|tenemos) (dinero|plata|trabajo|como pagar)\b", 2.0),
    (r"\b(mi abogado|mi tarjeta|mi cedula|mi correo|no les debo|no debo|deje de llamar|no me llame)\b", 2.0),
    (r"\b(con tarjeta|el numero es|puedo pagar|no puedo pagar|voy a pagar)\b", 1.5),
    # English
    (r"\b(speaking|this is (he|she|him|her)|yes its me)\b", 2.0),
    (r"\bwho is (this|calling)\b", 2.0),
    (r"\b(i (cant|can not|cannot|dont|do not|wont|will not) (pay|have))\b", 2.0),
    (r"\b(my (lawyer|attorney|card|social security|email)|stop calling|i dont owe|i do not owe)\b", 2.0),
    (r"\b(i want to pay|the number is|i can pay|i will pay)\b", 1.5),
)

_AGENT = [(re.compile(p), w) for p, w in AGENT_CUES]
_CONSUMER = [(re.compile(p), w) for p, w in CONSUMER_CUES]


def _score(text: str, cues: list[tuple[re.Pattern[str], float]]) -> float:
    norm = normalise(text)
    return sum(w for pattern, w in cues if pattern.search(norm))


def agent_score(text: str) -> float:
    return _score(text, _AGENT)


def consumer_score(text: str) -> float:
    return _score(text, _CONSUMER)


def turn_speaker(text: str) -> Speaker:
    """Apply the mono rule: agent or consumer when the cues say so, else ``unknown``."""
    agent, consumer = agent_score(text), consumer_score(text)
    if max(agent, consumer) < 1.0 or agent == consumer:
        return "unknown"
    return "agent" if agent > consumer else "consumer"


def decide_channels(channel_texts: list[str], mapping: tuple[Speaker, ...] | None) -> RoleDecision:
    """Speaker per channel: the given mapping, or the agent channel inferred from the cues."""
    n = len(channel_texts)
    scores = tuple(agent_score(t) for t in channel_texts)
    if mapping is not None:
        speakers = tuple(mapping[i] if i < len(mapping) else "unknown" for i in range(n))
        return RoleDecision("mapping", speakers, scores, "speakers from the channel mapping / hablantes según el mapa de canales")
    if n == 1:
        note = "mono recording: speaker decided per turn from cues / grabación mono: hablante por turno según pistas"
        return RoleDecision("mono_cues", ("unknown",), scores, note)
    ranked = sorted(range(n), key=lambda i: scores[i], reverse=True)
    best, runner_up = ranked[0], ranked[1]
    if scores[best] >= MIN_AGENT_SCORE and scores[best] - scores[runner_up] >= MIN_MARGIN:
        speakers = tuple("agent" if i == best else "consumer" for i in range(n))
        note = (
            f"no channel mapping: channel {best} inferred as agent from what is said (cue score {scores[best]:g} vs "
            f"{scores[runner_up]:g}) / sin mapa de canales: canal {best} identificado como agente por lo que dice"
        )
        return RoleDecision("inferred", speakers, scores, note)
    note = (
        f"no channel mapping and no clear agent channel (cue scores {', '.join(f'{s:g}' for s in scores)}): "
        "speakers decided per turn "
        "/ sin mapa de canales ni canal de agente claro: hablante por turno"
    )
    return RoleDecision("undecided", ("unknown",) * n, scores, note)
