"""Scanning what ASR gives (issue 12 item 5): turn confidence, "unclear — listen", the unverified far end."""

from __future__ import annotations

import pytest

from compliance_rules.asr import opening_unclear, unclear_openings
from compliance_rules.engine import Scanner
from qa.domain import Family, Finding, Interaction
from qa.evaluation import evaluate
from qa.scoring import load_scorecard, score_findings
from transcription.pipeline import to_interaction
from transcription.transcript import RoleDecision, TranscriptResult, TranscriptTurn, Word
from transcription.turns import build_turn

CLEAR = {"avg_logprob": -0.25, "no_speech_prob": 0.05}
GARBLED = {"avg_logprob": -0.95, "no_speech_prob": 0.10}


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner.load()


def call(turns, asr=None, stereo=True, lang="en", jurisdiction="US", iid="c1") -> Interaction:
    """A call; with ``asr`` every turn carries that confidence (channel 0 agent, 1 far end when stereo)."""
    out = []
    for i, (speaker, text) in enumerate(turns):
        turn = {"speaker": speaker, "text": text, "start": i * 4.0, "end": i * 4.0 + 3.0}
        if asr is not None:
            turn["asr"] = {**asr(i, speaker), "channel": (0 if speaker == "agent" else 1) if stereo else None}
        out.append(turn)
    return Interaction.model_validate(
        {
            "id": iid,
            "channel": "call",
            "started_at": "2026-03-02T10:00:00-05:00",
            "jurisdiction": jurisdiction,
            "language": lang,
            "agent_id": "A1",
            "turns": out,
        }
    )


# No identification by the collector, on a call that reached the consumer.
NO_IDENTIFICATION = [
    ("agent", "Hi, am I speaking with John Miller?"),
    ("consumer", "Yes, speaking."),
    ("agent", "You owe 500 dollars on your credit card and you need to pay today."),
    ("consumer", "I can pay next week."),
]


def _key(findings: list[Finding]) -> list[tuple]:
    return [(f.rule_id, f.family, f.turn, f.span, f.evidence, f.explanation, f.status, f.severity) for f in findings]


def test_word_statistics_reach_the_turn_and_the_interaction() -> None:
    words = [Word(0.0, 0.4, " Hello", 0.9, -0.2, 0.1), Word(0.5, 0.9, " there", 0.8, -0.6, 0.3)]
    turn = build_turn(1, words)
    logprob, no_speech = turn.confidence()
    assert logprob == pytest.approx(-0.4) and no_speech == pytest.approx(0.3)
    assert build_turn(0, [Word(0.0, 0.4, " Hi", 0.9)]).confidence() is None  # no Whisper statistics
    roles = RoleDecision("mapping", ("agent", "consumer"), (0.0, 0.0), "")
    result = TranscriptResult(
        path="x.wav",
        duration=2.0,
        channels=2,
        language="en",
        language_probability=None,
        turns=(
            TranscriptTurn(0, "agent", 0.0, 0.9, "Hello there", -0.4, 0.3),
            TranscriptTurn(1, "consumer", 1.0, 1.5, "Hi", None, None),
        ),
        redactions=(),
        roles=roles,
        dropped=(),
    )
    inter = to_interaction(result, {"id": "a", "channel": "call", "started_at": "2026-03-02T10:00:00-05:00", "agent_id": "A"})
    assert inter.turns[0].asr is not None
    assert (inter.turns[0].asr.avg_logprob, inter.turns[0].asr.no_speech_prob, inter.turns[0].asr.channel) == (-0.4, 0.3, 0)
    assert inter.turns[1].asr is None
    dumped = inter.model_dump(mode="json", exclude_none=True)
    assert dumped["turns"][0]["asr"] == {"avg_logprob": -0.4, "no_speech_prob": 0.3, "channel": 0}
    assert "asr" not in dumped["turns"][1]  # text turns keep their exact canonical form (and content hash)


def test_asr_field_is_validated() -> None:
    bad = {"speaker": "agent", "text": "x", "asr": {"avg_logprob": 0.5, "no_speech_prob": 0.1}}
    with pytest.raises(ValueError):
        Interaction.model_validate({"id": "b", "channel": "sms", "started_at": "2026-03-02T10:00:00-05:00", "turns": [bad]})


