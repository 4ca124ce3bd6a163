"""The batched scoring path of the learned layer gives what the per-turn path gives.

``TurnModel.score_many`` (``compliance_rules/learned/scoring.py``) scores the turns of an
interaction together from lookup tables; ``TurnModel.score`` builds each turn's feature names
as training does (``features.turn_counts``). Both are compared here on generated turns (words of
the model's own vocabulary, pairs of them, unknown words, masks, punctuation, every dialogue
state) and on the labelled turns, for the shipped collector and consumer models, whatever their
version.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_rules import Scanner
from compliance_rules.learned.consumer import CONSUMER_MODEL, ConsumerReader
from compliance_rules.learned.features import PARTIES, REQUESTS, TurnView, _lemmas, _words
from compliance_rules.learned.model import load_model
from compliance_rules.learned.scoring import parts_of
from compliance_rules.learned.views import turn_views
from compliance_rules.text import analyzer_for
from qa.readers import read_paths

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 1e-12
EXTRA = "wo n't xq q u ur p*ta f*cking pendej* :) a.m. $4.523,00 12/3/1975 ¿sí? no-one EMBARGAR Ñandú zzqx".split()
GAPS = [" ", " ", " ", ", ", ". ", "? ", "¡", "  ", "\n", " \t", "... "]


def _vocabulary(name: str) -> list[str]:
    names = load_model(name).names
    words = sorted({n[2:] for n in names if n.startswith(("w:", "l:"))})
    pairs = sorted({n[2:] for n in names if n.startswith(("n:", "b:", "q:"))})
    return words[:: max(1, len(words) // 3000)] + pairs[:: max(1, len(pairs) // 3000)]


VOCABULARY = {name: _vocabulary(name) for name in ("turn_classifier", CONSUMER_MODEL)}


def _close(fast: list[dict[str, float]], slow: list[dict[str, float]]) -> None:
    assert len(fast) == len(slow)
    for got, want in zip(fast, slow, strict=True):
        assert got.keys() == want.keys()
        for family, value in want.items():
            assert abs(got[family] - value) <= TOLERANCE, (family, got[family], value)


def _text(draw, model: str) -> str:
    pieces = draw(
        st.lists(
            st.one_of(
                st.sampled_from(VOCABULARY[model]), st.sampled_from(EXTRA), st.text(alphabet="aeiousnrtlcdmñá*'", max_size=7)
            ),
            max_size=16,
        )
    )
    gaps = draw(st.lists(st.sampled_from(GAPS), min_size=len(pieces), max_size=len(pieces)))
    return "".join(piece + gap for piece, gap in zip(pieces, gaps, strict=True)).strip()


@st.composite
def views(draw, model: str) -> list[TurnView]:
    lang = draw(st.sampled_from(["es", "en"]))
    analyzer = analyzer_for(lang)
    found = []
    for _ in range(draw(st.integers(1, 6))):
        previous = draw(st.one_of(st.none(), st.just(1)))
        found.append(
            TurnView(
                text=analyzer.analyze(_text(draw, model)),
                previous=None if previous is None else analyzer.analyze(_text(draw, model)),
                previous_speaker=draw(st.sampled_from(["consumer", "other", "agent", "none"])),
                party=draw(st.sampled_from(PARTIES)),
                requests=frozenset(draw(st.sets(st.sampled_from(REQUESTS)))),
                channel=draw(st.sampled_from(["call", "chat", "sms", "email"])),
                jurisdiction=draw(st.sampled_from(["US", "US-NY", "CO", "MX"])),
            )
        )
    return found


@pytest.mark.parametrize("name", ["turn_classifier", CONSUMER_MODEL])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_batch_scores_equal_per_turn_scores(name, data):
    model = load_model(name)
    batch = data.draw(views(name))
    _close(model.score_many(batch), [model.score(view) for view in batch])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_some_families_only_score_as_all(data):
    """``only`` (the request reader asks the consumer model for four signals) leaves each score unchanged."""
    model = load_model(CONSUMER_MODEL)
    only = tuple(data.draw(st.sets(st.sampled_from(model.families), min_size=1)))
    batch = data.draw(views(CONSUMER_MODEL))
    wanted = [{k: v for k, v in model.score(view).items() if k in only} for view in batch]
    _close(model.score_many(batch, only), wanted)


@settings(max_examples=200, deadline=None)
@given(lang=st.sampled_from(["es", "en"]), data=st.data())
def test_words_and_lemmas_are_the_features_own(lang, data):
    text = analyzer_for(lang).analyze(_text(data.draw, "turn_classifier"))
    assert parts_of(text) == (_words(text), _lemmas(text))


def test_empty_batch_and_empty_turns():
    model = load_model()
    assert model.score_many([]) == []
    empty = analyzer_for("es").analyze("")
    view = TurnView(empty, empty, "consumer", "third_party", frozenset({"stop"}), "call", "CO")
    _close(model.score_many([view, view]), [model.score(view)] * 2)


def test_numbering_started_over_scores_alike(monkeypatch):
    """When the shared numbering of words fills up it starts over; texts numbered before are renumbered."""
    from compliance_rules.learned import scoring

    model = load_model()
    analyzer = analyzer_for("es")
    old = analyzer.analyze("si no paga hoy le vamos a embargar la casa, señor Gómez")
    view = TurnView(old, None, "none", "third_party", frozenset({"stop"}), "call", "CO")
    want = model.score(view)
    _close(model.score_many([view]), [want])
    generation = scoring._INTERNED.generation
    monkeypatch.setattr(scoring, "_INTERN_LIMIT", 1)
    fresh = TurnView(
        analyzer.analyze("le vamos a quitar todo, la casa y el carro"), old, "consumer", "consumer", frozenset(), "call", "CO"
    )
    _close(model.score_many([fresh, view]), [model.score(fresh), want])
    assert scoring._INTERNED.generation == generation + 1
    monkeypatch.undo()
    _close(model.score_many([view, fresh]), [want, model.score(fresh)])


def test_labelled_turns_score_alike():
    """Every collector turn (collector model) and consumer turn (consumer model) of the challenge set."""
    interactions = read_paths(sorted((ROOT / "tests" / "fixtures" / "challenge").glob("*.jsonl"))).interactions
    collector, reader = load_model(), ConsumerReader.load()
    compared = 0
    for ctx in Scanner.load(layers="rules").contexts(interactions):
        batch = [view for _, view in turn_views(ctx)]
        _close(collector.score_many(batch), [collector.score(view) for view in batch])
        said = [(ctx.texts[i], ctx.texts[i - 1] if i else None) for i, s in enumerate(ctx.speakers) if s == "consumer"]
        _close(reader.scores_many(said), [reader.scores(text, previous) for text, previous in said])
        compared += len(batch) + len(said)
    assert compared > 500
