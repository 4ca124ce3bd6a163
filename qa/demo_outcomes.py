"""Demo outcomes (issue 17): promises to pay and callbacks in the demo calls, and the payments that settle them.

``add_outcome_dialogue`` rewrites, in some demo calls that end normally, the consumer's answer into a
firm promise (amount and weekday, restated by the collector with the date) or a callback request.
It draws from its own seeded generator, so the rest of the demo set is the same as without it.
``settle_demo`` writes ``payments.csv`` beside the demo files from the promises the extraction found
after ingest (each collector keeps promises at their own rate: full, part or nothing paid) and imports it
through ``qa.payments``, so the performance panels show kept, partly kept and broken promises.
"""

from __future__ import annotations

import csv
import hashlib
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

PROMISE_SHARE = 0.3
CALLBACK_SHARE = 0.06
_WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
}
_MONTHS = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
# Per country: amounts a consumer offers, and how the consumer and the collector say them.
_AMOUNTS = {
    "US": [150, 200, 300, 450],
    "CO": [250_000, 500_000, 1_200_000],
    "MX": [1_500, 3_000, 4_500],
    "PE": [300, 600],
    "CL": [80_000, 150_000],
}


def _say(country: str, amount: int) -> tuple[str, str]:
    """(consumer's words, collector's restatement) of an amount."""
    if country == "US":
        return f"${amount:,}", f"${amount:,}"
    if country == "PE":
        return f"{amount} soles", f"S/ {amount:,}".replace(",", ".")
    grouped = f"{amount:,}" if country == "MX" else f"{amount:,}".replace(",", ".")
    return f"{grouped} pesos", f"${grouped}"


def _promise(rng: random.Random, record: dict, started: datetime) -> tuple[str, str]:
    lang, country = record["language"], record["jurisdiction"][:2]
    ahead = rng.randint(1, 6)
    due = started.date() + timedelta(days=ahead)
    while due.weekday() > 4:
        due += timedelta(days=1)
    spoken, restated = _say(country, rng.choice(_AMOUNTS[country]))
    day = _WEEKDAYS[lang][due.weekday()]
    if lang == "en":
        consumer = rng.choice(["Okay, I will pay {a} on {d}.", "Fine. I'll pay {a} this {d}, I promise."])
        agent = f"Great, so {restated} on {day}, {due.strftime('%B')} {due.day}. Thank you."
    else:
        consumer = rng.choice(["Listo, le pago {a} el {d}.", "Bueno, el {d} le pago {a}, se lo prometo."])
        agent = f"Perfecto, quedamos en {restated} el {day} {due.day} de {_MONTHS[due.month - 1]}. Gracias."
    return consumer.format(a=spoken, d=day), agent


def _callback(rng: random.Random, lang: str) -> tuple[str, str]:
    hour = rng.choice([9, 10, 11, 15, 16])
    twelve = hour if hour <= 12 else hour - 12
    if lang == "en":
        noon = "am" if hour < 12 else "pm"
        return (
            f"I can't talk now, can you call me back tomorrow at {twelve} {noon}?",
            f"Sure, I'll call you tomorrow at {twelve} {noon}.",
        )
    part = "de la mañana" if hour < 12 else "de la tarde"
    return (
        f"Ahorita no puedo hablar, llámeme mañana a las {twelve} {part} por favor.",
        f"Claro, le llamo mañana a las {twelve} {part}.",
    )


def add_outcome_dialogue(records: list[dict], seed: int) -> list[dict]:
    """Turn some demo calls' consumer answers into promises or callback requests (in place); return ``records``."""
    rng = random.Random(f"outcomes-{seed}")
    for record in records:
        turns = record["turns"]
        speakers = [t["speaker"] for t in turns]
        if record["channel"] != "call" or "other" in speakers or speakers[-1] != "consumer" or speakers[1:2] != ["consumer"]:
            continue
        answer = next((i for i in range(2, len(turns) - 1) if speakers[i] == "consumer"), None)
        if answer is None:
            continue
        draw = rng.random()
        if draw < PROMISE_SHARE:
            consumer, agent = _promise(rng, record, datetime.fromisoformat(record["started_at"]))
        elif draw < PROMISE_SHARE + CALLBACK_SHARE:
            consumer, agent = _callback(rng, record["language"])
        else:
            continue
        turns[answer]["text"] = consumer
        start = turns[answer]["end"] + 0.3
        length = round(1.5 + len(agent) / 14, 2)
        for later in turns[answer + 1 :]:
            later["start"], later["end"] = round(later["start"] + length + 0.3, 2), round(later["end"] + length + 0.3, 2)
        turns.insert(answer + 1, {"speaker": "agent", "text": agent, "start": round(start, 2), "end": round(start + length, 2)})
    return records


def _keep_rate(agent: str) -> float:
    """Each collector's own share of kept promises (stable per agent code), between 0.35 and 0.85."""
    return 0.35 + 0.5 * (int(hashlib.sha256(agent.encode()).hexdigest()[:4], 16) / 0xFFFF)


def settle_demo(db, folder: Path, seed: int) -> Path:
    """Write ``payments.csv`` for the stored demo promises and import it; return the file."""
    from qa.payments import import_payments
    from qa.storage import models as m
    from qa.storage.outcome_models import OutcomeRow

    rng = random.Random(f"payments-{seed}")
    o, i = OutcomeRow, m.Interaction
    query = (
        select(
            m.Account.code, m.Agent.code, o.started_at, i.utc_offset_minutes, o.promise_amount, o.promise_currency, o.promise_due
        )
        .join(i, i.id == o.interaction_id)
        .join(m.Account, m.Account.id == o.account_id)
        .join(m.Agent, m.Agent.id == o.agent_id)
        .where(o.promise.is_(True), o.promise_amount.is_not(None), o.promise_currency.is_not(None))
        .order_by(i.source_id)
    )
    path = folder / "payments.csv"
    with db.session() as s, path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["account", "paid_at", "amount", "currency"])
        for account, agent, started, offset, amount, currency, due in s.execute(query):
            zone = timezone(timedelta(minutes=offset or 0))
            local = started.astimezone(zone)
            last = due if due is not None and due >= local.date() else local.date()
            day = local.date() + timedelta(days=rng.randint(0, (last - local.date()).days))
            paid_at = datetime.combine(day, datetime.min.time(), zone) + timedelta(hours=rng.randint(18, 22))
            paid_at = max(paid_at, local + timedelta(hours=1))
            draw, keep = rng.random(), _keep_rate(agent)
            if draw < keep:
                paid = amount
            elif draw < keep + 0.15:
                paid = round(amount * rng.choice([0.3, 0.5]), 2)
            else:
                continue  # broken: nothing paid
            writer.writerow([account, paid_at.isoformat(), f"{paid:.2f}", currency])
    with db.session() as s:
        import_payments(s, path)
    return path
