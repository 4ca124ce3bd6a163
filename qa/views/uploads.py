"""Files uploaded through the dashboards: saved under the data directory, one folder per upload, then ingested."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from qa.storage.config import data_dir

INGESTABLE = (".json", ".jsonl", ".csv")
AUDIO = (".wav", ".mp3", ".ogg", ".opus", ".flac", ".m4a", ".aac", ".webm")


def safe_name(name: str) -> str:
    """Return a file name without folders or characters that would escape the upload folder."""
    base = Path(name).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")
    return cleaned or "upload"


def unique_name(name: str, taken: set[str]) -> str:
    """Return ``safe_name(name)``, suffixed ``-2``, ``-3``... when that name (ignoring case) is in ``taken``; add it."""
    cleaned = safe_name(name)
    stem, dot, suffix = cleaned.rpartition(".") if "." in cleaned else (cleaned, "", "")
    candidate, n = cleaned, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}{dot}{suffix}"
    taken.add(candidate.lower())
    return candidate


def save_uploads(files: list[tuple[str, bytes]], root: Path | None = None) -> tuple[Path, list[Path]]:
    """Write ``(name, bytes)`` pairs into a new folder; return it and the files to ingest (recordings ride along).

    Every upload gets its own folder (time plus a random part, created exclusively), and names that
    sanitise to the same file (``a b.json`` and ``a_b.json``, or differ only in case) get ``-2``, ``-3``...
    so no upload ever overwrites another.
    """
    base = root or data_dir() / "uploads"
    base.mkdir(parents=True, exist_ok=True)
    folder = base / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(4)}"
    folder.mkdir(exist_ok=False)
    to_ingest = []
    taken: set[str] = set()
    for name, content in files:
        path = folder / unique_name(name, taken)
        with path.open("xb") as handle:  # never overwrite
            handle.write(content)
        if path.suffix.lower() in INGESTABLE:
            to_ingest.append(path)
    return folder, to_ingest
