"""From a recording to a :class:`TranscriptResult`, and from that to a ``qa.domain.Interaction``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from qa.domain import Interaction, ReadError
from transcription.audio import DecodedAudio, decode
from transcription.errors import TranscriptionError
from transcription.guards import apply_guards
from transcription.options import TranscriptionOptions, channels_from_mapping
from transcription.paths import RecordingRefused, allowed_roots, confine
from transcription.redaction import redact_turns
from transcription.redaction_asr import unheard_codes
from transcription.roles import decide_channels, turn_speaker
from transcription.transcript import GuardDrop, Redaction, TranscriptResult, TranscriptTurn
from transcription.turns import WordTurn, split_turns


def transcribe_file(path: str | Path, options: TranscriptionOptions | None = None) -> TranscriptResult:
    """Decode, transcribe, assign speakers and redact one recording.

    Raises :class:`~transcription.errors.AudioError` for a missing, empty, corrupt or
    unsupported file and :class:`~transcription.errors.ModelNotFoundError` when no model is usable.
    """
    return transcribe_audio(decode(path), options or TranscriptionOptions())


def transcribe_audio(audio: DecodedAudio, options: TranscriptionOptions) -> TranscriptResult:
    from transcription.engine import get_engine  # loading Whisper is the slow part; only when needed

    engine = get_engine(options)
    if options.language is not None:
        language, probability = options.language, None
    else:
        language, probability = engine.detect_language(audio.mix(), options)

    stereo = len(audio.channels) > 1
    gap = options.turn_gap_stereo if stereo else options.turn_gap_mono
    channel_turns: list[list[WordTurn]] = []
    drops: list[GuardDrop] = []
    for index, samples in enumerate(audio.channels):
        segments = engine.transcribe(samples, index, language, options)
        words, dropped = apply_guards(segments, options)
        drops.extend(dropped)
        channel_turns.append(split_turns(index, words, gap))

    roles = decide_channels([" ".join(t.text for t in turns) for turns in channel_turns], options.channels if stereo else None)
    ordered = sorted((t for turns in channel_turns for t in turns), key=lambda t: (t.start, t.channel))
    if options.redact:  # the text rules, then a code said after a card number that recognition did not hear as digits
        redacted = unheard_codes(ordered, redact_turns([t.text for t in ordered]))
    else:
        redacted = [(t.text, []) for t in ordered]
    turns: list[TranscriptTurn] = []
    redactions: list[Redaction] = []
    for index, (wt, (text, masks)) in enumerate(zip(ordered, redacted, strict=True)):
        speaker = roles.channels[wt.channel] if roles.method in ("mapping", "inferred") else turn_speaker(wt.text)
        for mask in masks:
            seconds = wt.seconds_of(*mask.source_span)
            start, end = (round(seconds[0], 3), round(seconds[1], 3)) if seconds else (None, None)
            redactions.append(Redaction(mask.kind, index, mask.span, start, end))
        conf = wt.confidence()
        logprob, no_speech = (round(min(0.0, conf[0]), 4), round(min(1.0, max(0.0, conf[1])), 4)) if conf else (None, None)
        turns.append(TranscriptTurn(wt.channel, speaker, round(wt.start, 3), round(wt.end, 3), text, logprob, no_speech))
    return TranscriptResult(
        path=audio.path,
        duration=audio.duration,
        channels=len(audio.channels),
        language=language,
        language_probability=probability,
        turns=tuple(turns),
        redactions=tuple(redactions),
        roles=roles,
        dropped=tuple(drops),
    )


def to_interaction(result: TranscriptResult, base: Interaction | dict[str, Any]) -> Interaction:
    """Build an Interaction from the transcript's (redacted) turns and the base record's other fields.

    ``base`` is the audio record (an Interaction with ``audio``) or a dict of Interaction
    fields (``id``, ``channel``, ``started_at``, ``agent_id``, ...). The result has ``turns``
    and no ``audio`` (the data contract allows exactly one of them); ``language`` is the
    detected one when the base has none, and ``audio_channels`` records the channel mapping
    that was given or inferred. Turn indices match ``result.turns`` and ``result.redactions``.
    """
    fields = base.model_dump(exclude={"turns", "audio"}) if isinstance(base, Interaction) else dict(base)
    fields.pop("audio", None)
    fields["turns"] = [_turn_fields(t, result.channels) for t in result.turns]
    if not fields.get("language") and result.language in ("es", "en"):
        fields["language"] = result.language
    if result.channels > 1 and result.roles.method in ("mapping", "inferred") and not fields.get("audio_channels"):
        fields["audio_channels"] = {str(i): s for i, s in enumerate(result.roles.channels)}
    fields.setdefault("channel", "call")
    return Interaction.model_validate(fields)


def _turn_fields(turn: TranscriptTurn, channels: int) -> dict[str, Any]:
    fields: dict[str, Any] = {"speaker": turn.speaker, "text": turn.text, "start": turn.start, "end": turn.end}
    if turn.avg_logprob is not None and turn.no_speech_prob is not None:
        # The ``asr`` extension of Turn (docs/interaction-extensions.md): how sure recognition was.
        fields["asr"] = {
            "avg_logprob": turn.avg_logprob,
            "no_speech_prob": turn.no_speech_prob,
            "channel": turn.channel if channels > 1 else None,
        }
    return fields


class AudioRecord(Protocol):
    """What :func:`resolve_audio_records` needs of a record (``qa.readers.Record`` fits)."""

    @property
    def interaction(self) -> Interaction: ...

    @property
    def file(self) -> str: ...

    @property
    def line(self) -> int: ...


# An audio record that could not be transcribed is reported like any bad record.
AudioRecordError = ReadError


def audio_path(record: AudioRecord, inputs: Sequence[Path] | None = None) -> Path:
    """Return the record's ``audio``, resolved relative to the JSON file that holds it and confined.

    Raises :class:`~transcription.paths.RecordingRefused` (one message for every cause) unless it
    is a readable file inside ``inputs``' folders (default: the JSON file's folder) or the media root.
    """
    return confine(record.interaction.audio, record.file, allowed_roots(inputs, record.file))


def resolve_audio_records(
    records: Iterable[AudioRecord],
    options: TranscriptionOptions | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    inputs: Sequence[Path] | None = None,
) -> tuple[list[Interaction], list[AudioRecordError]]:
    """Interactions for all records, transcribing those that carry ``audio`` instead of ``turns``.

    Records with turns pass through unchanged and in order. A record whose recording cannot be
    transcribed is left out and reported as an :class:`AudioRecordError`; the batch goes on.
    The record's ``audio_channels`` and ``language`` take precedence over ``options``.
    ``progress(done, total, file)`` is called after each recording. Recordings must lie in the
    folders of ``inputs`` (default: each record's file's folder) or the media root. A missing model raises
    :class:`~transcription.errors.ModelNotFoundError` at the first recording (it would fail them all).
    """
    options = options or TranscriptionOptions()
    records = list(records)
    total = sum(1 for r in records if r.interaction.audio is not None)
    interactions: list[Interaction] = []
    errors: list[AudioRecordError] = []
    done = 0
    for record in records:
        interaction = record.interaction
        if interaction.audio is None:
            interactions.append(interaction)
            continue
        path: Path | str = record.interaction.audio or ""
        try:
            path = audio_path(record, inputs)
            record_options = options.with_(
                channels=channels_from_mapping(interaction.audio_channels) or options.channels,
                language=interaction.language or options.language,
            )
            result = transcribe_file(path, record_options)
            interactions.append(to_interaction(result, interaction))
        except TranscriptionError as exc:
            from transcription.errors import ModelNotFoundError
            from transcription.vocabulary import VocabularyError

            if isinstance(exc, ModelNotFoundError | VocabularyError):
                raise  # it would fail every recording
            reason = getattr(exc, "reason", str(exc))
            shown = reason if isinstance(exc, RecordingRefused) else f"{path}: {reason}"
            errors.append(AudioRecordError(record.file, record.line, shown, interaction.id))
        finally:
            done += 1
            if progress is not None:
                progress(done, total, str(path))
    return interactions, errors
