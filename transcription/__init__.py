"""Transcription of recorded calls: faster-whisper, offline, Spanish and English.

Public API::

    from transcription import TranscriptionOptions, transcribe_file, to_interaction, resolve_audio_records

    result = transcribe_file("call.wav", TranscriptionOptions(channels=("agent", "consumer")))
    interaction = to_interaction(result, {"id": "call-1", "started_at": "...", "agent_id": "A1"})
    interactions, errors = resolve_audio_records(records, TranscriptionOptions())

Nothing outside this package imports faster-whisper; importing this package does not load it
(``transcription.engine`` is imported on the first transcription).
"""

from transcription.audio import AUDIO_SUFFIXES, DecodedAudio, decode
from transcription.errors import AudioError, ModelNotFoundError, TranscriptionError
from transcription.models import default_model_dir, ensure_default_model, resolve_model
from transcription.options import TranscriptionOptions, parse_channels
from transcription.pipeline import AudioRecordError, resolve_audio_records, to_interaction, transcribe_audio, transcribe_file
from transcription.transcript import GuardDrop, Redaction, RoleDecision, TranscriptResult, TranscriptTurn

__all__ = [
    "AUDIO_SUFFIXES",
    "AudioError",
    "AudioRecordError",
    "DecodedAudio",
    "GuardDrop",
    "ModelNotFoundError",
    "Redaction",
    "RoleDecision",
    "TranscriptResult",
    "TranscriptTurn",
    "TranscriptionError",
    "TranscriptionOptions",
    "decode",
    "default_model_dir",
    "ensure_default_model",
    "parse_channels",
    "resolve_audio_records",
    "resolve_model",
    "to_interaction",
    "transcribe_audio",
    "transcribe_file",
]
