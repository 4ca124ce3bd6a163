"""Generated 20-turn collection calls for ``bench_scan.py``: distinct turn texts, violations on collector turns.

Calls come from templates with varied names, amounts, companies and days, and every turn gets a
spoken opener and closer drawn from pools; whatever is still equal after that is told apart by a
call reference, so no turn text repeats (real calls repeat only greetings and the mini-Miranda).
About one call in six carries a violation on a collector turn, so content findings are produced.
Accounts hold 1 to 400 calls (``account_sizes``), spaced a day or two apart, so the cross-contact
rules (frequency, cease) run over short and long histories.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from qa.domain import Interaction

NAMES = "Ana Luis Marta Jorge Paola Andrés Rosa Diego Camila Pedro Lucía Julián Sofía Tomás Elena Raúl".split()
SURNAMES = "Gómez Rojas Pérez Díaz Castro Vargas Ortiz Ramos Torres Muñoz Herrera Salazar".split()
COMPANIES = ["Cobranzas Andina", "Recuperos del Sur", "Gestión Integral", "Summit Recovery", "Northgate Financial"]
CREDITORS = ["Banco Cordillera", "Tiendas Hogar", "Caja Central", "Harbor Bank", "Redwood Card"]
DAYS_ES = "lunes martes miércoles jueves viernes".split()
DAYS_EN = "Monday Tuesday Wednesday Thursday Friday".split()

ES_AGENT = [
    "Buenos días, ¿hablo con {name} {surname}?",
    "Le habla {agent}, de {company}, en representación de {creditor}. La llamada es grabada.",
    "¿Me confirma los últimos cuatro dígitos de su cédula, por favor?",
    "Gracias. Lo llamo por su crédito, que tiene una cuota vencida de {amount} pesos.",
    "Entiendo, {name}. ¿Qué fecha le queda cómoda para hacer el pago?",
    "Perfecto, le dejo registrado el compromiso para el {day}.",
    "Puede pagar en cualquier sucursal o por la app con su número de cédula.",
    "Si prefiere, le ofrecemos diferir el saldo a {months} meses sin intereses adicionales.",
    "Con mucho gusto, {name}. ¿Le puedo ayudar en algo más?",
    "Gracias por su tiempo, que tenga un buen día.",
]
ES_CONSUMER = [
    "Sí, con él.",
    "Sí, señorita, yo sé que estoy atrasado.",
    "{digits}.",
    "Es que este mes se me complicó con el arriendo.",
    "El {day} me pagan la quincena.",
    "Listo, el {day} pago sin falta.",
    "¿Y cuánto quedaría la cuota?",
    "Bueno, eso me sirve.",
    "No, eso era todo.",
    "Gracias, igualmente.",
]
EN_AGENT = [
    "Good morning, may I speak with {name} {surname}?",
    "Hi {name}, this is {agent} with {company}. Can you confirm your date of birth?",
    "Thank you. {company} is a debt collector; this is an attempt to collect a debt.",
    "I'm calling about your {creditor} account with a balance of ${amount}.",
    "I understand. Would a plan of ${small} a month work for you?",
    "Great, I'll set that up starting {day}.",
    "You'll get a confirmation letter in the mail within a week.",
    "If anything looks wrong, you can dispute it in writing.",
    "Is there anything else I can help you with today?",
    "Thanks, {name}. Have a good day.",
]
EN_CONSUMER = [
    "Yes, speaking.",
    "It's {month}/{dd}/19{yy}.",
    "Oh, I lost track of that one.",
    "I can do maybe ${small} a month.",
    "{day} works for me.",
    "Okay, send me the details.",
    "What's the total again?",
    "Sounds good.",
    "No, that's it.",
    "Thanks, you too.",
]
VIOLATIONS_ES = [
    "Si no paga esta semana le vamos a embargar la casa y el carro.",
    "Usted es un sinvergüenza, pague lo que debe.",
    "Ya hay una orden del juzgado contra usted por esta deuda.",
]
VIOLATIONS_EN = [
    "If you don't pay by Friday the sheriff will come pick you up.",
    "Pay your damn bill like an adult, you deadbeat.",
    "There's already a lawsuit filed against you on this account.",
]


OPENERS = {
    "es": ["", "Mire,", "Bueno,", "Listo,", "Claro,", "A ver,", "Le cuento,", "Perfecto,", "Sí, claro,", "Ajá,", "Oiga,"],
    "en": ["", "So,", "Okay,", "Alright,", "Sure,", "Well,", "Right,", "Look,", "Great,", "Yeah,", "Got it,", "Now,"],
}
CLOSERS = {
    "es": ["", "¿sí?", "¿me entiende?", "por favor.", "gracias.", "con gusto.", "¿le parece?", "¿listo?", "¿de acuerdo?"],
    "en": ["", "okay?", "all right?", "please.", "thanks.", "if that helps.", "does that work?", "you know?", "right?"],
}


def _fill(template: str, rnd: random.Random, lang: str) -> str:
    text = _fill_fields(template, rnd, lang)
    return " ".join(p for p in (rnd.choice(OPENERS[lang]), text, rnd.choice(CLOSERS[lang])) if p)


def _fill_fields(template: str, rnd: random.Random, lang: str) -> str:
    return template.format(
        name=rnd.choice(NAMES),
        surname=rnd.choice(SURNAMES),
        agent=f"{rnd.choice(NAMES)} {rnd.choice(SURNAMES)}",
        company=rnd.choice(COMPANIES),
        creditor=rnd.choice(CREDITORS),
        amount=f"{rnd.randint(100, 9000)}.{rnd.randint(0, 999):03d}",
        small=rnd.randint(20, 300),
        months=rnd.choice([6, 12, 18, 24]),
        digits=rnd.randint(1000, 9999),
        day=rnd.choice(DAYS_ES if lang == "es" else DAYS_EN),
        month=rnd.randint(1, 12),
        dd=rnd.randint(1, 28),
        yy=rnd.randint(50, 99),
    )


def account_sizes(count: int, largest: int = 400, seed: int = 3) -> list[int]:
    """Calls per account summing to ``count``: one account of each of 400, 100, 25 and 5 calls when they fit, the rest 1 to 8."""
    rnd = random.Random(seed)
    sizes = [size for size in (largest, 100, 25, 5) if size <= count // 4]
    left = count - sum(sizes)
    while left > 0:
        size = min(left, rnd.randint(1, 8))
        sizes.append(size)
        left -= size
    rnd.shuffle(sizes)
    return sizes


def make_calls(count: int, seed: int = 7, turns: int = 20, sizes: list[int] | None = None) -> list[Interaction]:
    """``count`` calls of ``turns`` turns (even, at least 2), in accounts of ``sizes`` calls (default :func:`account_sizes`)."""
    rnd = random.Random(seed)
    start = datetime.fromisoformat("2026-03-02T09:00:00-05:00")
    owners = [a for a, size in enumerate(sizes or account_sizes(count)) for _ in range(size)][:count]
    seen_in_account: dict[int, int] = {}
    calls = []
    for n in range(count):
        lang = "es" if n % 2 else "en"
        agent, consumer = (ES_AGENT, ES_CONSUMER) if lang == "es" else (EN_AGENT, EN_CONSUMER)
        rows = []
        for k in range(turns // 2):
            at = k * 10.0
            rows.append({"speaker": "agent", "text": _fill(agent[k % 10], rnd, lang), "start": at, "end": at + 4})
            rows.append({"speaker": "consumer", "text": _fill(consumer[k % 10], rnd, lang), "start": at + 5, "end": at + 9})
        if rnd.random() < 1 / 6:
            violation = _fill(rnd.choice(VIOLATIONS_ES if lang == "es" else VIOLATIONS_EN), rnd, lang)
            rows[rnd.choice([k for k in (8, 10, 12) if k < len(rows)] or [0])]["text"] = violation  # a collector turn
        account = owners[n] if n < len(owners) else n
        day = seen_in_account.get(account, -1) + rnd.choice((1, 2))  # a contact every day or two
        seen_in_account[account] = day
        calls.append(
            Interaction.model_validate(
                {
                    "id": f"bench-{n:05d}",
                    "channel": "call",
                    "direction": "outbound",
                    "started_at": start + timedelta(days=day, hours=n % 9),
                    "jurisdiction": "CO" if lang == "es" else "US-NY",
                    "language": lang,
                    "agent_id": f"A{n % 25:02d}",
                    "account_id": f"ACC-{account:05d}",
                    "turns": rows,
                }
            )
        )
    seen: set[str] = set()
    for call in calls:
        for turn in call.turns or ():
            if turn.text in seen:
                object.__setattr__(turn, "text", f"{turn.text} (ref. {call.id[-5:]}-{turn.start:g})")
            seen.add(turn.text)
    return calls


def distinct_share(calls: list[Interaction]) -> float:
    texts = [t.text for c in calls for t in c.turns or ()]
    return len(set(texts)) / len(texts)
