"""The labelled training corpus: authored turns, labelled sets and review decisions.

``compliance_rules/training/corpus.yaml`` names the parts (paths relative to it):

- ``authored``: JSONL files of labelled collector turns written for this
  corpus (format: ``compliance_rules/training/AUTHORING.md``);
- ``labelled``: labelled interaction sets (``expected`` per interaction), cut
  into collector turns with the dialogue state the scanner computes.

Every example knows its labels per family; a review decision knows only the
family of its finding. A record that does not fit the format is reported with
file, line and reason, and the rest is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from compliance_rules.learned.corpus_format import FAMILY_NAMES, record_problems
from compliance_rules.learned.features import TURN_FAMILIES, TurnView, gate_open
from compliance_rules.text import analyzer_for

TRAINING_DIR = Path(__file__).resolve().parent.parent / "training"
DEFAULT_MANIFEST = TRAINING_DIR / "corpus.yaml"


@dataclass(frozen=True)
class Example:
    """One labelled collector turn with the turn before it and the dialogue state."""

    id: str
    group: str  # examples of one group share a CV fold (an authored file, an account)
    source: str  # authored | labelled | review
    language: str
    jurisdiction: str
    channel: str
    party: str
    requests: frozenset[str]
    previous_speaker: str
    previous: str
    text: str
    labels: dict[str, bool]  # known labels; a review decision knows one family only
    style: str = "clean"
    hard_negative: bool = False

    def view(self) -> TurnView:
        analyzer = analyzer_for(self.language)
        return TurnView(
            text=analyzer.analyze(self.text),
            previous=analyzer.analyze(self.previous) if self.previous else None,
            previous_speaker=self.previous_speaker,
            party=self.party,
            requests=self.requests,
            channel=self.channel,
            jurisdiction=self.jurisdiction,
        )


@dataclass
class Corpus:
    examples: list[Example]
    files: list[Path]
    problems: list[str] = field(default_factory=list)

    @property
    def data_version(self) -> str:
        """Digest of every file's name and bytes, so a model names the exact data it learned from."""
        digest = hashlib.sha256()
        for path in sorted(self.files, key=lambda p: p.as_posix()):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:12]


def _authored_example(record: dict, group: str) -> tuple[Example, list[str]]:
    requests = frozenset(record["requests"])
    labels = {family: family in record["labels"] for family in FAMILY_NAMES}
    example = Example(
        id=record["id"],
        group=group,
        source="authored",
        language=record["language"],
        jurisdiction=record["jurisdiction"],
        channel=record["channel"],
        party=record["party"],
        requests=requests,
        previous_speaker=record["previous_speaker"],
        previous=record["previous"],
        text=record["text"],
        labels=labels,
        style=record["style"],
        hard_negative=record["hard_negative"],
    )
    notes = []
    view = TurnView(None, None, example.previous_speaker, example.party, requests, example.channel, example.jurisdiction)  # type: ignore[arg-type]
    for family in TURN_FAMILIES:
        if labels[family.value] and not gate_open(family, view):
            # The law does not let the family apply in this state; the label is an authoring slip.
            labels[family.value] = False
            notes.append(f"{record['id']}: label {family.value} dropped (party {example.party}, requests {sorted(requests)})")
    return example, notes


def json_lines(path: Path, group: str, problems: list[str]) -> Iterator[tuple[int, object]]:
    """``(line number, parsed value)`` of each non-blank line; an undecodable or invalid line is a problem, not an error."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{group}:{number}: invalid JSON ({exc.msg})")


def read_authored(paths: Iterable[Path], root: Path) -> tuple[list[Example], list[str]]:
    examples: list[Example] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in paths:
        group = path.relative_to(root).as_posix()
        for number, record in json_lines(path, group, problems):
            found = record_problems(record)
            if not found and record["id"] in seen:
                found = [f"duplicate id {record['id']}"]
            if found:
                problems.append(f"{group}:{number}: " + "; ".join(found))
                continue
            seen.add(record["id"])
            example, notes = _authored_example(record, group)
            examples.append(example)
            problems.extend(f"{group}:{number}: {note}" for note in notes)
    return examples, problems


def examples_from_contexts(contexts: list, expected: dict[str, tuple], source: str, group_of: dict[str, str]) -> list[Example]:
    """Collector turns of scanned interactions, labelled from their ``expected`` entries."""
    from compliance_rules.learned.views import turn_views

    examples = []
    for ctx in contexts:
        interaction = ctx.interaction
        gold = {(entry.family.value, entry.turn) for entry in expected.get(interaction.id, ())}
        for index, view in turn_views(ctx):
            examples.append(
                Example(
                    id=f"{interaction.id}#{index}",
                    group=group_of.get(interaction.id, interaction.id),
                    source=source,
                    language=ctx.language,
                    jurisdiction=view.jurisdiction,
                    channel=view.channel,
                    party=view.party,
                    requests=view.requests,
                    previous_speaker=view.previous_speaker,
                    previous=view.previous.raw if view.previous is not None else "",
                    text=view.text.raw,
                    labels={family: (family, index) in gold for family in FAMILY_NAMES},
                )
            )
    return examples


def read_labelled(paths: Iterable[Path], scanner, root: Path) -> tuple[list[Example], list[str]]:  # noqa: ANN001
    from qa.readers import ReadError, expected_entries, read_paths

    examples: list[Example] = []
    problems: list[str] = []
    for path in paths:
        result = read_paths([path])
        problems.extend(str(error) for error in result.errors)
        expected = {}
        for record in result.records:
            entries = expected_entries(record)
            if isinstance(entries, ReadError):
                problems.append(str(entries))
                continue
            expected[record.interaction.id] = entries
        interactions = [r.interaction for r in result.records if r.interaction.id in expected and r.interaction.turns]
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        # An account's contacts share a fold: a cease request in one contact labels the next.
        groups = {i.id: f"{name}:{i.account_id or i.id}" for i in interactions}
        examples.extend(examples_from_contexts(scanner.contexts(interactions), expected, "labelled", groups))
    return examples, problems


def load_corpus(manifest: Path = DEFAULT_MANIFEST, scanner=None) -> Corpus:  # noqa: ANN001
    """Read every part the manifest names; problems are collected, never raised."""
    spec = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    root = manifest.parent
    authored = sorted({p for pattern in spec.get("authored", []) for p in root.glob(pattern)})
    labelled = sorted({p.resolve() for pattern in spec.get("labelled", []) for p in root.glob(pattern)})
    examples, problems = read_authored(authored, root)
    if labelled:
        if scanner is None:
            from compliance_rules import Scanner

            scanner = Scanner.load(layers="rules")
        more, more_problems = read_labelled(labelled, scanner, root.resolve())
        examples.extend(more)
        problems.extend(more_problems)
    return Corpus(examples, [*authored, *labelled], problems)
