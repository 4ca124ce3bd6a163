"""Readers for interaction files: ``.json``, ``.jsonl`` and CSV chat exports.

A bad record never stops a batch: each record is decoded, parsed and validated on
its own, and anything that goes wrong with it becomes a :class:`ReadError` naming the
file, the line, the record's id when it is known, and the reason. The other records
are still returned.

Files are UTF-8; a leading byte-order mark (as Excel and Notepad write) is accepted.
A ``.jsonl`` file is decoded line by line, so a line in another encoding fails alone.
In a ``.json`` file (one object, or an array of them) the ``line`` of an error is the
1-based index of the item in the array.

CSV chat-log export (one row per message, rows of one interaction together
or not; they are grouped by ``interaction_id`` in file order):

    interaction_id, channel, direction, started_at, jurisdiction,
    consumer_timezone, language, agent_id, agent_name, team, account_id,
    consumer_phone, speaker, text, at

Only ``interaction_id``, ``speaker``, ``text`` and ``at`` are required per
row; ``channel`` defaults to ``chat``; ``started_at`` defaults to the first
message's ``at``. Interaction-level columns are taken from the first row of
an interaction that has them.

A CSV row that cannot be trusted fails the whole interaction it belongs to (an
interaction with a message silently missing would be scored as if it were complete):
a row with bytes that are not UTF-8, a field longer than :data:`qa.readers_csv.MAX_FIELD_CHARS`, a
row whose number of fields differs from the header's, and a row into which a stray
quote has merged the rows that follow it (a field holding a line break and then what
reads as a complete row). The interactions whose rows were swallowed that way are
reported too.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qa.domain import INPUT_RECORD, Interaction, LabelledEntry, ReadError

SUPPORTED_SUFFIXES = (".json", ".jsonl", ".csv")

_BOM = b"\xef\xbb\xbf"
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # what "surrogateescape" decodes a stray byte to
# Strings (skipped whole) and the characters that give a JSON text its structure.
_JSON_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]', re.DOTALL)
_ID_GUESS = re.compile(r'"id"\s*:\s*("(?:[^"\\\n]|\\.){0,300}")')


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

    def add(self, item: Record | ReadError | None) -> None:
        if isinstance(item, ReadError):
            self.errors.append(item)
        elif item is not None:
            self.records.append(item)

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


def _record_id(raw: dict[str, Any]) -> str | None:
    value = raw.get("id")
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**64:
        return str(value)
    return None


def parse_record(raw: Any, file: str, line: int) -> Record | ReadError:
    """Validate one decoded JSON value as an Interaction; never raises."""
    if not isinstance(raw, dict):
        return ReadError(file, line, f"expected a JSON object, got {type(raw).__name__}")
    record_id = _record_id(raw)
    from transcription.redaction import redact_interaction, redact_text  # lazy: the package loads numpy

    try:
        interaction = Interaction.model_validate(raw, context=INPUT_RECORD)
    except ValidationError as exc:
        return ReadError(file, line, redact_text(describe_validation_error(exc)), record_id)
    except Exception as exc:  # noqa: BLE001 - whatever a hostile record provokes, it fails alone
        return ReadError(file, line, redact_text(f"cannot validate the record: {type(exc).__name__}: {exc}"), record_id)
    try:  # every text channel is redacted here, before scanning, storage, logs, exports (docs/transcription.md)
        interaction = redact_interaction(interaction)
    except Exception as exc:  # noqa: BLE001 - a record that cannot be redacted is never stored
        return ReadError(file, line, f"cannot redact the record: {type(exc).__name__}", record_id)
    return Record(interaction, file, line, {k: v for k, v in raw.items() if k != "turns"})


def _json_failure(exc: ValueError | RecursionError) -> str:
    """Why ``json.loads`` failed, in the words of an error report."""
    if isinstance(exc, json.JSONDecodeError):
        return f"malformed JSON: {exc.msg} at column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "malformed JSON: nested too deeply to read"
    if "integer string conversion" in str(exc):
        return f"malformed JSON: an integer has more than {sys.get_int_max_str_digits()} digits"
    return f"malformed JSON: {exc}"


def _guess_id(text: str) -> str | None:
    """The ``"id"`` of a record that does not parse, when one can be seen (to tell the user which record it was)."""
    match = _ID_GUESS.search(text)
    if match is None:
        return None
    try:
        value = json.loads(match.group(1))
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _json_record(text: str, file: str, line: int) -> Record | ReadError:
    """Parse and validate one JSON text (a line of a ``.jsonl`` file, an item of a ``.json`` array)."""
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return ReadError(file, line, _json_failure(exc), _guess_id(text))
    return parse_record(raw, file, line)


# ---------------------------------------------------------------------------------------------- JSONL


def _physical_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines of a binary stream, ended by LF, CR LF or CR (as text mode reads them)."""
    for chunk in chunks:
        chunk = chunk.removesuffix(b"\n").removesuffix(b"\r")
        if b"\r" in chunk:
            yield from chunk.split(b"\r")
        else:
            yield chunk


