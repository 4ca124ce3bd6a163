"""Turn the paths given to ``qa ingest`` into items to store, or errors that say why not.

Accepted inputs (folders are walked recursively, in sorted order):

* ``.json`` / ``.jsonl`` interaction files and ``.csv`` chat exports (``qa.readers``);
* recording manifests: a ``.csv`` whose header has a ``file`` column (and no
  ``interaction_id``), one row per recording, see :data:`MANIFEST_COLUMNS`.

Each item carries its content hash: the SHA-256 of the canonical record (and, for a
recording, of the audio bytes), which is what makes ingest idempotent.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qa.domain import Interaction
from qa.readers import SUPPORTED_SUFFIXES, ReadError, ReadResult, describe_validation_error, read_file
from transcription.paths import REFUSED, RecordingRefused, allowed_roots, confine

#: Manifest columns: the canonical name and the aliases accepted for it.
MANIFEST_COLUMNS: dict[str, tuple[str, ...]] = {
    "file": ("file", "path", "audio"),
    "id": ("id", "interaction_id"),
    "agent_id": ("agent", "agent_id"),
    "agent_name": ("agent_name",),
    "team": ("team",),
    "account_id": ("account", "account_id"),
    "started_at": ("started_at",),
    "direction": ("direction",),
    "jurisdiction": ("jurisdiction",),
    "consumer_timezone": ("timezone", "time_zone", "consumer_timezone"),
    "language": ("language",),
    "consumer_phone": ("phone", "consumer_phone"),
    "channel": ("channel",),
    "audio_channels": ("channels", "channel_map", "audio_channels"),
}


@dataclass
class Item:
    """One interaction to store, with where it came from."""

    interaction: Interaction
    document: dict[str, Any]
    content_hash: str
    source_file: str
    source_line: int | None
    # Absolute path of the recording to transcribe, when the interaction has audio and no turns.
    audio_file: str | None = None


def canonical_document(interaction: Interaction) -> dict[str, Any]:
    return interaction.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


def content_hash(document: dict[str, Any], audio_sha256: str | None = None) -> str:
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(payload.encode())
    if audio_sha256:
        digest.update(b"\0audio:" + audio_sha256.encode())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def iter_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            yield path


def is_manifest(path: Path) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError):
        return False
    names = {h.strip().lower() for h in header}
    return "interaction_id" not in names and bool(names & set(MANIFEST_COLUMNS["file"]))


def parse_channel_map(text: str) -> dict[str, str] | None:
    """Read ``0=agent;1=consumer`` (or ``agent,consumer``: channel 0 first) into ``{"0": "agent", ...}``."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("{"):
        return {str(k): str(v) for k, v in json.loads(text).items()}
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if all("=" in p or ":" in p for p in parts):
        pairs = (p.replace(":", "=").split("=", 1) for p in parts)
        return {k.strip(): v.strip().lower() for k, v in pairs}
    return {str(i): p.lower() for i, p in enumerate(parts)}


def _manifest_row(row: dict[str, str]) -> dict[str, str]:
    lowered = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
    out = {}
    for canonical, aliases in MANIFEST_COLUMNS.items():
        for alias in aliases:
            if lowered.get(alias):
                out[canonical] = lowered[alias]
                break
    return out


def read_manifest(path: Path, inputs: Sequence[Path] | None = None) -> tuple[list[Item], list[ReadError]]:
    """Read a recording manifest; each row names one recording, relative to the manifest's folder.

    A recording must resolve inside ``inputs``' folders (default: the manifest's folder) or the
    configured media root (:mod:`transcription.paths`); any other path is refused with one message.
    """
    items: list[Item] = []
    errors: list[ReadError] = []
    for read, failed in iter_manifest(path, inputs):
        items.extend(read)
        errors.extend(failed)
    return items, errors


def iter_manifest(
    path: Path, inputs: Sequence[Path] | None = None, slice_rows: int = 1000
) -> Iterator[tuple[list[Item], list[ReadError]]]:
    """:func:`read_manifest` a slice of rows at a time (the ``csv`` reader goes row by row)."""
    roots = allowed_roots(inputs, path)
    items: list[Item] = []
    errors: list[ReadError] = []
    try:
        fh = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        yield [], [ReadError(str(path), None, f"cannot read manifest: {exc.strerror}")]
        return
    with fh:
        reader = csv.DictReader(fh)
        rows = iter(reader)
        while True:
            if len(items) + len(errors) >= max(1, slice_rows):
                yield items, errors
                items, errors = [], []
            try:
                row = next(rows, None)
            except (UnicodeDecodeError, csv.Error) as exc:  # the rest cannot be read: say where, keep what was read
                reason = "not valid UTF-8" if isinstance(exc, UnicodeDecodeError) else f"unreadable CSV row: {exc}"
                errors.append(ReadError(str(path), reader.line_num + 1, f"manifest not read from here on: {reason}"))
                break
            if row is None:
                break
            line = reader.line_num
            fields = _manifest_row(row)
            audio_name = fields.pop("file", "")
            if not audio_name:
                errors.append(ReadError(str(path), line, "manifest row has no file"))
                continue
            record_id = fields.setdefault("id", Path(audio_name).with_suffix("").as_posix())
            try:
                audio = confine(audio_name, path, roots)
            except RecordingRefused:
                errors.append(ReadError(str(path), line, REFUSED, record_id))
                continue
            raw: dict[str, Any] = {k: v for k, v in fields.items() if k != "audio_channels"}
            raw.setdefault("channel", "call")
            raw["audio"] = audio_name
            try:
                channels = parse_channel_map(fields.get("audio_channels", ""))
                if channels:
                    raw["audio_channels"] = channels
                interaction = Interaction.model_validate(raw)
            except ValidationError as exc:
                errors.append(ReadError(str(path), line, describe_validation_error(exc), record_id))
                continue
            except (ValueError, AttributeError) as exc:
                errors.append(ReadError(str(path), line, f"bad channel mapping: {exc}", record_id))
                continue
            document = canonical_document(interaction)
            try:
                audio_hash = file_sha256(audio)
            except OSError:
                errors.append(ReadError(str(path), line, REFUSED, record_id))
                continue
            items.append(Item(interaction, document, content_hash(document, audio_hash), str(path), line, str(audio)))
    yield items, errors


def read_items(path: Path, inputs: Sequence[Path] | None = None) -> tuple[list[Item], list[ReadError]]:
    """Read one input file into items and errors; never raises for bad content.

    ``inputs`` are the paths given to the ingest: recordings must lie in their folders or the media root.
    A record's ``audio`` is checked even when it has turns (such a recording is kept as named, never served).
    """
    if not path.exists():
        return [], [ReadError(str(path), None, "file not found")]
    if is_manifest(path):
        return read_manifest(path, inputs)
    return items_from_result(read_file(path), path, inputs)


def items_from_result(result: ReadResult, path: Path, inputs: Sequence[Path] | None = None) -> tuple[list[Item], list[ReadError]]:
    """The items of records read from ``path`` (all of them, or a streamed slice: ``qa.ingest.stream``)."""
    roots = allowed_roots(inputs, path)
    items = []
    for record in result.records:
        interaction = record.interaction
        audio_file = None
        audio_hash = None
        if interaction.audio is not None:
            try:
                audio = confine(interaction.audio, record.file, roots)
                if not interaction.turns:
                    audio_file, audio_hash = str(audio), file_sha256(audio)
            except (RecordingRefused, OSError):
                result.errors.append(ReadError(record.file, record.line, REFUSED, interaction.id))
                continue
        document = canonical_document(interaction)
        items.append(Item(interaction, document, content_hash(document, audio_hash), record.file, record.line, audio_file))
    return items, result.errors
