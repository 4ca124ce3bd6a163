"""Recordings: the masked copy for everyone in scope; the unmasked original only with an explicit, audited grant.

Every role hears only the masked copy (:func:`masked_recording`), in which each redacted span is
a tone (``transcription.masking``). The original is kept only when ``QA_KEEP_ORIGINAL_AUDIO`` is
set, and is readable only by users named in ``QA_UNREDACTED_AUDIO_USERS`` (comma-separated user
names, set by whoever deploys the service): no role holds this right by default, not even legal
or admin, and it cannot be granted from the pages. Each read of an original is written to the
audit log with the stated reason and the file's SHA-256.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.workflow import audit
from qa.workflow.access import Principal, Right, require, require_interaction
from qa.workflow.errors import InvalidRequest, NotFound, PermissionDenied
from transcription.masking import mask_margin, recording_key, spans_from, store_masked, stored_masked, stored_original

UNREDACTED_AUDIO_USERS_ENV = "QA_UNREDACTED_AUDIO_USERS"
#: The name of the explicit right, as written in the audit log.
UNREDACTED_AUDIO = "unredacted_audio"


def unredacted_audio_users() -> frozenset[str]:
    raw = os.environ.get(UNREDACTED_AUDIO_USERS_ENV) or ""
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


def may_hear_original(principal: Principal) -> bool:
    """Whether the principal holds the explicit unredacted-audio grant (never implied by a role)."""
    return principal.user_id is not None and principal.username in unredacted_audio_users()


def masked_recording(session: Session, principal: Principal, interaction_id: int) -> Path | None:
    """Return the masked copy of an interaction the principal may see, or None when it has none."""
    row = require_interaction(session, principal, interaction_id)
    return stored_masked(row.audio_path)


def original_recording(session: Session, principal: Principal, interaction_id: int, *, reason: str) -> Path:
    """Return the kept unmasked original; requires the explicit grant and a reason; each access is audited."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise InvalidRequest("give the reason for hearing the original (at least 5 characters) / indique el motivo")
    row = require_interaction(session, principal, interaction_id)
    if not may_hear_original(principal):
        raise PermissionDenied(
            f"{principal.username} lacks the explicit right '{UNREDACTED_AUDIO}' to hear unmasked recordings / "
            f"{principal.username} no tiene el permiso explícito '{UNREDACTED_AUDIO}' para oír grabaciones sin enmascarar"
        )
    path = stored_original(row.original_audio_path)
    if path is None:
        raise NotFound(
            f"no original recording is kept for {row.source_id} / no se conserva la grabación original de {row.source_id}"
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    audit.record(session, principal, "recording.original_access", "interaction", row.id,
                 {"source_id": row.source_id, "reason": reason[:500], "sha256": digest})  # fmt: skip
    return path


@dataclass
class MaskStoredResult:
    masked: list[str] = field(default_factory=list)  # source ids given a masked copy
    refused: list[str] = field(default_factory=list)  # recording outside the roots, missing or undecodable
    unmaskable: list[str] = field(default_factory=list)  # turns supplied with the record: no word timestamps


def mask_stored(session: Session, principal: Principal, roots: list[Path], *, limit: int | None = None) -> MaskStoredResult:
    """Give interactions stored before masked audio existed a masked copy, from their stored redaction seconds.

    Only rows whose ``audio_path`` is not already a masked copy are considered, and only a
    recording inside ``roots`` (resolved, links followed; ``transcription.paths``) is read. A call
    transcribed by the project (its stored document has no ``audio``) is masked from its stored
    redactions (and whole turns where a redaction has no seconds); a record that came with its own
    turns has no word timestamps and stays unplayable. Refused rows keep their old path, which is
    never served.
    """
    from transcription.audio import decode
    from transcription.errors import AudioError
    from transcription.paths import RecordingRefused, confine

    require(principal, Right.RETENTION)
    resolved = [r.resolve() for r in roots if r.is_dir()]
    result = MaskStoredResult()
    query = select(m.Interaction).where(m.Interaction.audio_path.is_not(None)).order_by(m.Interaction.id)
    for row in session.scalars(query.limit(limit) if limit else query):
        if stored_masked(row.audio_path) is not None:
            continue
        if isinstance(row.document, dict) and row.document.get("audio"):
            result.unmaskable.append(row.source_id)
            continue
        try:
            source = confine(row.audio_path, row.source_file or "/", resolved)
            audio = decode(source)
        except (RecordingRefused, AudioError):
            result.refused.append(row.source_id)
            continue
        turns = [(t.start, t.end) for t in sorted(row.turns, key=lambda t: t.idx)]
        timed = session.execute(select(m.Redaction.start, m.Redaction.end, m.Redaction.turn)
                                .where(m.Redaction.interaction_id == row.id)).all()  # fmt: skip
        spans = spans_from([tuple(r) for r in timed], turns, audio.duration, mask_margin())
        stored = store_masked(audio, spans, recording_key(row.source_id, source), source=source)
        row.audio_path, row.original_audio_path = stored.masked_path, stored.original_path
        result.masked.append(row.source_id)
    counts = {"masked": len(result.masked), "refused": len(result.refused), "unmaskable": len(result.unmaskable)}
    audit.record(session, principal, "recording.mask_stored", "interaction", "*", counts)
    return result
