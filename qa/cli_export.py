"""``qa case ...`` and ``qa export case/verify``: complaint cases, legal hold and evidence exports."""

from __future__ import annotations

from pathlib import Path

import typer

from qa.workflow.cli_support import DB_OPTION, USER_OPTION, sign_in, workflow_session

case_app = typer.Typer(help="Complaint cases / Casos de reclamación.", no_args_is_help=True)
export_app = typer.Typer(help="Evidence exports / Exportación de evidencias.", no_args_is_help=True)


@case_app.command("open")
def case_open(
    title: str = typer.Argument(..., help="Case title / Título del caso."),
    account: str = typer.Option(None, "--account", help="Account code: all its interactions / Cuenta."),
    phone: str = typer.Option(None, "--phone", help="Consumer phone: all its interactions / Teléfono."),
    hold: bool = typer.Option(False, "--hold", help="Place a legal hold / Aplica retención legal."),
    user: str = USER_OPTION,
    database_url: str = DB_OPTION,
) -> None:
    """Open a case with an account's (or phone's) interactions / Abre un caso."""
    from qa.workflow.cases import open_case

    with workflow_session(database_url) as s:
        case = open_case(s, sign_in(s, user), title, account=account, phone=phone, legal_hold=hold)
    typer.echo(
        f"case / caso {case.id}: {len(case.interaction_ids)} interactions / interacciones, hold / retención: {case.legal_hold}"
    )


@case_app.command("hold")
def case_hold(
    case_id: int = typer.Argument(..., help="Case number / Número del caso."),
    reason: str = typer.Option(..., "--reason", help="Why / Motivo."),
    release: bool = typer.Option(False, "--release", help="Release the hold / Levanta la retención."),
    user: str = USER_OPTION,
    database_url: str = DB_OPTION,
) -> None:
    """Place or release a legal hold / Aplica o levanta la retención legal."""
    from qa.workflow.cases import set_legal_hold

    with workflow_session(database_url) as s:
        case = set_legal_hold(s, sign_in(s, user), case_id, not release, reason=reason)
    typer.echo(f"case / caso {case.id}: legal hold / retención legal = {case.legal_hold}")


@case_app.command("close")
def case_close(
    case_id: int = typer.Argument(..., help="Case number / Número del caso."),
    reason: str = typer.Option(..., "--reason", help="Why / Motivo."),
    user: str = USER_OPTION,
    database_url: str = DB_OPTION,
) -> None:
    """Close a case (audited; a legal hold stays until released) / Cierra un caso."""
    from qa.workflow.cases import close_case

    with workflow_session(database_url) as s:
        case = close_case(s, sign_in(s, user), case_id, reason=reason)
    typer.echo(f"case / caso {case.id}: {case.status}")


@case_app.command("timeline")
def case_timeline_cmd(
    case_id: int = typer.Argument(..., help="Case number / Número del caso."),
    user: str = USER_OPTION,
    database_url: str = DB_OPTION,
) -> None:
    """Show the contact timeline in the consumer's local time / Cronología de contactos."""
    from qa.workflow.cases import case_timeline

    with workflow_session(database_url) as s:
        timeline = case_timeline(s, sign_in(s, user), case_id)
    for t in timeline:
        flags = "; ".join(f"{f['rule_id']} ({f['family']})" for f in t.findings)
        local = t.consumer_local_time.strftime("%Y-%m-%d %H:%M")
        typer.echo(f"{local} {t.consumer_timezone:<20} {t.source_id:<16} {t.channel}/{t.direction} {t.agent or '-'} {flags}")


@export_app.command("case")
def export_case_cmd(
    case_id: int = typer.Argument(..., help="Case number / Número del caso."),
    out: str = typer.Option(".", "--out", "-o", help="ZIP file or folder / Archivo ZIP o carpeta."),
    user: str = USER_OPTION,
    database_url: str = DB_OPTION,
) -> None:
    """Write the case's evidence ZIP with a SHA-256 manifest / Exporta el caso."""
    from qa.workflow.export import export_case

    with workflow_session(database_url) as s:
        result = export_case(s, sign_in(s, user), case_id, Path(out))
    typer.echo(f"{result.path}: {result.files} files / archivos, manifest SHA-256 {result.manifest_sha256}")


@export_app.command("verify")
def export_verify_cmd(
    zip_path: str = typer.Argument(..., help="The export ZIP / El ZIP exportado."),
    offline: bool = typer.Option(False, "--offline", help="Skip the audit-log check / Sin comprobar el registro."),
    database_url: str = DB_OPTION,
) -> None:
    """Check every file against the manifest (and the manifest against the audit log); exit 1 on tampering.

    Comprueba cada archivo contra el manifiesto (y este contra la auditoría); sale con 1 si hubo alteración.
    """
    from qa.cli_paths import require_paths
    from qa.workflow.export import verify_export

    require_paths([zip_path], "export ZIP", "exportación ZIP")
    if offline:
        result = verify_export(Path(zip_path))
    else:
        with workflow_session(database_url) as s:
            result = verify_export(Path(zip_path), s)
    for problem in result.problems:
        typer.echo(f"FAIL: {problem}", err=True)
    anchor = {True: "anchored in the audit log / registrado en auditoría", False: "not in the audit log", None: "offline"}
    typer.echo(f"{'OK' if result.ok else 'FAILED / FALLÓ'}: {result.files} files / archivos; {anchor[result.anchored]}")
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(case_app, name="case")
    app.add_typer(export_app, name="export")
