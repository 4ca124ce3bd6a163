"""What the scanner does differently on turns transcribed from a recording.

Speech recognition writes its confidence on each transcribed turn (the ``asr`` extension of
Turn, docs/interaction-extensions.md). A required statement that is missing from a call whose
opening recognition could not hear clearly may well have been said and garbled: such a
``missing_disclosure`` finding becomes ``status="unclear"`` ("unclear — listen"), a point for an
analyst to listen to, not a violation (it is not scored). Interactions without ``asr`` data
(every text channel, transcripts supplied as text) are left exactly as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.domain import Family, Finding, Interaction, Turn

#: The opening: turns that start within this many seconds of the call (or, without times, the first turns).
OPENING_SECONDS = 30.0
OPENING_TURNS = 4
#: A transcribed opening turn is unclear below this mean segment log-probability ...
UNCLEAR_LOGPROB = -0.6
#: ... or above this no-speech probability.
UNCLEAR_NO_SPEECH = 0.5

UNCLEAR_PREFIX = {
    "es": "No claro — escuchar: la apertura de la llamada se transcribió con baja confianza; ",
    "en": "Unclear — listen: the opening of the call was transcribed with low confidence; ",
}


def transcribed(interaction: Interaction) -> bool:
    """Whether any turn carries speech-recognition data (the call was transcribed here)."""
    return any(t.asr is not None for t in interaction.turns or ())


def opening_turns(turns: Sequence[Turn]) -> list[Turn]:
    """The turns of the opening: those starting in the first ``OPENING_SECONDS``, or the first few."""
    if turns and all(t.start is not None for t in turns):
        first = min(t.start or 0.0 for t in turns)
        opening = [t for t in turns if (t.start or 0.0) - first < OPENING_SECONDS]
        return opening or list(turns[:1])
    return list(turns[:OPENING_TURNS])


def turn_unclear(turn: Turn) -> bool:
    asr = turn.asr
    return asr is not None and (asr.avg_logprob < UNCLEAR_LOGPROB or asr.no_speech_prob > UNCLEAR_NO_SPEECH)


def opening_unclear(interaction: Interaction) -> bool:
    """Whether a transcribed call's opening (the collector's side, or unattributed speech) was heard unclearly."""
    if not transcribed(interaction):
        return False
    opening = [t for t in opening_turns(interaction.turns or ()) if t.speaker in ("agent", "unknown")]
    if not opening:
        return True  # nothing of the collector was recognised at the start: nothing can be said about it
    return any(turn_unclear(t) for t in opening)


def unclear_openings(interaction: Interaction, findings: list[Finding]) -> list[Finding]:
    """``missing_disclosure`` findings of a call with an unclear opening become ``unclear`` (not scored)."""
    if not any(f.family == Family.MISSING_DISCLOSURE for f in findings) or not opening_unclear(interaction):
        return findings
    prefix = UNCLEAR_PREFIX["es" if interaction.language == "es" else "en"]
    return [
        f.model_copy(update={"status": "unclear", "explanation": prefix + f.explanation})
        if f.family == Family.MISSING_DISCLOSURE
        else f
        for f in findings
    ]
