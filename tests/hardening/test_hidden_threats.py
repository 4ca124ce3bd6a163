"""Issue 13: an invisible character or a look-alike letter inside a word does not hide it from the rules.

The hidden text must give the same findings as the clean text (and a lawful sentence stays
lawful), with spans that point at the original characters, invisible ones included.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance_rules import Scanner
from compliance_rules.text import analyzer_for, matching_form
from qa.domain import Interaction

ZWSP, SHY, ZWJ, WJ, BOM = "\u200b", "\u00ad", "\u200d", "\u2060", "\ufeff"
CYR_A, CYR_E, CYR_ES, CYR_O, CYR_I = "\u0430", "\u0415", "\u0441", "\u043e", "\u0456"
GREEK_O, GREEK_IOTA_CAPITAL = "\u03bf", "\u0399"

# (jurisdiction, clean text, the same text with the word disguised)
DISGUISED = [
    ("US-TX", "you will be arrested if you do not pay today", f"you will be arr{ZWSP}ested if you do not pay today"),
    ("US-TX", "you will be arrested if you do not pay today", f"you will be arr{SHY}ested if you do not pay today"),
    ("US-TX", "you will be arrested if you do not pay today", f"you will be {CYR_A}rrested if you do not pay today"),
    ("US-TX", "YOU WILL BE ARRESTED IF YOU DO NOT PAY TODAY", f"YOU WILL BE ARR{CYR_E}STED IF YOU DO NOT PAY TODAY"),
    ("US-TX", "you will be arrested if you do not pay today", "you will be ａｒｒｅｓｔｅｄ if you do not pay today"),
    ("US-TX", "if you dont pay you will go to jail", f"if you dont pay you will go to j{CYR_A}{CYR_I}l"),
    ("US-TX", "IF YOU DONT PAY YOU WILL GO TO JAIL", f"IF YOU DONT PAY YOU WILL GO TO JA{GREEK_IOTA_CAPITAL}L"),
    ("US-TX", "if you dont pay you will go to jail", f"if you dont pay you will g{GREEK_O} to ja{WJ}il"),
    ("CO", "si no paga la metemos a la cárcel", f"si no paga la metemos a la c{CYR_A}rcel"),
    ("CO", "si no paga la metemos a la cárcel", f"si no paga la metemos a la cár{SHY}cel"),
    ("CO", "si no paga la metemos a la cárcel", f"si no paga la metemos a la {CYR_ES}ár{ZWJ}cel"),
    ("CO", "si no paga la metemos a la cárcel", "si no paga la metemos a la ca\u0301rcel"),
    ("CO", "si no paga lo vamos a meter preso", f"si no paga lo vamos a meter pres{CYR_O}{BOM}"),
    ("CO", "le vamos a embargar la casa", f"le vamos a emb{CYR_A}r{ZWSP}gar la casa"),
    ("MX", "no sea pendejo y pague", f"no sea pen{ZWSP}dejo y pague"),
    # Lawful sentences stay lawful however they are written.
    ("CO", "no lo vamos a meter a la cárcel, tranquila", f"n{CYR_O} lo vamos a meter a la c{CYR_A}rcel, tranquila"),
    ("US-TX", "you will not be arrested and no one is coming to your house", f"you will not be arr{ZWSP}ested and no one"),
]


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner.load(layers="rules")


def _call(text: str, jurisdiction: str) -> Interaction:
    return Interaction.model_validate(
        {
            "id": "t-1",
            "channel": "call",
            "started_at": "2026-03-03T10:00:00-05:00",
            "jurisdiction": jurisdiction,
            "language": "en" if jurisdiction.startswith("US") else "es",
            "agent_id": "A1",
            "turns": [{"speaker": "agent", "start": 0.0, "end": 4.0, "text": text}],
        }
    )


def _phrase_findings(scanner: Scanner, text: str, jurisdiction: str):
    return [f for f in scanner.scan([_call(text, jurisdiction)]) if f.turn is not None]


@pytest.mark.parametrize(("jurisdiction", "clean", "hidden"), DISGUISED)
def test_a_disguised_word_gives_the_findings_of_the_clean_one(scanner, jurisdiction, clean, hidden):
    expected = _phrase_findings(scanner, clean, jurisdiction)
    found = _phrase_findings(scanner, hidden, jurisdiction)
    assert {(f.rule_id, f.turn) for f in found} == {(f.rule_id, f.turn) for f in expected}
    for finding in found:
        assert hidden[finding.span[0] : finding.span[1]] == finding.evidence


def test_the_span_of_a_word_with_a_zero_width_space_covers_its_original_characters(scanner):
    text = f"you will be arr{ZWSP}ested if you do not pay today"
    [finding] = [f for f in _phrase_findings(scanner, text, "US-TX") if f.family.value == "threat"]
    assert finding.span == (12, 21)
    assert finding.evidence == f"arr{ZWSP}ested"


def test_look_alike_letters_keep_their_place_in_the_evidence(scanner):
    text = f"si no paga la metemos a la c{CYR_A}rcel"
    [finding] = [f for f in _phrase_findings(scanner, text, "CO") if f.family.value == "threat"]
    assert finding.evidence == f"c{CYR_A}rcel" and text[finding.span[0] : finding.span[1]] == finding.evidence


@pytest.mark.parametrize(
    ("text", "form", "origin"),
    [
        ("Plain ASCII", "plain ascii", None),
        ("Cárcel, señora", "cárcel, señora", None),  # accented Latin needs no map
        (f"c{CYR_A}rcel", "carcel", [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]),
        (f"a{ZWSP}b{SHY}c", "abc", [(0, 1), (2, 3), (4, 5)]),
        ("\ufb01n", "fin", [(0, 1), (0, 1), (1, 2)]),  # a ligature: both letters come from it
        ("\u0130x", "i\u0307x", [(0, 1), (0, 1), (1, 2)]),  # İ lower-cases to two characters
        ("ca\u0301r", "cár", [(0, 1), (1, 3), (3, 4)]),  # a letter and its combining accent compose
    ],
)
def test_matching_form_says_where_each_character_came_from(text, form, origin):
    got, starts, ends = matching_form(text)
    assert got == form
    assert (None if starts is None else list(zip(starts, ends, strict=True))) == origin


tricky = st.text(
    alphabet=st.sampled_from(
        list("abcdeijlnoprstyz AEIO.,'?¿!*")
        + [ZWSP, SHY, ZWJ, WJ, BOM, CYR_A, CYR_E, CYR_I, GREEK_O, GREEK_IOTA_CAPITAL]
        + ["\u0301", "\u0130", "\ufb01", "ｓ", "\u2019", "\u00a0", "ñ", "º", "\u2026"]
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None, database=None)
@given(tricky, st.sampled_from(["es", "en"]))
def test_token_offsets_always_point_into_the_original_text(text, language):
    analyzed = analyzer_for(language).analyze(text)
    previous = 0
    for token in analyzed.tokens:
        if token.start == token.end == 0 and len(analyzed.tokens) == 1:
            break  # the placeholder of a text without words
        assert 0 <= token.start < token.end <= len(text)
        assert token.start >= previous
        previous = token.start
