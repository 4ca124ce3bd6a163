"""Reading inputs in bounded slices, and the progress bar of ``qa ingest``, ``qa rescan`` and ``qa scan``.

Every input is read a slice at a time, so memory does not grow with the file: a ``.jsonl``
file a slice of lines, a ``.json`` array and a ``.csv`` chat export a slice of items
(:mod:`qa.ingest.incremental`), a recording manifest a slice of rows. Every bad line, item or
row is still one :class:`~qa.readers.ReadError` naming the file, the line (or item index), the
record id where one can be seen and the reason.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from qa.ingest.sources import Item, is_manifest, items_from_result, iter_manifest, read_items
from qa.readers import ReadError, ReadResult, _jsonl_line, _physical_lines

#: Lines of a ``.jsonl`` file parsed per slice.
SLICE_LINES = 1000


def iter_records(path: Path, slice_lines: int = SLICE_LINES) -> Iterator[ReadResult]:
    """The records and errors of one interaction file, a slice at a time."""
    file = str(path)
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        from qa.ingest.incremental import iter_csv, iter_json_array

        yield from (iter_json_array if suffix == ".json" else iter_csv)(path, slice_lines)
        return
    if suffix != ".jsonl":
        from qa.readers import read_file

        yield read_file(path)  # an unsupported type: one error
        return
    result = ReadResult()
    try:
        with path.open("rb") as fh:
            for line, data in enumerate(_physical_lines(fh), start=1):
                try:
                    result.add(_jsonl_line(data, file, line))
                except Exception as exc:  # noqa: BLE001 - a reader bug must cost one line, not the file
                    result.add(ReadError(file, line, f"cannot read the line: {type(exc).__name__}: {exc}"))
                if len(result.records) + len(result.errors) >= slice_lines:
                    yield result
                    result = ReadResult()
    except OSError as exc:
        result.add(ReadError(file, None, f"cannot read file: {exc.strerror or exc}"))
    yield result


def iter_items(
    path: Path, inputs: Sequence[Path] | None = None, slice_lines: int = SLICE_LINES
) -> Iterator[tuple[list[Item], list[ReadError]]]:
    """Items to ingest from one input, in slices; the same items and errors as :func:`~qa.ingest.sources.read_items`."""
    if not path.exists() or path.suffix.lower() not in (".jsonl", ".json", ".csv"):
        yield read_items(path, inputs)
        return
    if is_manifest(path):
        yield from iter_manifest(path, inputs, min(SLICE_LINES, max(1, slice_lines)))
        return
    for result in iter_records(path, min(SLICE_LINES, max(1, slice_lines))):
        yield items_from_result(result, path, inputs)


def count_lines(paths: Sequence[Path]) -> int | None:
    """Non-blank lines of the ``.jsonl`` files among ``paths`` (the progress bar's total), or None if there are none.

    Other inputs add their count to the total once they are read.
    """
    total = 0
    found = False
    for path in paths:
        if path.suffix.lower() != ".jsonl" or not path.is_file():
            continue
        found = True
        try:
            with path.open("rb") as fh:
                tail = b"\n"
                for block in iter(lambda: fh.read(1 << 20), b""):
                    total += block.count(b"\n")
                    tail = block[-1:]
                total += tail != b"\n"
                # Blank lines are rare; they make the total a little high, never the count of work.
        except OSError:
            continue
    return total if found else None


class Progress:
    """A progress bar on stderr with items/s and the time left; silent when stderr is not a terminal or when disabled."""

    def __init__(self, desc: str, total: int | None, enabled: bool = True, stream: Any = None) -> None:
        from tqdm import tqdm

        stream = stream or sys.stderr
        shown = enabled and bool(getattr(stream, "isatty", lambda: False)())
        self.bar = tqdm(
            total=total,
            desc=desc,
            unit=" items",
            file=stream,
            disable=not shown,
            dynamic_ncols=True,
            leave=False,
            smoothing=0.1,
        )

    def add_total(self, count: int) -> None:
        if count and not self.bar.disable:
            self.bar.total = (self.bar.total or 0) + count
            self.bar.refresh()

    def update(self, count: int) -> None:
        self.bar.update(count)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()
