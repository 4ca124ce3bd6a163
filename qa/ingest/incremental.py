"""Read ``.json`` arrays and ``.csv`` chat exports a slice at a time (issue 14), with the errors of the whole-file readers.

:func:`iter_json_array` reads a top-level JSON array in buffered blocks and cuts it into items
at the array's own commas (strings and nesting tracked, as :func:`qa.readers._json_array_items`
does for a file that does not parse); each item is parsed alone, so a bad item costs that item
(error: file, index, id when visible, reason) and memory holds one item and one block. A file
whose top level is not an array is one record and is read whole. An item larger than
:data:`MAX_ITEM_CHARS` is reported and skipped without being kept.

:func:`iter_csv` reads a chat export row by row with the standard ``csv`` reader. Rows of one
interaction need not be adjacent, so a first pass notes each interaction's last row (ids only)
and the second pass hands an interaction on as soon as its last row is read: memory holds the
ids and the interactions still open, never the file. Records and errors are those of
:func:`qa.readers_csv.read_csv_bytes` (same lines, ids and reasons).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from qa.readers import (
    _NOT_UTF8,
    ReadError,
    ReadResult,
    _guess_id,
    _json_failure,
    _json_record,
    read_file,
)
from qa.readers_csv import CsvLayout, Group, csv_row, finish, raise_csv_field_limit, read_header, row_problem, rows

#: Characters read per block.
BLOCK_CHARS = 1 << 16
#: Items (or interactions) per slice handed on.
SLICE_ITEMS = 1000
#: The largest array item read; a larger one is reported and skipped.
MAX_ITEM_CHARS = 32 * 1024 * 1024

# A complete string, a string still open at the end of the buffer, or a structural character.
_TOKEN = re.compile(r'(?P<string>"(?:[^"\\]++|\\.)*+")|(?P<open>"(?:[^"\\]++|\\.)*+\\?\Z)|[\[\]{},]', re.DOTALL)
_EMPTY_ITEM = "malformed JSON: empty item in the array"


def _open_text(path: Path):
    # As the whole-file readers decode: BOM dropped, stray bytes kept as surrogates (reported per record).
    return path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")


# ----------------------------------------------------------------------------------------------- JSON


class _ArrayReader:
    """State of one array being cut into items."""

    def __init__(self, fh, file: str, buffer: str) -> None:
        self.fh, self.file = fh, file
        self.buffer, self.pos, self.item_start = buffer, 0, 0
        self.depth, self.index = 1, 0
        self.eof = False
        self.oversized: str | None = None  # the head of an item too large to keep
        self.result = ReadResult()
        # Why json rejects the whole file, for the two cases the whole-file reader reports so ("[", "[] x").
        self.whole_reason = "malformed JSON: the array never closes"

    def more(self) -> bool:
        """Read a block, dropping what the current item no longer needs; False at the end of the file."""
        block = self.fh.read(BLOCK_CHARS)
        if not block:
            self.eof = True
            return False
        keep = self.item_start
        if self.oversized is None and len(self.buffer) - keep > MAX_ITEM_CHARS:
            self.oversized = self.buffer[keep : keep + 4096]
        if self.oversized is not None:
            keep = self.pos  # already scanned: not kept
        self.buffer = self.buffer[keep:] + block
        self.pos -= keep
        self.item_start = max(0, self.item_start - keep)
        return True

    def emit(self, end: int, closing: bool) -> None:
        self.index += 1
        if self.oversized is not None:
            reason = f"array item larger than {MAX_ITEM_CHARS // (1024 * 1024)} MiB of text, not read"
            self.result.add(ReadError(self.file, self.index, reason, _guess_id(self.oversized)))
            self.oversized = None
            return
        piece = self.buffer[self.item_start : end]
        if not piece.strip():
            if not (closing and self.index == 1):  # "[]" is an empty array, "[,]" and "[1,]" are not
                self.result.add(ReadError(self.file, self.index, _EMPTY_ITEM))
            return
        try:
            self.result.add(_json_record(piece, self.file, self.index))
        except Exception as exc:  # noqa: BLE001 - a reader bug must cost one item, not the file
            self.result.add(ReadError(self.file, self.index, f"cannot read the item: {type(exc).__name__}: {exc}"))

    def items(self, slice_items: int) -> Iterator[ReadResult]:
        while True:
            found = _TOKEN.search(self.buffer, self.pos)
            if found is None:
                self.pos = len(self.buffer)
                if self.more():
                    continue
                break  # the array never closes: what is left is one last item
            if found.lastgroup == "open":
                if not self.eof:  # the string may close in the next block
                    self.pos = found.start()
                    self.more()
                    continue
                self.pos = found.start() + 1  # a quote that never closes: skipped, as the whole-file splitter does
                continue
            self.pos = found.end()
            token = found.group()
            if found.lastgroup == "string":
                pass
            elif token in "[{":
                self.depth += 1
            elif token in "]}":
                self.depth -= 1
                if self.depth == 0:
                    empty = self.index == 0 and not self.buffer[self.item_start : found.start()].strip()
                    extra = self._extra_after(found.end())
                    if empty and (extra or token == "}"):  # "[] x", "[}": the whole-file reader's one error, with its reason
                        self.result.add(ReadError(self.file, 1, self.whole_reason))
                    else:
                        self.emit(found.start(), closing=True)
                        if extra:
                            self.result.add(ReadError(self.file, None, "malformed JSON: extra data after the array"))
                    yield self.result
                    return
            elif self.depth == 1:
                self.emit(found.start(), closing=False)
                self.item_start = found.end()
            if len(self.result.records) + len(self.result.errors) >= slice_items:
                yield self.result
                self.result = ReadResult()
        # The array never closes: what is left is one last item, as the whole-file reader splits it.
        if self.index == 0 and self.oversized is None and not self.buffer[self.item_start :].strip():
            self.result.add(ReadError(self.file, 1, self.whole_reason))  # "[" and nothing after it
        else:
            self.emit(len(self.buffer), closing=False)
        yield self.result

    def _extra_after(self, end: int) -> bool:
        """Whether anything but whitespace follows the array."""
        rest = self.buffer[end:]
        while True:
            if rest.strip():
                return True
            rest = self.fh.read(BLOCK_CHARS)
            if not rest:
                return False


def iter_json_array(path: Path, slice_items: int = SLICE_ITEMS) -> Iterator[ReadResult]:
    """The records and errors of a ``.json`` file, ``slice_items`` at a time (an array streamed, one object whole)."""
    file = str(path)
    try:
        with _open_text(path) as fh:
            head = fh.read(BLOCK_CHARS)
            start = len(head) - len(head.lstrip())
            if not head.startswith("[", start):
                yield read_file(path)  # one object (or not JSON at all): one record or one error
                return
            reader = _ArrayReader(fh, file, head[start + 1 :])
            if len(head) < BLOCK_CHARS:  # the whole file is in hand: json's own reason, as the whole-file reader gives it
                try:
                    json.loads(head)
                except (ValueError, RecursionError) as exc:
                    reader.whole_reason = _json_failure(exc)
            yield from reader.items(max(1, slice_items))
    except OSError as exc:
        yield ReadResult(errors=[ReadError(file, None, f"cannot read file: {exc.strerror or exc}")])


# ------------------------------------------------------------------------------------------------ CSV


def _touched(row: list[str], layout: CsvLayout, first: int, last: int) -> list[str]:
    """The interactions a row adds to (its own, and any whose rows a stray quote swallowed into it)."""
    iid = (layout.value(row, "interaction_id") or "").strip()
    _problem, swallowed = row_problem(row, layout, first, last)
    return [*swallowed, *([iid] if iid and not _NOT_UTF8.search(iid) else [])]


def _last_rows(path: Path, layout: CsvLayout) -> dict[str, int]:
    """Pass one: each interaction's last row number."""
    last_row: dict[str, int] = {}
    with _open_text(path) as fh:
        for number, (first, last, row, _reason) in enumerate(rows(fh)):
            if row is None:
                continue
            try:
                for iid in _touched(row, layout, first, last):
                    last_row[iid] = number
            except Exception:  # noqa: BLE001, S112 - pass two reports this row
                continue
    return last_row


