"""Readers for interaction files: ``.json``, ``.jsonl`` and CSV chat exports.

A bad record never stops a batch: it becomes a :class:`ReadError` naming the
file, the line and the reason, and the other records are still returned.

CSV chat-log export (one row per message, rows of one interaction together
or not; they are grouped by ``interaction_id`` in file order):

    interaction_id, channel, direction, started_at, jurisdiction,
    consumer_timezone, language, agent_id, agent_name, team, account_id,
    consumer_phone, speaker, text, at

Only ``interaction_id``, ``speaker``, ``text`` and ``at`` are required per
row; ``channel`` defaults to ``chat``; ``started_at`` defaults to the first
message's ``at``. Interaction-level columns are taken from the first row of
an interaction that has them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qa.domain import Interaction, LabelledEntry, ReadError

SUPPORTED_SUFFIXES = (".json", ".jsonl", ".csv")

CSV_INTERACTION_COLUMNS = (
    "channel",
    "direction",
    "started_at",
    "jurisdiction",
    "consumer_timezone",
    "language",
    "agent_id",
    "agent_name",
    "team",
    "account_id",
    "consumer_phone",
)
CSV_REQUIRED_COLUMNS = ("interaction_id", "speaker", "text", "at")


@dataclass(frozen=True)
class Record:
    """A parsed interaction and where it came from."""

    interaction: Interaction
    file: str
    line: int
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass
class ReadResult:
    records: list[Record] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.records.extend(other.records)
        self.errors.extend(other.errors)

    @property
    def interactions(self) -> list[Interaction]:
        return [r.interaction for r in self.records]


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each bad field, e.g. ``started_at: has no UTC offset``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "missing required field"
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def parse_record(raw: Any, file: str, line: int) -> Record | ReadError:
    """Validate one decoded JSON value as an Interaction."""
    if not isinstance(raw, dict):
        return ReadError(file, line, f"expected a JSON object, got {type(raw).__name__}")
    record_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    try:
        interaction = Interaction.model_validate(raw)
    except ValidationError as exc:
        return ReadError(file, line, describe_validation_error(exc), record_id)
    return Record(interaction, file, line, raw)


def _read_jsonl(path: Path) -> ReadResult:
    result = ReadResult()
    with path.open(encoding="utf-8") as fh:
        for lineno, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                result.errors.append(ReadError(str(path), lineno, f"malformed JSON: {exc.msg} at column {exc.colno}"))
                continue
            _add(result, parse_record(raw, str(path), lineno))
    return result


def _read_json(path: Path) -> ReadResult:
    result = ReadResult()
    text = path.read_text(encoding="utf-8")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        result.errors.append(ReadError(str(path), exc.lineno, f"malformed JSON: {exc.msg} at column {exc.colno}"))
        return result
    items = raw if isinstance(raw, list) else [raw]
    # A JSON array has no per-record line; report the 1-based item index.
    for index, item in enumerate(items, start=1):
        _add(result, parse_record(item, str(path), index))
    return result


def _read_csv(path: Path) -> ReadResult:
    result = ReadResult()
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in CSV_REQUIRED_COLUMNS if c not in header]
        if missing:
            result.errors.append(ReadError(str(path), 1, f"CSV header lacks column(s): {', '.join(missing)}"))
            return result
        groups: dict[str, dict[str, Any]] = {}
        for row in reader:
            lineno = reader.line_num
            iid = (row.get("interaction_id") or "").strip()
            if not iid:
                result.errors.append(ReadError(str(path), lineno, "interaction_id is empty"))
                continue
            group = groups.setdefault(iid, {"id": iid, "turns": [], "_line": lineno})
            for column in CSV_INTERACTION_COLUMNS:
                value = (row.get(column) or "").strip()
                if value and column not in group:
                    group[column] = value
            group["turns"].append(
                {
                    "speaker": (row.get("speaker") or "").strip(),
                    "text": row.get("text") or "",
                    "at": (row.get("at") or "").strip() or None,
                }
            )
    for group in groups.values():
        line = group.pop("_line")
        group.setdefault("channel", "chat")
        if "started_at" not in group and group["turns"] and group["turns"][0]["at"]:
            group["started_at"] = group["turns"][0]["at"]
        _add(result, parse_record(group, str(path), line))
    return result


def _add(result: ReadResult, item: Record | ReadError) -> None:
    if isinstance(item, ReadError):
        result.errors.append(item)
    else:
        result.records.append(item)


def read_file(path: Path) -> ReadResult:
    """Read one interaction file; unreadable files become one error."""
    suffix = path.suffix.lower()
    readers = {".jsonl": _read_jsonl, ".json": _read_json, ".csv": _read_csv}
    if suffix not in readers:
        return ReadResult(
            errors=[ReadError(str(path), None, f"unsupported file type {suffix or '(none)'}; expected .json, .jsonl or .csv")]
        )
    try:
        return readers[suffix](path)
    except (OSError, UnicodeDecodeError) as exc:
        return ReadResult(errors=[ReadError(str(path), None, f"cannot read file: {exc}")])


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders into the interaction files they hold, in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            yield path


def read_paths(paths: Iterable[Path]) -> ReadResult:
    """Read every file under ``paths`` into one batch; duplicate ids are errors."""
    result = ReadResult()
    for path in iter_input_files(paths):
        if not path.exists():
            result.errors.append(ReadError(str(path), None, "file not found"))
            continue
        result.extend(read_file(path))
    seen: dict[str, Record] = {}
    unique: list[Record] = []
    for record in result.records:
        first = seen.get(record.interaction.id)
        if first is not None:
            result.errors.append(
                ReadError(
                    record.file,
                    record.line,
                    f"duplicate interaction id (first seen at {first.file}:{first.line})",
                    record.interaction.id,
                )
            )
            continue
        seen[record.interaction.id] = record
        unique.append(record)
    result.records = unique
    return result


def expected_entries(record: Record) -> tuple[LabelledEntry, ...] | ReadError:
    """The ``expected`` labels of a labelled-set record."""
    raw = record.raw.get("expected")
    if not isinstance(raw, list):
        return ReadError(record.file, record.line, "labelled record lacks an 'expected' list", record.interaction.id)
    try:
        return tuple(LabelledEntry.model_validate(e) for e in raw)
    except ValidationError as exc:
        return ReadError(
            record.file, record.line, f"bad 'expected' entry: {describe_validation_error(exc)}", record.interaction.id
        )
