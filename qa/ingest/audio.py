"""Recordings at ingest: transcribe with the ``transcription`` package, keep its redactions, write the masked copy.

Imported only by workers that meet an interaction with ``audio`` and no ``turns``, so chat-only
ingests never load Whisper.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from qa.domain import Interaction


def transcribe_item(
    interaction: Interaction, audio_file: str | None, *, device: str = "cpu", cpu_threads: int = 0
) -> tuple[Interaction, list[dict[str, Any]], dict[str, str | None]]:
    """Transcribe one recording into an Interaction with turns, its redactions, and the stored recordings.

    The third value is ``{"masked": path, "original": path or None}``: the masked copy written into
    the media store (:mod:`transcription.masking`) and the kept original when configured.
    """
    try:
        from transcription import TranscriptionOptions, decode, to_interaction, transcribe_audio
        from transcription.masking import recording_key, store_masked
        from transcription.options import channels_from_mapping
    except ImportError as exc:  # pragma: no cover - the package ships with the project
        raise RuntimeError(f"the transcription package is not installed ({exc})") from None
    if not audio_file:
        raise RuntimeError("no recording file to transcribe")
    if os.path.realpath(audio_file) != audio_file:  # checked resolved when read; a link swapped in since is refused
        from transcription.paths import REFUSED

        raise RuntimeError(REFUSED)
    options = TranscriptionOptions(
        channels=channels_from_mapping(dict(interaction.audio_channels)) if interaction.audio_channels else None,
        language=interaction.language,
        device=device,
        cpu_threads=cpu_threads,
    )
    audio = decode(audio_file)
    result = transcribe_audio(audio, options)
    if not result.turns:
        # A call with nothing said would be stored as a perfect 0-turn call scored 100: report it instead.
        raise RuntimeError(
            f"no speech recognised in {Path(audio_file).name} ({audio.duration:.1f} s): not stored as a call / "
            f"no se reconoció habla en {Path(audio_file).name} ({audio.duration:.1f} s): no se guarda como llamada"
        )
    stored = store_masked(audio, result, recording_key(interaction.id, Path(audio_file)), source=Path(audio_file))
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
    return transcribed, redactions, {"masked": stored.masked_path, "original": stored.original_path}