def _undecodable_line(data: bytes, exc: UnicodeDecodeError, file: str, line: int) -> ReadError:
    # The id, when the rest of the line is readable, tells the user which record this was.
    record_id = _guess_id(data.decode("utf-8", "replace"))
    byte = data[exc.start]
    return ReadError(
        file, line, f"line is not valid UTF-8 (byte 0x{byte:02X} at byte {exc.start + 1}); save the file as UTF-8", record_id
    )


def _jsonl_line(data: bytes, file: str, line: int) -> Record | ReadError | None:
    if line == 1:
        data = data.removeprefix(_BOM)
    if not data.strip(b" \t"):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _undecodable_line(data, exc, file, line)
    return _json_record(text, file, line)


def read_jsonl_lines(chunks: Iterable[bytes], file: str, into: ReadResult | None = None) -> ReadResult:
    """Read JSON Lines from binary ``chunks`` (a file opened ``"rb"``, or a list of lines).

    Each non-blank line is one record or one error; blank lines are skipped.
    """
    result = into if into is not None else ReadResult()
    for line, data in enumerate(_physical_lines(chunks), start=1):
        try:
            result.add(_jsonl_line(data, file, line))
        except Exception as exc:  # noqa: BLE001 - a reader bug must cost one line, not the file
            result.add(ReadError(file, line, f"cannot read the line: {type(exc).__name__}: {exc}"))
    return result


# ----------------------------------------------------------------------------------------------- JSON


def _json_array_items(text: str) -> tuple[list[str], str] | None:
    """The texts of a top-level JSON array's items and what follows the array, split without parsing.

    None when the text is not an array. Used only when the whole file does not parse, so
    that one bad item (malformed, nested too deeply, an integer too long) costs that item alone.
    """
    start = len(text) - len(text.lstrip())
    if not text.startswith("[", start):
        return None
    items: list[str] = []
    depth = 0
    item_start = start + 1
    for match in _JSON_STRUCTURE.finditer(text, start):
        token = match.group()
        if token[0] == '"':
            continue
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
            if depth == 0:
                items.append(text[item_start : match.start()])
                return items, text[match.end() :]
        elif depth == 1:  # a comma between two items
            items.append(text[item_start : match.start()])
            item_start = match.end()
    items.append(text[item_start:])  # the array never closes: what is left is one last item
    return items, ""


def read_json_bytes(data: bytes, file: str) -> ReadResult:
    """Read a ``.json`` file's bytes: one Interaction object, or an array of them."""
    result = ReadResult()
    # Undecodable bytes survive as lone surrogates, which validation reports in their own record.
    text = data.removeprefix(_BOM).decode("utf-8", "surrogateescape")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        failure = exc
    else:
        items = raw if isinstance(raw, list) else [raw]
        for index, item in enumerate(items, start=1):
            result.add(parse_record(item, file, index))
        return result
    reason = _json_failure(failure)
    split = _json_array_items(text)
    if split is None:
        line = failure.lineno if isinstance(failure, json.JSONDecodeError) else None
        result.add(ReadError(file, line, reason, _guess_id(text)))
        return result
    pieces, after = split
    if len(pieces) == 1 and not pieces[0].strip():
        result.add(ReadError(file, 1, reason))  # "[" and nothing after it
        return result
    for index, piece in enumerate(pieces, start=1):
        if not piece.strip():
            result.add(ReadError(file, index, "malformed JSON: empty item in the array"))
            continue
        result.add(_json_record(piece, file, index))
    if after.strip():
        result.add(ReadError(file, None, "malformed JSON: extra data after the array"))
    return result


# ------------------------------------------------------------------------------------------ files


def read_file(path: Path) -> ReadResult:
    """Read one interaction file; a file that cannot be read at all becomes one error."""
    suffix = path.suffix.lower()
    file = str(path)
    if suffix not in SUPPORTED_SUFFIXES:
        return ReadResult(
            errors=[ReadError(file, None, f"unsupported file type {suffix or '(none)'}; expected .json, .jsonl or .csv")]
        )
    result = ReadResult()
    try:
        if suffix == ".jsonl":
            with path.open("rb") as fh:
                read_jsonl_lines(fh, file, into=result)
        elif suffix == ".json":
            result.extend(read_json_bytes(path.read_bytes(), file))
        else:
            result.extend(read_csv_bytes(path.read_bytes(), file))
    except OSError as exc:
        result.add(ReadError(file, None, f"cannot read file: {exc.strerror or exc}"))
    except Exception as exc:  # noqa: BLE001 - one file's failure never stops the batch
        result.add(ReadError(file, None, f"cannot read file: {type(exc).__name__}: {exc}"))
    return result


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


# The CSV half of the readers (its import also raises the csv module's field limit, which the
# recording manifests read elsewhere need). Imported last: it builds on the records above.
from qa.readers_csv import read_csv_bytes  # noqa: E402
