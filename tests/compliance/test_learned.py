"""The learned layer: reproducible training, a model refused unless it matches its card,
learned findings with confidence and nearest example, the negation veto, and the merge with
rule findings.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from compliance_rules import Scanner
from compliance_rules.learned.corpus import DEFAULT_MANIFEST, Corpus, read_authored
from compliance_rules.learned.features import TurnView, gate_open
from compliance_rules.learned.model import MODELS_DIR, ModelError, TurnModel, file_sha256, read_card
from compliance_rules.learned.train import Settings, _matrix, _vocabulary, choose_threshold, train, write_card, write_model
from compliance_rules.text import analyzer_for
from qa.domain import Family
from tests.compliance.helpers import call

SHIPPED = MODELS_DIR / "turn_classifier"


@pytest.fixture(scope="module")
def small_corpus() -> Corpus:
    root = DEFAULT_MANIFEST.parent
    # Spanish calls, English calls, and the state-dependent families: a small corpus that trains in seconds.
    files = [root / "raw" / author / "part01.jsonl" for author in ("a1", "a4", "a7")]
    examples, problems = read_authored(files, root)
    assert len(examples) == 300
    return Corpus(examples, files, problems)


def test_training_is_deterministic(small_corpus, tmp_path):
    settings = Settings(folds=3)
    first, metrics = train(small_corpus, settings)
    second, _ = train(small_corpus, settings)
    assert first == second
    assert first["version"].startswith("tc-") and first["data_version"] == small_corpus.data_version
    path = write_model(first, tmp_path / "a")
    write_card(path, first, metrics, small_corpus)
    again = write_model(second, tmp_path / "b")
    assert path.read_bytes() == again.read_bytes()
    # The written file loads, matches its card and scores as the training pipeline does.
    model = TurnModel.load(path)
    assert model.version == first["version"]


def test_scores_match_the_training_pipeline(small_corpus):
    """The scanner's TF-IDF and logistic scores equal scikit-learn's on the same features."""
    from sklearn.linear_model import LogisticRegression

    from compliance_rules.learned.features import turn_counts

    examples = small_corpus.examples[:200]
    counts = [turn_counts(e.view()) for e in examples]
    rows = np.arange(len(examples))
    vocab, idf = _vocabulary(counts, rows, 1)
    x = _matrix(counts, rows, vocab, idf, np.array([1.0, 0.5, 0.5]))
    y = np.asarray([e.labels["threat"] for e in examples], dtype=int)
    fitted = LogisticRegression(C=16.0, solver="liblinear", random_state=13).fit(x, y)
    names = sorted(vocab, key=vocab.__getitem__)
    doc = {
        "schema": "qa.turn-classifier/1", "version": "t", "data_version": "d", "families": ["threat"],
        "settings": {"block_weights": {"threat": [1.0, 0.5, 0.5]}, "text_norm_floor": 40.0},
        "intercepts": {"threat": float(fitted.intercept_[0])}, "thresholds": {"threat": 0.5},
        "features": [[n, float(idf[i]), float(fitted.coef_[0][i])] for i, n in enumerate(names)], "examples": {"threat": []},
    }  # fmt: skip
    from compliance_rules.learned.model import ModelFile

    model = TurnModel(ModelFile.model_validate(doc), Path("memory"))
    expected = fitted.predict_proba(x)[:, 1]
    got = [model.score(e.view())["threat"] for e in examples]
    assert np.allclose(got, expected, atol=1e-9)


def test_threshold_is_the_lowest_score_reaching_the_precision_target():
    scores = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    truth = np.array([1, 1, 1, 0, 1, 0, 0])
    threshold, precision, recall, met = choose_threshold(scores, truth, 0.75)
    assert (threshold, precision, recall, met) == (0.6, 0.8, 1.0, True)
    threshold, _, _, met = choose_threshold(scores, np.array([0, 1, 0, 0, 0, 0, 0]), 0.9)
    # Negatives weighted 3: the cut at 0.7 has precision 3 / (3 + 3) instead of 3 / 4.
    assert choose_threshold(scores, truth, 0.75, negative=3.0)[:2] == (0.8, 1.0)
    assert not met and threshold == 0.9


def _copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "turn_classifier"
    shutil.copytree(SHIPPED, target)
    return target / "model.json"


def test_a_model_that_does_not_match_its_card_is_refused(tmp_path):
    path = _copy_model(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")  # one byte more, same content
    with pytest.raises(ModelError, match="does not match its card"):
        TurnModel.load(path)


def test_a_model_outside_the_schema_is_refused_even_with_a_matching_card(tmp_path):
    path = _copy_model(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["features"][0] = [document["features"][0][0], float("nan"), *document["features"][0][2:]]
    path.write_text(json.dumps(document), encoding="utf-8")
    card = path.with_name("MODEL_CARD.md")
    header = read_card(card)
    card.write_text(card.read_text(encoding="utf-8").replace(header.sha256, file_sha256(path)), encoding="utf-8")
    with pytest.raises(ModelError, match="not a valid qa.turn-classifier/1 model"):
        TurnModel.load(path)


def test_a_card_with_other_thresholds_is_refused(tmp_path):
    path = _copy_model(tmp_path)
    card = path.with_name("MODEL_CARD.md")
    header = read_card(card)
    family, value = next(iter(header.thresholds.items()))
    card.write_text(card.read_text(encoding="utf-8").replace(f"{family}: {value}", f"{family}: 0.0101", 1), encoding="utf-8")
    with pytest.raises(ModelError, match="differ from its card"):
        TurnModel.load(path)


def test_gates_follow_the_law():
    text = analyzer_for("en").analyze("your balance is past due")
    view = TurnView(text, None, "other", "spouse", frozenset(), "call", "US-NY")
    assert not gate_open(Family.THIRD_PARTY_DISCLOSURE, view)  # a US spouse counts as the consumer
    assert gate_open(Family.THIRD_PARTY_DISCLOSURE, TurnView(text, None, "other", "spouse", frozenset(), "call", "CO"))
    assert not gate_open(Family.CEASE_VIOLATION, view)
    assert gate_open(Family.CEASE_VIOLATION, TurnView(text, None, "consumer", "consumer", frozenset({"stop"}), "call", "US"))


def _finding(rule_id: str, family: str, turn: int, *, learned: bool = False, confidence: float | None = None):
    from qa.domain import Finding

    return Finding(
        interaction_id="i", rule_id=rule_id, family=family, severity="major", jurisdiction="CO", citation="c",
        turn=turn, learned=learned, confidence=confidence,
    )  # fmt: skip


def test_a_rule_and_the_model_on_the_same_turn_make_one_finding_with_the_rule_id():
    from compliance_rules.engine import merge_learned

    merged = merge_learned(
        [
            _finding("CO-threat", "threat", 3),
            _finding("CO-ML-threat", "threat", 3, learned=True, confidence=0.91),
            _finding("CO-ML-threat", "threat", 5, learned=True, confidence=0.77),
            _finding("CO-ML-false-claim", "false_claim", 3, learned=True, confidence=0.88),
        ]
    )
    assert [(f.rule_id, f.turn, f.learned, f.confidence) for f in merged] == [
        ("CO-threat", 3, False, 0.91),
        ("CO-ML-threat", 5, True, 0.77),
        ("CO-ML-false-claim", 3, True, 0.88),
    ]


@pytest.fixture(scope="module")
def combined() -> Scanner:
    return Scanner.load()


def test_a_learned_finding_carries_confidence_n_grams_and_the_nearest_example(combined):
    from compliance_rules.examples import example_interactions
    from compliance_rules.learned.model import load_model

    rule = next(r for r in combined.rules if r.id == "CO-ML-threat")
    interactions = example_interactions(rule, rule.examples.violating[0], "learned-1")
    findings = [f for f in combined.scan(interactions) if f.rule_id == rule.id]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.learned and finding.confidence >= load_model().thresholds["threat"]
    text = interactions[-1].turns[finding.turn].text
    assert text[finding.span[0] : finding.span[1]] == finding.evidence and finding.evidence
    assert "Modelo aprendido, confianza" in finding.explanation and "pesan más: «" in finding.explanation
    assert re.search(r"se parece a: «[^»]+» \[a\d+-\d{4}\]", finding.explanation)


def test_negation_vetoes_a_learned_finding_and_the_veto_is_recorded(combined):
    from compliance_rules.detectors.classifier import learned_scores
    from compliance_rules.learned.model import load_model

    interaction = call([("agent", "No lo vamos a meter a la cárcel ni le vamos a embargar la casa.")], confirm=True)
    ctx = combined.contexts([interaction])[0]
    model = load_model()
    # The model alone would flag this turn: the negation is what stops it.
    assert learned_scores(ctx, model)[-1][2]["threat"] >= model.thresholds["threat"]
    result = combined.scan_detailed([interaction])
    assert not [f for f in result.findings if f.family == Family.THREAT]
    assert any("negated" in p.reason and "vetoes CO-ML-threat" in p.reason for p in result.pruned[interaction.id])
