"""``qa recording original``: copy out an unmasked original recording (explicit grant, audited)."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer

from qa.workflow.cli_support import DB_OPTION, USER_OPTION, sign_in, workflow_session

recording_app = typer.Typer(help="Call recordings / Grabaciones de llamadas.", no_args_is_help=True)


@recording_app.command("original")
def original(
    interaction: str = typer.Argument(..., help="Interaction id (source id) / Id de la interacción."),
    reason: str = typer.Option(..., "--reason", help="Why the unmasked audio is needed / Motivo."),
    out: str = typer.Option(..., "--out", "-o", help="File to write (must not exist) / Archivo de salida (no debe existir)."),
    user: str = USER_OPTION,
    database_url: str = DB_OPTION,
) -> None:
    """Copy the unmasked original of a call, when kept (needs QA_UNREDACTED_AUDIO_USERS; audited).

    Copia el original sin enmascarar de una llamada, si se conserva (requiere QA_UNREDACTED_AUDIO_USERS; auditado).
    """
    from sqlalchemy import select

    from qa.storage import models as m
    from qa.workflow.recordings import original_recording

    target = Path(out)
    if target.exists():
        raise typer.BadParameter(f"{target} already exists / ya existe")
    with workflow_session(database_url) as s:
        who = sign_in(s, user)
        pk = s.scalar(select(m.Interaction.id).where(m.Interaction.source_id == interaction))
        if pk is None:
            typer.echo(f"error: interaction {interaction} not found / interacción no encontrada", err=True)
            raise typer.Exit(2)
        source = original_recording(s, who, pk, reason=reason)
        with source.open("rb") as src, target.open("xb") as dst:
            shutil.copyfileobj(src, dst)
    typer.echo(f"{target}: original of / original de {interaction} (access audited / acceso auditado)")


@recording_app.command("mask-stored")
def mask_stored_cmd(
    roots: list[Path] = typer.Option(..., "--root", help="Folder the stored recordings may be read from / Carpeta permitida."),  # noqa: B008
    database_url: str = DB_OPTION,
) -> None:
    """Write masked copies for calls stored before masked audio existed (admin operator) / Enmascara grabaciones antiguas."""
    from qa.workflow.cli_support import operator
    from qa.workflow.recordings import mask_stored

    with workflow_session(database_url) as s:
        result = mask_stored(s, operator(), roots)
    typer.echo(
        f"masked / enmascaradas: {len(result.masked)}; refused / rechazadas: {len(result.refused)}; "
        f"without word times, left unplayable / sin tiempos por palabra, no reproducibles: {len(result.unmaskable)}"
    )
    for source_id in result.refused:
        typer.echo(f"  refused / rechazada: {source_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(recording_app, name="recording")
