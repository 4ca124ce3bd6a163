"""Helpers for showing one interaction: its playable recording (scoped) and transcript highlighting.

The interaction itself, its findings with review state and its masked transcript come from
:mod:`qa.workflow.interactions`, which applies access control.
"""

from __future__ import annotations

from datetime import UTC, datetime
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
    if row is None or not row.audio_path or not scope.sees(session, row.agent_id, row.team_id):
        return None
    from transcription.masking import stored_masked

    return stored_masked(row.audio_path)


def consumer_time(session: Session, scope: Scope, interaction_id: int) -> tuple[datetime, str] | None:
    """The interaction's start in the consumer's local time (aware) and the zone's IANA name, or None out of scope.

    The zone is the record's ``consumer_timezone``, else the one its phone number implies
    (``qa.workflow.cases.consumer_zone``), else UTC.
    """
    row = session.get(m.Interaction, interaction_id)
    if row is None or not scope.sees(session, row.agent_id, row.team_id):
        return None
    from qa.workflow.cases import consumer_zone

    zone = consumer_zone(row)
    started = row.started_at if row.started_at.tzinfo is not None else row.started_at.replace(tzinfo=UTC)
    return (started.astimezone(zone), str(zone)) if zone is not None else (started, "UTC")


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
