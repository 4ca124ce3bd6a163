"""Outcome extraction: amounts and days as people say them, and what a whole contact achieved."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from compliance_rules import Scanner
from compliance_rules.learned.consumer import ConsumerReader
from compliance_rules.outcomes.amounts import amounts_in
from compliance_rules.outcomes.dates import resolve_date
from compliance_rules.outcomes.extract import extract_outcome
from compliance_rules.outcomes.scoring import parse_expected, score
from qa.domain import Interaction

DEV = Path(__file__).resolve().parents[1] / "fixtures" / "outcomes_dev"


@pytest.mark.parametrize(
    ("text", "language", "jurisdiction", "value", "currency"),
    [
        ("le abono 350 mil el lunes", "es", "CO", 350_000, "COP"),
        ("puedo consignar $2.300.000 apenas me paguen", "es", "CO", 2_300_000, "COP"),
        ("dos millones trescientos mil, eso es lo que tengo", "es", "CO", 2_300_000, "COP"),
        ("le mando tres palos la otra semana", "es", "CO", 3_000_000, "COP"),
        ("un millón doscientos y quedamos a paz y salvo", "es", "CO", 1_200_000, "COP"),
        ("te transfiero 45.600,50 pesos", "es", "AR", 45_600.5, "ARS"),
        ("te deposito unas doscientas lucas", "es", "CL", 200_000, "CLP"),
        ("ahí le pago $3,450.75 en Oxxo", "es", "MX", 3_450.75, "MXN"),
        ("mil ochocientos pesos el sábado", "es", "MX", 1_800, "MXN"),
        ("le yapeo S/ 640 el jueves", "es", "PE", 640, "PEN"),
        ("I can send three twenty five on Friday", "en", "US", 325, "USD"),
        ("four hundred and fifty dollars by the 3rd", "en", "US", 450, "USD"),
        ("I'll do 1.2k next week", "en", "US", 1_200, "USD"),
        ("te pago 500 dólares", "es", "US-TX", 500, "USD"),
    ],
)
def test_amounts_in_words_and_digits_with_each_countrys_separators(text, language, jurisdiction, value, currency):
    found = amounts_in(text, language, jurisdiction)
    assert [(a.value, a.currency) for a in found][:1] == [(value, currency)]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("llámeme a las 3 de la tarde", "es"),
        ("mi celular es 3157789012", "es"),
        ("la tarjeta la saqué en 2019", "es"),
        ("me cobran el 12% de interés", "es"),
        ("I get paid on the 20th", "en"),
        ("call me after 5 pm", "en"),
    ],
)
def test_times_phones_years_percentages_and_days_are_not_amounts(text, language):
    assert amounts_in(text, language, "CO" if language == "es" else "US") == []


# 2026-01-29 is a Thursday, 2026-02-28 a Saturday, 2026-12-30 a Wednesday.
@pytest.mark.parametrize(
    ("text", "language", "today", "expected"),
    [
        ("el viernes sin falta", "es", date(2026, 1, 29), date(2026, 1, 30)),
        ("el jueves", "es", date(2026, 1, 29), date(2026, 2, 5)),  # today's weekday means next week's
        ("pasado mañana", "es", date(2026, 12, 30), date(2027, 1, 1)),
        ("mañana temprano", "es", date(2026, 2, 28), date(2026, 3, 1)),
        ("a fin de mes", "es", date(2026, 2, 10), date(2026, 2, 28)),
        ("end of the month", "en", date(2024, 2, 10), date(2024, 2, 29)),
        ("el quince", "es", date(2026, 1, 29), date(2026, 2, 15)),  # passed this month: next month's
        ("el 30", "es", date(2026, 2, 3), date(2026, 3, 30)),  # February has no 30th
        ("on the 15th", "en", date(2026, 1, 10), date(2026, 1, 15)),
        ("the fifth of march", "en", date(2026, 2, 20), date(2026, 3, 5)),
        ("el 3 de enero", "es", date(2026, 12, 20), date(2027, 1, 3)),
        ("en quince días", "es", date(2026, 1, 29), date(2026, 2, 13)),
        ("in two weeks", "en", date(2026, 12, 24), date(2027, 1, 7)),
        ("el martes no, el miércoles", "es", date(2026, 1, 29), date(2026, 2, 4)),
        ("voy a ver", "es", date(2026, 1, 29), None),
        ("la próxima semana", "es", date(2026, 1, 29), None),
    ],
)
def test_days_relative_to_the_contact_across_month_and_year_ends(text, language, today, expected):
    assert resolve_date(text, today, language) == expected


def _call(started_at: str, timezone: str, turns: list[tuple[str, str]], jurisdiction: str = "CO", language: str = "es"):
    return Interaction.model_validate(
        {
            "id": "o-test",
            "channel": "call",
            "direction": "outbound",
            "started_at": started_at,
            "jurisdiction": jurisdiction,
            "consumer_timezone": timezone,
            "language": language,
            "agent_id": "A1",
            "account_id": "AC-1",
            "turns": [{"speaker": s, "text": t, "start": 3.0 * i, "end": 3.0 * i + 2} for i, (s, t) in enumerate(turns)],
        }
    )


@pytest.fixture(scope="module")
def extract():
    scanner = Scanner.load(layers="combined")
    reader = ConsumerReader.load()

    def run(interaction: Interaction):
        (ctx,) = scanner.contexts([interaction])
        return extract_outcome(ctx, reader, scanner.lexicons)

    return run


def test_a_promise_takes_amount_and_day_in_the_consumers_local_calendar(extract):
    # 03:30 UTC on 1 Feb is still 31 Jan (a Saturday) in Bogotá: "el lunes" is 2 Feb.
    outcome = extract(
        _call(
            "2026-02-01T03:30:00+00:00",
            "America/Bogota",
            [
                ("agent", "buenas noches, hablo con la señora Maritza Pineda"),
                ("consumer", "sí, con ella"),
                ("agent", "le llamo de Recaudos del Norte, una empresa de cobranza, por el saldo de su tarjeta"),
                ("consumer", "listo, el lunes le consigno cuatrocientos mil pesos, ya quedo con eso"),
                ("agent", "perfecto, queda el compromiso por cuatrocientos mil el lunes"),
            ],
        )
    )
    assert outcome.contact == "right_party"
    assert outcome.promise_to_pay is not None
    assert (outcome.promise_to_pay.amount, outcome.promise_to_pay.currency) == (400_000, "COP")
    assert outcome.promise_to_pay.due_date == date(2026, 2, 2)


def test_a_hedged_answer_is_no_promise_and_a_wrong_number_is_no_contact(extract):
    hedged = extract(
        _call(
            "2026-05-12T15:00:00-05:00",
            "America/Lima",
            [
                ("agent", "¿hablo con el señor Efraín Soto?"),
                ("consumer", "sí, soy yo"),
                ("agent", "le llamo por su préstamo, ¿puede pagar 300 soles esta semana?"),
                ("consumer", "a lo mejor el viernes, no le prometo nada"),
            ],
            jurisdiction="PE",
        )
    )
    assert hedged.contact == "right_party" and hedged.promise_to_pay is None
    wrong = extract(
        _call(
            "2026-05-12T15:00:00-05:00",
            "America/Lima",
            [("agent", "¿me comunica con el señor Efraín Soto?"), ("other", "no, número equivocado, aquí no hay nadie así")],
            jurisdiction="PE",
        )
    )
    assert wrong.contact == "no_contact" and wrong.promise_to_pay is None


def test_a_callback_across_the_dst_change_carries_the_offset_of_its_own_day(extract):
    # Saturday 31 Oct 2026 in New York is on daylight time (-04:00); Sunday 1 Nov is back on standard time (-05:00).
    outcome = extract(
        _call(
            "2026-10-31T16:00:00-04:00",
            "America/New_York",
            [
                ("agent", "hi, is this Dwayne Porter"),
                ("consumer", "yeah this is him"),
                ("agent", "this is Lena with Harbor Recovery, a debt collector, about your card balance"),
                ("consumer", "I can't talk now, call me back tomorrow at 10 in the morning"),
            ],
            jurisdiction="US-NY",
            language="en",
        )
    )
    assert outcome.callback_at is not None
    assert outcome.callback_at.isoformat() == "2026-11-01T10:00:00-05:00"


def test_the_development_outcome_set_keeps_its_accuracy(extract):
    """A regression floor on the development set (the held-out set is scored in the README, not here)."""
    expected, found = {}, {}
    for path in sorted(DEV.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            raw = json.loads(line)
            gold = parse_expected(raw.pop("expected_outcome"))
            raw.pop("style", None)
            interaction = Interaction.model_validate(raw)
            expected[interaction.id] = gold
            found[interaction.id] = extract(interaction)
    scores = score(expected, found)
    assert scores.interactions == 120
    assert scores.contact_accuracy >= 0.95
    assert scores.promise.precision >= 0.9 and scores.promise.recall >= 0.9
    assert scores.share(scores.both_exact) >= 0.85
    assert all(scores.flags[name].f1 >= 0.75 for name in ("refusal", "dispute", "hardship", "callback"))
