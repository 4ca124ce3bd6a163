"""``qa transcribe``: recordings to Interactions (faster-whisper, offline)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from qa.domain import Interaction


def _expand(paths: list[Path], suffixes: tuple[str, ...], refused: list[Path] | None = None) -> list[Path]:
    """Files named, and recordings under folders named; a link under a folder that leads out of it goes to ``refused``."""
    from transcription.paths import inside

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes):
                if inside(p, path) is not None:
                    files.append(p)
                elif refused is not None and (p.is_symlink() or p.is_file()):
                    refused.append(p)
        else:
            files.append(path)
    return files


def _base_fields(path: Path, agent_id: str, started_at: str | None, jurisdiction: str | None) -> dict[str, object]:
    if started_at is None:
        try:
            when = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        except OSError:
            when = datetime.now().astimezone()
        started_at = when.isoformat(timespec="seconds")
    fields: dict[str, object] = {"id": path.stem, "channel": "call", "started_at": started_at, "agent_id": agent_id}
    if jurisdiction:
        fields["jurisdiction"] = jurisdiction
    return fields


def _print_readable(interaction: Interaction, note: str) -> None:
    typer.echo(f"# {interaction.id} ({interaction.language or '?'}) — {note}")
    for turn in interaction.turns or ():
        typer.echo(f"[{turn.start:7.2f}–{turn.end:7.2f}] {turn.speaker:8s} {turn.text}")
    typer.echo("")


def transcribe(
    audio: Annotated[list[Path], typer.Argument(help="Recordings or folders (wav, mp3, ogg/opus, m4a, flac) / grabaciones.")],
    channels: Annotated[
        str | None,
        typer.Option(help="Speaker per channel of stereo calls, e.g. agent,consumer; inferred when absent / hablante por canal."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One Interaction per line (JSONL) / una por línea.")] = False,
    model: Annotated[
        str | None,
        typer.Option(help="Whisper model directory (CTranslate2) or 'base' (embedded default) / carpeta del modelo."),
    ] = None,
    language: Annotated[str | None, typer.Option(help="es or en; detected per call when absent / detectado si falta.")] = None,
    agent_id: Annotated[str, typer.Option(help="agent_id written on the Interactions / agente de las llamadas.")] = "unknown",
    started_at: Annotated[
        str | None, typer.Option(help="ISO 8601 start with offset; default the file's modification time / inicio de la llamada.")
    ] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="Jurisdiction code, e.g. CO, US-CA / jurisdicción.")] = None,
    device: Annotated[str, typer.Option(help="cpu, cuda or auto. / Dispositivo: cpu, cuda o auto.")] = "cpu",
    vocabulary: Annotated[
        str,
        typer.Option(
            help="Collection vocabulary for the recogniser: auto (per language, as configured), on, prompt or off "
            "/ vocabulario de cobranza: auto, on, prompt u off."
        ),
    ] = "auto",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here, not stdout / archivo de salida.")] = None,
) -> None:
    """Transcribe call recordings into Interactions / Transcribe grabaciones de llamadas a Interactions.

    Stereo calls are transcribed per channel; card and ID numbers are masked before output.
    A corrupt, empty or unsupported file is reported and skipped. Nothing is downloaded.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from qa.cli_paths import require_paths
    from transcription import (
        AUDIO_SUFFIXES,
        ModelNotFoundError,
        TranscriptionError,
        TranscriptionOptions,
        parse_channels,
        to_interaction,
        transcribe_file,
    )
    from transcription.paths import REFUSED

    require_paths(audio, "recording", "grabación")
    err = Console(stderr=True, soft_wrap=True)
    try:
        options = TranscriptionOptions(
            model=model, language=language, channels=parse_channels(channels), device=device, vocabulary=vocabulary
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    refused: list[Path] = []
    files = _expand(audio, AUDIO_SUFFIXES, refused)
    for path in refused:
        err.print(f"[yellow]skipped / omitido:[/yellow] {path}: {REFUSED}", markup=True, highlight=False)
    if not files:
        err.print("[red]no recordings found / no se encontraron grabaciones[/red]")
        raise typer.Exit(2)

    out = output.open("w", encoding="utf-8") if output else sys.stdout
    failures = len(refused)
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True,
        disable=len(files) < 2,
    )  # fmt: skip
    try:
        with progress:
            task = progress.add_task("transcribing / transcribiendo", total=len(files))
            for path in files:
                progress.update(task, description=f"{path.name}")
                try:
                    result = transcribe_file(path, options)
                    interaction = to_interaction(result, _base_fields(path, agent_id, started_at, jurisdiction))
                except ModelNotFoundError as exc:
                    err.print(f"[red]error:[/red] {exc}")
                    raise typer.Exit(2) from None
                except (TranscriptionError, ValueError) as exc:
                    failures += 1
                    reason = getattr(exc, "reason", str(exc))
                    progress.console.print(f"[yellow]skipped / omitido:[/yellow] {path}: {reason}", markup=True, highlight=False)
                    continue
                finally:
                    progress.advance(task)
                if as_json:
                    record = interaction.model_dump(mode="json", exclude_none=True)
                    record["transcription"] = result.as_json()
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    out.flush()
                else:
                    if out is sys.stdout:
                        _print_readable(interaction, result.roles.note)
                    else:
                        out.write(interaction.model_dump_json(exclude_none=True) + "\n")
    finally:
        if output:
            out.close()
    if failures:
        total = len(files) + len(refused)
        err.print(f"{failures} of {total} recording(s) skipped / {failures} de {total} grabación(es) omitida(s)")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command(name="transcribe")(transcribe)
