"""The redactor on the labelled redaction set: the goal figures, evidence kept readable.

Linear time is measured by benchmarks/bench_redaction.py (no timing assertions in unit tests).
"""

from __future__ import annotations

import re

import pytest

from transcription.redaction import KIND_GROUPS, MASKS, find_sensitive, redact, redact_text
from transcription.redaction_set import HOLDOUT_PATH, current_redactor, load_set, score


@pytest.fixture(scope="module")
def labelled():
    return load_set()


def test_set_is_large_and_balanced(labelled) -> None:
    assert len(labelled) >= 300
    languages = {row["language"] for row in labelled}
    assert {"es-CO", "es-MX", "es-PE", "es-CL", "es-AR", "en-US"} <= languages
    assert {row["style"] for row in labelled} == {"clean", "asr", "chat"}
    identifiers = sum(len(row["spans"]) for row in labelled)
    lookalikes = sum(len(row["keep"]) for row in labelled)
    assert lookalikes >= identifiers  # at least as many lookalikes as identifiers
    for row in labelled:
        for span in row["spans"] + row["keep"]:
            assert 0 <= span["start"] < span["end"] <= len(row["text"])


def test_goal_figures_on_the_whole_set(labelled) -> None:
    result = score(current_redactor(), labelled)
    assert result.recall("card") == 1.0, result.missed
    assert result.recall("cvv") == 1.0, result.missed
    for kind in ("ssn", "national_id", "email"):
        assert result.recall(kind) >= 0.98, (kind, result.missed)
    assert result.keep_masked.get("amount", 0) == 0, result.overmasked
    assert result.keep_masked.get("year", 0) == 0, result.overmasked
    assert result.overmask_rate <= 0.01, result.overmasked


def test_holdout_written_after_the_code() -> None:
    result = score(current_redactor(), load_set(HOLDOUT_PATH))
    assert result.recall("card") == 1.0 and result.recall("cvv") == 1.0, result.missed
    assert result.keep_masked.get("amount", 0) == 0 and result.keep_masked.get("year", 0) == 0


@pytest.mark.parametrize(
    "text",
    [
        "Your store card balance is $3,880, opened in 2013, charged off in 2014.",
        "La tarjeta de crédito Éxito debe $1.250.000 desde el 15/03/2023 y la cuota es de $185.300.",
        "the visa card shows three thousand eight hundred eighty dollars from twenty thirteen",
        "la tarjeta visa tiene un saldo de cuatro mil ciento once pesos del dos mil catorce",
        "Tarjeta Falabella: pago mínimo S/ 450.00, vence 10/04/2024, tasa 3,5 % mensual",
        "credit card fees of $487 on 12/31/2019, 24.99% APR, card opened March 2011",
        "tarjeta codensa 2.500.000 pesos desde 2020 pagos de 15 de enero de 2024",
    ],
)
def test_amounts_years_and_dates_after_card_words_stay_readable(text: str) -> None:
    assert redact(text)[0] == text


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("card 4111 1111 1111 1111 balance $3,880 since 2013", ["4111 1111 1111 1111"]),
        ("mi tarjeta es 4010 9281 5901 3962 saldo $3.880.000 del 2019", ["4010 9281 5901 3962"]),
        ("it's 123 45 6789", ["123 45 6789"]),
        ("C.C. 80123456", ["80123456"]),
        ("la tarjeta termina en 2159 y debe $500.000", ["2159"]),
        ("cvv 347, vence 08/27", ["347"]),
    ],
)
def test_identifiers_next_to_evidence_are_masked_and_the_evidence_kept(text: str, gone: list[str]) -> None:
    masked = redact_text(text)
    for value in gone:
        assert value not in masked
    for keep in re.findall(r"\$[\d.,]+|\b(?:19|20)\d\d\b|\d\d/\d\d", text):
        if not any(keep in value for value in gone):
            assert keep in masked


def test_every_kind_has_a_mask_and_a_group() -> None:
    assert set(MASKS) == set(KIND_GROUPS)


def test_redacting_twice_changes_nothing(labelled) -> None:
    # Stored text is masked; search phrases, displays and the 0009 migration redact it again.
    for row in labelled:
        once = redact_text(row["text"])
        assert redact_text(once) == once, row["id"]


def test_a_mask_answers_the_cue_before_it() -> None:
    assert redact_text("cvv [CVV], vence 0827 y la cuota es 1234") == "cvv [CVV], vence 0827 y la cuota es 1234"


def test_text2num_reader_masks_the_same_spans(labelled) -> None:
    hand, library = score(current_redactor("hand"), labelled), score(current_redactor("text2num"), labelled)
    assert hand.masked == library.masked and hand.keep_masked == library.keep_masked
    assert find_sensitive("tarjeta cuatro cuatro ocho cinco dos cinco tres ocho ocho ocho cinco tres nueve tres tres seis")
