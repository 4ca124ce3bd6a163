"""``qa train``: fit the learned layer on the training corpus (and analysts' reviews)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def train(
    corpus: Annotated[
        Path | None, typer.Option("--corpus", help="Corpus manifest (default: the bundled one). / Manifiesto del corpus.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the collector model's model.json and MODEL_CARD.md, the consumer model in its consumer_signals/ "
            "(default: the shipped models' folders). / Carpeta de salida.",
        ),
    ] = None,
    with_reviews: Annotated[
        str | None,
        typer.Option(
            "--with-reviews",
            help="Also learn from the confirmed / dismissed findings in this database URL. / Aprende también de las revisiones.",
        ),
    ] = None,
    only: Annotated[
        str,
        typer.Option(
            "--only",
            help="Train only this model: collector (turns judged for violations) or consumer (what the consumer says). "
            "/ Entrena solo este modelo: collector o consumer.",
        ),
    ] = "",
    seed: Annotated[int, typer.Option(help="Random seed. / Semilla.")] = 13,
    folds: Annotated[int, typer.Option(help="Cross-validation folds for the thresholds. / Pliegues de validación cruzada.")] = 5,
) -> None:
    """Train the per-family turn classifiers and write the model with its card. / Entrena el modelo aprendido."""
    from compliance_rules import Scanner
    from compliance_rules.learned.corpus import DEFAULT_MANIFEST, load_corpus
    from compliance_rules.learned.model import DEFAULT_MODEL, MODELS_DIR
    from compliance_rules.learned.train import Settings, write_card, write_model
    from compliance_rules.learned.train import train as fit

    manifest = corpus or DEFAULT_MANIFEST
    if not manifest.is_file():
        typer.echo(f"corpus manifest not found / no existe el manifiesto: {manifest}", err=True)
        raise typer.Exit(2)
    if folds < 2:
        typer.echo("--folds must be at least 2 / debe ser al menos 2", err=True)
        raise typer.Exit(2)
    if only not in ("", "collector", "consumer"):
        typer.echo("--only must be collector or consumer / debe ser collector o consumer", err=True)
        raise typer.Exit(2)
    if only != "collector":
        _train_consumer(manifest, out, seed, folds)
    if only == "consumer":
        return
    scanner = Scanner.load(layers="rules")
    data = load_corpus(manifest, scanner)
    for problem in data.problems[:20]:
        typer.echo(f"skipped / omitido: {problem}", err=True)
    if len(data.problems) > 20:
        typer.echo(f"... {len(data.problems) - 20} more / más", err=True)
    notes = ""
    if with_reviews:
        from qa.storage.engine import open_database
        from qa.workflow.review_labels import review_examples

        db = open_database(with_reviews, migrate=False)
        reviewed = review_examples(db, scanner)
        db.dispose()
        data.examples.extend(reviewed)
        notes = f"Also trained on {len(reviewed)} turns labelled by analysts' reviews in {db.url}."
        typer.echo(f"review decisions / decisiones de revisión: {len(reviewed)} turns")
    typer.echo(f"training on / entrenando con {len(data.examples)} turns, data {data.data_version}")
    document, metrics = fit(data, Settings(seed=seed, folds=folds))
    target = out or MODELS_DIR / DEFAULT_MODEL
    path = write_model(document, target)
    card = write_card(path, document, metrics, data, notes)
    typer.echo(f"{'family':<24} {'turns':>6} {'pos':>5} {'thr':>6} {'CV P':>5} {'CV R':>5}")
    for family, m in metrics.items():
        flag = "" if m.target_met else "  (precision target not met / meta de precisión no alcanzada)"
        typer.echo(
            f"{family:<24} {m.examples:>6} {m.positives:>5} {m.threshold:>6.3f} {m.precision:>5.2f} {m.recall:>5.2f}{flag}"
        )
    typer.echo(f"model / modelo {document['version']}: {path} ; card / ficha: {card}")


def _train_consumer(manifest: Path, out: Path | None, seed: int, folds: int) -> None:
    from compliance_rules.learned.consumer import (
        CONSUMER_MODEL,
        consumer_settings,
        load_consumer_corpus,
        train_consumer,
        write_consumer_card,
    )
    from compliance_rules.learned.model import MODELS_DIR
    from compliance_rules.learned.train import write_model

    data = load_consumer_corpus(manifest)
    for problem in data.problems[:20]:
        typer.echo(f"skipped / omitido: {problem}", err=True)
    if not data.examples:
        typer.echo("no consumer turns in the corpus: consumer model not trained / el corpus no tiene turnos del consumidor")
        return
    typer.echo(f"consumer turns / turnos del consumidor: {len(data.examples)}, data {data.data_version}")
    document, metrics = train_consumer(data, consumer_settings(seed, folds))
    path = write_model(document, (out / CONSUMER_MODEL) if out else MODELS_DIR / CONSUMER_MODEL)
    card = write_consumer_card(path, document, metrics, data)
    typer.echo(f"{'signal':<24} {'turns':>6} {'pos':>5} {'thr':>6} {'CV P':>5} {'CV R':>5}")
    for signal, m in metrics.items():
        typer.echo(f"{signal:<24} {m.examples:>6} {m.positives:>5} {m.threshold:>6.3f} {m.precision:>5.2f} {m.recall:>5.2f}")
    typer.echo(f"model / modelo {document['version']}: {path} ; card / ficha: {card}")


def register(app: typer.Typer) -> None:
    app.command("train")(train)
