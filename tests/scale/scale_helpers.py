"""What an ingest stored, as plain comparable values: database ids and timestamps left out, references by natural key."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from qa.storage import models as m
from qa.storage.engine import Database

#: Columns that differ between two runs storing the same thing (surrogate keys, wall-clock times, run ids).
VOLATILE = {"id", "ingest_run_id", "run_id", "scan_run_id", "resolved_by_run_id", "ingested_at", "scanned_at", "computed_at"}
VOLATILE |= {"raised_at", "dropped_at", "created_at", "resolved_at"}


def _value(value: Any) -> str:
    """One text form per value whatever the backend (PostgreSQL reorders JSON keys, SQLite drops time zones)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return repr(value)


def _rows(session, model) -> list[dict[str, Any]]:
    return [{c.name: getattr(row, c.key) for c in model.__table__.columns} for row in session.scalars(select(model))]


def snapshot(db: Database) -> dict[str, Any]:
    """Interactions, turns, findings (with events), scores, redactions and input errors, comparable across databases."""
    with db.session() as s:
        codes = {
            "agent_id": {r.id: r.code for r in s.scalars(select(m.Agent))},
            "team_id": {r.id: r.code for r in s.scalars(select(m.Team))},
            "account_id": {r.id: r.code for r in s.scalars(select(m.Account))},
            "interaction_id": dict(s.execute(select(m.Interaction.id, m.Interaction.source_id)).all()),
        }
        findings = {f.id: (codes["interaction_id"][f.interaction_id], f.fingerprint) for f in s.scalars(select(m.Finding))}
        codes["finding_id"] = findings

        def plain(model, drop=()) -> list[tuple]:
            out = []
            for row in _rows(s, model):
                values = {k: codes[k][v] if k in codes and v is not None else v for k, v in row.items()}
                out.append(tuple(sorted((k, _value(v)) for k, v in values.items() if k not in VOLATILE and k not in drop)))
            return sorted(out)

        return {
            "interactions": plain(m.Interaction),
            "turns": plain(m.Turn),
            "findings": plain(m.Finding),
            "finding_events": plain(m.FindingEvent, drop={"at"}),
            "scores": plain(m.Score),
            "redactions": plain(m.Redaction),
            "ingest_errors": plain(m.IngestError),
        }
