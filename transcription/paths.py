"""Where recordings may come from: confinement of audio paths to configured roots.

A recording named by a record (``"audio"``) or a manifest row (``file``) is accepted only when,
after resolving it relative to the file that names it (never the process's working directory)
and following every symbolic link, it is a regular, readable file inside one of the allowed
roots:

* the input folder of the ingest or scan (a folder argument itself; for a file argument, its folder);
* the media root(s) configured in ``QA_MEDIA_ROOT`` (several separated by ``os.pathsep``).

Every refused path gets the same message, :data:`REFUSED`, whatever the cause (outside the
roots, ``..`` escape, a link pointing outside, missing, a folder, unreadable, a device), so an
uploader cannot learn which files exist on the server. A file outside the roots is never
opened. Decoding problems of an accepted file (truncated, no audio stream...) are reported
with their own reason by :mod:`transcription.audio`: those files are the uploader's own.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from transcription.errors import AudioError

MEDIA_ROOT_ENV = "QA_MEDIA_ROOT"

#: The one message for every refused recording path (English / Spanish).
REFUSED = (
    "recording refused: not a readable recording inside the input folder or the configured media root / "
    "grabación rechazada: no es una grabación legible dentro de la carpeta de entrada o de la raíz de medios configurada"
)


class RecordingRefused(AudioError):
    """A recording path outside the allowed roots, or not a readable regular file there."""

    def __init__(self, shown: str = "recording") -> None:
        super().__init__(shown, REFUSED)


def configured_media_roots() -> list[Path]:
    """Return the media roots configured in ``QA_MEDIA_ROOT`` that exist (resolved)."""
    raw = os.environ.get(MEDIA_ROOT_ENV) or ""
    roots = []
    for part in raw.split(os.pathsep):
        part = part.strip()
        if not part:
            continue
        try:
            roots.append(Path(part).expanduser().resolve(strict=True))
        except (OSError, RuntimeError):
            continue
    return roots


def input_roots(paths: Iterable[Path]) -> list[Path]:
    """Return the allowed roots for an ingest or scan of ``paths``: each folder argument, or a file argument's folder."""
    roots: list[Path] = []
    for path in paths:
        try:
            resolved = Path(path).resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        root = resolved if resolved.is_dir() else resolved.parent
        if root not in roots:
            roots.append(root)
    return roots


def allowed_roots(inputs: Sequence[Path] | None, referencing_file: str | Path) -> list[Path]:
    """Roots for a recording named in ``referencing_file``: the inputs' folders (or that file's folder), the media roots."""
    roots = input_roots(inputs) if inputs else input_roots([Path(referencing_file)])
    return [*roots, *(r for r in configured_media_roots() if r not in roots)]


def confine(raw: str | None, referencing_file: str | Path, roots: Sequence[Path]) -> Path:
    """Return the resolved recording ``raw`` names, or raise :class:`RecordingRefused`.

    ``raw`` is taken relative to the folder of ``referencing_file`` unless absolute. The path is
    resolved with every link followed, then must lie inside one of ``roots`` (already resolved)
    and be a readable regular file.
    """
    if not raw or "\x00" in raw or not roots:
        raise RecordingRefused()
    try:
        candidate = Path(raw)  # no "~" expansion: the name is taken literally
        if not candidate.is_absolute():
            candidate = Path(referencing_file).resolve().parent / candidate
        resolved = candidate.resolve(strict=True)
        if not any(resolved.is_relative_to(root) for root in roots):
            raise RecordingRefused()
        info = resolved.stat()
    except (OSError, RuntimeError, ValueError):
        raise RecordingRefused() from None
    if not stat.S_ISREG(info.st_mode) or not os.access(resolved, os.R_OK):
        raise RecordingRefused()
    return resolved


def inside(path: str | Path | None, root: Path) -> Path | None:
    """Return ``path`` resolved (links followed) when it is a regular file inside ``root``; else ``None``."""
    if not path or "\x00" in str(path):
        return None
    try:
        resolved = Path(path).resolve(strict=True)
        base = root.resolve(strict=True)
        if not resolved.is_relative_to(base) or not stat.S_ISREG(resolved.stat().st_mode):
            return None
    except (OSError, RuntimeError, ValueError):
        return None
    return resolved
