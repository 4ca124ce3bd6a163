"""The consumer-turn model: its corpus reader, its checked model file, and how the dialogue uses it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from compliance_rules import Scanner
from compliance_rules.context import build_context
from compliance_rules.learned.consumer import (
    CONSUMER_MODEL,
    ConsumerReader,
    consumer_settings,
    read_consumer_corpus,
    train_consumer,
    write_consumer_card,
)
from compliance_rules.learned.features import CONSUMER_SIGNALS
from compliance_rules.learned.model import CONSUMER_SCHEMA, MODELS_DIR, ModelError, TurnModel, file_sha256, read_card
from compliance_rules.learned.train import write_model
from compliance_rules.lexicon import LexiconSet
from qa.domain import Interaction

SHIPPED = MODELS_DIR / CONSUMER_MODEL


def _line(ident: str, text: str, labels: list[str], **extra) -> str:
    record = {
        "id": ident,
        "language": "en",
        "jurisdiction": "US",
        "channel": "call",
        "style": "clean",
        "previous": "this is a call about your account",
        "text": text,
        "labels": labels,
        "hard_negative": False,
    }
    record.update(extra)
    return json.dumps(record)


def test_the_corpus_reader_reports_bad_lines_and_keeps_the_rest(tmp_path):
    part = tmp_path / "x1" / "part01.jsonl"
    part.parent.mkdir()
    part.write_text(
        "\n".join(
            [
                _line("x1-1", "take me off your list", ["stop"]),
                "{not json",
                _line("x1-2", "fine", ["maybe"]),
                _line("x1-3", "ok", [], colour="red"),
                _line("x1-4", "yes speaking", ["confirms_identity"]),
            ]
        ),
        encoding="utf-8",
    )
    corpus = read_consumer_corpus([part], tmp_path)
    assert [e.id for e in corpus.examples] == ["x1-1", "x1-4"]
    assert corpus.examples[0].labels == {s: s == "stop" for s in CONSUMER_SIGNALS}
    assert [p.split(":")[1] for p in corpus.problems] == ["2", "3", "4"]
    assert "invalid JSON" in corpus.problems[0]
    assert "labels must be a list of" in corpus.problems[1]
    assert "unknown fields ['colour']" in corpus.problems[2]


def test_an_undecodable_line_is_a_problem_and_the_file_is_still_read(tmp_path):
    part = tmp_path / "x2" / "part01.jsonl"
    part.parent.mkdir()
    good = _line("x2-1", "no me llamen más", ["stop"], language="es", jurisdiction="CO").encode("utf-8")
    part.write_bytes(b'{"id": "x2-0", "text": "caf\xe9"\n' + good + b"\n")
    corpus = read_consumer_corpus([part], tmp_path)
    assert [e.id for e in corpus.examples] == ["x2-1"]
    assert len(corpus.problems) == 1 and corpus.problems[0].startswith("x2/part01.jsonl:1: ")


def test_the_shipped_model_matches_its_card_and_names_every_signal():
    reader = ConsumerReader.load()
    assert reader.model.families == CONSUMER_SIGNALS
    assert read_card(SHIPPED / "MODEL_CARD.md").version == reader.model.version


def test_consumer_training_is_deterministic_and_writes_a_checked_file(tmp_path):
    from compliance_rules.learned.corpus import TRAINING_DIR

    parts = sorted((TRAINING_DIR / "consumer").glob("*/part01.jsonl"))
    corpus = read_consumer_corpus(parts, TRAINING_DIR / "consumer")
    settings = consumer_settings(folds=3)
    first, metrics = train_consumer(corpus, settings)
    second, _ = train_consumer(corpus, settings)
    assert first == second and first["schema"] == CONSUMER_SCHEMA
    path = write_model(first, tmp_path)
    write_consumer_card(path, first, metrics, corpus)
    assert TurnModel.load(path).families == CONSUMER_SIGNALS


def test_a_consumer_model_naming_collector_families_is_refused(tmp_path):
    for name in ("model.json", "MODEL_CARD.md"):
        (tmp_path / name).write_bytes((SHIPPED / name).read_bytes())
    path = tmp_path / "model.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["families"][0] = "threat"
    path.write_text(json.dumps(document), encoding="utf-8")
    card = tmp_path / "MODEL_CARD.md"
    header = read_card(card)
    card.write_text(card.read_text(encoding="utf-8").replace(header.sha256, file_sha256(path)), encoding="utf-8")
    with pytest.raises(ModelError, match=f"not a valid {CONSUMER_SCHEMA} model"):
        TurnModel.load(path)


def _call(turns: list[tuple[str, str]]) -> Interaction:
    return Interaction.model_validate(
        {
            "id": "c-1",
            "channel": "call",
            "direction": "outbound",
            "started_at": datetime(2026, 3, 3, 15, 0, tzinfo=UTC).isoformat(),
            "jurisdiction": "US",
            "language": "en",
            "agent_id": "A1",
            "account_id": "AC-1",
            "turns": [{"speaker": s, "text": t, "start": 2.0 * i, "end": 2.0 * i + 1} for i, (s, t) in enumerate(turns)],
        }
    )


def test_a_request_the_reader_hears_stands_in_the_dialogue_beside_the_lexicons():
    lexicons = LexiconSet.load()
    turns = [
        ("agent", "am i speaking with dana"),
        ("consumer", "yes"),
        ("agent", "this is about the balance on your card"),
        ("consumer", "whatever you think i owe it is somebody else's mess"),
        ("agent", "so can we get a payment today"),
    ]
    heard = []

    def reader(said):  # every consumer turn of the interaction at once, each with the turn before it
        heard.extend((text.raw, previous.raw if previous else None) for text, previous in said)
        return [frozenset({"dispute"}) if "somebody else" in text.raw else frozenset() for text, _ in said]

    plain = build_context(_call(turns), lexicons)
    assert not [r for r in plain.dialogue.requests if r.kind == "dispute"]
    learned = build_context(_call(turns), lexicons, reader)
    assert [(r.kind, r.turn) for r in learned.dialogue.requests] == [("dispute", 3)]
    # Only consumer turns are read, each with the turn before it.
    assert heard == [("yes", "am i speaking with dana"), (turns[3][1], turns[2][1])]


def test_only_the_learned_layers_read_consumer_turns_with_the_model():
    assert Scanner.load(layers="rules").reader is None
    assert Scanner.load(layers="combined").reader is not None
    assert Scanner.load(layers="model").reader is not None
