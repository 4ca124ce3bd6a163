"""Recordings at ingest: transcribe with the ``transcription`` package, keep its redactions.

Imported only by workers that meet an interaction with ``audio`` and no ``turns``, so chat-only
ingests never load Whisper.
"""

from __future__ import annotations

from typing import Any

from qa.domain import Interaction


def transcribe_item(
    interaction: Interaction, audio_file: str | None, *, device: str = "cpu", cpu_threads: int = 0
) -> tuple[Interaction, list[dict[str, Any]]]:
    """Transcribe one recording into an Interaction with turns, and the redactions applied to them."""
    try:
        from transcription import TranscriptionOptions, to_interaction, transcribe_file
        from transcription.options import channels_from_mapping
    except ImportError as exc:  # pragma: no cover - the package ships with the project
        raise RuntimeError(f"the transcription package is not installed ({exc})") from None
    if not audio_file:
        raise RuntimeError("no recording file to transcribe")
    options = TranscriptionOptions(
        channels=channels_from_mapping(dict(interaction.audio_channels)) if interaction.audio_channels else None,
        language=interaction.language,
        device=device,
        cpu_threads=cpu_threads,
    )
    result = transcribe_file(audio_file, options)
    redactions = [
        {
            "kind": r.kind,
            "turn": r.turn,
            "span_start": r.span[0],
            "span_end": r.span[1],
            "start": r.start,
            "end": r.end,
            "source": "audio",
        }
        for r in result.redactions
    ]
    transcribed = to_interaction(result, interaction)
    # Keep the path of the recording on the stored row; the document holds the turns.
    return transcribed, redactions
