"""Files uploaded through the dashboards: saved under the data directory, one folder per upload, then ingested."""

from __future__ import annotations

import re
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


def save_uploads(files: list[tuple[str, bytes]], root: Path | None = None) -> tuple[Path, list[Path]]:
    """Write ``(name, bytes)`` pairs into a new folder; return it and the files to ingest (recordings ride along)."""
    folder = (root or data_dir() / "uploads") / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    folder.mkdir(parents=True, exist_ok=False)
    to_ingest = []
    for name, content in files:
        path = folder / safe_name(name)
        path.write_bytes(content)
        if path.suffix.lower() in INGESTABLE:
            to_ingest.append(path)
    return folder, to_ingest
