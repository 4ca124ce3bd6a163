"""``qa scan``, ``qa eval`` and ``qa rules``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from qa.domain import SCORED_FAMILIES, Finding, Interaction
from qa.readers import ReadError, Record, expected_entries, read_paths


def _report_errors(errors: list[ReadError]) -> None:
    for error in errors:
        typer.echo(f"skipped / omitido: {error}", err=True)


def _load_scanner(default_jurisdiction: str, layers: str = "combined"):  # noqa: ANN202 - imported lazily to keep --help fast
    from compliance_rules import RuleError, Scanner
    from compliance_rules.lexicon import LexiconError

    try:
        return Scanner.load(default_jurisdiction=default_jurisdiction, layers=layers)
    except (RuleError, LexiconError) as exc:
        typer.echo(f"rule pack error / error en las reglas: {exc}", err=True)
        raise typer.Exit(2) from None


def resolve_audio(records: list[Record]) -> tuple[list[Interaction], list[ReadError]]:
    """Interactions ready to scan; records with ``audio`` are transcribed first."""
    if all(r.interaction.turns is not None for r in records):
        return [r.interaction for r in records], []
    from transcription import ModelNotFoundError, TranscriptionOptions, resolve_audio_records

    def progress(done: int, total: int, file: str) -> None:
        typer.echo(f"transcribed / transcrito {done}/{total}: {file}", err=True)

    try:
        interactions, errors = resolve_audio_records(records, TranscriptionOptions(), progress)
    except ModelNotFoundError as exc:
        pending = [r for r in records if r.interaction.turns is None]
        failed = [ReadError(r.file, r.line, f"cannot transcribe: {exc}", r.interaction.id) for r in pending]
        return [r.interaction for r in records if r.interaction.turns is not None], failed
    return interactions, list(errors)


def _format_time(finding: Finding) -> str:
    if finding.start is None:
        return ""
    minutes, seconds = divmod(finding.start, 60)
    return f"{int(minutes):02d}:{seconds:04.1f}"


def _print_table(findings: list[Finding], header: bool = True) -> None:
    if not findings:
        typer.echo("No findings. / Sin hallazgos.")
        return
    if header:
        title = f"{'interaction':<14} {'rule':<44} {'family':<22} {'sev':<8} {'turn':>4} {'at':>7}  evidence"
        typer.echo(title)
        typer.echo("-" * len(title))
    for f in findings:
        turn = "" if f.turn is None else str(f.turn)
        evidence = f.evidence if len(f.evidence) <= 70 else f.evidence[:67] + "..."
        where = f"{turn:>4} {_format_time(f):>7}"
        typer.echo(f"{f.interaction_id:<14} {f.rule_id:<44} {f.family.value:<22} {f.severity:<8} {where}  {evidence}")


def scan(
    paths: Annotated[
        list[Path], typer.Argument(help="Interaction files or folders (.json, .jsonl, .csv) / Archivos o carpetas.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One Finding per line (JSON). / Un hallazgo por línea (JSON).")] = False,
    default_jurisdiction: Annotated[
        str, typer.Option(help="Jurisdiction for records without one. / Jurisdicción de los registros sin ella.")
    ] = "US",
    strict: Annotated[
        bool, typer.Option(help="Exit 1 if any record could not be read. / Sale con 1 si algún registro no se pudo leer.")
    ] = False,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Progress bar on a terminal / Barra de progreso en una terminal.")
    ] = True,
) -> None:
    """Scan interactions for breaches of collection law. / Revisa interacciones contra las normas de cobranza."""
    from qa.cli_paths import require_paths

    require_paths(paths)
    # Read, scan and print a window at a time, with each account's recent contacts and standing facts
    # carried between windows (qa.ingest.scanning): memory does not grow with the input.
    from qa.ingest.scanning import StreamingScan
    from qa.ingest.stream import Progress, count_lines
    from qa.readers import iter_input_files
    from qa.storage.account_state import window_days

    scanner = _load_scanner(default_jurisdiction)
    shown = {"header": False}

    def emit(findings: list[Finding]) -> None:
        if as_json:
            for finding in findings:
                sys.stdout.write(finding.model_dump_json() + "\n")
        elif findings:
            _print_table(findings, header=not shown["header"])
            shown["header"] = True

    with Progress("scan", count_lines(list(iter_input_files(paths))), progress) as bar:
        totals = StreamingScan(scanner, window_days(scanner)).run(paths, resolve_audio, emit, _report_errors, bar)
    if not as_json and not shown["header"]:
        _print_table([])
    typer.echo(
        f"{totals.scanned} scanned / revisadas, {totals.findings} findings / hallazgos, {totals.errors} skipped / omitidas",
        err=True,
    )
    if strict and totals.errors:
        raise typer.Exit(1)


def _cell(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


LAYER_CHOICES = ("rules", "model", "combined", "all")


def evaluate(
    labelled: Annotated[
        list[Path], typer.Argument(help="Labelled sets (.jsonl with 'expected'), scored as one batch. / Conjuntos etiquetados.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON. / Resultados en JSON.")] = False,
    show_errors: Annotated[
        bool,
        typer.Option(
            "--show-errors", help="List missed and false-alarm interactions per family. / Lista omisiones y falsas alarmas"
        ),
    ] = False,
    layers: Annotated[
        str,
        typer.Option(
            "--layers",
            help="rules (hand-written rules only), model (learned layer only), combined (both, as scanned), or all three. "
            "/ reglas, modelo, combinado o los tres.",
        ),
    ] = "combined",
) -> None:
    """Precision, recall and F1 per family on a labelled set. / Precisión y exhaustividad por familia."""
    if layers not in LAYER_CHOICES:
        typer.echo(f"--layers must be one of / debe ser uno de {', '.join(LAYER_CHOICES)}", err=True)
        raise typer.Exit(2)
    from qa.cli_paths import require_paths

    require_paths(labelled, "labelled set", "entrada etiquetada")
    result = read_paths(labelled)
    _report_errors(result.errors)
    expected = {}
    for record in result.records:
        entries = expected_entries(record)
        if isinstance(entries, ReadError):
            _report_errors([entries])
            continue
        expected[record.interaction.id] = entries
    interactions = [r.interaction for r in result.records if r.interaction.id in expected]
    chosen = ("rules", "model", "combined") if layers == "all" else (layers,)
    payloads = {}
    for layer in chosen:
        if len(chosen) > 1 and not as_json:
            typer.echo(f"\n== {layer} ==")
        payloads[layer] = _evaluate_layer(expected, interactions, layer, as_json, show_errors)
    if as_json:
        typer.echo(json.dumps(payloads[chosen[0]] if len(chosen) == 1 else payloads, indent=2))


def _evaluate_layer(expected: dict, interactions: list[Interaction], layer: str, as_json: bool, show_errors: bool) -> dict:
    from qa.evaluation import evaluate as run_evaluation

    scanner = _load_scanner("US", layer)
    findings = scanner.scan(interactions)
    ev = run_evaluation(expected, findings)
    payload: dict = {}
    if as_json:
        payload = {
            family.value: {
                level: {
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "hits": s.hits,
                    "predicted": s.predicted,
                    "gold": s.gold,
                }
                for level, s in (("interaction", ev.interaction[family]), ("turn", ev.turn[family]))
            }
            for family in SCORED_FAMILIES
        }
        payload["compliant"] = {"total": ev.compliant_total, "flagged": len(ev.compliant_flagged)}
        return payload
    typer.echo(f"{'family':<24} {'int P':>6} {'int R':>6} {'int F1':>6}   {'turn P':>6} {'turn R':>6} {'turn F1':>7}   gold")
    for family in SCORED_FAMILIES:
        i, t = ev.interaction[family], ev.turn[family]
        typer.echo(
            f"{family.value:<24} {_cell(i.precision):>6} {_cell(i.recall):>6} {_cell(i.f1):>6}   "
            f"{_cell(t.precision):>6} {_cell(t.recall):>6} {_cell(t.f1):>7}   {i.gold}"
        )
    flagged = ev.compliant_flagged
    total_findings = sum(len(v) for v in flagged.values())
    share = len(flagged) / ev.compliant_total if ev.compliant_total else 0.0
    typer.echo(
        f"\nCompliant interactions / interacciones conformes: {ev.compliant_total}; "
        f"flagged / con hallazgos: {len(flagged)} ({share:.1%}, {total_findings} findings)"
    )
    for iid, items in sorted(flagged.items()):
        typer.echo(f"  {iid}: " + ", ".join(f"{f.rule_id}@{f.turn}" for f in items))
    if show_errors:
        for family in SCORED_FAMILIES:
            if ev.misses[family] or ev.false_alarms[family]:
                typer.echo(f"{family.value}: missed {ev.misses[family]} false alarms {ev.false_alarms[family]}")
    return payload


def rules(
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", "-j", help="Only this pack (e.g. CO, US, US-MA). / Solo este paquete.")
    ] = None,
    language: Annotated[str, typer.Option(help="Language of the titles: es or en / Idioma de los títulos.")] = "es",
) -> None:
    """List the rules with their citations. / Lista las reglas con sus citas legales."""
    scanner = _load_scanner("US")
    for rule in sorted(scanner.rules, key=lambda r: (r.jurisdiction, r.id)):
        if jurisdiction and rule.jurisdiction != jurisdiction.upper():
            continue
        title = rule.title.es if language == "es" else rule.title.en
        typer.echo(f"{rule.id}  [{rule.jurisdiction}] {rule.family.value} / {rule.severity} / {rule.status}")
        typer.echo(f"    {title}")
        typer.echo(f"    {rule.citation}")


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
    app.command("eval")(evaluate)
    app.command("rules")(rules)
