"""Reading interactions from a CSV export: one row per turn, grouped by ``interaction_id``.

Rows of one interaction need not be adjacent; a bad row makes its interaction one reported
error (file, line, id, reason) and the rest of the file goes on. A stray quote that merges the
following rows into one cell is reported with the ids it swallowed. The half of
:mod:`qa.readers` for ``.csv`` files; :mod:`qa.ingest.incremental` reads the same rows one by one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO, get_args

from qa.domain import MAX_TEXT_CHARS, ReadError, Speaker
from qa.readers import _BOM, _NOT_UTF8, ReadResult, parse_record

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

#: The longest CSV field read; a longer one makes its row (and interaction) a bad record.
MAX_FIELD_CHARS = MAX_TEXT_CHARS
# The csv module's own limit (131,072 by default) raises in the middle of a row and leaves
# the parser inside it; it is raised far above MAX_FIELD_CHARS so that the check here, which
# sees whole rows, decides. 2**31 - 1 fits a C long on every platform (sys.maxsize does not).
CSV_PARSER_LIMIT = 2**31 - 1

_SPEAKERS = frozenset(get_args(Speaker))
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def raise_csv_field_limit() -> None:
    # The limit is process-wide: only ever raise it, never lower what someone else set.
    if csv.field_size_limit() < CSV_PARSER_LIMIT:
        csv.field_size_limit(CSV_PARSER_LIMIT)


# At import too: the recording manifests of qa.ingest.sources are read with the csv module
# in the same process, and a long cell there must not stop the batch either.
raise_csv_field_limit()


@dataclass
class Group:
    """The rows of one interaction in a CSV export, and what was wrong with any of them."""

    line: int
    record: dict[str, Any] | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)


class CsvLayout:
    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.width = len(header)
        self.column = {}
        for position, name in enumerate(header):
            self.column.setdefault(name, position)
        self.id_at = self.column["interaction_id"]
        self.speaker_at = self.column["speaker"]

    def value(self, row: list[str], name: str) -> str | None:
        position = self.column.get(name)
        return row[position] if position is not None and position < len(row) else None

    def looks_like_row(self, line: str) -> str | None:
        """The interaction id of ``line`` if it reads as a row of this file (id, then a speaker where it belongs)."""
        cells = next(csv.reader([line]), [])
        if len(cells) <= max(self.id_at, self.speaker_at):
            return None
        iid = cells[self.id_at].strip()
        return iid if iid and cells[self.speaker_at].strip() in _SPEAKERS else None


def row_problem(row: list[str], layout: CsvLayout, first: int, last: int) -> tuple[str | None, list[str]]:
    """Why ``row`` (lines ``first``..``last``) cannot be trusted, and the ids of rows merged into it."""
    for position, cell in enumerate(row):
        bad = _NOT_UTF8.search(cell)
        if bad is not None:
            column = layout.header[position] if position < layout.width else f"#{position + 1}"
            byte = ord(bad.group()) - 0xDC00
            return f"not valid UTF-8 (byte 0x{byte:02X} in column {column!r}); save the file as UTF-8", []
    for position, cell in enumerate(row):
        if len(cell) > MAX_FIELD_CHARS:
            column = layout.header[position] if position < layout.width else f"#{position + 1}"
            return f"column {column!r} is {len(cell):,} characters long; at most {MAX_FIELD_CHARS:,} are accepted", []
    for position, cell in enumerate(row):
        if "\n" not in cell and "\r" not in cell:
            continue
        swallowed = [iid for text in _LINE_BREAK.split(cell)[1:] if (iid := layout.looks_like_row(text))]
        if swallowed:
            column = layout.header[position] if position < layout.width else f"#{position + 1}"
            ids = ", ".join(dict.fromkeys(swallowed))
            return (
                f"a stray or unterminated quote in column {column!r} merged lines {first}-{last} into one row, "
                f"swallowing the row(s) of {ids}",
                list(dict.fromkeys(swallowed)),
            )
    if len(row) != layout.width:
        where = f"line {first}" if first == last else f"lines {first}-{last} (read as one row)"
        return (
            f"row has {len(row)} fields but the header has {layout.width}, at {where}; "
            "a stray quote or a missing or extra comma?",
            [],
        )
    return None, []


def read_header(fh: TextIO, file: str) -> tuple[CsvLayout | None, ReadError | None]:
    """The layout of a CSV export's header, or why the file cannot be read."""
    try:
        header = [name.strip() for name in next(csv.reader(fh), [])]
    except csv.Error as exc:
        return None, ReadError(file, 1, f"unreadable CSV header: {exc}")
    if any(_NOT_UTF8.search(name) for name in header):
        return None, ReadError(file, 1, "CSV header is not valid UTF-8; save the file as UTF-8")
    missing = [c for c in CSV_REQUIRED_COLUMNS if c not in header]
    if missing:
        return None, ReadError(file, 1, f"CSV header lacks column(s): {', '.join(missing)}")
    return CsvLayout(header), None


