"""Daily roll-ups behind the Overview and Rules pages (tables and triggers of migration 0004).

Triggers append to ``rollup_changes`` every local day whose interactions, scores or findings
change, in the writer's own transaction. :func:`refresh` recomputes the roll-up rows of those
days from the base tables and removes the marks it read; a day marked again meanwhile keeps
its newer mark and is recomputed at the next refresh. The aggregates are the same as querying
the base tables directly (``tests/storage/test_rollups.py`` checks that after every kind of
write), at a cost proportional to the days changed instead of the whole history.

Ingest and rescan refresh when they finish; the dashboards refresh before reading (a no-op
when nothing changed), so a confirmed or dismissed finding shows at once.

Concurrency: on PostgreSQL, refreshes take a transaction-level advisory lock, so two never
rebuild the same day at once. On SQLite, writers are serialised and a refresh whose snapshot
is older than another writer's commit cannot commit at all (``SQLITE_BUSY``);
:func:`refresh_quietly` treats that as "someone else is writing" and leaves the marks for the
next refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Integer, Select, cast, delete, func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.batching import chunks
from qa.storage.engine import Database

log = logging.getLogger(__name__)

#: Key of the PostgreSQL advisory lock that serialises refreshes.
ADVISORY_LOCK = 0x51A_0_4011
_DAYS_PER_STATEMENT = 60


def aggregates(days: Sequence[date] | None = None) -> dict[type[m.Base], Select]:
    """Per roll-up table, the aggregate of the base tables that fills it (``days``: only those days).

    Each query's columns are the table's columns in declaration order, less ``id``.
    """
    i, s, f = m.Interaction, m.Score, m.Finding
    where = [i.local_date.in_(days)] if days is not None else []
    keys = (i.local_date, i.agent_id, i.team_id)
    active = f.active.is_(True)
    return {
        m.RollupContacts: select(*keys, i.jurisdiction, func.count()).where(*where).group_by(*keys, i.jurisdiction),
        m.RollupScores: select(
            *keys,
            i.jurisdiction,
            s.scorecard,
            func.count(),
            func.sum(s.score),
            func.sum(cast(s.passed, Integer)),
            func.sum(cast(s.auto_failed, Integer)),
        )
        .join(s, s.interaction_id == i.id)
        .where(*where)
        .group_by(*keys, i.jurisdiction, s.scorecard),
        m.RollupFindings: select(*keys, i.jurisdiction, f.family, f.severity, func.count())
        .join(f, f.interaction_id == i.id)
        .where(*where, active)
        .group_by(*keys, i.jurisdiction, f.family, f.severity),
        # An interaction has one day, agent and team, so distinct interactions per group add up exactly.
        m.RollupRuleHits: select(
            *keys,
            f.rule_id,
            func.count().filter(active),
            func.count(func.distinct(f.interaction_id)).filter(active),
            func.count().filter(f.active.is_(False)),
        )
        .join(f, f.interaction_id == i.id)
        .where(*where)
        .group_by(*keys, f.rule_id),
    }


def _rebuild(session: Session, days: Sequence[date]) -> None:
    """Replace the roll-up rows of ``days`` with aggregates of the base tables."""
    for table, query in aggregates(days).items():
        session.execute(delete(table).where(table.local_date.in_(days)))
        columns = [c.key for c in table.__table__.c if c.key != "id"]
        session.execute(insert(table).from_select(columns, query))


def refresh(session: Session, *, everything: bool = False) -> int:
    """Recompute the days marked changed (every stored day with ``everything``); return how many days."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))
    marks = session.execute(select(m.RollupChange.id, m.RollupChange.local_date)).all()
    changed = {d for _, d in marks}
    if everything:
        changed |= set(session.scalars(select(m.Interaction.local_date).distinct()))
        changed |= set(session.scalars(select(m.RollupContacts.local_date).distinct()))  # days since emptied
    days = sorted(changed)
    for part in chunks(days, _DAYS_PER_STATEMENT):
        _rebuild(session, part)
    ids = [pk for pk, _ in marks]
    for part in chunks(ids):
        session.execute(delete(m.RollupChange).where(m.RollupChange.id.in_(part)))
    return len(days)


def refresh_quietly(db: Database) -> int | None:
    """Refresh in a transaction of its own; ``None`` when a concurrent writer made SQLite refuse (retried next time)."""
    try:
        with db.session() as session:
            return refresh(session)
    except OperationalError as exc:
        if db.backend != "sqlite":
            raise
        log.info("roll-up refresh skipped, a concurrent write holds the database: %s", exc)
        return None


def stale_days(session: Session) -> int:
    """How many days are marked changed and not yet refreshed."""
    return session.scalar(select(func.count(func.distinct(m.RollupChange.local_date)))) or 0
