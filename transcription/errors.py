"""Domain exceptions of the transcription package; the CLI turns them into messages."""

from __future__ import annotations


class TranscriptionError(Exception):
    """Base class: anything that stops one recording from being transcribed."""


class ModelNotFoundError(TranscriptionError):
    """No usable Whisper model directory (not configured, packages missing, bad checksum)."""


class AudioError(TranscriptionError):
    """A recording that cannot be decoded: missing, empty, corrupt or of an unsupported format."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