def rows(fh: TextIO) -> Iterator[tuple[int, int, list[str] | None, str | None]]:
    """After the header: ``(first line, last line, row, None)`` per row, ``(first, last, None, reason)`` per unreadable one."""
    reader = csv.reader(fh)
    next(reader, None)
    last = reader.line_num
    while True:
        first = last + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            last = reader.line_num
            yield first, last, None, f"unreadable CSV row: {exc}"
            continue
        if row is None:
            return
        last = reader.line_num
        if row:
            yield first, last, row, None


def finish(iid: str, group: Group, file: str, result: ReadResult) -> None:
    """An interaction's rows are all read: its record, or one error naming its bad rows."""
    if group.problems:
        shown = "; ".join(f"line {line}: {problem}" for line, problem in group.problems[:3])
        more = f" (and {len(group.problems) - 3} more)" if len(group.problems) > 3 else ""
        result.add(ReadError(file, group.line, f"bad row(s), interaction not read: {shown}{more}", iid))
    elif group.record is not None:
        record: dict[str, Any] = group.record
        record.setdefault("channel", "chat")
        if "started_at" not in record and record["turns"] and record["turns"][0]["at"]:
            record["started_at"] = record["turns"][0]["at"]
        result.add(parse_record(record, file, group.line))


def read_csv_bytes(data: bytes, file: str) -> ReadResult:
    """Read a CSV chat export's bytes (see the module docstring)."""
    raise_csv_field_limit()
    result = ReadResult()
    text = data.removeprefix(_BOM).decode("utf-8", "surrogateescape")
    layout, error = read_header(io.StringIO(text, newline=""), file)
    if layout is None:
        result.add(error or ReadError(file, 1, "unreadable CSV header"))
        return result
    groups: dict[str, Group] = {}
    for first, last, row, reason in rows(io.StringIO(text, newline="")):
        if row is None:
            result.add(ReadError(file, first, reason or "unreadable CSV row"))
            continue
        try:
            csv_row(row, layout, first, last, groups, result, file)
        except Exception as exc:  # noqa: BLE001 - a reader bug must cost one row, not the file
            result.add(ReadError(file, first, f"cannot read the row: {type(exc).__name__}: {exc}"))
    for iid, group in groups.items():
        finish(iid, group, file, result)
    return result


def csv_row(
    row: list[str], layout: CsvLayout, first: int, last: int, groups: dict[str, Group], result: ReadResult, file: str
) -> None:
    iid = (layout.value(row, "interaction_id") or "").strip()
    problem, swallowed = row_problem(row, layout, first, last)
    if problem is not None:
        if iid and not _NOT_UTF8.search(iid):
            groups.setdefault(iid, Group(first)).problems.append((first, problem))
        else:
            result.add(ReadError(file, first, problem, iid or None))
        for other in swallowed:
            note = f"its row was swallowed by the stray quote of the row at line {first}"
            groups.setdefault(other, Group(first)).problems.append((first, note))
        return
    if not iid:
        result.add(ReadError(file, first, "interaction_id is empty"))
        return
    group = groups.setdefault(iid, Group(first))
    if group.record is None:
        group.record = {"id": iid, "turns": []}
    record = group.record
    for column in CSV_INTERACTION_COLUMNS:
        value = (layout.value(row, column) or "").strip()
        if value and column not in record:
            record[column] = value
    record["turns"].append(
        {
            "speaker": (layout.value(row, "speaker") or "").strip(),
            "text": layout.value(row, "text") or "",
            "at": (layout.value(row, "at") or "").strip() or None,
        }
    )
