"""Call outcomes at rest: computed at ingest beside the findings, recomputed by ``qa rescan`` (issue 17).

An outcome row records the version that computed it: the scanner's version (rule packs, lexicons,
learned models) and the consumer-turn model's file digest. ``refresh_outcomes`` (run at the end of
``qa rescan``) recomputes every row whose version differs from the current one and adds the rows
missing (interactions stored before migration 0011, or by a scanner without dialogue state).

Extraction needs the bundled scanner's dialogue state (``compliance_rules.Scanner``); with another
scanner (a ``QA_SCANNER`` test double) ingest stores no outcome rows and says nothing: the next
``qa rescan`` with the bundled scanner fills them. One interaction whose extraction fails is left
without a row (and retried by the next refresh); it never fails the batch.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from qa.domain import Interaction
from qa.scanner import ContextScanner, Scanner
from qa.storage import models as m
from qa.storage.engine import Database
from qa.storage.outcome_models import OutcomeRow
from qa.storage.repository import bulk_insert
from qa.storage.types import utcnow

log = logging.getLogger(__name__)

_META = ("agent_id", "team_id", "account_id", "local_date", "started_at")


@dataclass
class Extractor:
    scanner: ContextScanner
    reader: Any
    version: str

    def extract(self, interactions: Sequence[Interaction]) -> dict[str, Any]:
        """Outcome per interaction id; an interaction whose extraction fails is left out (logged)."""
        from compliance_rules.context import build_context
        from compliance_rules.outcomes.extract import extract_outcome

        found: dict[str, Any] = {}
        for interaction in interactions:
            if not interaction.turns:
                continue
            try:
                ctx = build_context(interaction, self.scanner.lexicons, self.scanner.reader)
                found[interaction.id] = extract_outcome(ctx, self.reader, self.scanner.lexicons)
            except Exception as exc:  # noqa: BLE001 - one bad interaction never fails the batch
                log.warning("outcome extraction failed for %s: %s: %s", interaction.id, type(exc).__name__, exc)
        return found


_READERS: dict[str, tuple[Any, str]] = {}
_EXTRACTORS: dict[int, Extractor] = {}


def _consumer_reader() -> tuple[Any, str]:
    """The consumer-turn model (loaded once per process) and its file's digest."""
    if "default" not in _READERS:
        from compliance_rules.learned.consumer import ConsumerReader

        reader = ConsumerReader.load()
        digest = hashlib.sha256(reader.model.path.read_bytes()).hexdigest()[:12]
        _READERS["default"] = (reader, digest)
    return _READERS["default"]


def extractor_for(scanner: Scanner | None) -> Extractor | None:
    """An extractor on ``scanner`` when it is a bundled scanner (dialogue state and lexicons), else ``None``."""
    if not isinstance(scanner, ContextScanner):
        return None
    cached = _EXTRACTORS.get(id(scanner))
    if cached is not None and cached.scanner is scanner:
        return cached
    try:
        reader, digest = _consumer_reader()
    except Exception as exc:  # noqa: BLE001 - a missing or unchecked model costs the outcomes, never the ingest
        log.warning("no call outcomes: the consumer-turn model cannot be loaded: %s", exc)
        return None
    extractor = Extractor(scanner, reader, f"{str(scanner.version)[:120]}+consumer-{digest}")
    _EXTRACTORS.clear()
    _EXTRACTORS[id(scanner)] = extractor
    return extractor


def outcome_row(pk: int, meta: dict[str, Any], outcome: Any, version: str, now: datetime) -> dict[str, Any]:
    promise = outcome.promise_to_pay
    return {
        "interaction_id": pk,
        "version": version,
        **{k: meta[k] for k in _META},
        "contact": outcome.contact,
        "promise": promise is not None,
        "promise_amount": promise.amount if promise else None,
        "promise_currency": promise.currency if promise else None,
        "promise_due": promise.due_date if promise else None,
        "promise_turn": promise.turn if promise else None,
        "refusal": outcome.refusal,
        "dispute": outcome.dispute,
        "hardship": outcome.hardship,
        "callback_at": outcome.callback_at if outcome.callback_at and outcome.callback_at.utcoffset() is not None else None,
        "promise_status": "pending" if promise is not None else None,
        "paid_amount": None,
        "status_at": None,
        "computed_at": now,
    }


def record_outcomes(
    session: Session,
    pks: Sequence[int],
    rows: Sequence[dict[str, Any]],
    interactions: Sequence[Interaction],
    scanner: Scanner | None = None,
) -> int:
    """Store the outcomes of newly stored interactions (the ingest hook in ``repository.store_interactions``).

    ``rows``: the interactions' stored rows (agent, team, account, local day, start). ``scanner``: default,
    the ingest scanner of this process (``qa.ingest.worker``). Returns how many rows were stored.
    """
    if scanner is None:
        from qa.ingest.worker import _STATE

        scanner = _STATE.scanner
    extractor = extractor_for(scanner)
    if extractor is None or not pks:
        return 0
    found = extractor.extract(interactions)
    now = utcnow()
    out = [
        outcome_row(pk, row, found[i.id], extractor.version, now)
        for pk, row, i in zip(pks, rows, interactions, strict=True)
        if i.id in found
    ]
    bulk_insert(session, OutcomeRow.__table__, out)
    return len(out)


def _stale(session: Session, version: str, everything: bool, limit: int, after: int) -> list[tuple]:
    i, o = m.Interaction, OutcomeRow
    query = (
        select(i.id, i.document, *(getattr(i, k) for k in _META))
        .outerjoin(o, o.interaction_id == i.id)
        .where(i.id > after)
        .order_by(i.id)
        .limit(limit)
    )
    if not everything:
        query = query.where(or_(o.interaction_id.is_(None), o.version != version))
    return list(session.execute(query).all())


def refresh_outcomes(db: Database, scanner: Scanner | None, *, everything: bool = False, chunk: int = 500) -> int:
    """Recompute outcome rows missing or computed by another version (all rows with ``everything``); return how many.

    Promise standings of the accounts touched are evaluated again against the stored payments.
    """
    from qa.payments import evaluate_promises

    extractor = extractor_for(scanner)
    if extractor is None:
        return 0
    done, after = 0, 0
    while True:
        with db.session() as s:
            batch = _stale(s, extractor.version, everything, chunk, after)
            if not batch:
                break
            after = batch[-1][0]
            interactions, metas, pks = [], [], []
            for pk, document, *meta in batch:
                try:
                    interactions.append(Interaction.model_validate(document))
                except ValueError as exc:
                    log.warning("stored interaction #%s cannot be read: %s", pk, exc)
                    continue
                pks.append(pk)
                metas.append(dict(zip(_META, meta, strict=True)))
            found = extractor.extract(interactions)
            now = utcnow()
            rows = [
                outcome_row(pk, meta, found[i.id], extractor.version, now)
                for pk, meta, i in zip(pks, metas, interactions, strict=True)
                if i.id in found
            ]
            s.execute(delete(OutcomeRow).where(OutcomeRow.interaction_id.in_([r["interaction_id"] for r in rows])))
            bulk_insert(s, OutcomeRow.__table__, rows)
            accounts = sorted({r["account_id"] for r in rows if r["account_id"] is not None})
            if accounts:
                evaluate_promises(s, account_ids=accounts)
            done += len(rows)
    return done
