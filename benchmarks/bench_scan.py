"""Scanner throughput on 20-turn calls, on one core.

    .venv/bin/python benchmarks/bench_scan.py [--calls 2000]

Calls are generated from templates with varied names, amounts, companies and
days, and every turn gets a spoken opener and closer drawn from pools, so every
turn text is distinct (checked and printed: no per-text cache hits) while the
vocabulary is that of a real floor. About one call in six carries a violation
on a collector turn. The same calls are scanned in alternating rounds by three
scanners: without the trigger index (every pattern on every turn, the baseline),
the rules with the index, and the product (rules plus the learned layer).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import datetime, timedelta

from compliance_rules import Scanner
from compliance_rules.text import analyzer_for
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


def make_calls(count: int, seed: int = 7) -> list[Interaction]:
    rnd = random.Random(seed)
    start = datetime.fromisoformat("2026-03-02T09:00:00-05:00")
    calls = []
    for n in range(count):
        lang = "es" if n % 2 else "en"
        agent, consumer = (ES_AGENT, ES_CONSUMER) if lang == "es" else (EN_AGENT, EN_CONSUMER)
        turns = []
        for k in range(10):
            turns.append({"speaker": "agent", "text": _fill(agent[k], rnd, lang), "start": k * 10.0, "end": k * 10.0 + 4})
            turns.append(
                {"speaker": "consumer", "text": _fill(consumer[k], rnd, lang), "start": k * 10.0 + 5, "end": k * 10.0 + 9}
            )
        if rnd.random() < 1 / 6:
            violation = _fill(rnd.choice(VIOLATIONS_ES if lang == "es" else VIOLATIONS_EN), rnd, lang)
            turns[rnd.choice([8, 10, 12])]["text"] = violation  # a collector turn
        calls.append(
            Interaction.model_validate(
                {
                    "id": f"bench-{n:05d}",
                    "channel": "call",
                    "started_at": start + timedelta(hours=n % 9, days=n // 400),
                    "jurisdiction": "CO" if lang == "es" else "US-NY",
                    "language": lang,
                    "agent_id": f"A{n % 25:02d}",
                    "account_id": f"ACC-{n // 4:05d}",
                    "turns": turns,
                }
            )
        )
    # Whatever the pools leave equal is told apart by a call reference, so no text repeats.
    seen: set[str] = set()
    for call in calls:
        for turn in call.turns or ():
            if turn.text in seen:
                object.__setattr__(turn, "text", f"{turn.text} (ref. {call.id[-5:]})")
            seen.add(turn.text)
    return calls


def distinct_share(calls: list[Interaction]) -> float:
    texts = [t.text for c in calls for t in c.turns or ()]
    return len(set(texts)) / len(texts)


def _run(scanner: Scanner, calls: list[Interaction]) -> tuple[float, float, int]:
    """Scan once from cold per-text caches; (CPU seconds, wall seconds, findings)."""
    for lang in ("es", "en"):
        analyzer_for(lang)._cache.clear()  # every text is analysed afresh
    cpu, wall = time.process_time(), time.perf_counter()
    findings = scanner.scan(calls)
    return time.process_time() - cpu, time.perf_counter() - wall, len(findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    calls = make_calls(args.calls)
    scanners = {
        "baseline": Scanner.load(use_index=False, layers="rules"),
        "rules": Scanner.load(layers="rules"),
        "learned": Scanner.load(),
    }
    for scanner in scanners.values():
        _run(scanner, make_calls(200, seed=1))  # warm spaCy's vocabulary and the word caches
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in scanners}
    for _ in range(args.rounds):  # alternate, so load from other processes hits all alike
        for name, scanner in scanners.items():
            results[name].append(_run(scanner, calls))
    found = {name: {n for _, _, n in runs} for name, runs in results.items()}
    assert found["baseline"] == found["rules"], f"the index must not change the findings: {found}"
    cpu = {name: statistics.median(r[0] for r in runs) for name, runs in results.items()}
    wall = {name: statistics.median(r[1] for r in runs) for name, runs in results.items()}
    print(
        f"calls: {len(calls)} x 20 turns, distinct turn texts: {distinct_share(calls):.1%}, 1 core, "
        f"median of {args.rounds} alternating rounds"
    )
    labels = {
        "baseline": "baseline (rules, no index)",
        "rules": "rules (trigger index)",
        "learned": "rules + learned layer",
    }
    for name, label in labels.items():
        print(
            f"{label:<28} {len(calls) / cpu[name]:7.0f} calls per CPU-second  ({len(calls) / wall[name]:5.0f} calls/s wall)"
            f"  findings: {found[name].pop()}"
        )
    print(f"ratio rules / baseline (CPU time): {cpu['baseline'] / cpu['rules']:.2f}x")
    print(f"learned layer cost: {(cpu['learned'] - cpu['rules']) / len(calls) * 1000:.2f} ms per call")


if __name__ == "__main__":
    main()
