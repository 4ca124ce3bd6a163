"""Hostile records, and interaction files that hide one of them among good records.

Each :class:`Case` is one way a record can be bad (found by the hostile test of issue 13);
:func:`build` writes a file of its format with good records before and after the bad one,
and says what a reader must return: the good ids, and the bad record's line, id and reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

STARTED = "2026-03-03T10:00:00-05:00"
BOM = b"\xef\xbb\xbf"
CSV_HEADER = "interaction_id,channel,started_at,jurisdiction,agent_id,account_id,speaker,text,at"


def good_call(iid: str) -> dict:
    """A valid call in the data contract's shape."""
    return {
        "id": iid,
        "channel": "call",
        "started_at": STARTED,
        "jurisdiction": "CO",
        "consumer_timezone": "America/Bogota",
        "language": "es",
        "agent_id": "A1",
        "account_id": f"ACC-{iid}",
        "turns": [
            {"speaker": "agent", "start": 0.0, "end": 2.5, "text": "Buenos días, ¿hablo con la señora Ruiz?"},
            {"speaker": "consumer", "start": 3.0, "end": 4.0, "text": "Sí, con ella."},
        ],
    }


def bad_call(**changes: object) -> dict:
    """The good call with id ``bad`` and ``changes`` applied (``None`` removes a field)."""
    record = good_call("bad") | changes
    return {k: v for k, v in record.items() if v is not None}


def with_turn(**turn: object) -> dict:
    return bad_call(turns=[{"speaker": "agent", "start": 0.0, "end": 2.0, "text": "Buenos días."} | turn])


def jsonl(record: dict) -> bytes:
    # allow_nan: Python writes NaN / Infinity, as careless exporters do.
    return json.dumps(record, ensure_ascii=True, allow_nan=True).encode()


def csv_rows(iid: str, *, text: str = "Buenos días, ¿hablo con la señora Ruiz?", **columns: str) -> list[str]:
    """Two CSV rows (two messages) of one chat; ``columns`` override the first row's cells."""
    cells = {
        "interaction_id": iid,
        "channel": "chat",
        "started_at": STARTED,
        "jurisdiction": "CO",
        "agent_id": "A1",
        "account_id": f"ACC-{iid}",
        "speaker": "agent",
        "text": text,
        "at": STARTED,
    } | columns
    first = ",".join(_csv_cell(cells[c]) for c in CSV_HEADER.split(","))
    second = f"{iid},,,,,,consumer,Sí con ella,{STARTED}"
    return [first, second]


def _csv_cell(value: str) -> str:
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\n\r') else value


@dataclass(frozen=True)
class Case:
    """One kind of bad record: its bytes in one format and what the reader must say about it."""

    name: str
    suffix: str
    bad: Callable[[], bytes]
    reason: str
    bad_id: str | None = "bad"
    # An unterminated CSV quote swallows rows after it: those are reported, not read.
    swallows_following: bool = False
    # Rows of the bad record in a CSV file (to compute the lines of what follows).
    lines: int = 1


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


JSONL_CASES = [
    Case(
        "int-over-4300-digits",
        ".jsonl",
        lambda: jsonl(bad_call(agent_id="A1")).replace(b'"agent_id": "A1"', b'"agent_id": ' + b"7" * 5000),
        "more than 4300 digits",
    ),
    Case(
        "nested-100000-deep",
        ".jsonl",
        lambda: jsonl(bad_call(extra="X")).replace(b'"X"', _deep(100_000).encode()),
        "nested too deeply",
    ),
    Case("lone-surrogate-in-text", ".jsonl", lambda: jsonl(with_turn(text="Hola \ud800 señora")), "lone surrogate"),
    Case(
        "lone-surrogate-in-id", ".jsonl", lambda: jsonl(bad_call(id="bad\ud800")), "id: contains a lone surrogate", "bad\\ud800"
    ),
    Case("nul-in-text", ".jsonl", lambda: jsonl(with_turn(text="Hola\x00 señora")), "NUL character"),
    Case("nul-in-agent", ".jsonl", lambda: jsonl(bad_call(agent_id="A\x001")), "agent_id: contains a NUL character"),
    Case(
        "latin-1-line",
        ".jsonl",
        lambda: json.dumps(with_turn(text="Lo metemos a la cárcel"), ensure_ascii=False).encode("latin-1"),
        "not valid UTF-8",
    ),
    Case("negative-time", ".jsonl", lambda: jsonl(with_turn(start=-3.0)), "turns.0.start"),
    Case("nan-time", ".jsonl", lambda: jsonl(with_turn(start=float("nan"))), "finite number"),
    Case("infinite-time", ".jsonl", lambda: jsonl(with_turn(end=float("inf"))), "finite number"),
    Case("1e308-time", ".jsonl", lambda: jsonl(with_turn(end=1e308)), "outside 0 to 172800"),
    Case("end-before-start", ".jsonl", lambda: jsonl(with_turn(start=9.0, end=2.0)), "before start"),
    Case("started-at-number", ".jsonl", lambda: jsonl(bad_call(started_at=1772550000)), "started_at: must be an ISO 8601"),
    Case("started-at-year-1", ".jsonl", lambda: jsonl(bad_call(started_at="0001-01-01T00:00:00+14:00")), "year 1 is outside"),
    Case("turn-at-year-9999", ".jsonl", lambda: jsonl(with_turn(at="9999-12-31T23:59:59-14:00")), "turns.0.at: year 9999"),
    Case("jurisdiction-US-ZZ", ".jsonl", lambda: jsonl(bad_call(jurisdiction="US-ZZ")), "not an ISO 3166-2 subdivision"),
    Case("empty-turns", ".jsonl", lambda: jsonl(bad_call(turns=[])), "'turns' is empty"),
    Case("id-too-long", ".jsonl", lambda: jsonl(bad_call(id="b" * 300)), "at most 255", "b" * 254 + "…"),
    Case("nan-balance", ".jsonl", lambda: jsonl(bad_call(account_facts={"balance_of_record": float("nan")})), "finite number"),
    Case("not-an-object", ".jsonl", lambda: b'["bad"]', "expected a JSON object", None),
]

