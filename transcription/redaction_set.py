"""Scoring a redactor on the labelled redaction set (tests/fixtures/redaction/redaction_set.jsonl).

A labelled span to mask counts as masked when every letter and digit in it lies inside some mask;
a lookalike ("keep" span) counts as over-masked when any of its letters or digits lies inside a mask.
Kinds are not compared: a card masked as ``long_number`` is still masked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

_FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "redaction"
SET_PATH = _FIXTURES / "redaction_set.jsonl"
HOLDOUT_PATH = _FIXTURES / "holdout_set.jsonl"  # written after the redactor, never tuned on
MASK_KINDS = ("card", "cvv", "ssn", "national_id", "email")

#: A redactor: text -> list of (start, end) spans it masks.
Redactor = Callable[[str], Iterable[tuple[int, int]]]


def load_set(path: Path = SET_PATH) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass
class Score:
    masked: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    keep_total: dict[str, int] = field(default_factory=dict)
    keep_masked: dict[str, int] = field(default_factory=dict)
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # (id, kind, labelled text)
    overmasked: list[tuple[str, str, str]] = field(default_factory=list)

    def recall(self, kind: str) -> float:
        return self.masked.get(kind, 0) / self.total[kind] if self.total.get(kind) else 1.0

    @property
    def overmask_rate(self) -> float:
        total = sum(self.keep_total.values())
        return sum(self.keep_masked.values()) / total if total else 0.0


def score(redactor: Redactor, rows: list[dict]) -> Score:
    result = Score()
    for row in rows:
        text = row["text"]
        covered = bytearray(len(text))
        for start, end in redactor(text):
            covered[start:end] = b"\x01" * (end - start)
        for span in row["spans"]:
            kind = span["kind"]
            chars = [i for i in range(span["start"], span["end"]) if text[i].isalnum()]
            ok = all(covered[i] for i in chars)
            result.total[kind] = result.total.get(kind, 0) + 1
            result.masked[kind] = result.masked.get(kind, 0) + ok
            if not ok:
                result.missed.append((row["id"], kind, text[span["start"] : span["end"]]))
        for span in row.get("keep", []):
            kind = span["kind"]
            hit = any(covered[i] for i in range(span["start"], span["end"]) if text[i].isalnum())
            result.keep_total[kind] = result.keep_total.get(kind, 0) + 1
            result.keep_masked[kind] = result.keep_masked.get(kind, 0) + hit
            if hit:
                result.overmasked.append((row["id"], kind, text[span["start"] : span["end"]]))
    return result


def current_redactor(reader: str = "hand") -> Redactor:
    from transcription.redaction import find_sensitive

    def run(text: str) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in find_sensitive(text, reader=reader)]

    return run
