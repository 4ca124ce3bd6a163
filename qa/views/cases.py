"""Case counts for the overview (the case workflow itself is :mod:`qa.workflow`)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa.storage.workflow_models import Case


def open_case_counts(session: Session) -> dict[str, int]:
    """Open cases, and how many of them are under legal hold."""
    total, held = session.execute(
        select(func.count(), func.count().filter(Case.legal_hold.is_(True))).where(Case.status == "open")
    ).one()
    return {"open": int(total or 0), "held": int(held or 0)}
