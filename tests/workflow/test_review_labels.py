"""Analysts' decisions become labelled turns for ``qa train --with-reviews``."""

from __future__ import annotations

from compliance_rules import Scanner
from qa.workflow.review_labels import review_examples
from qa.workflow.reviews import review_finding


def test_confirmed_and_dismissed_findings_label_their_turns_for_their_family_only(seeded):
    analyst = seeded.who("quique")
    with seeded.db.session() as s:
        review_finding(s, analyst, seeded.findings[("c1", "T-JAIL")], "confirmed", reason="clear threat", expected_version=0)
        review_finding(s, analyst, seeded.findings[("c2", "T-IDIOT")], "dismissed", reason="misheard", expected_version=0)
        review_finding(s, analyst, seeded.findings[("c4", "T-JAIL")], "unclear", reason="cannot tell", expected_version=0)
        # An off-hours finding has no turn: nothing to learn about a turn from it.
        review_finding(s, analyst, seeded.findings[("c2", "T-HOURS")], "confirmed", reason="22:30", expected_version=0)

    examples = {e.id: e for e in review_examples(seeded.db, Scanner.load(layers="rules"))}

    assert set(examples) == {"review:c1#1", "review:c2#1"}
    jail, insult = examples["review:c1#1"], examples["review:c2#1"]
    assert jail.labels == {"threat": True} and jail.source == "review"
    assert jail.text == "Irá a la cárcel si no paga; tarjeta 4111 1111 1111 1111."
    assert jail.previous == "Buenos días, habla Ana de la oficina de cobranza." and jail.language == "es"
    assert insult.labels == {"abusive_language": False}
    # Examples of one account share a cross-validation fold only through their group; reviews stand alone.
    assert jail.group != insult.group


def test_no_reviews_no_examples(seeded):
    assert review_examples(seeded.db, Scanner.load(layers="rules")) == []


def test_qa_train_with_reviews_writes_a_model_that_loads(seeded, tmp_path):
    import shutil

    from typer.testing import CliRunner

    from compliance_rules.learned.corpus import TRAINING_DIR
    from compliance_rules.learned.model import TurnModel
    from qa.cli import _register_all, app

    analyst = seeded.who("quique")
    with seeded.db.session() as s:
        review_finding(s, analyst, seeded.findings[("c1", "T-JAIL")], "confirmed", reason="clear threat", expected_version=0)
    corpus = tmp_path / "corpus"
    for author in ("a1", "a4", "a7"):
        (corpus / "raw" / author).mkdir(parents=True)
        shutil.copy(TRAINING_DIR / "raw" / author / "part01.jsonl", corpus / "raw" / author / "part01.jsonl")
    (corpus / "corpus.yaml").write_text('authored: ["raw/*/*.jsonl"]\n', encoding="utf-8")
    _register_all()
    url = seeded.db.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "model"
    result = CliRunner().invoke(
        app, ["train", "--corpus", str(corpus / "corpus.yaml"), "--out", str(out), "--with-reviews", url, "--folds", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "review decisions / decisiones de revisión: 1 turns" in result.output
    assert "training on / entrenando con 301 turns" in result.output
    model = TurnModel.load(out / "model.json")
    assert "analysts' reviews" in (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    # Review text never goes into the model file's example list (it may hold real consumers' words).
    assert all(not ident.startswith("review:") for rows in model.examples.values() for ident, _, _ in rows)
