"""``qa outcomes``: what each contact achieved (whom it reached, promise to pay, refusal, dispute, callback, hardship)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def outcomes(
    paths: Annotated[list[Path], typer.Argument(help="Interaction files or folders. / Archivos o carpetas de interacciones.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="One Outcome per line, as JSON. / Un resultado por línea, en JSON.")
    ] = False,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--eval",
            help="Score against the files' expected_outcome (labelled outcome sets). / Compara con expected_outcome.",
        ),
    ] = False,
    show_errors: Annotated[
        bool, typer.Option("--show-errors", help="With --eval, list the interactions each field got wrong. / Lista errores.")
    ] = False,
) -> None:
    """One Outcome per interaction (spec: Outcome). / Un resultado por interacción."""
    from compliance_rules import Scanner
    from compliance_rules.learned.consumer import ConsumerReader
    from compliance_rules.outcomes.extract import extract_outcome
    from compliance_rules.outcomes.scoring import as_json as outcome_json
    from qa.cli_paths import require_paths
    from qa.readers import read_paths

    require_paths(paths)
    result = read_paths(paths)
    for error in result.errors:
        typer.echo(f"skipped / omitido: {error}", err=True)
    scanner = Scanner.load(layers="combined")
    reader = ConsumerReader.load()
    interactions = [r.interaction for r in result.records if r.interaction.turns]
    found = {}
    for ctx in scanner.contexts(interactions):
        found[ctx.interaction.id] = extract_outcome(ctx, reader, scanner.lexicons)
    if evaluate:
        _print_scores(result.records, found, show_errors)
        return
    for record in result.records:
        outcome = found.get(record.interaction.id)
        if outcome is None:
            typer.echo(
                f"skipped / omitido: {record.file}:{record.line}: {record.interaction.id}: no turns / sin turnos", err=True
            )
            continue
        if as_json:
            typer.echo(json.dumps(outcome_json(outcome), ensure_ascii=False))
        else:
            promise = outcome.promise_to_pay
            said = ", ".join(name for name in ("refusal", "dispute", "hardship") if getattr(outcome, name))
            typer.echo(
                f"{outcome.interaction_id:<16} {outcome.contact:<12} "
                + (f"promise {promise.amount} {promise.currency} {promise.due_date}" if promise else "no promise")
                + (f"  callback {outcome.callback_at.isoformat()}" if outcome.callback_at else "")
                + (f"  [{said}]" if said else "")
            )


def _print_scores(records: list, found: dict, show_errors: bool) -> None:
    from compliance_rules.outcomes.scoring import FLAGS, parse_expected, score

    expected = {}
    for record in records:
        gold = parse_expected(record.raw.get("expected_outcome"))
        if isinstance(gold, str):
            typer.echo(f"skipped / omitido: {record.file}:{record.line}: {record.interaction.id}: {gold}", err=True)
            continue
        expected[record.interaction.id] = gold
    s = score(expected, found)
    typer.echo(f"interactions / interacciones: {s.interactions}")
    typer.echo(f"contact accuracy / exactitud del contacto: {s.contact_accuracy:.2f}")
    p = s.promise
    typer.echo(f"promise to pay / promesa de pago: P {p.precision:.2f} R {p.recall:.2f} F1 {p.f1:.2f} (gold {p.gold})")
    typer.echo(
        f"  of true promises / de las promesas reales: amount exact {s.share(s.amount_exact):.2f}, "
        f"due date exact {s.share(s.date_exact):.2f}, both {s.share(s.both_exact):.2f}"
    )
    for name in FLAGS:
        c = s.flags[name]
        typer.echo(f"{name:<9} P {c.precision:.2f} R {c.recall:.2f} F1 {c.f1:.2f} (gold {c.gold})")
    if show_errors:
        for field_name, items in s.errors.items():
            typer.echo(f"{field_name}: " + "; ".join(items))


def register(app: typer.Typer) -> None:
    app.command("outcomes")(outcomes)
