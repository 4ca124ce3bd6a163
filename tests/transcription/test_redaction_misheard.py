"""Codes and card numbers as speech recognition mishears them (issue 12, no model needed).

The turn streams here are written for these tests; the transcript of the Spanish fixture call is
checked with the real model in test_misheard_code_fixture.py.
"""

from __future__ import annotations

import pytest

from transcription.redaction import find_sensitive, redact_turns
from transcription.redaction_asr import LOW_WORD_PROB, unheard_codes
from transcription.redaction_spoken import code_reading, filler_gap
from transcription.transcript import Word
from transcription.turns import build_turn


def masked(text: str) -> list[tuple[str, str]]:
    return [(m.kind, text[m.start : m.end]) for m in find_sensitive(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¿me dice el se ve ve? claro, seis cuatro uno", [("cvv", "seis cuatro uno")]),
        ("the c v c is nine nine two", [("cvv", "nine nine two")]),
        ("el codigo de seguridá por favor dos dos siete", [("cvv", "dos dos siete")]),
        ("los numeritos que vienen atras ocho eh cero tres", [("cvv", "ocho eh cero tres")]),
        ("security code uh two won six", [("cvv", "two won six")]),
        ("security code is to seven one", [("cvv", "to seven one")]),  # "two" written "to": the word before counts
        ("el cvv cinco cinco, perdon, cinco cuatro cinco", [("cvv", "cinco cinco"), ("cvv", "cinco cuatro cinco")]),
        ("el cvv es uno do tres perdon uno dos tres", [("cvv", "uno do tres"), ("cvv", "uno dos tres")]),
    ],
)
def test_codes_after_misheard_cues_with_fillers_and_misheard_digits(text, expected):
    assert masked(text) == expected


def test_a_code_right_after_a_card_number_is_masked_without_a_cue():
    text = "mi tarjeta 4024 5617 4833 8014 gracias y el otro dato nueve cuatro dos"
    assert masked(text) == [("card", "4024 5617 4833 8014"), ("cvv", "nueve cuatro dos")]
    # in another turn, as the question that asked for it was misheard
    turns = ["tarjeta cuatro cero dos cuatro cinco seis uno siete cuatro ocho tres tres ocho cero uno cuatro",
             "gracias y el colorado", "nueve cuatro dos"]  # fmt: skip
    assert redact_turns(turns)[2][0] == "[CVV]"
    # text whose card was masked upstream (or by an earlier version): the code after it is masked, and twice is once
    once = redact_turns(["el numero es [CARD]", "y el de atras", "ocho uno uno"])
    assert [t for t, _ in once] == ["el numero es [CARD]", "y el de atras", "[CVV]"]
    assert redact_turns([t for t, _ in once]) == [(t, []) for t, _ in once]


@pytest.mark.parametrize(
    "text",
    [
        "mi tarjeta 4024 5617 4833 8014 vence el cero nueve dos ocho",  # expiry, not a code
        "mi tarjeta 4024 5617 4833 8014 y la referencia es tres uno cuatro",  # a reference named since the card
        "mi tarjeta 4024 5617 4833 8014 y le cobro trescientos hoy",  # an amount said as a number, not digit by digit
        "mi tarjeta 4024 5617 4833 8014 vence en dos mil veintiocho",
        "mi tarjeta 4024 5617 4833 8014 y pague 300 ayer",
        "the card 4024 5617 4833 8014 expires oh nine two eight",
        "mi tarjeta 4024 5617 4833 8014 y tengo dos hijos tres nietos",
        "mi tarjeta 4024 5617 4833 8014 y van dos de tres cuotas",
    ],
)
def test_what_follows_a_card_that_is_no_code_stays_readable(text):
    assert [k for k, _ in masked(text)] == ["card"]


def test_card_groups_read_with_fillers_are_one_card():
    assert masked("la tarjeta es 4024 eh 5617 este 4833 ... 8014") == [("card", "4024 eh 5617 este 4833 ... 8014")]
    spoken = "four oh two four uh five six one seven um four eight three three uh eight zero one four"
    assert masked(f"my card is {spoken}") == [("card", spoken)]
    # Luhn-valid groups of four are a card even without a card word; two years with a filler are not
    assert masked("es el 4024 eh 5617 eh 4833 eh 8014") == [("card", "4024 eh 5617 eh 4833 eh 8014")]
    assert masked("la tarjeta del 2019 eh 2021 y 2023") == []
    assert masked("en la tarjeta pague 1200 eh 1300 y 1400 en 2024") == []


def test_helpers():
    assert filler_gap(" eh ") and filler_gap(", o sea, ") and filler_gap(" ... ")
    assert not filler_gap(" y ") and not filler_gap(" eh la del ")
    text = "el cvv es quinientos nueve pesos"
    assert code_reading(text, text, text.index("quinientos"), 6) == (text.index("quinientos"), text.index(" pesos"))
    assert code_reading(text, text, text.index("quinientos"), 6, digit_by_digit=True) is None


def _words(spec: list[tuple[str, float, float, float]]) -> list[Word]:
    return [Word(start, end, f" {text}", prob, -0.5, 0.05) for text, start, end, prob in spec]


def test_an_unheard_code_after_a_card_is_masked_from_word_confidences():
    card = build_turn(0, _words([("tarjeta", 7.0, 7.5, 0.9), ("4024", 8.0, 9.0, 0.6), ("5617", 9.2, 10.0, 0.6),
                                 ("4833", 10.2, 11.0, 0.7), ("8014", 11.2, 12.0, 0.8)]))  # fmt: skip
    question = build_turn(0, _words([("gracias", 13.0, 13.4, 0.9), ("y", 13.5, 13.6, 0.9), ("el", 13.6, 13.7, 0.9),
                                     ("colorido", 13.7, 14.2, 0.3), ("es", 14.2, 14.4, 0.9), ("mas", 15.0, 15.3, 0.2),
                                     ("flor", 15.5, 15.8, 0.1), ("tan", 15.8, 16.0, 0.3)]))  # fmt: skip
    later = build_turn(0, _words([("adios", 40.0, 40.5, 0.2), ("amigo", 40.5, 41.0, 0.1)]))
    turns = [card, question, later]
    redacted = unheard_codes(turns, redact_turns([t.text for t in turns]))
    assert redacted[0][0] == "tarjeta [CARD]"
    # one low word alone stays; the stretch of three low words (each below LOW_WORD_PROB) is the code; 40 s later is too late
    assert redacted[1][0] == "gracias y el colorido es [CVV]" and 0.3 < LOW_WORD_PROB
    assert [m.kind for m in redacted[1][1]] == ["cvv"]
    assert question.seconds_of(*redacted[1][1][0].source_span) == (15.0, 16.0)
    assert redacted[2] == ("adios amigo", [])
    # without a card number nothing is added, and a code the text rules masked is enough
    assert unheard_codes(turns[1:], redact_turns([t.text for t in turns[1:]]))[0][1] == []
    heard = build_turn(0, _words([("cvv", 13.0, 13.4, 0.9), ("123", 13.5, 14.0, 0.4), ("mas", 15.0, 15.3, 0.2),
                                  ("flor", 15.5, 15.8, 0.1)]))  # fmt: skip
    out = unheard_codes([card, heard], redact_turns([card.text, heard.text]))
    assert out[1][0] == "cvv [CVV] mas flor"
