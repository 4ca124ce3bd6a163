"""The validators of qa.domain: what a record read from a file may hold, and what it may not."""

from __future__ import annotations

import holidays
import pytest
from hostile_cases import good_call
from pydantic import ValidationError

from qa.domain import INPUT_RECORD, KNOWN_COUNTRIES, MAX_TURN_SECONDS, SUBDIVISIONS, Interaction, ReadError


def test_every_subdivision_holidays_knows_is_a_known_subdivision():
    supported = holidays.list_supported_countries()
    for country in KNOWN_COUNTRIES:
        # holidays also lists aliases such as "Barcelona": ISO codes are 1-3 capitals or digits.
        iso = {code for code in supported.get(country, ()) if code.isupper() and len(code) <= 3}
        assert iso <= SUBDIVISIONS[country], (country, iso - SUBDIVISIONS[country])


@pytest.mark.parametrize(
    "changes",
    [
        {"jurisdiction": "US-CA"},
        {"jurisdiction": "es-m"},  # a Spanish province, in lower case
        {"jurisdiction": "MX-CMX"},
        {"jurisdiction": "CO-DC"},
        {"started_at": "2026-03-03T15:00:00Z"},
        {"started_at": "2026-03-03T10:00:00+14:00"},
        {"turns": [{"speaker": "agent", "text": "hola", "start": 0, "end": 0}]},
        {"turns": [{"speaker": "agent", "text": "hola", "start": 0, "end": MAX_TURN_SECONDS}]},
        {"turns": [{"speaker": "agent", "text": "hola", "start": 3}]},
        {"turns": None, "audio": "call.wav"},
        {"id": 12345, "agent_id": 17},  # numeric ids are still ids
        {"account_facts": {"balance_of_record": 1250000.5, "cease_letter_received_at": "2026-02-01T09:00:00-05:00"}},
    ],
)
def test_plausible_values_are_accepted(changes):
    Interaction.model_validate(good_call("ok") | changes, context=INPUT_RECORD)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"jurisdiction": "US-ZZ"}, "not an ISO 3166-2 subdivision of US"),
        ({"jurisdiction": "FR"}, "unknown jurisdiction 'FR'"),
        ({"started_at": "2026-03-03T10:00:00+15:00"}, "beyond the real range"),
        ({"started_at": "2101-01-01T00:00:00+00:00"}, "year 2101"),
        ({"started_at": "1772550000"}, "must be an ISO 8601"),
        ({"started_at": True}, "must be an ISO 8601"),
        ({"turns": [{"speaker": "agent", "text": "hola", "start": True, "end": 1}]}, "not true/false"),
        ({"consumer_timezone": "America/" + "x" * 300}, "unknown time zone"),
        ({"audio": "x" * 300 + ".wav", "turns": None}, "longer than 255 bytes"),
        ({"consumer_phone": "5" * 40}, "at most 32"),
        ({"turns": []}, "'turns' is empty"),
    ],
)
def test_implausible_values_are_refused(changes, reason):
    with pytest.raises(ValidationError, match=reason):
        Interaction.model_validate(good_call("bad") | changes, context=INPUT_RECORD)


def test_a_recording_transcribed_to_silence_is_still_an_interaction():
    # Only records read from files must say something; a transcript may have no turns at all.
    silent = good_call("silent") | {"turns": []}
    assert Interaction.model_validate(silent).turns == ()


def test_a_read_error_escapes_what_cannot_be_printed_or_stored():
    error = ReadError("f.jsonl", 3, "bad \x00 value \ud800", "id\x00" + "x" * 400)
    assert "\x00" not in str(error) and "\\x00" in error.reason and "\\ud800" in error.reason
    assert len(error.record_id) == 255
    str(error).encode("utf-8")
