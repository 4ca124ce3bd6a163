"""Optimistic locking for a row that carries a ``version``: the one write path of reviews and care checks.

A reader shows version ``n``; the writer states it back. Version 0 means "no row yet": the row is
inserted as version 1, and a concurrent first write fails on the primary key. Any other version
is an update guarded by ``version = n``; a row changed meanwhile matches nothing. Either way the
caller's ``conflict`` is raised and the caller's transaction is rolled back as a whole.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def write_versioned(
    session: Session,
    model: type,
    key: dict[str, Any],
    expected_version: int,
    values: dict[str, Any],
    conflict: Exception,
    exists: bool,
) -> int:
    """Write ``values`` to the row of ``model`` at ``key`` if it is still at ``expected_version``; the new version."""
    if expected_version == 0:
        if exists:
            raise conflict
        try:
            session.add(model(**key, version=1, **values))
            session.flush()
        except IntegrityError:
            raise conflict from None
        return 1
    table = model.__table__
    result = session.execute(
        update(table)
        .where(*(table.c[name] == value for name, value in key.items()), table.c.version == expected_version)
        .values(version=table.c.version + 1, **values)
    )
    if result.rowcount != 1:
        raise conflict
    return expected_version + 1
