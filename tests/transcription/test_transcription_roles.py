"""Speaker-role inference from what is said (no model needed)."""

from __future__ import annotations

import pytest

from transcription.roles import decide_channels, turn_speaker

AGENT_ES = "Buenos días, le habla Carlos Pérez de Cobranzas Andinas. ¿Hablo con la señora Marta Ruiz?"
CONSUMER_ES = "Sí, con ella habla. Este mes no tengo dinero."
AGENT_EN = "Hello, this is John Smith, a debt collector calling from Acme Recovery. This is an attempt to collect a debt."
CONSUMER_EN = "Okay. What is this about? I will talk to my lawyer."


@pytest.mark.parametrize(
    ("texts", "agent_channel"),
    [
        ([AGENT_ES, CONSUMER_ES], 0),
        ([CONSUMER_ES, AGENT_ES], 1),
        ([AGENT_EN, CONSUMER_EN], 0),
        ([CONSUMER_EN, AGENT_EN], 1),
        # Whisper's mistakes on the fixtures still leave enough cues
        (["Okay, what is this amount?", "Hello, this is Don Smith, a math collector calling from Acme Recovery."], 1),
        (["Buenos días, le hable a Carlos Pérez ... le llamo por su neuna vencina con el banco", "Si, con ella habla"], 0),
    ],
)
def test_agent_channel_is_inferred_and_said(texts: list[str], agent_channel: int) -> None:
    decision = decide_channels(texts, None)
    assert decision.method == "inferred"
    assert decision.channels[agent_channel] == "agent"
    assert decision.channels[1 - agent_channel] == "consumer"
    assert f"channel {agent_channel} inferred as agent" in decision.note


def test_mapping_wins_over_cues() -> None:
    decision = decide_channels([AGENT_ES, CONSUMER_ES], ("consumer", "agent"))
    assert decision.method == "mapping"
    assert decision.channels == ("consumer", "agent")


@pytest.mark.parametrize(
    "texts",
    [
        ["Hola.", "Hola."],  # no cues at all
        ["", ""],  # silence on both channels
        [AGENT_ES, AGENT_ES],  # two agents (transfer, or both channels carry the mix)
    ],
)
def test_no_clear_agent_channel_is_undecided(texts: list[str]) -> None:
    decision = decide_channels(texts, None)
    assert decision.method == "undecided"
    assert decision.channels == ("unknown", "unknown")


def test_mono_is_decided_per_turn() -> None:
    decision = decide_channels([AGENT_ES + " " + CONSUMER_ES], None)
    assert decision.method == "mono_cues"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Buenas tardes, le habla Laura de Cobranzas Andinas. ¿Cómo desea pagar?", "agent"),
        ("Good morning, this is Mike from Acme Recovery. This is an attempt to collect a debt.", "agent"),
        ("Thank you. I also need your social security number.", "agent"),
        ("Si no paga lo vamos a meter a la cárcel.", "unknown"),  # a threat alone does not say who spoke
        ("Con tarjeta. El número es [CARD].", "consumer"),
        ("I want to pay with my card.", "consumer"),
        ("¿Quién habla?", "consumer"),
        ("Who is this?", "consumer"),
        ("Gracias.", "unknown"),
        ("Okay.", "unknown"),
    ],
)
def test_turn_speaker(text: str, speaker: str) -> None:
    assert turn_speaker(text) == speaker
