"""Audio -> transcript -> findings on the embedded base model: the violation is found at the right seconds."""

from __future__ import annotations

import pytest

from qa.domain import Family
from transcription import to_interaction

pytestmark = pytest.mark.model

CASES = [
    # file, jurisdiction, time zone, words of the violating turn
    ("es_stereo_threat.wav", "CO", "America/Bogota", ("cárcel", "carcel")),
    ("en_stereo_arrest.flac", "US", "America/New_York", ("arrested",)),
]


@pytest.fixture(scope="module")
def scanner():
    compliance_rules = pytest.importorskip("compliance_rules", reason="the scanner (compliance_rules) has not landed")
    return compliance_rules.Scanner.load()


@pytest.mark.parametrize(("name", "jurisdiction", "zone", "words"), CASES)
def test_threat_in_a_recording_is_found_at_its_seconds(transcripts, calls, scanner, name, jurisdiction, zone, words) -> None:
    result = transcripts(name)
    base = {
        "id": name,
        "channel": "call",
        "direction": "outbound",
        # a weekday at 10:00 local time: only what is said can be a violation
        "started_at": "2026-03-03T10:00:00-05:00",
        "jurisdiction": jurisdiction,
        "consumer_timezone": zone,
        "agent_id": "A017",
    }
    interaction = to_interaction(result, base)
    findings = scanner.scan([interaction])
    threats = [f for f in findings if f.family == Family.THREAT]
    assert threats, f"no threat found in {[(f.rule_id, f.turn) for f in findings]}"

    reference = next(t for t in calls[name]["turns"] if any(w in t["text"].lower() for w in words))
    on_turn = [f for f in threats if f.turn is not None and any(w in interaction.turns[f.turn].text.lower() for w in words)]
    assert on_turn, "the threat is reported on the turn that says it"
    finding = on_turn[0]
    assert interaction.turns[finding.turn].speaker == "agent"
    assert finding.start is not None and finding.end is not None
    # within the seconds the sentence was spoken in the recording (espeak timing, +-0.8 s for Whisper's word times)
    assert reference["start"] - 0.8 <= finding.start <= finding.end <= reference["end"] + 0.8
