"""Retention tombstones: what retention purged is not stored again unless an admin lifts the tombstone.

Every ``retention_deletions`` row (written by :func:`qa.workflow.retention.apply_retention`) is a
tombstone for its source id and its content hash. Ingest refuses such a record before it is
scanned (``qa.ingest.batches.check_stored``, with :func:`live_tombstones`): it is a failed item of
the run with file, line, id and :data:`REASON`, never counted as stored. :func:`drop_tombstoned`,
called by ``qa.storage.repository.store_interactions`` just before interactions are inserted, is
the last guard for every other caller: an item whose id or content hash matches a tombstone not
yet lifted is left out, logged, and recorded as an ``ingest_errors`` row of the run (when there is
one) with the reason. :func:`lift` (``qa retention
lift``, admin) marks the tombstones of an id or hash as lifted, with an audit-log entry, after which
the interaction can be ingested again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.types import utcnow
from qa.storage.workflow_models import RetentionDeletion
from qa.workflow import audit
from qa.workflow.access import Principal, Right, require
from qa.workflow.errors import InvalidRequest, NotFound

if TYPE_CHECKING:
    from qa.storage.repository import StoredInteraction

log = logging.getLogger(__name__)
REASON = "purged by retention (tombstone); an admin may lift it: qa retention lift / purgada por retención (lápida)"
_CHUNK = 500


@dataclass(frozen=True)
class Tombstone:
    id: int
    source_id: str
    content_hash: str
    run_id: int
    lifted_at: object | None
    lifted_by: str | None


def live_tombstones(session: Session, source_ids: Sequence[str], hashes: Sequence[str]) -> tuple[set[str], set[str]]:
    """Return the source ids and content hashes, among those given, that a live (not lifted) tombstone names."""
    ids: set[str] = set()
    digests: set[str] = set()
    d = RetentionDeletion
    for start in range(0, max(len(source_ids), len(hashes)), _CHUNK):
        part_ids, part_hashes = list(source_ids[start : start + _CHUNK]), list(hashes[start : start + _CHUNK])
        rows = session.execute(
            select(d.source_id, d.content_hash).where(
                d.lifted_at.is_(None), or_(d.source_id.in_(part_ids), d.content_hash.in_(part_hashes))
            )
        )
        for source_id, digest in rows:
            ids.add(source_id)
            digests.add(digest)
    return ids, digests


def any_live(session: Session) -> bool:
    """Whether any tombstone is live (one cheap indexed lookup; the table is usually empty)."""
    return session.scalar(select(RetentionDeletion.id).where(RetentionDeletion.lifted_at.is_(None)).limit(1)) is not None


def drop_tombstoned(session: Session, items: list[StoredInteraction], run_id: int | None = None) -> list[StoredInteraction]:
    """Return ``items`` without those whose source id or content hash a live tombstone names."""
    if not items:
        return items
    # One query per batch; an empty table (the usual case) costs one cheap indexed lookup.
    if not any_live(session):
        return items
    ids, digests = live_tombstones(session, [i.interaction.id for i in items], [i.content_hash for i in items])
    if not ids and not digests:
        return items
    kept, dropped = [], []
    for item in items:
        (dropped if item.interaction.id in ids or item.content_hash in digests else kept).append(item)
    for item in dropped:
        log.warning("not stored, purged by retention: %s (%s)", item.interaction.id, item.content_hash)
        if run_id is not None:
            session.add(
                m.IngestError(run_id=run_id, source_file=item.source_file or "-", source_line=item.source_line,
                              record_id=item.interaction.id[:255], reason=REASON)
            )  # fmt: skip
    return kept


def list_tombstones(session: Session, principal: Principal, *, include_lifted: bool = False, limit: int = 200) -> list[Tombstone]:
    require(principal, Right.RETENTION)
    stmt = select(RetentionDeletion).order_by(RetentionDeletion.id.desc()).limit(limit)
    if not include_lifted:
        stmt = stmt.where(RetentionDeletion.lifted_at.is_(None))
    return [Tombstone(d.id, d.source_id, d.content_hash, d.run_id, d.lifted_at, d.lifted_by) for d in session.scalars(stmt)]


def lift(session: Session, principal: Principal, *, source_id: str | None = None, content_hash: str | None = None,
         reason: str) -> int:  # fmt: skip
    """Lift the live tombstones of a source id and/or content hash (admin, audited); return how many."""
    require(principal, Right.RETENTION)
    if not (source_id or content_hash):
        raise InvalidRequest("give an interaction id or a content hash / indique un id de interacción o un hash")
    if not reason.strip():
        raise InvalidRequest("lifting a tombstone needs a reason / levantar una lápida necesita un motivo")
    d = RetentionDeletion
    match = []
    if source_id:
        match.append(d.source_id == source_id)
    if content_hash:
        match.append(d.content_hash == content_hash)
    rows = session.scalars(select(d).where(d.lifted_at.is_(None), or_(*match))).all()
    if not rows:
        raise NotFound("no live tombstone matches / ninguna lápida activa coincide")
    now = utcnow()
    for row in rows:
        row.lifted_at, row.lifted_by = now, principal.username
    audit.record(session, principal, "retention.lift", "tombstone", ",".join(str(r.id) for r in rows)[:255],
                 {"source_ids": sorted({r.source_id for r in rows}), "content_hashes": sorted({r.content_hash for r in rows}),
                  "reason": reason})  # fmt: skip
    session.flush()
    return len(rows)
