"""Append-only, hash-chained audit log.

Each entry's ``hash`` is the SHA-256 of the previous entry's hash and the entry's own fields
(canonical JSON), so editing an entry breaks its hash, and deleting one breaks the link of the
next; the ``audit_head`` row holds the last sequence number and hash, so deleting the newest
entries is caught too; cutting off the newest entries *and* rewinding the head is caught by an
anchor kept outside the database (:func:`anchor`, ``qa audit anchor``). Appending updates the
head row first, which takes a write lock on both SQLite and PostgreSQL: concurrent writers queue
instead of forking the chain.

Entries are written in the caller's transaction, so an action and its audit entry commit or
roll back together. Actions: ``review``, ``dispute.open``, ``dispute.decide``,
``calibration.*``, ``coaching.*``, ``case.*``, ``legal_hold.set``/``release``, ``export``,
``transcript.view_unredacted``, ``retention.apply``/``lift``, ``user.*``, ``auth.signin``/``failed``/``throttled``,
``audit.anchor``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qa.storage.types import utcnow
from qa.storage.workflow_models import AuditEntry, AuditHead
from qa.workflow.access import Principal, Right, require

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(
    seq: int, at: datetime, actor: str, role: str, action: str, object_type: str, object_id: str, details: str, prev: str
) -> str:
    body = canonical([seq, at.isoformat(timespec="microseconds"), actor, role, action, object_type, object_id, details, prev])
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    session: Session,
    principal: Principal,
    action: str,
    object_type: str,
    object_id: object,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction and return it."""
    head_table = AuditHead.__table__
    # Taking the write lock first (UPDATE) serialises appenders on both databases.
    bumped = session.execute(update(head_table).where(head_table.c.id == 1).values(seq=head_table.c.seq + 1))
    if bumped.rowcount == 0:
        session.execute(head_table.insert().values(id=1, seq=1, hash=GENESIS))
    head = session.execute(select(head_table.c.seq, head_table.c.hash).where(head_table.c.id == 1)).one()
    seq, prev = head.seq, head.hash
    at = utcnow()
    text = canonical(details or {})
    digest = entry_hash(seq, at, principal.username, str(principal.role), action, object_type, str(object_id), text, prev)
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=principal.username,
        role=str(principal.role),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=text,
        prev_hash=prev,
        hash=digest,
    )
    session.add(entry)
    session.execute(update(head_table).where(head_table.c.id == 1).values(hash=digest))
    session.flush()
    return entry


@dataclass
class AuditVerification:
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    problems: list[str] = field(default_factory=list)


def verify(session: Session, principal: Principal | None = None, *, anchor_text: str | None = None) -> AuditVerification:
    """Walk the chain from the first entry; report every broken hash, link, gap and a missing tail.

    With ``anchor_text`` (a line from :func:`anchor`), also check that the anchored entry is still there, unchanged.
    """
    if principal is not None:
        require(principal, Right.AUDIT)
    problems: list[str] = []
    prev, expected_seq, count = GENESIS, 1, 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    for e in rows:
        count += 1
        if e.seq != expected_seq:
            problems.append(f"entry {expected_seq} is missing (next is {e.seq}) / falta la entrada {expected_seq}")
        if e.prev_hash != prev:
            problems.append(f"entry {e.seq}: link to the previous entry broken / enlace con la entrada anterior roto")
        digest = entry_hash(e.seq, e.at, e.actor, e.role, e.action, e.object_type, e.object_id, e.details, e.prev_hash)
        if digest != e.hash:
            problems.append(f"entry {e.seq}: contents do not match its hash (edited) / contenido alterado")
        prev, expected_seq = e.hash, e.seq + 1
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one_or_none()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != prev:
        problems.append(
            f"chain ends at entry {expected_seq - 1} but the head records entry {head_seq}: newest entries deleted "
            f"or head altered / la cadena termina en {expected_seq - 1} y la cabecera indica {head_seq}"
        )
    if anchor_text is not None:
        problems.extend(check_anchor(session, anchor_text))
    return AuditVerification(not problems, count, head_seq, head_hash, problems)


ANCHOR_FORMAT = "qa-audit-anchor/1"


def anchor(session: Session, principal: Principal) -> str:
    """Return the current head as one line to keep outside the database (a file, a ticket); audited.

    ``qa-audit-anchor/1 seq=N hash=H at=ISO``: whoever later holds this line can tell whether entry
    N still exists with hash H, which catches the newest entries being cut off together with the head.
    """
    require(principal, Right.AUDIT)
    row = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one_or_none()
    seq, digest = (row.seq, row.hash) if row else (0, GENESIS)
    line = f"{ANCHOR_FORMAT} seq={seq} hash={digest} at={utcnow().isoformat(timespec='seconds')}"
    record(session, principal, "audit.anchor", "audit_log", seq, {"hash": digest})
    return line


def parse_anchor(text: str) -> tuple[int, str]:
    """Return (seq, hash) from an anchor line; ValueError when it is not one."""
    fields = dict(part.split("=", 1) for part in text.split() if "=" in part)
    if not text.strip().startswith(ANCHOR_FORMAT) or "seq" not in fields or "hash" not in fields:
        raise ValueError("not an audit anchor / no es un ancla de auditoría")
    seq, digest = int(fields["seq"]), fields["hash"]
    if seq < 0 or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("malformed audit anchor / ancla de auditoría mal formada")
    return seq, digest


def check_anchor(session: Session, text: str) -> list[str]:
    """Compare an anchor with the log: the anchored entry must still exist, unchanged, at or below the head."""
    try:
        seq, digest = parse_anchor(text)
    except ValueError as exc:
        return [str(exc)]
    if seq == 0:
        return [] if digest == GENESIS else ["anchor of an empty log with a non-genesis hash / ancla inválida"]
    stored = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq))
    head_seq = session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0
    problems = []
    if stored is None or head_seq < seq:
        problems.append(
            f"anchored entry {seq} is gone (head now {head_seq}): entries were cut off / "
            f"la entrada anclada {seq} ya no existe (cabecera {head_seq}): se borraron entradas"
        )
    elif stored != digest:
        problems.append(
            f"anchored entry {seq} has a different hash: the log was rewritten / "
            f"la entrada anclada {seq} tiene otro hash: el registro fue reescrito"
        )
    return problems


def entries(
    session: Session,
    principal: Principal,
    *,
    action: str | None = None,
    object_type: str | None = None,
    object_id: object | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Newest entries first; admin (audit right) and legal may read the log."""
    if not principal.can(Right.MANAGE_CASES):
        require(principal, Right.AUDIT)
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == str(object_id))
    return [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor,
            "role": e.role,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "details": json.loads(e.details),
            "hash": e.hash,
        }
        for e in session.execute(stmt).scalars()
    ]


__all__ = ["AuditVerification", "anchor", "check_anchor", "entries", "record", "verify"]