CSV_CASES = [
    Case(
        "csv-latin-1-row",
        ".csv",
        lambda: "\n".join(csv_rows("bad", text="Lo metemos a la cárcel")).encode("latin-1"),
        "not valid UTF-8",
        lines=2,
    ),
    Case(
        "csv-field-over-the-limit",
        ".csv",
        lambda: "\n".join(csv_rows("bad", text="a" * 1_000_001)).encode(),
        "at most 1,000,000 are accepted",
        lines=2,
    ),
    Case(
        "csv-unterminated-quote",
        ".csv",
        lambda: "\n".join(csv_rows("bad", text="Hola")).replace(",Hola,", ',"Hola,', 1).encode(),
        "quote",
        swallows_following=True,
        lines=2,
    ),
    Case(
        "csv-extra-column",
        ".csv",
        lambda: "\n".join(csv_rows("bad", text="Hola, señora")).replace('"Hola, señora"', "Hola, señora").encode(),
        "fields but the header has",
        lines=2,
    ),
    Case("csv-nul", ".csv", lambda: "\n".join(csv_rows("bad", text="Ho\x00la")).encode(), "NUL character", lines=2),
    Case(
        "csv-year-1",
        ".csv",
        lambda: "\n".join(csv_rows("bad", started_at="0001-01-01T00:00:00+14:00")).encode(),
        "year 1 is outside",
        lines=2,
    ),
    Case("csv-US-ZZ", ".csv", lambda: "\n".join(csv_rows("bad", jurisdiction="US-ZZ")).encode(), "US-ZZ", lines=2),
]

JSON_CASES = [
    Case("json-nested-item", ".json", lambda: jsonl(bad_call(extra="X")).replace(b'"X"', _deep(100_000).encode()), "nested"),
    Case(
        "json-long-int-item",
        ".json",
        lambda: jsonl(bad_call(agent_id="A1")).replace(b'"agent_id": "A1"', b'"agent_id": ' + b"7" * 5000),
        "more than 4300 digits",
    ),
    Case(
        "json-latin-1-item",
        ".json",
        lambda: json.dumps(with_turn(text="Lo metemos a la cárcel"), ensure_ascii=False).encode("latin-1"),
        "not UTF-8 (0xE1)",
    ),
    Case("json-nan-time", ".json", lambda: jsonl(with_turn(end=float("nan"))), "finite number"),
]

ALL_CASES = JSONL_CASES + CSV_CASES + JSON_CASES
POSITIONS = ("first", "middle", "last")


@dataclass
class Built:
    """A written file and what reading it must give."""

    path: Path
    good_ids: list[str]
    bad_line: int
    # Good ids that a stray quote may swallow (up to where the quote happens to close):
    # each of them is either read or reported by its id, never lost without a word.
    at_risk_ids: list[str] = field(default_factory=list)


def build(case: Case, folder: Path, position: str = "middle", goods: int = 4) -> Built:
    """Write ``case``'s bad record among ``goods`` good ones, at ``position``."""
    prefix = case.name
    ids = [f"{prefix}-ok{n}" for n in range(goods)]
    at = {"first": 0, "middle": goods // 2, "last": goods}[position]
    path = folder / f"{case.name}-{position}{case.suffix}"
    if case.suffix == ".jsonl":
        lines = [jsonl(good_call(i)) for i in ids]
        lines.insert(at, case.bad())
        path.write_bytes(b"\n".join(lines) + b"\n")
        return Built(path, ids, at + 1)
    if case.suffix == ".json":
        items = [jsonl(good_call(i)) for i in ids]
        items.insert(at, case.bad())
        path.write_bytes(b"[\n" + b",\n".join(items) + b"\n]\n")
        return Built(path, ids, at + 1)
    # CSV: two rows per good chat; the header is line 1.
    rows = [row.encode() for i in ids for row in csv_rows(i)]
    rows.insert(2 * at, case.bad())
    path.write_bytes(CSV_HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n")
    bad_line = 2 + 2 * at
    if case.swallows_following:
        return Built(path, ids[:at], bad_line, at_risk_ids=ids[at:])
    return Built(path, ids, bad_line)
