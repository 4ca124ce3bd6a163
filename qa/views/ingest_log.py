"""Ingest runs and their per-file errors, newest first."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qa.storage import models as m


def ingest_runs(session: Session, limit: int = 20) -> pd.DataFrame:
    r = m.IngestRun
    stmt = select(r.id, r.kind, r.status, r.started_at, r.finished_at, r.seen, r.stored, r.duplicates, r.failed, r.paths)
    rows = session.execute(stmt.order_by(r.id.desc()).limit(limit)).all()
    columns = ["run", "kind", "status", "started_at", "finished_at", "seen", "stored", "duplicates", "failed", "paths"]
    return pd.DataFrame(rows, columns=columns)


def ingest_errors(session: Session, run_id: int | None = None, limit: int = 200) -> pd.DataFrame:
    e = m.IngestError
    stmt = select(e.run_id, e.source_file, e.source_line, e.record_id, e.reason, e.resolved_at).order_by(e.id.desc())
    if run_id is not None:
        stmt = stmt.where(e.run_id == run_id)
    rows = session.execute(stmt.limit(limit)).all()
    return pd.DataFrame(rows, columns=["run", "file", "line", "record_id", "reason", "resolved_at"])
