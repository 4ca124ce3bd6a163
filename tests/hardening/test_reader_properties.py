"""Properties of the readers and the validator over generated input (hypothesis).

Whatever a line, an item or a row holds (random JSON values, records with random fields,
random bytes, stray quotes), nothing escapes the reader, every input line is either a
record or an error, every error can be printed and stored, and every record is valid.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os

from hostile_cases import BOM, good_call
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.domain import MAX_TURN_SECONDS, printable
from qa.ingest.sources import canonical_document
from qa.readers import Record, parse_record, read_json_bytes, read_jsonl_lines
from qa.readers_csv import read_csv_bytes

# QA_HYPOTHESIS_EXAMPLES raises the count for a longer hunt (the suite's default keeps it to seconds).
SETTINGS = settings(
    max_examples=int(os.environ.get("QA_HYPOTHESIS_EXAMPLES", 300)),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
MISSING = object()

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["", "\x00", "\ud800", "US-ZZ", "0001-01-01T00:00:00+14:00", "2026-03-03T10:00:00", "call", "agent"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)
RECORD_FIELDS = sorted(good_call("x")) + ["audio", "account_facts", "direction", "consumer_phone", "audio_channels"]
TURN_FIELDS = ["speaker", "text", "start", "end", "at"]


@st.composite
def records(draw) -> dict:
    """A valid call with a few fields (of the record or of a turn) replaced by random values or removed."""
    record = good_call(draw(st.text(min_size=1, max_size=10)))
    for name in draw(st.sets(st.sampled_from(RECORD_FIELDS), max_size=3)):
        value = draw(st.just(MISSING) | json_values)
        if value is MISSING:
            record.pop(name, None)
        else:
            record[name] = value
    turns = record.get("turns")
    if isinstance(turns, list) and turns and isinstance(turns[-1], dict):
        turn = turns[-1]
        for name in draw(st.sets(st.sampled_from(TURN_FIELDS), max_size=2)):
            turn[name] = draw(json_values | st.floats() | st.sampled_from([-1.0, 1e308, MAX_TURN_SECONDS + 1]))
    return record


def _one_line(data: bytes) -> bytes:
    return data.replace(b"\n", b" ").replace(b"\r", b" ")


def _dumps(value: object, ascii_only: bool) -> bytes:
    # Raw (unescaped) surrogates are not UTF-8: "surrogatepass" writes them as the bytes a bad exporter would.
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=True).encode("utf-8", "surrogatepass")


jsonl_lines = st.one_of(
    st.builds(_dumps, records(), st.booleans()),
    st.builds(_dumps, json_values, st.booleans()),
    st.binary(max_size=60).map(_one_line),
    st.text(max_size=40).map(lambda t: _one_line(t.encode("utf-8", "surrogatepass"))),
    st.builds(lambda r: _dumps(r, False).decode("utf-8", "surrogatepass").encode("latin-1", "replace"), records()),
    st.just(b"   "),
)


def _assert_storable(result) -> None:
    for error in result.errors:
        assert error.reason
        assert "\x00" not in str(error)
        str(error).encode("utf-8")
    for record in result.records:
        _assert_valid(record)


def _assert_valid(record: Record) -> None:
    interaction = record.interaction
    assert interaction.turns or interaction.audio
    for turn in interaction.turns or ():
        for seconds in (turn.start, turn.end):
            assert seconds is None or (math.isfinite(seconds) and 0 <= seconds <= MAX_TURN_SECONDS)
        if turn.start is not None and turn.end is not None:
            assert turn.end >= turn.start
    document = json.dumps(canonical_document(interaction), allow_nan=False, ensure_ascii=False)
    document.encode("utf-8")  # no lone surrogate
    assert "\x00" not in document and "\\u0000" not in document


@SETTINGS
@given(st.lists(jsonl_lines, min_size=1, max_size=20), st.booleans())
def test_every_jsonl_line_is_a_record_or_an_error(lines, bom):
    data = (BOM if bom else b"") + b"\n".join(lines)
    result = read_jsonl_lines(io.BytesIO(data), "f.jsonl")
    physical = data.split(b"\n")
    physical[0] = physical[0].removeprefix(BOM)  # one leading BOM belongs to the file, not the line
    blank = {n for n, line in enumerate(physical, start=1) if not line.strip(b" \t")}
    seen = sorted([r.line for r in result.records] + [e.line for e in result.errors])
    assert seen == [n for n in range(1, len(lines) + 1) if n not in blank]
    assert all(e.file == "f.jsonl" for e in result.errors)
    _assert_storable(result)


@SETTINGS
@given(st.one_of(records(), json_values))
def test_the_validator_returns_a_record_or_an_error(value):
    outcome = parse_record(value, "f.json", 1)
    if isinstance(outcome, Record):
        _assert_valid(outcome)
    else:
        assert outcome.reason and "\x00" not in str(outcome)
        str(outcome).encode("utf-8")


@SETTINGS
@given(
    st.lists(st.one_of(st.builds(_dumps, records(), st.booleans()), st.builds(_dumps, json_values, st.just(True))), max_size=10)
)
def test_every_item_of_a_json_array_is_a_record_or_an_error(items):
    result = read_json_bytes(b"[" + b",\n".join(items) + b"]", "f.json")
    assert sorted([r.line for r in result.records] + [e.line for e in result.errors]) == list(range(1, len(items) + 1))
    _assert_storable(result)


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_never_escape_the_json_reader(data):
    _assert_storable(read_json_bytes(data, "f.json"))
    _assert_storable(read_jsonl_lines(io.BytesIO(data), "f.jsonl"))


HEADER = ["interaction_id", "speaker", "text", "at", "channel", "agent_id", "jurisdiction"]
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(['"', '""', ",", "\n", "\r\n", "agent", "consumer", "c1", "c2", "2026-03-03T10:00:00-05:00", "", "US-ZZ"]),
)


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@st.composite
def csv_lines(draw) -> str:
    """A plausible row (properly quoted, or not), or a row of random cells joined as they are."""
    if draw(st.booleans()):
        row = [
            draw(st.sampled_from(["c1", "c2", "c3", ""])),
            draw(st.sampled_from(["agent", "consumer", "robot"])),
            draw(st.text(max_size=30)),
            draw(st.sampled_from(["2026-03-03T10:00:00-05:00", "2026-03-03T10:00:00", ""])),
            "chat",
            "A1",
            draw(st.sampled_from(["CO", "US-CA", "US-ZZ", ""])),
        ]
        return ",".join(_quoted(c) if draw(st.booleans()) else c for c in row)
    return ",".join(draw(st.lists(cells, max_size=9)))


@SETTINGS
@given(st.lists(csv_lines(), max_size=12), st.binary(max_size=6), st.integers(0, 10**6), st.booleans())
def test_every_csv_row_is_read_or_reported(lines, junk, where, bom):
    body = "\n".join(lines).encode("utf-8", "surrogatepass")
    at = where % (len(body) + 1)
    body = body[:at] + junk + body[at:]
    data = (BOM if bom else b"") + ",".join(HEADER).encode() + b"\n" + body
    result = read_csv_bytes(data, "f.csv")
    _assert_storable(result)
    # Split the rows as any CSV reader does, and find each one in the result: read, or reported.
    reader = csv.reader(io.StringIO(body.decode("utf-8", "surrogateescape"), newline=""))
    read_ids = {r.interaction.id for r in result.records}
    error_lines = {e.line for e in result.errors}
    error_ids = {e.record_id for e in result.errors}
    last = 1
    for row in reader:
        first, last = last + 1, reader.line_num + 1
        if not row:
            continue
        iid = row[0].strip()
        assert (iid and (iid in read_ids or printable(iid, 255) in error_ids)) or first in error_lines, (first, row)
