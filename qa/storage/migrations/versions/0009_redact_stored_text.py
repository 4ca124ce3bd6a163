"""Redact text stored before every channel was redacted at ingest (issue 12).

Chats, SMS and e-mails ingested before this revision were stored in clear, and transcripts were
redacted by a less precise redactor. This data migration runs the current redactor
(``transcription.redaction``) over every stored turn; where a turn changes it rewrites, in place:
the turn's text, the turn in the canonical document (and, for text channels, the content hash
computed from it), the spans and quotes of the interaction's findings and the spans of its earlier
masks (shifted by the new masks before them), and records each new mask as a ``redactions`` row
(``source`` "text"). Failed-item reasons are redacted too. On SQLite, ``secure_delete`` is switched
on first, so the replaced text is overwritten in the file rather than left in free pages.

Redacting twice changes nothing, so running this on already-masked data is a no-op. There is no
downgrade: the clear text is gone.

Revision ID: 0009
Revises: 0008
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 500

interactions = sa.table("interactions", sa.column("id"), sa.column("document", sa.JSON()), sa.column("content_hash"))
turns = sa.table("turns", sa.column("id"), sa.column("interaction_id"), sa.column("idx"), sa.column("text"))
findings = sa.table(
    "findings",
    sa.column("id"),
    sa.column("interaction_id"),
    sa.column("turn"),
    sa.column("span_start"),
    sa.column("span_end"),
    sa.column("evidence"),
)
redactions = sa.table(
    "redactions",
    sa.column("id"),
    sa.column("interaction_id"),
    sa.column("turn"),
    sa.column("span_start"),
    sa.column("span_end"),
    sa.column("kind"),
    sa.column("source"),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
ingest_errors = sa.table("ingest_errors", sa.column("id"), sa.column("reason"))


def _shift(masks, pos: int | None, end: bool) -> int | None:
    """Where offset ``pos`` of the old text lies in the new one (inside a new mask: at its edge)."""
    if pos is None:
        return None
    delta = 0
    for mask in masks:
        (a, b), (na, nb) = mask.source_span, mask.span
        if b <= pos:
            delta += (nb - na) - (b - a)
        elif a < pos < b:
            return nb if end else na
    return pos + delta


def _content_hash(document: dict) -> str:
    # The same formula as qa.ingest.sources.content_hash for a record without a transcribed recording.
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _redact_interaction(bind, pk: int, document: dict, rows: list, redact_turns) -> None:
    redacted = redact_turns([text for _id, _idx, text in rows])
    changed = {idx: (tid, text, masks) for (tid, idx, _old), (text, masks) in zip(rows, redacted, strict=True) if masks}
    if not changed:
        return
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC there (qa.storage.types.UTCDateTime)
    for idx, (tid, text, masks) in changed.items():
        bind.execute(turns.update().where(turns.c.id == tid).values(text=text))
        for mask in masks:
            bind.execute(
                redactions.insert().values(
                    interaction_id=pk, turn=idx, span_start=mask.span[0], span_end=mask.span[1], kind=mask.kind,
                    source="text", created_at=now,
                )
            )  # fmt: skip
    new_by_idx = {idx: masks for idx, (_tid, _text, masks) in changed.items()}
    for fid, turn, start, end, evidence in bind.execute(
        sa.select(findings.c.id, findings.c.turn, findings.c.span_start, findings.c.span_end, findings.c.evidence).where(
            findings.c.interaction_id == pk
        )
    ):
        if turn in new_by_idx:
            masks = new_by_idx[turn]
            start, end = _shift(masks, start, False), _shift(masks, end, True)
            text = changed[turn][1]
            quote = text[start:end] if start is not None and end is not None else evidence
            bind.execute(findings.update().where(findings.c.id == fid).values(span_start=start, span_end=end, evidence=quote))
    for rid, turn, start, end in bind.execute(
        sa.select(redactions.c.id, redactions.c.turn, redactions.c.span_start, redactions.c.span_end).where(
            redactions.c.interaction_id == pk, redactions.c.source != "text"
        )
    ):
        if turn in new_by_idx:
            masks = new_by_idx[turn]
            bind.execute(
                redactions.update()
                .where(redactions.c.id == rid)
                .values(span_start=_shift(masks, start, False), span_end=_shift(masks, end, True))
            )
    document = dict(document)
    doc_turns = list(document.get("turns") or [])
    for idx, (_tid, text, _masks) in changed.items():
        if idx < len(doc_turns) and isinstance(doc_turns[idx], dict):
            doc_turns[idx] = {**doc_turns[idx], "text": text}
    document["turns"] = doc_turns
    values = {"document": document}
    if "audio" not in document:
        values["content_hash"] = _content_hash(document)
    bind.execute(interactions.update().where(interactions.c.id == pk).values(**values))


def upgrade() -> None:
    from transcription.redaction import redact_text, redact_turns

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("PRAGMA secure_delete = ON")
    last = 0
    while True:
        batch = bind.execute(
            sa.select(interactions.c.id, interactions.c.document)
            .where(interactions.c.id > last)
            .order_by(interactions.c.id)
            .limit(_BATCH)
        ).all()
        if not batch:
            break
        ids = [pk for pk, _doc in batch]
        by_interaction: dict[int, list] = {pk: [] for pk in ids}
        for tid, iid, idx, text in bind.execute(
            sa.select(turns.c.id, turns.c.interaction_id, turns.c.idx, turns.c.text)
            .where(turns.c.interaction_id.in_(ids))
            .order_by(turns.c.interaction_id, turns.c.idx)
        ):
            by_interaction[iid].append((tid, idx, text))
        for pk, document in batch:
            if by_interaction[pk]:
                doc = document if isinstance(document, dict) else json.loads(document)
                _redact_interaction(bind, pk, doc, by_interaction[pk], redact_turns)
        last = ids[-1]
    for eid, reason in bind.execute(sa.select(ingest_errors.c.id, ingest_errors.c.reason)).all():
        masked = redact_text(reason or "")
        if masked != (reason or ""):
            bind.execute(ingest_errors.update().where(ingest_errors.c.id == eid).values(reason=masked))


def downgrade() -> None:
    # The clear text is gone; there is nothing to restore.
    pass
