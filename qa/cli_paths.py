"""Input paths given on the command line: a missing one stops the command before any work, with exit code 2."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import typer

EXIT_MISSING_PATH = 2


def require_paths(paths: Iterable[Path | str], what: str = "input", que: str = "entrada") -> list[Path]:
    """Return the paths as ``Path`` objects; exit 2 naming every one that does not exist.

    The message is bilingual and names each missing path; nothing has been read or written when it is shown.
    """
    given = [Path(p) for p in paths]
    missing = [p for p in given if not p.exists()]
    for path in missing:
        typer.echo(f"error: {what} not found / no existe la {que}: {path}", err=True)
    if missing:
        typer.echo(
            f"{len(missing)} of {len(given)} paths missing; nothing was done / "
            f"faltan {len(missing)} de {len(given)} rutas; no se hizo nada.",
            err=True,
        )
        raise typer.Exit(EXIT_MISSING_PATH)
    return given