def test_garbled_opening_makes_missing_disclosure_unclear(scanner: Scanner) -> None:
    text = scanner.scan([call(NO_IDENTIFICATION)])
    assert [f.family for f in text] == [Family.MISSING_DISCLOSURE] and text[0].status == "violation"
    clear = scanner.scan([call(NO_IDENTIFICATION, lambda i, s: CLEAR)])
    assert [(f.rule_id, f.status) for f in clear] == [(text[0].rule_id, "violation")]
    garbled = scanner.scan([call(NO_IDENTIFICATION, lambda i, s: GARBLED if s == "agent" else CLEAR)])
    assert [(f.rule_id, f.status) for f in garbled] == [(text[0].rule_id, "unclear")]
    assert garbled[0].explanation.startswith("Unclear — listen")
    # A clear opening and a garbled end: still a violation.
    late = scanner.scan([call(NO_IDENTIFICATION * 5, lambda i, s: GARBLED if i >= 12 else CLEAR)])
    assert {f.status for f in late if f.family == Family.MISSING_DISCLOSURE} == {"violation"}


def test_unclear_is_not_scored_nor_counted(scanner: Scanner) -> None:
    card = load_scorecard()
    violation = scanner.scan([call(NO_IDENTIFICATION, lambda i, s: CLEAR)])
    unclear = scanner.scan([call(NO_IDENTIFICATION, lambda i, s: GARBLED)])
    assert score_findings(card, violation).score < card.max_score
    assert score_findings(card, unclear).score == card.max_score
    expected = {"c1": ()}
    assert evaluate(expected, violation).compliant_flagged and not evaluate(expected, unclear).compliant_flagged


def test_text_interactions_are_unchanged(scanner: Scanner) -> None:
    # Without the asr extension nothing about the opening is known: findings are exactly the plain scan's.
    inter = call(NO_IDENTIFICATION)
    assert not opening_unclear(inter)
    findings = scanner.scan([inter])
    assert unclear_openings(inter, findings) is findings


def test_opening_without_collector_speech_is_unclear() -> None:
    consumer_only = call([("consumer", "Hello?")] * 3, lambda i, s: CLEAR)
    assert opening_unclear(consumer_only)


SPANISH_WIFE = [
    ("agent", "Buenos días, ¿hablo con el señor Pedro Gómez?"),
    ("consumer", "No, él no está, yo soy la esposa."),
    ("agent", "Dígale que tiene una deuda vencida de dos millones con el banco y que debe pagar hoy."),
]
ROOMMATE = [
    ("agent", "Good morning, is this John Miller?"),
    ("consumer", "No, this is his roommate, he is not home."),
    ("agent", "Tell him he owes 500 dollars on his credit card debt and must pay today."),
]


@pytest.mark.parametrize(("turns", "lang", "jurisdiction"), [(SPANISH_WIFE, "es", "CO"), (ROOMMATE, "en", "US")])
def test_stereo_far_end_is_whoever_answered(scanner: Scanner, turns, lang, jurisdiction) -> None:
    """The far-end channel labelled consumer who says they are someone else is that someone, as a turn marked other."""
    rules = Scanner.load(layers="rules")
    as_other = [(s if s == "agent" else "other", t) for s, t in turns]
    told_third_party = rules.scan([call(as_other, lang=lang, jurisdiction=jurisdiction)])
    assert any(f.family == Family.THIRD_PARTY_DISCLOSURE for f in told_third_party)
    heard = rules.scan([call(turns, lambda i, s: CLEAR, lang=lang, jurisdiction=jurisdiction)])
    assert {f.rule_id for f in heard} == {f.rule_id for f in told_third_party}
    # The same words as a text transcript keep today's reading: the label "consumer" is trusted there.
    text = rules.scan([call(turns, lang=lang, jurisdiction=jurisdiction)])
    assert {f.rule_id for f in text} != {f.rule_id for f in told_third_party}


def test_stereo_far_end_confirmed_by_what_is_said(scanner: Scanner) -> None:
    asr = scanner.scan([call(NO_IDENTIFICATION, lambda i, s: CLEAR)])
    assert [f.family for f in asr] == [Family.MISSING_DISCLOSURE]  # "Yes, speaking." confirmed the consumer


def test_silent_far_end_is_not_taken_for_the_consumer(scanner: Scanner) -> None:
    agent_only = [("agent", "Hi, you owe 500 dollars on your credit card and you need to pay today.")]
    text = scanner.scan([call(agent_only)])
    assert Family.MISSING_DISCLOSURE in {f.family for f in text}  # a text monologue is addressed to the consumer
    stereo = scanner.scan([call(agent_only, lambda i, s: CLEAR)])
    assert Family.MISSING_DISCLOSURE not in {f.family for f in stereo}
    mono = scanner.scan([call(agent_only, lambda i, s: CLEAR, stereo=False)])
    assert _key(mono) == _key(text)  # a mono recording keeps the text rule