def iter_csv(path: Path, slice_items: int = SLICE_ITEMS) -> Iterator[ReadResult]:
    """The records and errors of a CSV chat export, about ``slice_items`` at a time (see the module docstring)."""
    raise_csv_field_limit()
    file = str(path)
    try:
        with _open_text(path) as fh:
            layout, error = read_header(fh, file)
        if layout is None:
            yield ReadResult(errors=[error] if error else [])
            return
        last_row = _last_rows(path, layout)
        groups: dict[str, Group] = {}
        result = ReadResult()
        with _open_text(path) as fh:
            for number, (first, last, row, reason) in enumerate(rows(fh)):
                if row is None:
                    result.add(ReadError(file, first, reason or "unreadable CSV row"))
                    continue
                try:
                    touched = _touched(row, layout, first, last)
                    csv_row(row, layout, first, last, groups, result, file)
                except Exception as exc:  # noqa: BLE001 - a reader bug must cost one row, not the file
                    result.add(ReadError(file, first, f"cannot read the row: {type(exc).__name__}: {exc}"))
                    continue
                for iid in touched:  # a row with a stray quote can finish several interactions: slice between them
                    if last_row.get(iid, -1) <= number and iid in groups:
                        finish(iid, groups.pop(iid), file, result)
                    if len(result.records) + len(result.errors) >= slice_items:
                        yield result
                        result = ReadResult()
                if len(result.records) + len(result.errors) >= slice_items:
                    yield result
                    result = ReadResult()
        for iid, group in groups.items():  # none unless the file changed between the passes
            finish(iid, group, file, result)
        yield result
    except OSError as exc:
        yield ReadResult(errors=[ReadError(file, None, f"cannot read file: {exc.strerror or exc}")])
