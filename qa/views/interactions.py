"""Helpers for showing one interaction: its playable recording (scoped) and transcript highlighting.

The interaction itself, its findings with review state and its masked transcript come from
:mod:`qa.workflow.interactions`, which applies access control.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.views.scope import Scope


def recording(session: Session, scope: Scope, interaction_id: int) -> Path | None:
    """Return the interaction's masked recording when the viewer may see the interaction; else None.

    Only a masked copy inside the media store is ever returned (``transcription.masking``): never
    the original, never a path taken from a record.
    """
    row = session.get(m.Interaction, interaction_id)
    if row is None or not row.audio_path or not scope.allows(row.agent_id, row.team_id):
        return None
    from transcription.masking import stored_masked

    return stored_masked(row.audio_path)


def highlight_segments(text: str, spans: list[tuple[int, int, Any]]) -> list[tuple[str, Any]]:
    """Split ``text`` into (piece, tag) segments: tag None for plain text, the span's tag inside a span.

    Overlapping spans are merged into the one that starts first; spans past the text are clipped.
    """
    out: list[tuple[str, Any]] = []
    cursor = 0
    for start, end, tag in sorted(spans, key=lambda s: (s[0], -s[1])):
        start, end = max(start, cursor), min(end, len(text))
        if end <= start:
            continue
        if start > cursor:
            out.append((text[cursor:start], None))
        out.append((text[start:end], tag))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], None))
    return out
