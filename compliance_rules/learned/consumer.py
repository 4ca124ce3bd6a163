"""What a consumer's turn says: a stop request, a lawyer, a dispute, a refused channel, a refusal,
a promise, hardship, a callback, who answered.

A second classifier in the learned layer's format (``qa.consumer-classifier/1``): one logistic
regression per signal over the consumer turn's own words, lemmas and character n-grams, with the
collector turn before it at half weight. It is trained by ``qa train`` on
``training/consumer/*/*.jsonl`` (written to ``training/consumer/BRIEF.md`` by authors who saw no
rules, lexicons or code), thresholds by grouped cross-validation at precision 0.90, and shipped as
JSON with a checked card like the collector-turn model.

The scanner's learned layers use it beside the dialogue lexicons: a consumer turn the model reads as
a stop, lawyer, dispute or channel request opens the cease gate just as a lexicon match does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import yaml

from compliance_rules.dialogue import RequestReader
from compliance_rules.learned.corpus import Corpus, Example, json_lines
from compliance_rules.learned.features import CONSUMER_SIGNALS, TurnView
from compliance_rules.learned.model import CONSUMER_SCHEMA, MODELS_DIR, TurnModel, load_model
from compliance_rules.learned.train import FamilyMetrics, Settings, card_header, train
from compliance_rules.text import AnalyzedText, analyzer_for

CONSUMER_MODEL = "consumer_signals"
#: Signals that are requests of the consumer the law makes the collector honour (they gate cease violations).
REQUEST_SIGNALS = ("stop", "attorney", "dispute", "channel")
# A request opens the cease gate for every later collector turn, so the dialogue takes it only when the
# model is at least even on it, whatever the lower threshold that recall-oriented outcomes use.
REQUEST_FLOOR = 0.5
_LANGUAGES = ("es", "en")
_JURISDICTIONS = ("US", "CO", "MX", "PE", "CL", "AR")
_CHANNELS = ("call", "chat", "sms", "email")
_STYLES = ("clean", "asr", "chat")
_FIELDS = {"id", "language", "jurisdiction", "channel", "style", "previous", "text", "labels", "hard_negative"}


def consumer_settings(seed: int = 13, folds: int = 5) -> Settings:
    """The collector model's settings with the consumer's blocks: own words 1, the collector turn before 0.5, no state.

    Consumer requests are far commoner in the corpus than on a floor, so negatives are weighted
    to a 10 % positive share, as the collector model's are to 5 %.
    """
    return replace(
        Settings(seed=seed, folds=folds),
        max_positive_share=0.10,
        examples_per_family=200,
        block_weights=tuple((signal, (1.0, 0.5, 0.0)) for signal in CONSUMER_SIGNALS),
    )


def check_line(record: object) -> list[str]:
    """What is wrong with one line of the consumer corpus (empty when nothing)."""
    if not isinstance(record, dict):
        return ["a line must be a JSON object"]
    problems = []
    missing, extra = _FIELDS - set(record), set(record) - _FIELDS
    if missing:
        problems.append(f"missing fields {sorted(missing)}")
    if extra:
        problems.append(f"unknown fields {sorted(extra)}")
    for name, allowed in (
        ("language", _LANGUAGES),
        ("jurisdiction", _JURISDICTIONS),
        ("channel", _CHANNELS),
        ("style", _STYLES),
    ):
        if name in record and record[name] not in allowed:
            problems.append(f"{name} must be one of {list(allowed)}")
    for name in ("id", "previous", "text"):
        if name in record and not isinstance(record[name], str):
            problems.append(f"{name} must be a string")
    if isinstance(record.get("text"), str) and not record["text"].strip():
        problems.append("text is empty")
    labels = record.get("labels")
    if not isinstance(labels, list) or not all(label in CONSUMER_SIGNALS for label in labels):
        problems.append(f"labels must be a list of {list(CONSUMER_SIGNALS)}")
    if "hard_negative" in record and not isinstance(record["hard_negative"], bool):
        problems.append("hard_negative must be true or false")
    return problems


def read_consumer_corpus(paths: list[Path], root: Path) -> Corpus:
    """Every valid line of the consumer corpus files; a bad line is a problem with file and line, never an exception."""
    examples: list[Example] = []
    problems: list[str] = []
    for path in sorted(paths, key=lambda p: p.as_posix()):
        group = path.relative_to(root).as_posix()
        for number, record in json_lines(path, group, problems):
            found = check_line(record)
            if found:
                problems.append(f"{group}:{number}: " + "; ".join(found))
                continue
            labels = set(record["labels"])
            examples.append(
                Example(
                    id=record["id"],
                    # Fifty consecutive lines of one file share a fold: lines written together stay together.
                    group=f"{group}#{(number - 1) // 50}",
                    source="authored",
                    language=record["language"],
                    jurisdiction=record["jurisdiction"],
                    channel=record["channel"],
                    party="consumer",
                    requests=frozenset(),
                    previous_speaker="agent" if record["previous"] else "none",
                    previous=record["previous"],
                    text=record["text"],
                    labels={signal: signal in labels for signal in CONSUMER_SIGNALS},
                    style=record["style"],
                    hard_negative=record["hard_negative"],
                )
            )
    return Corpus(examples, list(paths), problems)


def load_consumer_corpus(manifest: Path) -> Corpus:
    """The ``consumer:`` part of the corpus manifest."""
    spec = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    root = manifest.parent
    paths = sorted({p for pattern in spec.get("consumer", []) for p in root.glob(pattern)})
    return read_consumer_corpus(paths, root)


def train_consumer(corpus: Corpus, settings: Settings) -> tuple[dict, dict[str, FamilyMetrics]]:
    return train(corpus, settings, families=CONSUMER_SIGNALS, schema=CONSUMER_SCHEMA)


def write_consumer_card(model_path: Path, document: dict, metrics: dict[str, FamilyMetrics], corpus: Corpus) -> Path:
    """``MODEL_CARD.md`` of the consumer-turn model: the checked YAML header, then what a reviewer reads."""
    header = card_header(model_path, document)
    languages = Counter(e.language for e in corpus.examples)
    settings = document["settings"]
    lines = [
        "```yaml",
        yaml.safe_dump(header, sort_keys=False, allow_unicode=True).strip(),
        "```",
        "",
        f"# Model card: `{model_path.name}` (consumer turns)",
        "",
        "One logistic regression per signal over a consumer turn's words, lemmas, lemma bigrams and",
        "character 3–5-grams, with the collector turn before it at half weight. Written by `qa train`;",
        "the YAML block above is checked when the scanner loads the model.",
        "",
        "## Data",
        "",
        f"- data version `{document['data_version']}` (digest of every corpus file)",
        f"- {len(corpus.examples)} consumer turns ("
        + ", ".join(f"{n} {lang}" for lang, n in sorted(languages.items()))
        + f"), {sum(e.hard_negative for e in corpus.examples)} hard negatives",
        "- written to `compliance_rules/training/consumer/BRIEF.md` by authors who saw no rules, lexicons or code",
        "",
        "## Cross-validated metrics and thresholds",
        "",
        f"Grouped {settings['folds']}-fold cross-validation on the training data only (an authored file stays in one",
        f"fold). The threshold is the lowest out-of-fold score at which precision reaches {settings['target_precision']:.2f},",
        f"negatives weighted so that positives make at most {settings['max_positive_share']:.0%} of a signal's examples.",
        "",
        "| signal | turns | positives | threshold | CV precision | CV recall | target met |",
        "|---|---|---|---|---|---|---|",
    ]
    for signal, m in metrics.items():
        cells = [signal, m.examples, m.positives, f"{m.threshold:.4f}", f"{m.precision:.2f}", f"{m.recall:.2f}"]
        lines.append("| " + " | ".join(str(c) for c in cells) + f" | {'yes' if m.target_met else 'no'} |")
    lines += [
        "",
        "## Use and limits",
        "",
        "- In the learned layers of the scanner, a consumer turn read as `stop`, `attorney`, `dispute` or `channel`",
        "  (score at least its threshold and at least 0.5; a question is never an attorney statement) is a standing",
        "  request in the dialogue state, beside the dialogue lexicons' matches (the rules-only layer uses the",
        "  lexicons alone). Call outcomes use the thresholds above.",
        "- Written by authors, not transcribed from real calls; cross-validated figures are on text like the corpus.",
    ]
    path = model_path.with_name("MODEL_CARD.md")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class ConsumerReader:
    """Reads consumer turns with the shipped consumer-turn model."""

    def __init__(self, model: TurnModel) -> None:
        self.model = model

    @classmethod
    def load(cls, name: str = CONSUMER_MODEL, directory: Path = MODELS_DIR) -> ConsumerReader:
        return cls(load_model(name, directory))

    def scores(self, text: AnalyzedText, previous: AnalyzedText | None) -> dict[str, float]:
        return self.model.score(_view(text, previous))

    def scores_many(
        self, turns: list[tuple[AnalyzedText, AnalyzedText | None]], only: tuple[str, ...] | None = None
    ) -> list[dict[str, float]]:
        """:meth:`scores` of every ``(turn, turn before)``, computed together (``only``: just these signals)."""
        return self.model.score_many([_view(text, previous) for text, previous in turns], only)

    def signals(self, text: AnalyzedText, previous: AnalyzedText | None) -> set[str]:
        """The signals whose score reaches their threshold."""
        scores = self.scores(text, previous)
        return {signal for signal in scores if self.model.flagged(scores, signal)}

    def read(self, text: str, previous: str = "", language: str = "es") -> set[str]:
        """:meth:`signals` of raw text (for tools and tests)."""
        analyzer = analyzer_for(language)
        return self.signals(analyzer.analyze(text), analyzer.analyze(previous) if previous else None)


def _view(text: AnalyzedText, previous: AnalyzedText | None) -> TurnView:
    """A consumer's turn as the consumer-turn model sees it."""
    return TurnView(
        text=text,
        previous=previous,
        previous_speaker="agent" if previous is not None else "none",
        party="consumer",
        requests=frozenset(),
        channel="call",
        jurisdiction="US",
    )


def request_reader(name: str = CONSUMER_MODEL, directory: Path = MODELS_DIR) -> tuple[RequestReader, list[Path]]:
    """The dialogue's reading of consumer requests with the shipped model, and the files it depends on.

    A model that fails its card check raises :class:`~compliance_rules.learned.model.ModelError`, like the
    collector model: a learned layer never runs on an unchecked file.
    """
    reader = ConsumerReader.load(name, directory)
    thresholds = reader.model.thresholds

    floors = {s: max(thresholds[s], REQUEST_FLOOR) for s in REQUEST_SIGNALS if s in thresholds}

    def read(turns: list[tuple[AnalyzedText, AnalyzedText | None]]) -> list[frozenset[str]]:
        heard_all = []
        for (text, _), scores in zip(turns, reader.scores_many(turns, REQUEST_SIGNALS), strict=True):
            heard = {s for s, floor in floors.items() if scores.get(s, 0.0) >= floor}
            if text.is_question:
                heard.discard("attorney")  # "You're a lawyer?" asks about the collector; representation is stated
            heard_all.append(frozenset(heard))
        return heard_all

    path = reader.model.path
    return read, [path, path.with_name("MODEL_CARD.md")]
