"""``bulk_insert`` (the ingest write path) stores exactly what SQLAlchemy's own insert stores."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import insert, select, text

from qa.storage import models as m
from qa.storage.repository import bulk_insert


def _rows(prefix: str, now: datetime) -> list[dict]:
    lima = timezone(timedelta(hours=-5))
    return [
        {
            "source_id": f"{prefix}-{n}",
            "content_hash": hashlib.sha256(f"{prefix}-{n}".encode()).hexdigest(),
            "channel": "chat" if n % 2 else "call",
            "direction": "outbound",
            "started_at": datetime(2026, 3, 1, 8 + n, 30, tzinfo=lima),
            "utc_offset_minutes": -300,
            "local_date": date(2026, 3, 1),
            "jurisdiction": "PE",
            "duration_seconds": None if n % 2 else 61.5,
            "requested_by_consumer": bool(n % 2),
            "document": {"id": f"doc-{n}", "turns": [{"speaker": "agent", "text": "Buenos días, ¿señora Núñez?"}]},
            "ingested_at": now,  # the same object in every row, as in a real batch
        }
        for n in range(3)
    ]


_COLUMNS = "source_id, started_at, local_date, duration_seconds, requested_by_consumer, document, ingested_at, turn_count"


def _stored(session, prefix: str) -> list[tuple]:
    i = m.Interaction
    stmt = select(*(i.__table__.c[c] for c in _COLUMNS.split(", "))).where(i.source_id.like(f"{prefix}-%"))
    return [tuple(row) for row in session.execute(stmt.order_by(i.source_id))]


def _raw(session, prefix: str) -> list[tuple]:
    """The values as the database driver returns them (SQLite: the stored text itself)."""
    sql = f"SELECT {_COLUMNS} FROM interactions WHERE source_id LIKE :p ORDER BY source_id"
    return [tuple(row)[1:] for row in session.execute(text(sql), {"p": f"{prefix}-%"})]


def test_bulk_insert_matches_sqlalchemy_insert(db):
    now = datetime(2026, 3, 2, 12, 0, 0, 123456, tzinfo=UTC)
    with db.session() as s:
        s.execute(insert(m.Interaction.__table__), _rows("core", now))
        bulk_insert(s, m.Interaction.__table__, _rows("bulk", now))
    with db.session() as s:
        core, bulk = _stored(s, "core"), _stored(s, "bulk")
        assert _raw(s, "bulk") == _raw(s, "core")
    assert [r[1:] for r in bulk] == [r[1:] for r in core]
    assert bulk[0][1] == datetime(2026, 3, 1, 13, 30, tzinfo=UTC)  # 08:30 in Lima, stored and read back as UTC
    assert [r[3] for r in bulk] == [61.5, None, 61.5]
    assert bulk[0][5]["turns"][0]["text"] == "Buenos días, ¿señora Núñez?"
    assert [r[7] for r in bulk] == [0, 0, 0]  # a column left out gets its declared default


def test_bulk_insert_accepts_rows_with_different_keys(db):
    now = datetime(2026, 3, 2, tzinfo=UTC)
    rows = _rows("mixed", now)
    del rows[1]["duration_seconds"]
    with db.session() as s:
        bulk_insert(s, m.Interaction.__table__, rows)
    with db.session() as s:
        assert [r[0] for r in _stored(s, "mixed")] == ["mixed-0", "mixed-1", "mixed-2"]
